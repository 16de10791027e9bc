"""The ``{% cache %}`` template tag: parts of pages kept between builds, keyed by what they show.

A new day changes the month page, the week page and the front page of most tags, which list thousands of papers
that did not change. Their items are kept and put together again instead of being rendered again::

    {% cache item.paper, item.day, item.rank %} ...the item's HTML... {% endcache %}

The values after ``cache`` must name everything the block shows (a paper stands for its slug and its content
file's hash, see :func:`generator.pages.describe`); the template and the place of the tag are part of the key.
The whole cache is dropped when the theme, the config or the generator changes, so only what varies from one
block to the next need be named.

A build that starts with none kept (a first build, or one after the theme, the config or the generator changed)
renders every page, and keeps only the blocks of pages new papers change (``Page.growing``: the newest week and
month, each tag's front page), which the next build renders again. The items of every old week, month and tag
page would be handed back by workers and saved (23 MB for 10,000 papers, against 2.5 MB), and most would never
be used again. Other builds keep every block they render.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeGuard

from jinja2 import Environment, Undefined, nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

from generator.output import load_cache, save_cache
from generator.pages import describe

# Builds a fragment no page used is kept for, once a build after the one that made it used it again: a build
# that renders other pages (an edit of an old day's) in between does not lose the items a new day uses every day.
# One not used again by the very next build is dropped: the page that made it is not one new days change.
KEEP_BUILDS = 3


class Fragments:
    """Rendered blocks by key, kept in ``path`` (for this build only without it), each with the numbers of the
    build that made it and of the last build that used it. A forked renderer hands what it made and used back
    with :meth:`take`; the process that keeps them takes those in with :meth:`adopt`."""

    def __init__(self, path: Path | None = None, version: str = "") -> None:
        self.path, self.version = path, version
        saved = load_cache(path, version) if path else None
        last, kept = saved if _valid(saved) else (0, {})
        self.build: int = last + 1
        self.kept: dict[str, tuple[str, int, int]] = kept  # key -> (html, build that made it, last build using it)
        self.made: dict[str, str] = {}
        self.reused: list[str] = []
        self.fresh = not kept  # so this build renders every page (see above)
        self.recording = True  # whether blocks rendered now are kept

    def get(self, key: str) -> str | None:
        found = self.kept.get(key)
        if found is None:
            return None
        if found[2] != self.build:
            self.kept[key] = (found[0], found[1], self.build)
            self.reused.append(key)
        return found[0]

    def begin_page(self, growing: bool) -> None:
        """Before a page is rendered: ``growing`` says whether new papers change it (see ``Page.growing``)."""
        self.recording = growing or not self.fresh

    def put(self, key: str, html: str) -> None:
        self.kept[key] = (html, self.build, self.build)
        self.made[key] = html

    def take(self) -> tuple[dict[str, str], list[str]]:
        """What was made, and which kept fragments were used for the first time, since the last take."""
        taken = self.made, self.reused
        self.made, self.reused = {}, []
        return taken

    def adopt(self, made: dict[str, str], reused: Sequence[str]) -> None:
        for key in reused:
            self.get(key)
        for key, html in made.items():
            self.put(key, html)

    def save(self) -> None:
        """Keep the fragments this build used, and those used again in the last ``KEEP_BUILDS`` builds; nothing
        is written if none was used."""
        build = self.build
        if self.path is None or not any(last == build for _, _, last in self.kept.values()):
            return
        kept = {key: value for key, value in self.kept.items() if _worth_keeping(value, build)}
        save_cache(self.path, (build, kept), self.version)


def _worth_keeping(fragment: tuple[str, int, int], build: int) -> bool:
    """Used by ``build``, or used again after the build that made it, and not long ago."""
    _, made, last = fragment
    return last == build or (made < last and last > build - KEEP_BUILDS)


def _valid(saved: object) -> TypeGuard[tuple[int, dict[str, tuple[str, int, int]]]]:
    return isinstance(saved, tuple) and len(saved) == 2 and isinstance(saved[0], int) and isinstance(saved[1], dict)


class FragmentCache(Extension):
    """The ``{% cache value, ... %}...{% endcache %}`` tag; its store is :attr:`fragments`."""

    tags = {"cache"}  # noqa: RUF012 (Jinja's own attribute)

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self.fragments = Fragments()
        self._tags_in: defaultdict[str, int] = defaultdict(int)  # per template, so that two on a line differ

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        if parser.name is None:  # the template's name is part of the key, so that two templates never share one
            parser.fail("{% cache %} is for templates loaded by name", lineno)
        values = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            values.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        self._tags_in[parser.name] += 1
        place = nodes.Const(f"{parser.name}:{lineno}:{self._tags_in[parser.name]}")
        call = self.call_method("_cached", [place, nodes.List(values)])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _cached(self, place: str, values: list[object], caller: Callable[[], str]) -> Markup:
        for value in values:
            if isinstance(value, Undefined):  # a misspelt name would give every item one key, and one HTML
                value._fail_with_undefined_error()
        parts = [place]
        describe(values, parts)
        key = "\x1f".join(parts)
        html = self.fragments.get(key)
        if html is None:
            html = str(caller())
            if self.fragments.recording:
                self.fragments.put(key, html)
        return Markup(html)  # the block's own output, escaped as it was rendered
