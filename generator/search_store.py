"""The search index's analysis (Lunr's term frequencies and field lengths) and its cache: days of papers ->
postings -> per-period parts, each step cached under .digest-cache/search/ by the hash of its input, so a new
day costs the analysis of that day only.

- a **day** (its papers' text and first document number) -> postings with absolute document numbers;
- a **period** (the keys of its days) -> a summary: postings per term and field-length totals;
- a period and the bucket names -> its part files, serialized (document numbers delta-coded per list).

Unused entries are deleted at the end of a build, so the cache holds one build's worth.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from generator.model import Paper
from generator.output import load_cache, save_cache
from generator.search_text import terms

FORMAT = 3  # bump when the part format or the text pipeline changes: invalidates caches
FIELDS: tuple[tuple[str, int], ...] = (("title", 5), ("authors", 1), ("tags", 1), ("abstract", 1))

Postings = dict[str, list[list[int]]]  # term -> per field: flat [document, tf, field length, ...]


def field_texts(paper: Paper) -> tuple[str, ...]:
    return (paper.title, " ; ".join(paper.authors), " ; ".join(paper.tags), paper.abstract)


def bucket_of(term: str, names: set[str] | frozenset[str]) -> str | None:
    """The bucket a term belongs to: the longest bucket name that is a prefix of it."""
    for end in range(len(term), 0, -1):
        if term[:end] in names:
            return term[:end]
    return None


@dataclass
class Day:
    date: dt.date
    first: int  # document number of its first paper
    papers: list[Paper] = field(default_factory=list)

    @functools.cached_property
    def key(self) -> str:
        digest = hashlib.sha256(f"{FORMAT}\x1e{FIELDS}\x1e{self.date}\x1e{self.first}".encode())
        for paper in self.papers:  # a paper read from a file by the file's hash: hashing its texts took 50 ms a build
            parts = (paper.slug, paper.fingerprint) if paper.fingerprint else (paper.slug, *field_texts(paper))
            digest.update("\x1e".join(parts).encode())
        return digest.hexdigest()[:24]


@dataclass(frozen=True)
class Summary:
    """What the manifest and the bucket names need of a period, without its postings."""

    name: str
    key: str
    days: tuple[Day, ...]
    counts: dict[str, int]  # postings per term
    lengths: list[int]  # total field lengths


def analyse(day: Day) -> tuple[Postings, list[int]]:
    """Postings of one day's papers, absolute document numbers, in document order.

    Each field is the list of its terms (search_text.terms, which agrees with lunr.js); a posting is the term's
    frequency in the field and the field's length in terms, counted as lunr's Builder counts them with no pipeline
    (a test holds them to it). Not with the Builder itself: it copies a metadata dict for every term it is given,
    which was two thirds of the index build's time. Weights are left to the reader (see search.py)."""
    postings: Postings = {}
    lengths = [0] * len(FIELDS)
    for number, paper in enumerate(day.papers, start=day.first):
        for position, text in enumerate(field_texts(paper)):
            field_terms = terms(text)  # lower case already, as lunr's tokenizer would make them
            length = len(field_terms)
            lengths[position] += length
            for term, tf in Counter(field_terms).items():  # by first occurrence, as the Builder's dict
                lists = postings.get(term)
                if lists is None:
                    lists = postings[term] = [[] for _ in FIELDS]
                lists[position] += (number, tf, length)
    return postings, lengths


