"""Plan the site: from the model to the list of pages, each with its template, context and fingerprint.

The fingerprint covers everything a page's context holds (papers and digests by their file hashes), so a
page whose fingerprint did not change since the last build need not be rendered again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from generator.config import SiteConfig
from generator.content import Content
from generator.feeds import publishing_pages
from generator.model import Digest, Paper, Site
from generator.slugs import name_slug
from generator.urls import day_path, output_file, paper_path, tag_path
from generator.views import Listing, author_pages, period_pages, periods


@dataclass(frozen=True)
class Tag:
    """A tag as pages link to it; how many papers it has is not part of it, so that a paper's page does not
    change when another paper gets the same tag."""

    slug: str
    name: str


@dataclass(frozen=True)
class Pager:
    """A listing page's neighbours (site paths); ``number`` counts from the oldest page, 0 for the front page."""

    number: int
    newer: str | None
    older: str | None


@dataclass(frozen=True)
class Page:
    """One file of the site: ``path`` is its site path, ``file`` where it goes in site/."""

    path: str
    template: str
    context: Mapping[str, Any]
    fingerprint: str = ""
    # A page that new papers change (the newest week and month, each tag's front page): the next build renders it
    # again, so a first build keeps the items its {% cache %} blocks render (see generator.fragments).
    growing: bool = False

    @property
    def file(self) -> str:
        return output_file(self.path)


def papers_shown(pages: Iterable[Page]) -> list[Paper]:
    """The papers whose abstracts ``pages`` may show: those their contexts hold, directly or in a sequence."""
    found: dict[str, Paper] = {}
    for page in pages:
        for value in page.context.values():
            items = value if isinstance(value, (tuple, list, Listing)) else (value,)
            for item in items:
                paper = item if isinstance(item, Paper) else getattr(item, "paper", None)
                if isinstance(paper, Paper):
                    found.setdefault(paper.slug, paper)
    return list(found.values())


def build_site(content: Content) -> Site:
    """The model pages are planned from: digests newest first, and the days each paper appeared."""
    digests = tuple(sorted(content.digests.values(), key=lambda d: d.date, reverse=True))
    days: dict[str, list[dt.date]] = defaultdict(list)
    for digest in reversed(digests):
        for slug in digest.slugs:
            days[slug].append(digest.date)
    return Site(content.papers, digests, {slug: tuple(dates) for slug, dates in days.items()})


@dataclass(frozen=True)
class Tags:
    """Tags by slug, and each paper's tags (by paper slug): "LLM" and "llm" are one tag, named by the first of
    its spellings in sort order."""

    by_slug: dict[str, Tag]
    counts: dict[str, int]
    of_paper: dict[str, tuple[Tag, ...]]

    def of(self, paper: Paper) -> tuple[Tag, ...]:
        return self.of_paper.get(paper.slug, ())


def collect_tags(site: Site) -> Tags:
    slug_of: dict[str, str] = {}
    names: dict[str, set[str]] = defaultdict(set)
    for paper in site.papers.values():
        for name in paper.tags:
            if name not in slug_of:
                slug_of[name] = name_slug(name)
                names[slug_of[name]].add(name)
    by_slug = {slug: Tag(slug, sorted(names[slug])[0]) for slug in sorted(names)}
    of_paper: dict[str, tuple[Tag, ...]] = {}
    counts: dict[str, int] = dict.fromkeys(by_slug, 0)
    for paper in site.papers.values():
        if paper.tags:
            slugs = sorted({slug_of[name] for name in paper.tags})
            of_paper[paper.slug] = tuple(by_slug[slug] for slug in slugs)
            for slug in slugs:
                counts[slug] += 1
    return Tags(by_slug, counts, of_paper)


