"""Planning pages: what each page holds, stable tag pagination, fingerprints that change only with inputs."""

from __future__ import annotations

import dataclasses
import datetime as dt

from generator.config import SiteConfig
from generator.model import Digest, Paper, Site
from generator.pages import Page, _fingerprint, collect_tags, plan


def site_of(count: int, tagged: str = "llm") -> Site:
    start = dt.date(2025, 1, 1)
    papers = {
        f"p{i:03d}": Paper(
            f"p{i:03d}",
            f"Paper {i}",
            start + dt.timedelta(days=i),
            f"Abstract {i}.",
            tags=(tagged,),
            fingerprint=f"fp{i}",
        )
        for i in range(count)
    }
    digests = tuple(
        Digest(p.date, (p.slug,), path=f"{p.date}.md", fingerprint=f"d{p.slug}")
        for p in sorted(papers.values(), key=lambda p: p.date, reverse=True)
    )
    return Site(papers, digests, {p.slug: (p.date,) for p in papers.values()})


def tag_pages(pages: list[Page]) -> dict[str, Page]:
    return {p.path: p for p in pages if p.template == "tag.html"}


def slugs(page: Page) -> list[str]:
    return [p.slug for p in page.context["papers"]]


def test_spellings_of_a_tag_are_one_tag_counted_once_per_paper() -> None:
    site = site_of(3)
    papers = dict(site.papers)
    papers["p001"] = dataclasses.replace(papers["p001"], tags=("LLM", "llm", "RL"))
    tags = collect_tags(Site(papers, site.digests, site.days_of))
    assert {slug: (tag.name, tags.counts[slug]) for slug, tag in tags.by_slug.items()} == {
        "llm": ("LLM", 3),
        "rl": ("RL", 1),
    }
    assert [tag.slug for tag in tags.of(papers["p001"])] == ["llm", "rl"]
    assert tags.of(dataclasses.replace(papers["p000"], slug="unknown", tags=())) == ()


def test_tag_pages_are_numbered_from_the_oldest() -> None:
    pages = tag_pages(plan(site_of(8), SiteConfig(papers_per_page=3), "g"))
    assert list(pages) == ["tags/llm/", "tags/llm/page/1/"]
    assert slugs(pages["tags/llm/"]) == ["p007", "p006", "p005", "p004", "p003"]  # newest 3 to 5
    assert slugs(pages["tags/llm/page/1/"]) == ["p002", "p001", "p000"]
    front, first = pages["tags/llm/"].context["pager"], pages["tags/llm/page/1/"].context["pager"]
    assert (front.newer, front.older) == (None, "tags/llm/page/1/")
    assert (first.newer, first.older) == ("tags/llm/", None)


def test_a_new_paper_changes_only_the_front_tag_page_and_its_own_pages() -> None:
    config = SiteConfig(papers_per_page=3)
    before = {p.path: p.fingerprint for p in plan(site_of(10), config, "g")}
    after = {p.path: p.fingerprint for p in plan(site_of(11), config, "g")}
    changed = {path for path in after if before.get(path) != after[path]}
    assert "tags/llm/page/1/" in before and "tags/llm/page/2/" in before
    assert before["tags/llm/page/1/"] == after["tags/llm/page/1/"]
    assert before["tags/llm/page/2/"] == after["tags/llm/page/2/"]
    assert "tags/llm/" in changed and "papers/p010/" in changed and "papers/p009/" not in changed


def test_fingerprints_follow_content_not_identity() -> None:
    first = plan(site_of(5), SiteConfig(), "g")
    again = plan(site_of(5), SiteConfig(), "g")
    assert [p.fingerprint for p in first] == [p.fingerprint for p in again]
    assert [p.fingerprint for p in plan(site_of(5), SiteConfig(), "other templates")] != [p.fingerprint for p in first]


def test_paper_pages_are_fingerprinted_as_the_generic_walk_would() -> None:
    site = site_of(12)
    papers = dict(site.papers)
    papers["p003"] = dataclasses.replace(papers["p003"], tags=("llm", "RL", "rl"))  # two spellings, one tag
    site = Site(papers, site.digests, {**site.days_of, "p004": (dt.date(2025, 1, 5), dt.date(2025, 2, 1))})
    related = {"p003": ("p001", "p002"), "p004": ("p003", "gone")}
    planned = plan(site, SiteConfig(), "g", related, {"p003": "@misc{x}"})
    pages = [page for page in planned if page.template == "paper.html"]
    assert len(pages) == 12 and len({p.fingerprint for p in pages}) == 12
    assert all(page.fingerprint == _fingerprint("g", page) for page in pages)


def test_a_week_page_changes_with_its_papers_and_days_only() -> None:
    def weeks(site: Site) -> dict[str, str]:
        return {p.path: p.fingerprint for p in plan(site, SiteConfig(), "g") if p.path.startswith("week/")}

    site = site_of(21)  # 2025-01-01 (a Wednesday) to 01-21: four ISO weeks
    before = weeks(site)
    edited = dict(site.papers)
    edited["p008"] = dataclasses.replace(edited["p008"], extra={"upvotes": 5}, fingerprint="fp8-edited")  # Jan 9
    after = weeks(Site(edited, site.digests, site.days_of))
    assert len(before) == 4 and {path for path in before if before[path] != after[path]} == {"week/2025-W02/"}
    entries = next(p for p in plan(site, SiteConfig(), "g") if p.path == "week/2025-W02/").context["entries"]
    assert [item.paper.slug for item in entries] == [f"p{i:03d}" for i in range(11, 4, -1)]  # Jan 12 back to 6


def test_a_new_day_changes_its_own_week_and_month_pages_not_their_neighbours() -> None:
    """Neighbouring periods link to each other by name: a new day in the latest week leaves the week before it
    (which links to it) as it was."""

    def periods(site: Site) -> dict[str, str]:
        return {p.path: p.fingerprint for p in plan(site, SiteConfig(), "g") if p.template == "period.html"}

    before, after = periods(site_of(20)), periods(site_of(21))  # 2025-01-21 is in week 4, as is 01-20
    assert {path for path in after if before.get(path) != after[path]} == {"week/2025-W04/", "month/2025-01/"}
    full_week, new_week = periods(site_of(26)), periods(site_of(27))  # 01-27 starts week 5: week 4 links to it
    assert {path for path in new_week if full_week.get(path) != new_week[path]} == {
        "week/2025-W04/",
        "week/2025-W05/",
        "month/2025-01/",
    }


def test_growing_pages_are_the_listings_new_papers_change() -> None:
    """The pages whose ``{% cache %}`` items a build keeps: each tag's front page and the newest week and month,
    which the next day renders again; not the numbered tag pages or older periods, which it leaves alone."""
    config = SiteConfig(papers_per_page=3)
    pages = plan(site_of(21), config, "g")  # 2025-01-21 and 22 are in week 4; the next paper fills no tag page
    growing = {page.path for page in pages if page.growing}
    assert growing == {"tags/llm/", "week/2025-W04/", "month/2025-01/"}
    after = {page.path: page.fingerprint for page in plan(site_of(22), config, "g")}
    listings = [page for page in pages if page.template in ("tag.html", "period.html")]
    assert {page.path for page in listings if after[page.path] != page.fingerprint} == growing
