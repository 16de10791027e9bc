"""Views over periods and people: a page per ISO week, per month and per author.

Within a week or a month each paper is listed once (its first day there): papers with a known upvote count
first, most upvoted first, then the rest by day (newest first) and rank in that day's digest. Pages are
returned as (path, template, context) for the planner to fingerprint.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

from generator.model import Digest, Paper, Site
from generator.slugs import name_slug
from generator.urls import author_path, month_path, week_path

PageSpec = tuple[str, str, Mapping[str, Any]]


@dataclass(frozen=True)
class PeriodName:
    """A week (ISO year and week) or a month (year and month): what a link to its page shows."""

    kind: str
    year: int
    number: int

    @property
    def path(self) -> str:
        return week_path(self.year, self.number) if self.kind == "week" else month_path(self.year, self.number)

    @property
    def start(self) -> dt.date:
        if self.kind == "week":
            return dt.date.fromisocalendar(self.year, self.number, 1)
        return dt.date(self.year, self.number, 1)

    @property
    def end(self) -> dt.date:
        if self.kind == "week":
            return self.start + dt.timedelta(days=6)
        following = dt.date(self.year + self.number // 12, self.number % 12 + 1, 1)
        return following - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        if self.kind == "week":
            return f"Week {self.number}, {self.year}"
        return self.start.strftime("%B %Y")


@dataclass(frozen=True)
class Period(PeriodName):
    """A period that has digests; ``days`` newest first."""

    days: tuple[Digest, ...]

    def name(self) -> PeriodName:
        """This period as its neighbours link to it: a new day in it changes its page, not theirs."""
        return PeriodName(self.kind, self.year, self.number)


@dataclass(frozen=True)
class Listed:
    """A paper as a period lists it: the day and rank it appeared with there, and its upvotes when known."""

    paper: Paper
    day: dt.date
    rank: int
    upvotes: int | None


@dataclass(frozen=True)
class Author:
    slug: str
    name: str


def upvotes(paper: Paper) -> int | None:
    """The upvote count a source gave (``extra["upvotes"]``), if it is a whole number."""
    value = paper.extra.get("upvotes")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def week_of(date: dt.date) -> tuple[int, int]:
    iso = date.isocalendar()
    return iso.year, iso.week


def month_of(date: dt.date) -> tuple[int, int]:
    return date.year, date.month


def periods(site: Site, kind: str) -> tuple[Period, ...]:
    """The weeks or months that have digests, newest first."""
    key: Callable[[dt.date], tuple[int, int]] = week_of if kind == "week" else month_of
    grouped: dict[tuple[int, int], list[Digest]] = defaultdict(list)
    for digest in site.digests:
        grouped[key(digest.date)].append(digest)
    return tuple(Period(kind, y, n, tuple(days)) for (y, n), days in sorted(grouped.items(), reverse=True))


def listed(site: Site, period: Period) -> tuple[Listed, ...]:
    """The papers of a period, each once, in the order the period page shows them."""
    first: dict[str, Listed] = {}
    for digest in sorted(period.days, key=lambda d: d.date):
        for rank, slug in enumerate(digest.slugs, start=1):
            if slug not in first:
                paper = site.papers[slug]
                first[slug] = Listed(paper, digest.date, rank, upvotes(paper))
    return tuple(sorted(first.values(), key=_order))


class Listing(Sequence[Listed]):
    """The papers of a period as :func:`listed` gives them, worked out when first read: a week or month page is
    planned on every build but rendered only when it changed, and planning needs only :meth:`inputs`."""

    def __init__(self, site: Site, period: Period) -> None:
        self.site, self.period = site, period
        self._items: tuple[Listed, ...] | None = None

    def inputs(self) -> list[str]:
        """What the listing is made from: its days' digests (by date and file hash) and their papers."""
        papers = self.site.papers
        return [
            *(f"{d.date}:{d.fingerprint}" for d in self.period.days),
            *(papers[s].fingerprint for d in self.period.days for s in d.slugs),
        ]

    def _listed(self) -> tuple[Listed, ...]:
        if self._items is None:
            self._items = listed(self.site, self.period)
        return self._items

    def __len__(self) -> int:
        return len(self._listed())

    @overload
    def __getitem__(self, index: int) -> Listed: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Listed, ...]: ...
    def __getitem__(self, index: int | slice) -> Listed | tuple[Listed, ...]:
        return self._listed()[index]

    def __iter__(self) -> Iterator[Listed]:
        return iter(self._listed())


def _order(item: Listed) -> tuple[int, int, int, int, str]:
    known = item.upvotes is not None
    return (0 if known else 1, -(item.upvotes or 0), -item.day.toordinal(), item.rank, item.paper.slug)


def period_pages(site: Site) -> Iterator[PageSpec]:
    """Week and month pages, each linked to the ones before and after it and to the other kind."""
    weeks, months = periods(site, "week"), periods(site, "month")
    for series in (weeks, months):
        for i, period in enumerate(series):
            overlapping = _overlapping(period, months if period.kind == "week" else weeks)
            yield (
                period.path,
                "period.html",
                {
                    "period": period,
                    "entries": Listing(site, period),
                    "newer": series[i - 1].name() if i > 0 else None,
                    "older": series[i + 1].name() if i + 1 < len(series) else None,
                    "related_periods": tuple(other.name() for other in overlapping),
                },
            )


def _overlapping(period: Period, others: tuple[Period, ...]) -> tuple[Period, ...]:
    dates = {d.date for d in period.days}
    return tuple(o for o in others if dates & {d.date for d in o.days})


def authors(site: Site) -> list[tuple[Author, tuple[Paper, ...]]]:
    """Each author with their papers, newest first, by slug (names that share a slug are one author, named by
    their first spelling)."""
    papers: dict[str, list[Paper]] = defaultdict(list)
    names: dict[str, set[str]] = defaultdict(set)
    for paper in site.papers.values():
        for name in dict.fromkeys(paper.authors):
            slug = name_slug(name)
            if slug:
                papers[slug].append(paper)
                names[slug].add(name)
    return [
        (
            Author(slug, sorted(names[slug])[0]),
            tuple(sorted(papers[slug], key=lambda p: (p.date, p.slug), reverse=True)),
        )
        for slug in sorted(papers)
    ]


def author_pages(site: Site) -> Iterator[PageSpec]:
    for author, papers in authors(site):
        yield author_path(author.slug), "author.html", {"author": author, "papers": papers}