@dataclass(frozen=True)
class Plan:
    """The site's pages. Paper pages show each paper's related papers, which may still be being worked out
    elsewhere when every other page is planned (and rendered): :meth:`paper_pages` plans them once known."""

    pages: list[Page]  # every page but the papers'
    site: Site
    tags: Tags
    bibtex: Mapping[str, str]
    global_fingerprint: str

    def paper_pages(self, related: Mapping[str, tuple[str, ...]]) -> list[Page]:
        """The page of every paper; ``related`` gives each paper's related papers by slug."""
        return list(_paper_pages(self.site, self.tags, related, self.bibtex, self.global_fingerprint))


def plan(
    site: Site,
    config: SiteConfig,
    global_fingerprint: str,
    related: Mapping[str, tuple[str, ...]] | None = None,
    bibtex: Mapping[str, str] | None = None,
) -> list[Page]:
    """Every page of the site, fingerprinted (see :func:`plan_site`), paper pages last."""
    planned = plan_site(site, config, global_fingerprint, bibtex or {})
    return [*planned.pages, *planned.paper_pages(related or {})]


def plan_site(site: Site, config: SiteConfig, global_fingerprint: str, bibtex: Mapping[str, str]) -> Plan:
    """Every page of the site in a fixed order, fingerprinted; ``bibtex`` is by paper slug."""
    tags = collect_tags(site)
    digest_days = _fingerprinted(global_fingerprint, _digest_pages(site, config))
    listings = [*_tag_pages(site, config, tags)]
    listings += (Page(*spec, growing=spec[2]["newer"] is None) for spec in period_pages(site))
    listings += (Page(*spec) for spec in author_pages(site))
    listings.append(Page("archive/", "archive.html", {"months": periods(site, "month")}))
    listings.append(Page("404.html", "404.html", {}))
    if config.search:
        listings.append(Page("search/", "search.html", {"papers": len(site.papers)}))
    listings = _fingerprinted(global_fingerprint, listings)
    paths = [*(p.path for p in digest_days), *map(paper_path, site.papers), *(p.path for p in listings)]
    extras = publishing_pages(site, config, {slug: tag.name for slug, tag in tags.by_slug.items()}, paths)
    pages = [*digest_days, *listings, *_fingerprinted(global_fingerprint, (Page(*extra) for extra in extras))]
    return Plan(pages, site, tags, bibtex, global_fingerprint)


def _fingerprinted(global_fingerprint: str, pages: Iterable[Page]) -> list[Page]:
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


def _paper_pages(
    site: Site, tags: Tags, related: Mapping[str, tuple[str, ...]], bibtex: Mapping[str, str], global_fingerprint: str
) -> Iterator[Page]:
    """Paper pages, fingerprinted as :func:`_fingerprint` would (a test holds them to it), without its walk
    through each context: there are as many of these pages as papers, and all are planned on every build."""
    papers, days_of = site.papers, site.days_of
    # Each tag list's part of the description, once per distinct list: most papers share one of a few.
    described: dict[tuple[Tag, ...], str] = {}
    for paper in papers.values():
        slug = paper.slug
        days = days_of.get(slug, ())
        paper_tags = tags.of(paper)
        similar = tuple(papers[s] for s in related.get(slug, ()) if s in papers)
        bib = bibtex.get(slug, "")
        path = paper_path(slug)
        tag_part = described.get(paper_tags)
        if tag_part is None:
            tag_part = described[paper_tags] = "\x1f".join(
                ["tags", f"[{len(paper_tags)}", *(f"Tag\x1f{tag.slug}\x1f{tag.name}" for tag in paper_tags)]
            )
        parts = [global_fingerprint, path, "paper.html", "bibtex", bib, "days", f"[{len(days)}"]
        parts += [day.isoformat() for day in days]
        parts += ("paper", slug, paper.fingerprint, "related", f"[{len(similar)}")
        for other in similar:
            parts += (other.slug, other.fingerprint)
        parts.append(tag_part)
        context = {"paper": paper, "days": days, "tags": paper_tags, "related": similar, "bibtex": bib}
        yield Page(path, "paper.html", context, hashlib.sha1("\x1f".join(parts).encode()).hexdigest())


