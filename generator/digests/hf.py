"""Reader for the Hugging Face daily papers JSON: the list ``/api/daily_papers?date=YYYY-MM-DD`` returns.

Each item holds a ``paper`` object (arXiv id, title, summary, authors, upvotes, and over time more optional
fields: ai_summary, ai_keywords, githubRepo, projectPage...) beside outer fields (numComments, thumbnail).
Missing optional fields are normal; fields this reader does not know are kept under ``extra["hf"]``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from generator.digests.fields import Parsed, arxiv_id, common_date, one_line, timestamp, unwrap, web_url
from generator.errors import InputError
from generator.model import Entry

SOURCE = "hf"
# Fields read into the entry, and fields deliberately left out (who submitted it, internal ids).
_PAPER_READ = frozenset(
    {
        "id",
        "title",
        "summary",
        "authors",
        "publishedAt",
        "submittedOnDailyAt",
        "upvotes",
        "ai_summary",
        "ai_keywords",
        "githubRepo",
        "githubStars",
        "projectPage",
        "mediaUrls",
    }
)
_OUTER_READ = frozenset({"paper", "title", "summary", "publishedAt", "numComments", "thumbnail", "mediaUrls"})
_LEFT_OUT = frozenset({"discussionId", "submittedOnDailyBy", "submittedBy", "organization", "isAuthorParticipating"})


def looks_like_hf(data: Any) -> bool:
    """A JSON list whose items are objects holding a ``paper`` object (an empty list is an empty day)."""
    return isinstance(data, list) and all(isinstance(item, dict) and "paper" in item for item in data)


def read_hf(path: Path, data: Any) -> Parsed:
    """The daily papers JSON (parsed); the digest date is the day most papers were put on the daily list."""
    if not isinstance(data, list):
        raise InputError(path, "expected a JSON list of daily papers (items with a 'paper' object)")
    entries = tuple(_entry(path, number, item) for number, item in enumerate(data, start=1))
    days = list(_days(data, "submittedOnDailyAt")) or list(_days(data, "publishedAt"))
    return Parsed(entries, common_date(days), empty_ok=True)


def _entry(path: Path, number: int, item: Any) -> Entry:
    where = f"item {number}"
    if not isinstance(item, dict) or not isinstance(item.get("paper"), dict):
        raise InputError(path, f"{where}: expected an object with a 'paper' object")
    paper: dict[str, Any] = item["paper"]
    title = paper.get("title") or item.get("title")
    if not isinstance(title, str) or not title.strip():
        raise InputError(path, f"{where}: paper.title is missing")
    where = f"{where} ({one_line(title)[:60]!r})"
    raw_id = paper.get("id")
    found = arxiv_id(raw_id) if isinstance(raw_id, str) else None
    if found is None:
        raise InputError(path, f"{where}: paper.id {raw_id!r} is not an arXiv id")
    summary = paper.get("summary") or item.get("summary") or ""
    if not isinstance(summary, str):
        raise InputError(path, f"{where}: paper.summary must be text")
    links = {
        name: url
        for name, url in (("code", web_url(paper.get("githubRepo"))), ("project", web_url(paper.get("projectPage"))))
        if url
    }
    links["huggingface"] = f"https://huggingface.co/papers/{found}"
    return Entry(
        title=one_line(title),
        abstract=unwrap(summary),
        authors=_authors(path, where, paper.get("authors")),
        arxiv=found,
        links=links,
        source=SOURCE,
        extra=_extra(path, where, paper, item),
    )


def _authors(path: Path, where: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InputError(path, f"{where}: paper.authors must be a list")
    names = (a.get("name") if isinstance(a, dict) else a for a in value)
    return tuple(one_line(n) for n in names if isinstance(n, str) and n.strip())


def _extra(path: Path, where: str, paper: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for key, value, kind in (
        ("upvotes", paper.get("upvotes"), int),
        ("num_comments", item.get("numComments"), int),
        ("github_stars", paper.get("githubStars"), int),
        ("ai_summary", paper.get("ai_summary"), str),
        ("thumbnail", web_url(item.get("thumbnail")), str),
    ):
        if value is None:
            continue
        if not isinstance(value, kind) or isinstance(value, bool):
            raise InputError(path, f"{where}: {key} must be {'a number' if kind is int else 'text'}, got {value!r}")
        extra[key] = unwrap(value) if isinstance(value, str) else value
    keywords = paper.get("ai_keywords")
    if isinstance(keywords, list):
        extra["keywords"] = [one_line(k) for k in keywords if isinstance(k, str) and k.strip()]
    media = paper.get("mediaUrls") or item.get("mediaUrls")
    if isinstance(media, list) and any(web_url(m) for m in media):
        extra["media_urls"] = [url for url in map(web_url, media) if url]
    published = _day(paper.get("publishedAt") or item.get("publishedAt"))
    if published:
        extra["published"] = published
    unknown = {
        key: value
        for source, known in ((item, _OUTER_READ), (paper, _PAPER_READ))
        for key, value in source.items()
        if key not in known and key not in _LEFT_OUT and value is not None
    }
    if unknown:
        extra["hf"] = unknown
    return extra


def _day(value: Any) -> dt.date | None:
    moment = timestamp(value) if isinstance(value, str) else None
    return moment.date() if moment else None


def _days(data: list[Any], key: str) -> Iterator[dt.date]:
    for item in data:
        paper = item.get("paper") if isinstance(item, dict) else None
        day = _day(paper.get(key) if isinstance(paper, dict) else None) or _day(item.get(key))
        if day:
            yield day
