"""Index stage: the Site -> the search files under site/search/ (a Lunr index in parts, and a document store).

One Lunr index over the whole archive, cut two ways so a query downloads little and a build rewrites little:

- by **term**: each term lives in one *bucket*, named by a prefix (``papyr``): the longest bucket name that
  is a prefix of the term. Buckets split into longer prefixes while they hold more than ``BUCKET_POSTINGS``
  postings, so each stays small whatever the archive's size. A query fetches only the buckets its words
  need; a prefix query ``con*`` fetches every bucket whose name starts with, or is a prefix of, ``con``.
- by **period** (calendar quarter): each bucket is one file per quarter, so a new day rewrites only the
  current quarter's files (and only those whose bytes changed), and caches stay per quarter.

Parts hold raw statistics (term frequency and field length per posting), not Lunr's BM25 weights: a weight
depends on the document count and average field length of the whole archive, which change every day. The
manifest holds those global numbers and the reader (search.js in the browser, generator/search_query.py in
Python) computes each weight with Lunr's own formula. So the scores, hence the results and their order, are
those of one Lunr index over the whole archive, while a new day leaves older parts byte-identical.

The analysis of each quarter is cached under .digest-cache/search/, keyed by the hash of its papers' text.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.model import Paper, Site
from generator.search_text import terms
from generator.urls import paper_path

FORMAT = 1  # bump when the part format or the text pipeline changes: invalidates caches
FIELDS: tuple[tuple[str, int], ...] = (("title", 5), ("authors", 1), ("tags", 1), ("abstract", 1))
K1, B = 1.2, 0.75  # Lunr's BM25 defaults
BUCKET_POSTINGS = 6000
STORE_BLOCK = 32  # documents per document-store file
SNIPPET_CHARS = 240
ROOT = "search/"

Postings = dict[str, list[list[int]]]  # term -> per field: flat [doc delta, tf, field length, ...]


@dataclass(frozen=True)
class Period:
    """One quarter's share of the index: its documents' postings and per-field length totals."""

    name: str
    first_doc: int
    docs: int
    postings: Postings
    lengths: list[int]


def ordered_papers(site: Site) -> list[Paper]:
    """Document numbers are positions in this list: oldest first, so a new day appends."""
    return sorted(site.papers.values(), key=lambda p: (p.date, p.slug))


def period_of(paper: Paper) -> str:
    return f"{paper.date.year}q{(paper.date.month - 1) // 3 + 1}"


def field_texts(paper: Paper) -> tuple[str, ...]:
    return (paper.title, " ; ".join(paper.authors), " ; ".join(paper.tags), paper.abstract)


def search_files(site: Site, cache: Path | None = None) -> dict[str, bytes]:
    """Every file of site/search/: manifest, term parts per period, document store blocks."""
    papers = ordered_papers(site)
    periods = _periods(papers, cache)
    counts: dict[str, int] = defaultdict(int)
    for period in periods:
        for term, fields in period.postings.items():
            counts[term] += sum(len(f) for f in fields) // 3
    buckets = bucket_names(counts)
    parts = {period.name: _split(period.postings, buckets) for period in periods}
    files = {f"{ROOT}manifest.json": _json(_manifest(papers, periods, buckets, parts))}
    for name, period_parts in parts.items():
        for bucket, part in period_parts.items():
            files[part_file(name, bucket)] = _json(part)
    for start in range(0, len(papers), STORE_BLOCK):
        block = [_stored(paper) for paper in papers[start : start + STORE_BLOCK]]
        files[f"{ROOT}docs/{start // STORE_BLOCK}.json"] = _json(block)
    return files


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


def bucket_of(term: str, names: set[str] | frozenset[str]) -> str | None:
    """The bucket a term belongs to: the longest bucket name that is a prefix of it."""
    for end in range(len(term), 0, -1):
        if term[:end] in names:
            return term[:end]
    return None


def _split(postings: Postings, buckets: Sequence[str]) -> dict[str, dict[str, list[list[int]]]]:
    names = frozenset(buckets)
    parts: dict[str, dict[str, list[list[int]]]] = defaultdict(dict)
    for term in sorted(postings):
        bucket = bucket_of(term, names)
        assert bucket is not None, term  # every indexed term was counted when the buckets were named
        parts[bucket][term] = postings[term]
    return parts


def _manifest(
    papers: Sequence[Paper], periods: Sequence[Period], buckets: Sequence[str], parts: Mapping[str, Mapping[str, Any]]
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


def _stored(paper: Paper) -> list[str]:
    """What a result shows: [page path, title, ISO date, authors, snippet]."""
    return [paper_path(paper.slug), paper.title, paper.date.isoformat(), ", ".join(paper.authors), snippet(paper)]


def snippet(paper: Paper) -> str:
    text = " ".join(paper.abstract.split())
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text.rfind(" ", 0, SNIPPET_CHARS)
    return text[: cut if cut > 0 else SNIPPET_CHARS] + " …"


def _periods(papers: Sequence[Paper], cache: Path | None) -> list[Period]:
    groups: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        groups[period_of(paper)].append(paper)
    periods, first, used = [], 0, set()
    for name, members in groups.items():  # insertion order is document order
        key = _period_key(name, first, members)
        path = cache / f"{name}-{key}.json" if cache else None
        period = _read_cached(path, name, first, len(members)) if path else None
        if period is None:
            period = analyse(name, first, members)
            if path:
                _write_cached(path, period)
        if path:
            used.add(path.name)
        periods.append(period)
        first += len(members)
    if cache and cache.is_dir():
        for stale in cache.glob("*.json"):
            if stale.name not in used:
                stale.unlink()
    return periods


def _period_key(name: str, first: int, members: Iterable[Paper]) -> str:
    digest = hashlib.sha256(f"{FORMAT}\x1e{FIELDS}\x1e{name}\x1e{first}".encode())
    for paper in members:
        digest.update("\x1e".join((paper.slug, *field_texts(paper))).encode())
    return digest.hexdigest()[:20]


def analyse(name: str, first: int, papers: Sequence[Paper]) -> Period:
    """Postings of one period, documents numbered from ``first``, doc numbers delta-coded per list."""
    postings: Postings = {}
    lengths = [0] * len(FIELDS)
    lasts: list[dict[str, int]] = [{} for _ in FIELDS]  # per field: the last document seen with each term
    for number, paper in enumerate(papers, start=first):
        for field, text in enumerate(field_texts(paper)):
            found = terms(text)
            size, last = len(found), lasts[field]
            lengths[field] += size
            for term, tf in Counter(found).items():
                lists = postings.get(term)
                if lists is None:
                    lists = postings[term] = [[] for _ in FIELDS]
                lists[field] += (number - last.get(term, 0), tf, size)
                last[term] = number
    return Period(name, first, len(papers), postings, lengths)


def _read_cached(path: Path, name: str, first: int, docs: int) -> Period | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Period(name, first, docs, data["postings"], data["lengths"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged: analyse again


def _write_cached(path: Path, period: Period) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(_json({"postings": period.postings, "lengths": period.lengths}))
    temporary.replace(path)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
