"""Publishing extras, planned as pages like any other: Atom feeds, sitemap.xml, robots.txt, .nojekyll, CNAME;
and the schema.org data of paper pages' JSON-LD.

Atom ids and sitemap locations must be absolute URLs, so the feeds and the sitemap are made only when base_url
has a scheme and host (``https://user.github.io/repo/``); with a path-only base_url (the default ``/``) they are
left out, and so are the links to them. The GitHub Pages workflow always passes an absolute ``--base-url``.

Nothing here reads the clock: a feed's ``updated`` is the date of its newest paper, so builds are reproducible.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from generator.config import SiteConfig
from generator.model import Paper, Site
from generator.slugs import name_slug
from generator.urls import output_file, tag_feed_path, tag_path

FEED_SIZE = 50  # entries per feed: enough for a reader that polls daily to miss nothing after a quiet week
NOT_FOUND = "404.html"
SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org); about two years of a 70-paper daily digest
_EPOCH = dt.date(1970, 1, 1)  # the ``updated`` of a feed with no entries yet

# A spec is what pages.plan turns into a Page: (site path, template, context).
Spec = tuple[str, str, dict[str, Any]]

# Characters XML 1.0 does not allow at all, even escaped; a stray form feed in an abstract must not break a feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` without the characters XML cannot carry (a Jinja filter; keeps Markup as Markup)."""
    cleaned = _NOT_XML.sub("", value)
    return Markup(cleaned) if isinstance(value, Markup) else cleaned


def scholarly_article(paper: Paper, url: str | None, abstract: str) -> dict[str, Any]:
    """schema.org ScholarlyArticle data for a paper page's JSON-LD; ``abstract`` is the plain text of it."""
    article: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": paper.title,
        "name": paper.title,
        "abstract": abstract,
        "datePublished": paper.date.isoformat(),
        "author": [{"@type": "Person", "name": name} for name in paper.authors],
        "keywords": list(paper.tags),
    }
    if url:
        article["url"] = url
    if paper.arxiv:
        article |= {"identifier": f"arXiv:{paper.arxiv}", "sameAs": paper.abs_url}
    return article


def publishing_pages(site: Site, config: SiteConfig, tags: Mapping[str, str], html_paths: Sequence[str]) -> list[Spec]:
    """The extra files of a published site; ``tags`` maps tag slug to name, ``html_paths`` are the planned pages."""
    specs: list[Spec] = [(".nojekyll", "text.txt", {"text": ""})]
    if config.cname:
        specs.append(("CNAME", "text.txt", {"text": config.cname + "\n"}))
    absolute = config.absolute_base is not None
    specs.append(("robots.txt", "robots.txt", {"sitemap": absolute}))
    if not absolute:
        return specs
    newest = newest_papers(site)
    specs.append(("feed.xml", "feed.xml", _feed(config.title, "", newest)))
    by_tag: dict[str, list[Paper]] = defaultdict(list)
    for paper in newest:
        for slug in sorted({name_slug(name) for name in paper.tags}):
            if len(by_tag[slug]) < FEED_SIZE:
                by_tag[slug].append(paper)
    for slug, name in tags.items():
        specs.append(
            (tag_feed_path(slug), "feed.xml", _feed(f"#{name} · {config.title}", tag_path(slug), by_tag[slug]))
        )
    pages = tuple(path for path in html_paths if output_file(path).endswith(".html") and path != NOT_FOUND)
    specs.extend(_sitemaps(pages))
    return specs


def _sitemaps(pages: tuple[str, ...]) -> list[Spec]:
    """sitemap.xml; past the protocol's limit of URLs per file, an index of sitemap-N.xml files beside it."""
    if len(pages) <= SITEMAP_LIMIT:
        return [("sitemap.xml", "sitemap.xml", {"paths": pages})]
    # At the site root, not in a folder: a sitemap may only list URLs under its own folder.
    parts = [pages[i : i + SITEMAP_LIMIT] for i in range(0, len(pages), SITEMAP_LIMIT)]
    names = tuple(f"sitemap-{n}.xml" for n in range(1, len(parts) + 1))
    specs: list[Spec] = [("sitemap.xml", "sitemap-index.xml", {"sitemaps": names})]
    specs.extend((name, "sitemap.xml", {"paths": part}) for name, part in zip(names, parts, strict=True))
    return specs


def newest_papers(site: Site) -> list[Paper]:
    """Papers newest first: by the day they first appeared, then in that digest's order."""
    rank: dict[tuple[dt.date, str], int] = {}
    for digest in site.digests:
        for position, slug in enumerate(digest.slugs):
            rank.setdefault((digest.date, slug), position)
    unranked = max(len(d.slugs) for d in site.digests) if site.digests else 0
    return sorted(
        site.papers.values(),
        key=lambda p: (-p.date.toordinal(), rank.get((p.date, p.slug), unranked), p.slug),
    )


def _feed(title: str, home: str, papers: Sequence[Paper]) -> dict[str, Any]:
    entries = tuple(papers[:FEED_SIZE])
    updated = max((p.date for p in entries), default=_EPOCH)
    return {"feed_title": title, "home": home, "papers": entries, "updated": updated}
