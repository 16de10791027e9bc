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
    """Parse a text digest; raise InputError naming the line for what cannot be read."""
    blocks = list(_blocks(text))
    date_line, start = _find_date(blocks)
    entries = tuple(_entries(path, blocks[start:]))
    return TextDigest(entries, date_line)


def _first_entry_line(lines: list[str]) -> int:
    """The number of the line the entries start on: after the date line, past any page chrome.

    Chrome is only skipped up to there, so that a paper that happens to be titled "New" keeps its title.
    """
    start = next((n for n, line in enumerate(lines) if parse_date_line(line) is not None), -1) + 1
    while start < len(lines) and (not lines[start] or lines[start].casefold() in CHROME):
        start += 1
    return start + 1


def _blocks(text: str) -> Iterator[Block]:
    normalized = [" ".join(raw.split()) for raw in text.splitlines()]
    entries_from = _first_entry_line(normalized)
    lines: list[str] = []
    first = 0
    for number, line in enumerate(normalized, start=1):
        if number < entries_from and line.casefold() in CHROME:
            line = ""
        if line:
            if not lines:
                first = number
            lines.append(line)
        elif lines:
            yield Block(" ".join(lines), first, len(lines))
            lines = []
    if lines:
        yield Block(" ".join(lines), first, len(lines))


def _find_date(blocks: list[Block]) -> tuple[DateLine | None, int]:
    """The first block that is a date line, and where the entries begin after it."""
    for index, block in enumerate(blocks):
        if block.lines == 1:
            found = parse_date_line(block.text)
            if found is not None:
                return found, index + 1
    return None, 0


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
