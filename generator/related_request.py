"""What a build asks of the related-papers child, worked out without numpy, which only the child imports.

The child is forked as the build starts, so that importing numpy and scipy (a quarter of a second) goes on while
this process reads content. Once the papers are known it is sent each paper's identity (its content file's hash)
and the texts of those its cache holds no row for: a new day's papers, not the 10,000 others. The cache file
begins with an :class:`Index` of the identities its rows were made from, which :func:`read_index` reads alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.content import fingerprint
from generator.model import Paper
from generator.output import load_cache

CACHE_VERSION = "related 2"  # bump when term(), paper_text() or the weighting change: cached rows would not match
REFIT_GROWTH = 0.10


@dataclass(frozen=True)
class Index:
    """The papers the cached rows were made from (identity by slug), and how many the model was fitted to."""

    identities: Mapping[str, str]
    papers_at_fit: int


class IncompleteRequestError(Exception):
    """The texts a computation needs are not in the request: the cache's state could not be read, though its
    index could (state made by other code under the same version)."""


@dataclass(frozen=True)
class Request:
    """Every paper's identity by slug, and the text of each paper whose row the cache lacks (of every paper when
    the model is to be fitted again)."""

    identities: Mapping[str, str]
    texts: Mapping[str, str]


def paper_text(paper: Paper) -> str:
    """The words a paper is compared by."""
    keywords = paper.extra.get("keywords") or paper.extra.get("ai_keywords") or ()
    if isinstance(keywords, str):
        keywords = (keywords,)
    words = " ".join(str(k) for k in keywords) if isinstance(keywords, (list, tuple)) else ""
    return f"{paper.title}\n{paper.title}\n{paper.abstract}\n{words}"


def identity(paper: Paper) -> str:
    """What a paper's row is made from: its content file, by hash (its text's, for a paper not read from one)."""
    return paper.fingerprint or fingerprint(paper_text(paper).encode("utf-8"))


def needs_fit(index: Index, count: int) -> bool:
    """Whether ``count`` papers have outgrown the model (or it was fitted to none)."""
    return count > index.papers_at_fit * (1 + REFIT_GROWTH) or not index.identities


def request(papers: Mapping[str, Paper], index: Index | None) -> Request:
    """What to ask of the child whose cache has ``index`` (None: no cache it can use)."""
    identities = {slug: identity(papers[slug]) for slug in sorted(papers)}
    if index is None or needs_fit(index, len(identities)):
        return Request(identities, {slug: paper_text(papers[slug]) for slug in identities})
    known = index.identities
    lacking = (slug for slug, made_from in identities.items() if known.get(slug) != made_from)
    return Request(identities, {slug: paper_text(papers[slug]) for slug in lacking})


def read_index(path: Path) -> Index | None:
    """The index of the cache file at ``path``; None when there is none that this code made."""
    saved = load_cache(path, CACHE_VERSION)
    valid = isinstance(saved, tuple) and len(saved) == 2 and isinstance(saved[0], Index)
    return saved[0] if valid else None
