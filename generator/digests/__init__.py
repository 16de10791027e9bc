"""Read raw digest files into entries: detect the format, decode, date the digest, merge duplicates.

Each format has a reader module returning entries; this module is the one door into them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from generator.digests.arxiv_atom import is_atom, read_atom
from generator.digests.arxiv_rss import is_rss, read_rss
from generator.digests.dates import date_from_name
from generator.digests.fields import Parsed, arxiv_id, parse_json, parse_xml
from generator.digests.hf import looks_like_hf, read_hf
from generator.digests.listfile import read_list
from generator.digests.text import read_text
from generator.errors import InputError
from generator.model import DigestFile, Entry
from generator.slugs import title_key
from generator.yamltext import decode_utf8

DIGEST_SUFFIXES = frozenset({".txt", ".text", ".md"})
FORMATS = ("text", "hf", "atom", "rss", "list")
_YAML_SUFFIXES = frozenset({".yaml", ".yml"})


def read_digest(path: Path, today: dt.date, date: dt.date | None = None, fmt: str | None = None) -> DigestFile:
    """Read one digest file; ``date`` (from ``--date``) overrides whatever the file says.

    ``fmt`` (one of FORMATS) skips detection. The day is, first found: ``date``, a date in the file name,
    what the content says (a date line, the feed's day).
    """
    try:
        data = path.read_bytes()
    except OSError as error:  # missing, a folder, unreadable
        raise InputError(path, f"cannot read this digest: {error.strerror or error}") from None
    text = decode(path, data)
    document = None
    if fmt is None:
        fmt, document = _sniff(path, text)
    warnings: list[str] = []
    date = date or date_from_name(path)
    if fmt == "text":
        parsed = _read_text(path, text, today, warnings, dated=date is not None)
    else:
        parsed = read_structured(path, text, fmt, document)
    if not parsed.entries and not parsed.empty_ok:
        raise InputError(path, _NOTHING[fmt])
    if not parsed.entries:  # an empty day adds nothing, so any day will do when none is given
        warnings.append("no papers in this feed (a day without announcements): nothing to add")
        return DigestFile(path, date or parsed.date or today, (), tuple(warnings))
    date = date or parsed.date
    if date is None:
        raise InputError(path, _NO_DATE[fmt])
    entries, merged = merge_duplicates(parsed.entries)
    return DigestFile(path, date, entries, tuple(warnings + merged))


_NOTHING = {
    "text": "no papers found: expected a title, a blank line, then its abstract",
    "list": "no papers found: the list is empty",
}
_NO_DATE = {
    "text": "no date: add a date line (e.g. 'May 29, 2025'), name the file YYYY-MM-DD.txt or pass --date",
    "list": "no date: add 'date: YYYY-MM-DD', name the file YYYY-MM-DD.yaml or pass --date",
    "hf": "no date: the papers carry no submittedOnDailyAt/publishedAt; name the file YYYY-MM-DD-hf.json",
    "atom": "no date: the feed has no <updated>; name the file YYYY-MM-DD-arxiv.xml or pass --date",
    "rss": "no date: the feed has no <pubDate>; name the file YYYY-MM-DD-rss.xml or pass --date",
}


def detect_format(path: Path, text: str) -> str:
    """The format of a digest by its content: XML feeds, JSON (Hugging Face or a list), YAML lists, else text.

    A .txt/.text/.md file is always a text digest and a .json/.xml file always JSON/XML (``--format`` says
    otherwise); .yaml/.yml files are lists.
    """
    return _sniff(path, text)[0]


def _sniff(path: Path, text: str) -> tuple[str, Any]:
    """The format, and the document if finding the format parsed it (an XML root, Hugging Face JSON), so
    that a large digest is parsed once."""
    start = text.lstrip()[:1]
    suffix = path.suffix.lower()
    if suffix == ".xml" or (start == "<" and suffix not in DIGEST_SUFFIXES):
        root = parse_xml(path, text)
        if is_atom(root):
            return "atom", root
        if is_rss(root):
            return "rss", root
        raise InputError(path, f"XML that is neither an arXiv Atom feed nor RSS 2.0 (root element <{root.tag}>)")
    if suffix == ".json" or (start in ("[", "{") and suffix not in DIGEST_SUFFIXES):
        data = parse_json(path, text)
        return ("hf", data) if looks_like_hf(data) else ("list", None)
    return ("list" if suffix in _YAML_SUFFIXES else "text"), None


def _read_text(path: Path, text: str, today: dt.date, warnings: list[str], dated: bool) -> Parsed:
    parsed = read_text(path, text)
    if parsed.date_line is None or dated:  # a date given otherwise wins: no warning about the line's year
        return Parsed(parsed.entries, None)
    date, warning = parsed.date_line.resolve(today)
    if warning:
        warnings.append(warning)
    return Parsed(parsed.entries, date)


def read_structured(path: Path, text: str, fmt: str, document: Any = None) -> Parsed:
    """Entries and content date of a feed or list in format ``fmt`` (anything but text); ``document`` is the
    parsed XML root or Hugging Face JSON when the text was parsed already."""
    if fmt == "hf":
        return read_hf(path, parse_json(path, text) if document is None else document)
    if fmt == "list":
        return read_list(path, text)
    root = parse_xml(path, text) if document is None else document
    if fmt == "atom" and is_atom(root):
        return read_atom(path, root)
    if fmt == "rss" and is_rss(root):
        return read_rss(path, root)
    raise InputError(path, f"not {'an Atom feed' if fmt == 'atom' else 'an RSS 2.0 feed'} (root <{root.tag}>)")


def decode(path: Path, data: bytes) -> str:
    """UTF-8 text (a BOM is fine); binary content is an error, not an empty digest."""
    if b"\0" in data:
        raise InputError(path, "binary content, not a text digest")
    return decode_utf8(path, data, "not UTF-8 text (binary content?)")


def entry_key(entry: Entry) -> str:
    """What identifies a paper across days and sources: its arXiv id, else its normalized title."""
    known = arxiv_id(entry.arxiv) if entry.arxiv else None
    return f"arxiv:{known}" if known else f"title:{title_key(entry.title)}"


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
