"""Every URL of the site comes from here, so a base_url with a sub-path cannot be forgotten in one place.

Paths are relative to the site root and end in ``/`` for pages (served as ``index.html``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import quote

from generator.model import Paper


def paper_path(slug: str) -> str:
    return f"papers/{slug}/"


def day_path(date: dt.date) -> str:
    return f"date/{date.isoformat()}/"


def month_path(year: int, month: int) -> str:
    return f"month/{year:04d}-{month:02d}/"


def week_path(year: int, week: int) -> str:
    """An ISO week (``year`` is the ISO year, which can differ from the calendar year near New Year)."""
    return f"week/{year:04d}-W{week:02d}/"


def author_path(author_slug: str) -> str:
    return f"authors/{author_slug}/"


def bib_path(slug: str) -> str:
    return f"papers/{slug}/{slug}.bib"


def day_bib_path(date: dt.date) -> str:
    return f"date/{date.isoformat()}/{date.isoformat()}.bib"


def tag_path(tag_slug: str, page: int | None = None) -> str:
    """A tag's front page, or its numbered page (numbered from the oldest, see pages.py)."""
    return f"tags/{tag_slug}/" if page is None else f"tags/{tag_slug}/page/{page}/"


def tag_feed_path(tag_slug: str) -> str:
    return f"tags/{tag_slug}/feed.xml"


def output_file(path: str) -> str:
    """The file in site/ that serves ``path``."""
    return path + "index.html" if path.endswith("/") or not path else path


_SAFE_PATH = re.compile(r"[A-Za-z0-9/#?=&%._-]*")


def _quote(path: str) -> str:
    # Site paths are made of slugs and dates: most need no quoting, and quote() is costly at 100,000 links.
    return path if _SAFE_PATH.fullmatch(path) else quote(path, safe="/#?=&%")


@dataclass(frozen=True)
class Urls:
    """Turns site paths into links: root-relative under the base path, or absolute for feeds and meta."""

    base_path: str
    absolute_base: str | None = None

    def __call__(self, path: str = "") -> str:
        return self.base_path + _quote(path)

    def absolute(self, path: str = "") -> str:
        base = (self.absolute_base or self.base_path).rstrip("/") + "/"
        return base + _quote(path)

    def paper(self, paper: Paper | str, absolute: bool = False) -> str:
        path = paper_path(paper if isinstance(paper, str) else paper.slug)
        return self.absolute(path) if absolute else self(path)

    def day(self, date: dt.date) -> str:
        return self(day_path(date))

    def tag(self, tag_slug: str, page: int | None = None) -> str:
        return self(tag_path(tag_slug, page))

    def month(self, year: int, month: int) -> str:
        return self(month_path(year, month))

    def feed(self, tag_slug: str | None = None) -> str:
        """The site's Atom feed, or a tag's."""
        return self(tag_feed_path(tag_slug) if tag_slug else "feed.xml")

    def week(self, year: int, week: int) -> str:
        return self(week_path(year, week))

    def author(self, author_slug: str) -> str:
        return self(author_path(author_slug))

    def bib(self, paper: Paper | str) -> str:
        return self(bib_path(paper if isinstance(paper, str) else paper.slug))

    def day_bib(self, date: dt.date) -> str:
        return self(day_bib_path(date))

    def static(self, name: str) -> str:
        return self(f"static/{name}")
