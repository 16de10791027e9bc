"""Reader for arXiv's daily RSS listings (``rss.arxiv.org/rss/<category>``, RSS 2.0).

Each item gives the title, the abs link, ``dc:creator`` (authors, comma separated), categories,
``arxiv:announce_type`` (new, cross, replace...) and a description that holds the abstract after
"Abstract:". There are no announcements at weekends: a feed without items is a valid empty day.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.digests.fields import Parsed, arxiv_id, common_date, one_line, timestamp, unwrap
from generator.errors import InputError
from generator.model import Entry

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

SOURCE = "arxiv-rss"
ARXIV = "{http://arxiv.org/schemas/atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
_AUTHOR_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")


def is_rss(root: ET.Element) -> bool:
    return root.tag == "rss" and root.find("channel") is not None


def read_rss(path: Path, root: ET.Element) -> Parsed:
    """Items of the listing in its order; the digest date is the channel's publication day."""
    channel = root.find("channel")
    if channel is None:
        raise InputError(path, "RSS without a <channel>")
    items = channel.findall("item")
    entries = tuple(_entry(path, number, item) for number, item in enumerate(items, start=1))
    moment = timestamp(channel.findtext("pubDate") or channel.findtext("lastBuildDate") or "")
    item_days = (t.date() for t in (timestamp(i.findtext("pubDate") or "") for i in items) if t)
    return Parsed(entries, moment.date() if moment else common_date(item_days), empty_ok=True)


def _entry(path: Path, number: int, item: ET.Element) -> Entry:
    title = one_line(item.findtext("title") or "")
    if not title:
        raise InputError(path, f"item {number}: no title")
    guid = (item.findtext("guid") or "").strip().removeprefix("oai:arXiv.org:")
    found = arxiv_id(guid) or arxiv_id(item.findtext("link") or "")
    if found is None:
        raise InputError(path, f"item {number} ({title[:60]!r}): neither its guid nor its link names an arXiv id")
    description = item.findtext("description") or ""
    _, marker, abstract = description.partition("Abstract:")
    creators = ", ".join(c.text or "" for c in item.findall(f"{DC}creator"))
    authors = tuple(a for a in (one_line(n) for n in _AUTHOR_SPLIT.split(creators)) if a)
    return Entry(
        title=title,
        abstract=unwrap(abstract if marker else description),
        authors=authors,
        arxiv=found,
        source=SOURCE,
        extra=_extra(item),
    )


def _extra(item: ET.Element) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    categories = list(dict.fromkeys(one_line(c.text or "") for c in item.findall("category")))
    if any(categories):
        extra["categories"] = [c for c in categories if c]
    announce = one_line(item.findtext(f"{ARXIV}announce_type") or "")
    if announce:
        extra["announce_type"] = announce
    return extra
