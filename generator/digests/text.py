"""Reader for plain-text digest pages: page chrome, a date line, then title / blank line / abstract blocks.

This is the shape of a trending-papers page copied from a browser (see digests/2025-05-29.txt).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.digests.dates import DateLine, parse_date_line
from generator.errors import InputError
from generator.model import Entry

# Lines a captured trending-papers page carries around the digest itself.
CHROME = frozenset(
    {
        "new",
        "subscribe",
        "get trending papers in your email inbox!",
        "byak and the research community",
        "daily papers",
        "trending papers",
    }
)
_MAX_TITLE = 300


@dataclass(frozen=True)
class Block:
    """A run of non-blank lines joined into one, with the number of its first line."""

    text: str
    line: int
    lines: int


@dataclass(frozen=True)
class TextDigest:
    """What the text itself says: its entries, and the date line when it has one."""

    entries: tuple[Entry, ...]
    date_line: DateLine | None


def read_text(path: Path, text: str) -> TextDigest:
    """Parse a text digest; raise InputError naming the line for what cannot be read.

    Everything up to the first date line is page chrome, and so are the chrome lines right after it (or at the
    top, without a date line). Chrome is only skipped up to the first paper, so that a paper that happens to be
    titled "New" keeps its title.
    """
    lines = [" ".join(raw.split()) for raw in text.splitlines()]
    dated = ((n, found) for n, line in enumerate(lines) if (found := parse_date_line(line)) is not None)
    at, date_line = next(dated, (-1, None))
    start = at + 1
    while start < len(lines) and (not lines[start] or lines[start].casefold() in CHROME):
        start += 1
    return TextDigest(tuple(_entries(path, list(_blocks(lines, start)))), date_line)


def _blocks(lines: list[str], start: int) -> Iterator[Block]:
    """Runs of non-blank lines from ``start`` (0-based) on, each with the number of its first line."""
    run: list[str] = []
    first = 0
    for number, line in enumerate(lines[start:], start=start + 1):
        if line:
            if not run:
                first = number
            run.append(line)
        elif run:
            yield Block(" ".join(run), first, len(run))
            run = []
    if run:
        yield Block(" ".join(run), first, len(run))


def _is_title(block: Block) -> bool:
    return block.lines == 1 and len(block.text) <= _MAX_TITLE and not block.text.endswith(".")


def _entries(path: Path, blocks: list[Block]) -> Iterator[Entry]:
    title: Block | None = None
    paragraphs: list[str] = []
    for block in blocks:
        if title is None:
            title = block
        elif paragraphs and _is_title(block):
            yield Entry(title.text, "\n\n".join(paragraphs), line=title.line)
            title, paragraphs = block, []
        else:
            paragraphs.append(block.text)
    if title is not None:
        if not paragraphs:
            raise InputError(path, f"the title {title.text[:60]!r} has no abstract after it", title.line)
        yield Entry(title.text, "\n\n".join(paragraphs), line=title.line)
