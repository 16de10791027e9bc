"""Query side in Python: parse a query as search.js does, load only the parts it needs into a lunr.py Index,
rank with Lunr and the site's rules. Also builds the reference (one lunr.py index over the whole archive).

search.js is the browser twin of this module: ``parse``, ``clauses``, ``needed_buckets``, ``weight`` and
``score_key`` mirror its functions of the same names. Its ``rank`` does what ``search`` does here with
lunr.py, but scores straight from the postings instead of through a Lunr index; tests hold both to the
answers of one lunr.py index over the whole archive.
Rules of a query:

- words are split and folded as the index's text is (generator/search_text.py); stop words are dropped;
- Lunr syntax per word: ``+word`` required, ``-word`` prohibited, ``title:word`` one field, ``word^3`` boost,
  ``word*`` prefix; ``~N`` (fuzzy) is dropped, and any stray syntax falls back to plain words, never an error;
- the last word, while it is being typed (no space after it), also matches as a prefix: "papyr" finds
  papyrology (prefixes of at least ``MIN_PREFIX`` characters, so a query never fetches a whole letter);
- papers containing every (non-prohibited) word come first, then those with some; within each group,
  Lunr's score, then newest first. Scores are compared in steps of 2**-30 (``score_key``): two documents
  whose scores are equal on paper often differ in the last bit, by the order in which a Lunr implementation
  happens to add their terms (lunr.py and search.js add them in different orders), and such noise must not
  decide which comes first.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lunr.builder import Builder
from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.query import Query, QueryPresence
from lunr.token_set import TokenSet
from lunr.vector import Vector

from generator.model import Site
from generator.search import K1, ROOT, B, ordered_papers, part_file
from generator.search_store import FIELDS, bucket_of, field_texts
from generator.search_text import STOP_WORDS, stem, terms, words

MIN_PREFIX = 3
_FIELD = re.compile(rf"^({'|'.join(name for name, _ in FIELDS)}):(.+)$")
_BOOST = re.compile(r"\^([0-9]+)$")
_FUZZY = re.compile(r"~[0-9]*$")


@dataclass(frozen=True)
class Word:
    text: str  # folded
    fields: tuple[str, ...] = ()  # empty: every field
    presence: QueryPresence = QueryPresence.OPTIONAL
    boost: int = 1
    prefix: bool = False


def parse(text: str) -> list[Word]:
    chunks = text.split()
    typing = bool(text) and not text[-1].isspace()
    found: list[Word] = []
    for number, chunk in enumerate(chunks):
        presence = QueryPresence.OPTIONAL
        if chunk[0] in "+-" and len(chunk) > 1:
            presence = QueryPresence.REQUIRED if chunk[0] == "+" else QueryPresence.PROHIBITED
            chunk = chunk[1:]
        fields: tuple[str, ...] = ()
        if match := _FIELD.match(chunk):
            fields, chunk = (match[1],), match[2]
        boost = 1
        if match := _BOOST.search(chunk):
            boost, chunk = max(1, min(int(match[1]), 100)), chunk[: match.start()]
        chunk = _FUZZY.sub("", chunk)
        prefix = chunk.endswith("*") or (typing and number == len(chunks) - 1)
        split = words(chunk)
        for position, word in enumerate(split):
            last = position == len(split) - 1
            found.append(Word(word, fields, presence, boost, prefix and last and len(word) >= MIN_PREFIX))
    return found


def clauses(word: Word, all_fields: list[str]) -> list[dict[str, Any]]:
    """Lunr clauses for one word: its stemmed term, and its prefix while typing (not for required words)."""
    common = {"fields": list(word.fields) or all_fields, "boost": word.boost, "presence": word.presence}
    found = []
    if word.text not in STOP_WORDS:
        found.append({"term": stem(word.text), "use_pipeline": False, **common})
    if word.prefix and (word.presence != QueryPresence.REQUIRED or not found):
        found.append({"term": word.text, "use_pipeline": False, "wildcard": Query.WILDCARD_TRAILING, **common})
    return found


def search(index: Index, text: str) -> list[tuple[int, float]]:
    """(document number, Lunr score), best first, by the rules in the module docstring."""
    fields = list(index.fields)
    query_words = [w for w in parse(text) if clauses(w, fields)]
    positive = [w for w in query_words if w.presence != QueryPresence.PROHIBITED]
    if not positive:
        return []
    query = index.create_query()
    for word in query_words:
        for clause in clauses(word, fields):
            query.term(**clause)
    found = index.query(query)
    scores = {int(r["ref"]): r["score"] for r in found}
    every = {int(r["ref"]) for r in found if all(_has(w, r["match_data"].metadata) for w in positive)}
    return sorted(scores.items(), key=lambda item: (item[0] not in every, -score_key(item[1]), -item[0]))


def score_key(score: float) -> int:
    """A score rounded to a multiple of 2**-30, by the same float operations as search.js's ``scoreKey``:
    scaling by a power of two is exact, so both languages get the same integer from the same score."""
    return math.floor(score * 2**30 + 0.5)


def _has(word: Word, matched: dict[str, dict[str, Any]]) -> bool:
    """Whether a result matched ``word``: one of its matched terms is the word's stem or has its prefix."""
    exact = stem(word.text) if word.text not in STOP_WORDS else None
    return any(
        (term == exact or (word.prefix and term.startswith(word.text)))
        and any(not word.fields or field in word.fields for field in by_field)
        for term, by_field in matched.items()
    )