def _newest_first(papers: list[Paper]) -> list[Paper]:
    return sorted(papers, key=lambda p: (p.date, p.slug), reverse=True)


def _tag_pages(site: Site, config: SiteConfig, tags: Tags) -> Iterator[Page]:
    ranked = tuple(
        (tag, tags.counts[tag.slug])
        for tag in sorted(tags.by_slug.values(), key=lambda t: (-tags.counts[t.slug], t.slug))
    )
    yield Page("tags/", "tags.html", {"tags": ranked})
    members: dict[str, list[Paper]] = defaultdict(list)
    for paper in site.papers.values():
        for tag in tags.of(paper):
            members[tag.slug].append(paper)
    for slug, tag in tags.by_slug.items():
        yield from _tag_listing(tag, _newest_first(members[slug]), config.papers_per_page)


def _tag_listing(tag: Tag, papers: list[Paper], size: int) -> Iterator[Page]:
    """A tag's front page and its numbered pages, numbered from the oldest so that they never shift.

    Page 1 holds the tag's first ``size`` papers, page 2 the next, and so on; the front page holds the
    newest ``size`` to ``2 * size - 1``. A new paper changes the front page only (and, every ``size`` papers,
    adds a numbered page): older pages keep their URL, their content, and need no rendering.
    """
    oldest_first = papers[::-1]
    full = max(len(papers) // size, 1)
    chunks = [oldest_first[i * size : (i + 1) * size] for i in range(full - 1)]
    front = oldest_first[(full - 1) * size :]
    older = tag_path(tag.slug, len(chunks)) if chunks else None
    yield Page(
        tag_path(tag.slug),
        "tag.html",
        {"tag": tag, "count": len(papers), "papers": tuple(front[::-1]), "pager": Pager(0, None, older)},
        growing=True,
    )
    for number, chunk in enumerate(chunks, start=1):
        newer = tag_path(tag.slug, number + 1) if number < len(chunks) else tag_path(tag.slug)
        pager = Pager(number, newer, tag_path(tag.slug, number - 1) if number > 1 else None)
        yield Page(
            tag_path(tag.slug, number),
            "tag.html",
            {"tag": tag, "count": None, "papers": tuple(chunk[::-1]), "pager": pager},
        )


def _fingerprint(global_fingerprint: str, page: Page) -> str:
    parts = [global_fingerprint, page.path, page.template]
    describe(page.context, parts)
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()


def describe(value: Any, out: list[str]) -> None:
    """Append a stable description of ``value`` to ``out``: what it shows, so that two values described alike
    render alike. A paper stands for its slug and file hash, a digest for its date and file hash.

    Dispatches on the exact type, the common ones first, and before any isinstance (abstract classes are slow to
    check): this runs for every item of every page on every build.
    """
    kind = type(value)
    if kind is Paper:
        out += (value.slug, value.fingerprint)  # the slug may come from the file's name, not its text
    elif kind is Digest:
        out += (value.date.isoformat(), value.fingerprint)  # the date may come from the file's name
    elif kind is str:
        out.append(value)
    elif kind is tuple or kind is list:
        out.append(f"[{len(value)}")
        for item in value:  # lists of papers and dates are most of what pages hold: no call for each
            item_kind = type(item)
            if item_kind is Paper:
                out += (item.slug, item.fingerprint)
            elif item_kind is dt.date:
                out.append(item.isoformat())
            else:
                describe(item, out)
    elif kind is dt.date:
        out.append(value.isoformat())
    elif kind is int or value is None or kind is bool:
        out.append(repr(value))
    elif kind is Listing:
        out.append("Listing")
        out.extend(value.inputs())
    elif hasattr(kind, "__dataclass_fields__"):
        out.append(kind.__name__)
        for item in vars(value).values():  # a frozen dataclass's fields, in order
            describe(item, out)
    elif kind is dict or isinstance(value, Mapping):
        for key in sorted(value):
            out.append(str(key))
            describe(value[key], out)
    else:
        out.append(repr(value))
