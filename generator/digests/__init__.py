"""Read raw digest files into entries: detect the format, decode, date the digest, merge duplicates.

Each format has a reader module returning entries; this module is the one door into them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.digests.dates import date_from_name
from generator.digests.text import read_text
from generator.errors import InputError
from generator.model import DigestFile, Entry
from generator.slugs import title_key

DIGEST_SUFFIXES = frozenset({".txt", ".text", ".md"})


def read_digest(path: Path, today: dt.date, date: dt.date | None = None) -> DigestFile:
    """Read one digest file; ``date`` (from ``--date``) overrides whatever the file says."""
    text = decode(path, path.read_bytes())
    parsed = read_text(path, text)
    if not parsed.entries:
        raise InputError(path, "no papers found: expected a title, a blank line, then its abstract")
    warnings: list[str] = []
    date = date or date_from_name(path)
    if date is None and parsed.date_line is not None:
        date, warning = parsed.date_line.resolve(today)
        if warning:
            warnings.append(warning)
    if date is None:
        raise InputError(
            path, "no date: add a date line (e.g. 'May 29, 2025'), name the file YYYY-MM-DD.txt or pass --date"
        )
    entries, merged = merge_duplicates(parsed.entries)
    return DigestFile(path, date, entries, tuple(warnings + merged))


def decode(path: Path, data: bytes) -> str:
    """UTF-8 text (a BOM is fine); binary content is an error, not an empty digest."""
    if b"\0" in data:
        raise InputError(path, "binary content, not a text digest")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(path, "not UTF-8 text (binary content?)", line) from None


def entry_key(entry: Entry) -> str:
    """What identifies a paper across days and sources: its arXiv id, else its normalized title."""
    return f"arxiv:{entry.arxiv}" if entry.arxiv else f"title:{title_key(entry.title)}"


def merge_duplicates(entries: tuple[Entry, ...]) -> tuple[tuple[Entry, ...], list[str]]:
    """Keep the first of entries naming the same paper, and a warning for each one dropped."""
    seen: dict[str, Entry] = {}
    warnings = []
    for entry in entries:
        key = entry_key(entry)
        first = seen.get(key)
        if first is None:
            seen[key] = entry
        else:
            where = f"line {entry.line}" if entry.line else "a later entry"
            warnings.append(f"{where}: {entry.title[:60]!r} is listed twice; merged with the first")
    return tuple(seen.values()), warnings