def wanted_terms(text: str) -> tuple[set[str], tuple[str, ...]]:
    """The exact terms and the prefixes the query's clauses can match."""
    exact: set[str] = set()
    prefixes: list[str] = []
    for word in parse(text):
        for clause in clauses(word, []):
            (prefixes.append if "wildcard" in clause else exact.add)(clause["term"])
    return exact, tuple(prefixes)


def needed_buckets(bucket_names: list[str], text: str) -> set[str]:
    """The buckets a query must load: its terms' buckets; for a prefix, every bucket that may hold a match."""
    names = frozenset(bucket_names)
    needed: set[str] = set()
    for word in parse(text):
        for clause in clauses(word, []):
            term = clause["term"]
            if (home := bucket_of(term, names)) is not None:
                needed.add(home)
            if "wildcard" in clause:
                needed.update(name for name in bucket_names if name.startswith(term))
    return needed


class Parts:
    """The search files of a built site, read back the way the browser reads them."""

    def __init__(self, site_dir: Path) -> None:
        self.root = site_dir
        self.manifest: dict[str, Any] = json.loads((site_dir / ROOT / "manifest.json").read_bytes())
        self.fields = [name for name, _ in self.manifest["fields"]]
        self.loaded: list[str] = []  # part files read, in order, for tests and the benchmark to inspect

    def files_for(self, buckets: set[str]) -> list[str]:
        names = self.manifest["buckets"]
        return [
            part_file(period, bucket)
            for period, present in self.manifest["present"].items()
            for bucket, flag in zip(names, present, strict=True)
            if flag == "1" and bucket in buckets
        ]

    def index(self, text: str) -> Index:
        """A lunr.py Index holding the terms the query ``text`` can match, with whole-archive weights."""
        exact, prefixes = wanted_terms(text)
        return self.index_of(
            needed_buckets(self.manifest["buckets"], text),
            lambda term: term in exact or term.startswith(prefixes),
        )

    def index_of(self, buckets: set[str], wanted: Callable[[str], bool] = lambda term: True) -> Index:
        """A lunr.py Index of the ``wanted`` terms of ``buckets``: other terms could not change any score."""
        postings: dict[str, list[list[int]]] = {}
        for name in self.files_for(buckets):
            self.loaded.append(name)
            for term, lists in json.loads((self.root / name).read_bytes()).items():
                if not wanted(term):
                    continue
                merged = postings.setdefault(term, [[] for _ in self.fields])
                for field, flat in enumerate(lists):
                    merged[field].extend(_absolute(flat))
        return self._lunr_index(postings)

    def _lunr_index(self, postings: dict[str, list[list[int]]]) -> Index:
        docs, boosts = self.manifest["docs"], [boost for _, boost in self.manifest["fields"]]
        averages = [total / docs if docs else 0.0 for total in self.manifest["lengths"]]
        inverted: dict[str, Any] = {}
        vectors: dict[str, Vector] = {}
        for number, term in enumerate(sorted(postings)):
            lists = postings[term]
            frequency = sum(len(flat) // 3 for flat in lists)
            inverted[term] = {"_index": number}
            for field, flat in enumerate(lists):
                name = self.fields[field]
                inverted[term][name] = {}
                for at in range(0, len(flat), 3):
                    ref, tf, length = str(flat[at]), flat[at + 1], flat[at + 2]
                    inverted[term][name][ref] = {}
                    score = weight(frequency, docs, tf, length, averages[field], boosts[field])
                    vectors.setdefault(f"{name}/{ref}", Vector()).insert(number, score)
        token_set = TokenSet.from_list(sorted(inverted))
        return Index(inverted, vectors, token_set, self.fields, Pipeline())


def _absolute(flat: list[int]) -> list[int]:
    """Undo the delta coding of document numbers: [delta, tf, length, ...] -> [doc, tf, length, ...]."""
    out, doc = list(flat), 0
    for at in range(0, len(out), 3):
        doc += out[at]
        out[at] = doc
    return out


def weight(frequency: int, docs: int, tf: int, length: int, average: float, boost: int) -> float:
    """Lunr's BM25 weight of a term in a field (lunr.py Builder._create_field_vectors, same operations)."""
    idf = math.log(1 + abs((docs - frequency + 0.5) / (frequency + 0.5)))
    score = idf * ((K1 + 1) * tf) / (K1 * (1 - B + B * (length / average)) + tf)
    return round(score * boost, 3)


def reference_index(site: Site) -> Index:
    """One lunr.py index over the whole archive, same text pipeline and fields: what the parts must equal."""
    builder = Builder()
    builder.ref("id")
    for name, boost in FIELDS:
        builder.field(name, boost)
    for number, paper in enumerate(ordered_papers(site)):
        doc = {name: terms(text) for (name, _), text in zip(FIELDS, field_texts(paper), strict=True)}
        builder.add({"id": str(number), **doc})
    return builder.build()
