"""Index stage: the Site -> the search files under site/search/ (a Lunr index in parts, and a document store).

One Lunr index over the whole archive, cut two ways so a query downloads little and a build rewrites little:

- by **term**: each term lives in one *bucket*, named by a prefix (``papyr``): the longest bucket name that
  is a prefix of the term. Buckets split into longer prefixes while they hold more than ``BUCKET_POSTINGS``
  postings, so each stays small whatever the archive's size. A query fetches only the buckets its words
  need; a prefix query ``con*`` fetches every bucket whose name starts with, or is a prefix of, ``con``.
- by **period** (calendar quarter): each bucket is one file per quarter, so a new day rewrites only the
  current quarter's files (and only those whose bytes changed).

Parts hold raw statistics (term frequency and field length per posting), not Lunr's BM25 weights: a weight
depends on the document count and average field length of the whole archive, which change every day. The
manifest holds those global numbers and the reader (search.js in the browser, generator/search_query.py in
Python) computes each weight with Lunr's own formula. So the scores, hence the results and their order, are
those of one Lunr index over the whole archive, while a new day leaves older parts byte-identical.

Bucket names come from the counts of closed periods, so they change once a quarter rather than every day.
Analysis is cached by day, and each period's parts by its content and the bucket names (search_store.py).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from generator.gcpause import gc_paused
from generator.markdown import plain, shorten
from generator.model import Paper, Site
from generator.search_store import FIELDS, FORMAT, Day, Store, Summary, bucket_of, compact_json
from generator.urls import paper_path

K1, B = 1.2, 0.75  # Lunr's BM25 defaults
BUCKET_POSTINGS = 6000
STORE_BLOCK = 8  # documents per document-store file: the first page of results fetches ~20 small ones
SNIPPET_CHARS = 240
ROOT = "search/"


def ordered_papers(site: Site) -> list[Paper]:
    """Document numbers are positions in this list: oldest first, so a new day appends."""
    return sorted(site.papers.values(), key=lambda p: (p.date, p.slug))


def period_of(paper: Paper) -> str:
    return f"{paper.date.year}q{(paper.date.month - 1) // 3 + 1}"


def search_files(
    site: Site, cache: Path | None = None, texts: Mapping[str, str] | None = None, version: str = ""
) -> dict[str, bytes]:
    """Every file of site/search/: manifest, term parts per period, document store blocks.

    ``texts`` (abstract -> plain text, as the pages' renderer made them) spares rendering abstracts again."""
    with gc_paused():
        return _search_files(site, cache, texts or {}, version)


def _search_files(site: Site, cache: Path | None, texts: Mapping[str, str], version: str) -> dict[str, bytes]:
    papers = ordered_papers(site)
    store = Store(cache)
    periods = [store.period(name, days) for name, days in _periods(papers).items()]
    buckets = _stable_buckets(periods, store)
    parts = {period.name: store.parts(period, buckets) for period in periods}
    files = {f"{ROOT}manifest.json": compact_json(_manifest(papers, periods, buckets, parts))}
    for name, period_parts in parts.items():
        for bucket, data in period_parts.items():
            files[part_file(name, bucket)] = data
    files.update(_document_store(papers, texts, store, version))
    store.forget_unused()
    return files


def _document_store(papers: Sequence[Paper], texts: Mapping[str, str], store: Store, version: str) -> dict[str, bytes]:
    """The document store's blocks; those whose papers (by slug and file hash) are as in the last build made by
    the same code (``version``) are reused: a new day changes the last block or two of 1,259, and making them all
    took 80 ms."""
    entry = "documents-" + hashlib.sha256(f"{FORMAT}:{SNIPPET_CHARS}:{version}".encode()).hexdigest()[:16]
    kept: dict[str, bytes] = store.get(entry) or {}
    made: dict[str, bytes] = {}
    for start in range(0, len(papers), STORE_BLOCK):
        block = papers[start : start + STORE_BLOCK]
        key = "\x1f".join(f"{paper.slug}\x1e{paper.fingerprint}" for paper in block)
        data = kept.get(key) if all(paper.fingerprint for paper in block) else None
        made[key] = data or compact_json([_stored(paper, texts) for paper in block])
    if made != kept:
        store.put(entry, made)
    return {f"{ROOT}docs/{number}.json": data for number, data in enumerate(made.values())}


def _stable_buckets(periods: Sequence[Summary], store: Store) -> list[str]:
    """Bucket names from the counts of closed periods (all but the newest), so they change once a quarter,
    not every day; first letters only seen in the newest period get a bucket of their own."""
    closed = periods[:-1] or periods
    key = hashlib.sha256(f"{BUCKET_POSTINGS}:{[p.key for p in closed]}".encode()).hexdigest()[:24]
    names = set(store.cached(f"buckets-{key}", lambda: bucket_names(_counts(closed))))
    for period in periods[len(closed) :]:
        names.update(term[0] for term in period.counts if bucket_of(term, names) is None)
    return sorted(names)


def _counts(periods: Sequence[Summary]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for period in periods:
        for term, count in period.counts.items():
            counts[term] += count
    return counts


def part_file(period: str, bucket: str) -> str:
    """Bucket names are folded words; non-ASCII ones are spelled in hex so file names stay plain."""
    name = bucket if bucket.isascii() else "_" + bucket.encode().hex()
    return f"{ROOT}terms/{period}/{name}.json"


def bucket_names(counts: Mapping[str, int], limit: int = BUCKET_POSTINGS) -> list[str]:
    """Prefixes such that each bucket holds at most ``limit`` postings, unless one term alone holds more."""
    names: list[str] = []
    _split_bucket("", sorted(counts), counts, limit, names)
    return sorted(names)


def _split_bucket(prefix: str, members: list[str], counts: Mapping[str, int], limit: int, out: list[str]) -> None:
    total = sum(counts[t] for t in members)
    if prefix and (total <= limit or all(t == prefix for t in members)):
        out.append(prefix)
        return
    children: dict[str, list[str]] = defaultdict(list)
    for term in members:
        if term == prefix:
            out.append(prefix)  # the term equal to the split prefix keeps the prefix's bucket to itself
        else:
            children[term[: len(prefix) + 1]].append(term)
    for child, child_members in children.items():
        _split_bucket(child, child_members, counts, limit, out)


def _manifest(
    papers: Sequence[Paper], periods: Sequence[Summary], buckets: Sequence[str], parts: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """The global numbers every weight needs, and which (period, bucket) parts exist: "1" per bucket present."""
    lengths = [sum(p.lengths[i] for p in periods) for i in range(len(FIELDS))]
    return {
        "format": FORMAT,
        "fields": [[name, boost] for name, boost in FIELDS],
        "k1": K1,
        "b": B,
        "docs": len(papers),
        "lengths": lengths,
        "periods": [p.name for p in periods],
        "buckets": list(buckets),
        "present": {name: "".join("1" if b in found else "0" for b in buckets) for name, found in parts.items()},
        "store": STORE_BLOCK,
    }


def _stored(paper: Paper, texts: Mapping[str, str]) -> list[str]:
    """What a result shows: [page path, title, ISO date, authors, snippet]."""
    return [
        paper_path(paper.slug),
        paper.title,
        paper.date.isoformat(),
        ", ".join(paper.authors),
        snippet(paper, texts),
    ]


def snippet(paper: Paper, texts: Mapping[str, str] | None = None) -> str:
    text = texts.get(paper.abstract) if texts else None
    return shorten(plain(paper.abstract) if text is None else text, SNIPPET_CHARS)


def _periods(papers: Sequence[Paper]) -> dict[str, list[Day]]:
    """Papers grouped by day, days by period, each day with the number of its first document."""
    periods: dict[str, list[Day]] = defaultdict(list)
    for number, paper in enumerate(papers):
        days = periods[period_of(paper)]
        if not days or days[-1].date != paper.date:
            days.append(Day(paper.date, number, []))
        days[-1].papers.append(paper)
    return periods
