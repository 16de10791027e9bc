"""What the structured readers share: the ``Parsed`` result they return, and helpers for arXiv ids,
whitespace, timestamps, URLs and XML parsing.

Feeds arrive from the network, so XML is parsed with defusedxml (no entity expansion, no external entities).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import InputError
from generator.model import Entry

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET


@dataclass(frozen=True)
class Parsed:
    """What a structured reader found: entries in the source's order, and the day the content names.

    ``empty_ok`` marks feeds where no entries is a real answer (a weekend listing), not a broken file.
    """

    entries: tuple[Entry, ...]
    date: dt.date | None
    empty_ok: bool = False


# New-style ids (2501.16937, 0704.0001) and old-style ones (hep-th/9901001, math.GT/0309136), version optional.
_ARXIV_ID = re.compile(
    r"(?:arxiv:|(?:https?://)?(?:export\.)?arxiv\.org/(?:abs|pdf)/)?"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?/?",
    re.I,
)


def arxiv_id(text: str) -> str | None:
    """The arXiv id ``text`` names (a bare id, ``arXiv:`` id or abs/pdf URL), without its version suffix."""
    match = _ARXIV_ID.fullmatch(text.strip())
    if match is None:
        return None
    found = match["id"]
    # Old-style archive names are lowercase, their subject class uppercase: hep-th/..., math.GT/...
    archive, _, number = found.partition("/")
    if number:
        name, dot, subject = archive.partition(".")
        return f"{name.lower()}{dot}{subject.upper()}/{number}"
    return found


def one_line(text: str) -> str:
    """Whitespace (hard wraps, indentation) folded to single spaces: titles, names."""
    return " ".join(text.split())


def unwrap(text: str) -> str:
    """A hard-wrapped abstract as paragraphs: lines joined, blank lines kept as paragraph breaks."""
    paragraphs = (one_line(p) for p in re.split(r"\n\s*\n", text.strip()))
    return "\n\n".join(p for p in paragraphs if p)


def timestamp(text: str) -> dt.datetime | None:
    """An ISO 8601 (``2025-05-29T01:02:03.000Z``) or RFC 822 (``Thu, 29 May 2025 00:00:00 -0400``) time."""
    text = text.strip()
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    import email.utils  # here, as the XML modules below: a build of text digests needs none of them

    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def common_date(dates: Iterable[dt.date]) -> dt.date | None:
    """The date most items carry (the latest of equally common ones): the day a listing is for."""
    counts = Counter(dates)
    if not counts:
        return None
    return max(counts, key=lambda d: (counts[d], d))


def web_url(value: object) -> str | None:
    """``value`` if it is an http(s) URL (content files accept no other links), else None."""
    if isinstance(value, str) and value.strip().startswith(("https://", "http://")) and " " not in value.strip():
        return value.strip()
    return None


def parse_json(path: Path, text: str) -> Any:
    """A JSON document; malformed JSON is an InputError naming the line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(path, f"invalid JSON: {error.msg}", error.lineno) from None


def parse_xml(path: Path, text: str) -> ET.Element:
    """The root element of an XML document; malformed or unsafe XML is an InputError naming the line."""
    import xml.etree.ElementTree as ET

    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        return SafeET.fromstring(text)
    except ET.ParseError as error:
        line = error.position[0] if error.position else None
        message = str(error).split(": line ")[0]  # the line goes into the error's own field
        raise InputError(path, f"invalid XML: {message}", line) from None
    except DefusedXmlException as error:
        raise InputError(path, f"refused XML: {error}") from None
