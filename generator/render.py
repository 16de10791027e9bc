"""Render planned pages to bytes: in worker processes when there are many, in this process otherwise.

Abstracts are rendered first, once each, in this process, and the page rendering that follows reuses them; with
several cores pages are split between forked workers, which inherit them instead of receiving copies.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator import forked
from generator.content import fingerprint
from generator.fragments import Fragments
from generator.memo import Memo
from generator.model import Paper
from generator.pages import Page
from generator.theme import Renderer
from generator.views import Listing

Progress = Callable[[str, int, int], None]  # (stage, done, total)

# Below this many pages, starting workers costs more than it saves.
PARALLEL_FROM = 300

# What rendering a page costs besides its lists, in list items: a rough fit of a day page of 70 papers (5.6 ms),
# a tag page of 53 (2.1 ms) and a month page of 2,000 (126 ms, about 60 us an item).
PAGE_WEIGHT = 15
_LISTS = (tuple, list, Listing)


def render_pages(
    renderer: Renderer,
    papers: Sequence[Paper],
    pages: Sequence[Page],
    progress: Progress | None = None,
    write_to: str | None = None,
    label: str = "render",
) -> list[bytes | None]:
    """The bytes of each page, in order; ``papers`` are those whose abstracts the pages show.

    With ``write_to`` (a fresh folder), each page is written there instead, by the process that rendered it,
    and None is returned for it: sending a large site's pages back to one process to write would cost more than
    writing them where they are made."""
    workers = forked.workers(len(pages), PARALLEL_FROM)
    if workers < 2:
        return [_output(renderer.render(page), page, write_to) for page in pages]
    # Abstracts are rendered here first, or each worker would render them again, and keep what it made. Not in
    # workers: sending 10,000 back cost more than it saved (a first build took 8.8 s instead of 9.2, in ten pairs).
    renderer.prime(renderer.unprimed(papers))
    renderer.fragments.take()  # what this process made is kept already: workers hand back only their own
    rendered: list[bytes | None] = []
    render_part = functools.partial(_render, renderer, write_to)
    parts = forked.weighted_chunks([_weight(page) for page in pages], workers * 8)
    with forked.parts_in_workers(render_part, pages, workers, parts) as done:
        for part, (made, reused) in done:
            rendered.extend(part)
            renderer.fragments.adopt(made, reused)
            if progress:
                progress(label, len(rendered), len(pages))
    return rendered


def _weight(page: Page) -> int:
    """About what rendering ``page`` costs, in list items (see ``PAGE_WEIGHT``). Every list counts as one of
    papers: a sitemap's paths weigh more than they cost, which only makes its part one of its own."""
    return PAGE_WEIGHT + sum(len(value) for value in page.context.values() if isinstance(value, _LISTS))


class TextCache:
    """The plain text of every abstract, kept between builds (by the paper's file hash).

    A new day changes the front page of most tags, and each shows 50 to 99 snippets of older papers: with their
    texts kept, rendering those pages needs no Markdown. The text of a prose abstract is the abstract itself;
    it is kept as ``SAME``, so the cache holds only the texts that differ (of 70 real abstracts, 6).
    """

    SAME = ""

    def __init__(self, path: Path, version: str) -> None:
        self.memo: Memo[str] = Memo(path, version)
        self._unknown: list[tuple[str, Paper]] = []  # (key, paper) of the papers whose text is not known yet

    def texts(self, papers: Iterable[Paper]) -> dict[str, str]:
        """Abstract -> text for the papers whose text is known."""
        known: dict[str, str] = {}
        self._unknown = []
        for paper in papers:
            key = _key(paper)
            text = self.memo.get(key)
            if text is None:
                self._unknown.append((key, paper))
            else:
                known[paper.abstract] = paper.abstract if text == self.SAME else text
        return known

    def save(self, texts: Mapping[str, str]) -> None:
        """Keep the texts of the papers :meth:`texts` was asked about (those of papers gone are dropped)."""
        for key, paper in self._unknown:
            text = texts.get(paper.abstract)
            if text == paper.abstract:
                self.memo.put(key, self.SAME, paper)
            elif text:  # an empty text of an abstract that is not empty would read as SAME: it is not kept
                self.memo.put(key, text, paper)
        self.memo.save()


def _key(paper: Paper) -> str:
    """The paper's content file hash, which covers its abstract: hashing 10,000 abstracts again took 0.03 s."""
    return paper.fingerprint or fingerprint(paper.abstract.encode("utf-8"))


def _render(
    renderer: Renderer, write_to: str | None, pages: Sequence[Page]
) -> tuple[list[bytes | None], tuple[dict[str, str], list[str]]]:
    """In a worker: the pages, and the fragments it made and reused meanwhile (see :class:`Fragments`)."""
    return [_output(renderer.render(page), page, write_to) for page in pages], renderer.fragments.take()


def _output(data: bytes, page: Page, write_to: str | None) -> bytes | None:
    """``data``, or None once written into ``write_to`` (strings, not Paths: this runs for every page)."""
    if write_to is None:
        return data
    target = f"{write_to}/{page.file}"
    os.makedirs(os.path.dirname(target), exist_ok=True)  # noqa: PTH103, PTH120
    with open(target, "wb") as file:  # noqa: PTH123
        file.write(data)
    return None


@dataclass(frozen=True)
class RenderCaches:
    """What rendering keeps between builds besides pages: abstracts' texts, BibTeX fields, template fragments."""

    texts: TextCache
    citations: Memo[tuple[str, str]]
    fragments: Fragments

    @classmethod
    def open(cls, folder: Path, version: str) -> RenderCaches:
        return cls(
            TextCache(folder / "abstract-text", version),
            Memo(folder / "bibtex", version),
            Fragments(folder / "fragments.pickle", version),
        )

    def save(self, texts: Mapping[str, str]) -> None:
        self.texts.save(texts)
        self.citations.save()
        self.fragments.save()
