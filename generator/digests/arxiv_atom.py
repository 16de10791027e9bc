"""Reader for arXiv API results: the Atom feed ``export.arxiv.org/api/query`` answers with.

Entries carry a versioned id URL, hard-wrapped title and summary, authors, published/updated times, a primary
and other categories, and optionally an author comment, journal reference and DOI. The API reports a bad query
as a feed with a single entry titled "Error"; that is an error here, not a paper.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.digests.fields import Parsed, arxiv_id, one_line, timestamp, unwrap
from generator.errors import InputError
from generator.model import Entry

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

SOURCE = "arxiv"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"


def is_atom(root: ET.Element) -> bool:
    return root.tag == f"{ATOM}feed"


def read_atom(path: Path, root: ET.Element) -> Parsed:
    """Entries of an arXiv API feed; the digest date is the feed's own ``updated`` day."""
    entries = root.findall(f"{ATOM}entry")
    _raise_api_error(path, entries)
    updated = timestamp(root.findtext(f"{ATOM}updated") or "")
    parsed = tuple(_entry(path, number, entry) for number, entry in enumerate(entries, start=1))
    return Parsed(parsed, updated.date() if updated else None, empty_ok=True)


def _raise_api_error(path: Path, entries: list[ET.Element]) -> None:
    if len(entries) == 1 and one_line(entries[0].findtext(f"{ATOM}title") or "") == "Error":
        message = one_line(entries[0].findtext(f"{ATOM}summary") or "no reason given")
        raise InputError(path, f"the arXiv API answered with an error: {message}")


def _entry(path: Path, number: int, entry: ET.Element) -> Entry:
    title = one_line(entry.findtext(f"{ATOM}title") or "")
    if not title:
        raise InputError(path, f"entry {number}: no title")
    raw_id = entry.findtext(f"{ATOM}id") or ""
    found = arxiv_id(raw_id)
    if found is None:
        raise InputError(path, f"entry {number} ({title[:60]!r}): id {raw_id.strip()!r} is not an arXiv abs URL")
    authors = tuple(one_line(a.findtext(f"{ATOM}name") or "") for a in entry.findall(f"{ATOM}author"))
    links: dict[str, str] = {}
    doi = one_line(entry.findtext(f"{ARXIV}doi") or "")
    if doi:
        links["doi"] = f"https://doi.org/{doi}"
    return Entry(
        title=title,
        abstract=unwrap(entry.findtext(f"{ATOM}summary") or ""),
        authors=tuple(a for a in authors if a),
        arxiv=found,
        links=links,
        source=SOURCE,
        extra=_extra(entry),
    )


def _extra(entry: ET.Element) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for key in ("published", "updated"):
        moment = timestamp(entry.findtext(f"{ATOM}{key}") or "")
        if moment:
            extra[key] = moment.date()
    primary = entry.find(f"{ARXIV}primary_category")
    categories = [primary.get("term", "")] if primary is not None else []
    categories += [c.get("term", "") for c in entry.findall(f"{ATOM}category")]
    categories = list(dict.fromkeys(c.strip() for c in categories if c.strip()))  # primary first, no repeats
    if categories:
        extra["categories"] = categories
    for key in ("comment", "journal_ref"):
        value = one_line(entry.findtext(f"{ARXIV}{key}") or "")
        if value:
            extra[key] = value
    return extra
