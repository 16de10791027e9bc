"""The data that flows through the pipeline: small frozen dataclasses, no behaviour beyond derivations.

``Entry`` is what a digest reader returns; ``Paper`` and ``Digest`` are loaded from content/; ``Site`` is
the whole model that pages are planned from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Entry:
    """One paper as a digest source lists it, before it becomes a content file."""

    title: str
    abstract: str
    authors: tuple[str, ...] = ()
    arxiv: str | None = None
    links: Mapping[str, str] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    source: str = "text"
    line: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DigestFile:
    """A raw digest as read: the day it is for and its entries in the source's order."""

    path: Path
    date: dt.date
    entries: tuple[Entry, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Paper:
    """A paper as its content file describes it."""

    slug: str
    title: str
    date: dt.date
    abstract: str
    authors: tuple[str, ...] = ()
    arxiv: str | None = None
    links: Mapping[str, str] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    source: str = "text"
    extra: Mapping[str, Any] = field(default_factory=dict)
    path: str = ""  # the content file's; a string, as 10,000 cached Papers unpickled each build made Paths costly
    fingerprint: str = ""

    @property
    def abs_url(self) -> str | None:
        return f"https://arxiv.org/abs/{self.arxiv}" if self.arxiv else None

    @property
    def pdf_url(self) -> str | None:
        return f"https://arxiv.org/pdf/{self.arxiv}" if self.arxiv else None


@dataclass(frozen=True)
class Digest:
    """One digest day: its papers (by slug) in the order the digest listed them."""

    date: dt.date
    slugs: tuple[str, ...]
    intro: str = ""
    title: str = ""
    path: str = ""  # the content file's
    fingerprint: str = ""


@dataclass(frozen=True)
class Site:
    """Everything the pages are planned from; digests newest first."""

    papers: Mapping[str, Paper]
    digests: tuple[Digest, ...]
    days_of: Mapping[str, tuple[dt.date, ...]] = field(default_factory=dict)

    def digest_papers(self, digest: Digest) -> tuple[Paper, ...]:
        return tuple(self.papers[s] for s in digest.slugs)
