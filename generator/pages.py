"""Plan the site: from the model to the list of pages, each with its template, context and fingerprint.

The fingerprint covers everything a page's context holds (papers and digests by their file hashes), so a
page whose fingerprint did not change since the last build need not be rendered again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from generator.config import SiteConfig
from generator.content import Content
from generator.model import Digest, Paper, Site
from generator.slugs import make_slug
from generator.urls import day_path, output_file, paper_path, tag_path


@dataclass(frozen=True)
class Tag:
    slug: str
    name: str
    count: int


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    days: tuple[Digest, ...]

    @property
    def label(self) -> str:
        return dt.date(self.year, self.month, 1).strftime("%B %Y")

    @property
    def anchor(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Pager:
    """Where a listing page stands among its pages; ``paths`` are site paths of all pages."""

    number: int
    paths: tuple[str, ...]

    @property
    def previous(self) -> str | None:
        return self.paths[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.paths[self.number] if self.number < len(self.paths) else None


@dataclass(frozen=True)
class Page:
    """One file of the site: ``path`` is its site path, ``file`` where it goes in site/."""

    path: str
    template: str
    context: Mapping[str, Any]
    fingerprint: str = ""

    @property
    def file(self) -> str:
        return output_file(self.path)


def build_site(content: Content) -> Site:
    """The model pages are planned from: digests newest first, and the days each paper appeared."""
    digests = tuple(sorted(content.digests.values(), key=lambda d: d.date, reverse=True))
    days: dict[str, list[dt.date]] = defaultdict(list)
    for digest in reversed(digests):
        for slug in digest.slugs:
            days[slug].append(digest.date)
    return Site(content.papers, digests, {slug: tuple(dates) for slug, dates in days.items()})


def collect_tags(site: Site) -> dict[str, Tag]:
    """Tags by slug; spellings that share a slug ("LLM", "llm") are one tag, named by its first spelling."""
    names: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for paper in site.papers.values():
        for name in set(paper.tags):
            slug = make_slug(name)
            names[slug].add(name)
            counts[slug] += 1
    return {slug: Tag(slug, sorted(names[slug])[0], counts[slug]) for slug in sorted(names)}


def plan(site: Site, config: SiteConfig, global_fingerprint: str) -> list[Page]:
    """Every page of the site, in a fixed order, fingerprinted."""
    tags = collect_tags(site)
    pages = [*_digest_pages(site, config), *_paper_pages(site, tags), *_tag_pages(site, config, tags)]
    pages.append(Page("archive/", "archive.html", {"months": _months(site.digests)}))
    pages.append(Page("404.html", "404.html", {}))
    pages.append(Page("search/", "search.html", {"papers": len(site.papers)}))
    return [dataclasses.replace(p, fingerprint=_fingerprint(global_fingerprint, p)) for p in pages]


def _digest_pages(site: Site, config: SiteConfig) -> Iterator[Page]:
    digests = site.digests
    latest = digests[0] if digests else None
    yield Page(
        "",
        "home.html",
        {
            "digest": latest,
            "papers": site.digest_papers(latest) if latest else (),
            "earlier": digests[1 : 1 + config.home_days],
            "more_days": len(digests) > 1 + config.home_days,
        },
    )
    for i, digest in enumerate(digests):
        yield Page(
            day_path(digest.date),
            "day.html",
            {
                "digest": digest,
                "papers": site.digest_papers(digest),
                "newer": digests[i - 1] if i > 0 else None,
                "older": digests[i + 1] if i + 1 < len(digests) else None,
            },
        )


def _paper_pages(site: Site, tags: Mapping[str, Tag]) -> Iterator[Page]:
    for paper in site.papers.values():
        paper_tags = tuple(tags[make_slug(name)] for name in sorted(set(paper.tags)))
        yield Page(
            paper_path(paper.slug),
            "paper.html",
            {"paper": paper, "days": site.days_of.get(paper.slug, ()), "tags": paper_tags},
        )


def _newest_first(papers: list[Paper]) -> list[Paper]:
    return sorted(papers, key=lambda p: (p.date, p.slug), reverse=True)


def _tag_pages(site: Site, config: SiteConfig, tags: Mapping[str, Tag]) -> Iterator[Page]:
    yield Page("tags/", "tags.html", {"tags": tuple(sorted(tags.values(), key=lambda t: (-t.count, t.slug)))})
    members: dict[str, list[Paper]] = defaultdict(list)
    for paper in site.papers.values():
        for slug in {make_slug(name) for name in paper.tags}:
            members[slug].append(paper)
    size = config.papers_per_page
    for slug, tag in tags.items():
        papers = _newest_first(members[slug])
        chunks = [tuple(papers[i : i + size]) for i in range(0, len(papers), size)]
        paths = tuple(tag_path(slug, n) for n in range(1, len(chunks) + 1))
        for number, chunk in enumerate(chunks, start=1):
            yield Page(paths[number - 1], "tag.html", {"tag": tag, "papers": chunk, "pager": Pager(number, paths)})


def _months(digests: tuple[Digest, ...]) -> tuple[Month, ...]:
    by_month: dict[tuple[int, int], list[Digest]] = defaultdict(list)
    for digest in digests:
        by_month[(digest.date.year, digest.date.month)].append(digest)
    return tuple(Month(y, m, tuple(days)) for (y, m), days in by_month.items())


def _fingerprint(global_fingerprint: str, page: Page) -> str:
    parts = [global_fingerprint, page.path, page.template]
    _stable(page.context, parts)
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()


def _stable(value: Any, out: list[str]) -> None:
    """Append a stable description of ``value``; papers and digests stand for themselves by file hash."""
    if isinstance(value, (Paper, Digest)):
        out.append(value.fingerprint)
    elif isinstance(value, Mapping):
        for key in sorted(value):
            out.append(str(key))
            _stable(value[key], out)
    elif isinstance(value, (tuple, list)):
        out.append(f"[{len(value)}")
        for item in value:
            _stable(item, out)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        out.append(type(value).__name__)
        for f in dataclasses.fields(value):
            _stable(getattr(value, f.name), out)
    else:
        out.append(repr(value))
