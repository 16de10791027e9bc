"""The ``{% cache %}`` template tag: parts of pages kept between builds, keyed by what they show.

A new day changes the month page, the week page and the front page of most tags, which list thousands of papers
that did not change. Their items are kept and put together again instead of being rendered again::

    {% cache item.paper, item.day, item.rank %} ...the item's HTML... {% endcache %}

The values after ``cache`` must name everything the block shows (a paper stands for its slug and its content
file's hash, see :func:`generator.pages.describe`); the template and the line of the tag are part of the key.
The whole cache is dropped when the theme, the config or the generator changes, so only what varies from one
block to the next need be named.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from jinja2 import Environment, nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

from generator.memo import Memo
from generator.pages import describe


class Fragments:
    """Rendered blocks by key, kept in a Memo; a forked renderer hands what it used and made back with
    :meth:`take`, and the process that keeps the memo takes them in with :meth:`adopt`."""

    def __init__(self, memo: Memo[str] | None = None) -> None:
        self.memo: Memo[str] = memo if memo is not None else Memo(None)
        self.made: dict[str, str] = {}
        self.reused: list[str] = []

    def get(self, key: str) -> str | None:
        html = self.memo.get(key)
        if html is not None:
            self.reused.append(key)
        return html

    def put(self, key: str, html: str) -> None:
        self.memo.put(key, html)
        self.made[key] = html

    def take(self) -> tuple[dict[str, str], list[str]]:
        """What was made and which kept fragments were used since the last take."""
        taken = self.made, self.reused
        self.made, self.reused = {}, []
        return taken

    def adopt(self, made: dict[str, str], reused: Sequence[str]) -> None:
        for key in reused:
            self.memo.get(key)  # so that it is kept
        for key, html in made.items():
            self.memo.put(key, html)

    def save(self) -> None:
        self.memo.save()


class FragmentCache(Extension):
    """The ``{% cache value, ... %}...{% endcache %}`` tag; its store is :attr:`fragments`."""

    tags = {"cache"}  # noqa: RUF012 (Jinja's own attribute)

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self.fragments = Fragments()

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        values = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            values.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        place = nodes.Const(f"{parser.name}:{lineno}")
        call = self.call_method("_cached", [place, nodes.List(values)])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _cached(self, place: str, values: list[object], caller: Callable[[], str]) -> Markup:
        parts = [place]
        describe(values, parts)
        key = "\x1f".join(parts)
        html = self.fragments.get(key)
        if html is None:
            html = str(caller())
            self.fragments.put(key, html)
        return Markup(html)  # the block's own output, escaped as it was rendered