class Store:
    """Cached steps of the index build; ``folder`` None means no cache (everything computed)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[str] = set()
        self.postings: dict[str, Postings] = {}  # period key -> postings computed in this build

    def period(self, name: str, days: Sequence[Day]) -> Summary:
        key = _days_key(days)
        # kept for when the parts must be made again (new bucket names): no need to analyse again
        self.used.update([f"merged-{key}", *(f"day-{day.date}-{day.key}" for day in days)])
        cached = self.get(f"period-{name}-{key}")
        if cached is None:
            postings, lengths = self._merge(days)
            counts = {term: sum(len(flat) for flat in lists) // 3 for term, lists in postings.items()}
            cached = {"counts": counts, "lengths": lengths}
            self.put(f"period-{name}-{key}", cached)
        return Summary(name, key, tuple(days), cached["counts"], cached["lengths"])

    def parts(self, period: Summary, buckets: Sequence[str]) -> dict[str, bytes]:
        """The period's part files by bucket name, serialized."""
        names_key = hashlib.sha256("\x1f".join(buckets).encode()).hexdigest()[:16]
        entry = f"parts-{period.name}-{period.key}-{names_key}"
        cached = self.get(entry)
        if cached is None:
            postings = self.postings.get(period.key) or self._merge(period.days)[0]
            cached = _serialize(postings, frozenset(buckets))
            self.put(entry, cached)
        return dict(cached)

    def cached(self, entry: str, compute: Callable[[], Any]) -> Any:
        """``compute()``, or what it returned when an earlier build asked for the same entry."""
        value = self.get(entry)
        if value is None:
            value = compute()
            self.put(entry, value)
        return value

    def forget_unused(self) -> None:
        if self.folder and self.folder.is_dir():
            for stale in self.folder.glob("*.pickle"):
                if stale.stem not in self.used:
                    stale.unlink()

    def _merge(self, days: Sequence[Day]) -> tuple[Postings, list[int]]:
        """The days' postings merged: from the longest run of leading days merged by an earlier build (on a
        new day: all but the last), adding the rest from their day entries."""
        start, merged = 0, None
        for end in range(len(days), 0, -1):
            entry = f"merged-{_days_key(days[:end])}"
            if self.folder and (self.folder / f"{entry}.pickle").is_file():
                merged = self.get(entry)
                if merged is not None:
                    start = end
                    break
        merged = merged or {"postings": {}, "lengths": [0] * len(FIELDS)}
        postings, lengths = merged["postings"], merged["lengths"]
        for day in days[start:]:
            cached = self.get(f"day-{day.date}-{day.key}")
            if cached is None:
                cached = dict(zip(("postings", "lengths"), analyse(day), strict=True))
                self.put(f"day-{day.date}-{day.key}", cached)
            lengths = [a + b for a, b in zip(lengths, cached["lengths"], strict=True)]
            for term, lists in cached["postings"].items():
                into = postings.get(term)
                if into is None:
                    postings[term] = lists
                else:
                    for target, flat in zip(into, lists, strict=True):
                        target += flat
        if start < len(days):
            self.put(f"merged-{_days_key(days)}", {"postings": postings, "lengths": lengths})
        self.postings[_days_key(days)] = postings
        return postings, lengths

    def get(self, entry: str) -> Any:
        """What an earlier build kept as ``entry``, or None."""
        if self.folder is None:
            return None
        self.used.add(entry)
        return load_cache(self.folder / f"{entry}.pickle")  # None when missing or damaged: computed again

    def put(self, entry: str, value: Any) -> None:
        """Keep ``value`` as ``entry`` in place of what an earlier build kept."""
        if self.folder is None:
            return
        save_cache(self.folder / f"{entry}.pickle", value)
        self.used.add(entry)


def _days_key(days: Sequence[Day]) -> str:
    return hashlib.sha256("".join(day.key for day in days).encode()).hexdigest()[:24]


def _serialize(postings: Postings, names: frozenset[str]) -> dict[str, bytes]:
    parts: dict[str, dict[str, list[list[int]]]] = defaultdict(dict)
    for term in sorted(postings):
        bucket = bucket_of(term, names)
        assert bucket is not None, term  # every term's first letter has a bucket
        parts[bucket][term] = [_deltas(flat) if flat else flat for flat in postings[term]]
    return {bucket: compact_json(part) for bucket, part in parts.items()}


def _deltas(flat: list[int]) -> list[int]:
    """[doc, tf, length, ...] -> [doc - previous doc, tf, length, ...]: small numbers, smaller files."""
    docs, out = flat[0::3], list(flat)
    out[3::3] = [b - a for a, b in pairwise(docs)]  # the first stays as it is
    return out


def compact_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
