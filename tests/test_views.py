"""Week, month, day and author pages: the right papers, in the right order, linked to each other."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.model import Paper
from generator.views import month_of, upvotes, week_of
from tests.conftest import broken_links, build_ok, soup
from tests.reading import build_reading_site

EFFICIENT, HOSTILE = "efficient-attention-without-authors", "a-hostile-title-script"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_reading_site(tmp_path_factory.mktemp("views"))


def listed(page: Path) -> list[str]:
    items = soup(page).select("ol.period-list > li")
    return [li["id"] for li in items]


def test_week_pages_hold_their_papers_upvoted_first(site: Path) -> None:
    # 2025-05-29 (Thu) and 05-30 (Fri) are ISO week 22; 2025-06-02 (Mon) is week 23.
    assert listed(site / "week/2025-W22/index.html") == [
        "scaling-laws-for-o-n-log-n-attention",  # 40 upvotes
        "attention-is-all-you-need",  # 12 upvotes
        "efficient-attention-without-authors",  # upvotes unknown: after those known
    ]
    assert listed(site / "week/2025-W23/index.html") == [EFFICIENT, HOSTILE]


def test_month_pages_hold_their_papers(site: Path) -> None:
    assert sorted(listed(site / "month/2025-05/index.html")) == [
        "attention-is-all-you-need",
        "efficient-attention-without-authors",
        "scaling-laws-for-o-n-log-n-attention",
    ]
    assert listed(site / "month/2025-06/index.html") == [EFFICIENT, HOSTILE]


def test_periods_link_to_each_other(site: Path) -> None:
    w22, w23 = soup(site / "week/2025-W22/index.html"), soup(site / "week/2025-W23/index.html")
    assert w22.find("a", rel="next")["href"] == "/week/2025-W23/"
    assert w23.find("a", rel="prev")["href"] == "/week/2025-W22/"
    assert w22.find("a", rel="prev") is None
    assert {a["href"] for a in w23.select(".period-links a")} == {"/month/2025-06/"}
    may = soup(site / "month/2025-05/index.html")
    assert {a["href"] for a in may.select(".period-links a")} == {"/week/2025-W22/"}  # W23 holds no May day
    assert may.find("a", rel="next")["href"] == "/month/2025-06/"


def test_day_pages_link_to_their_week_and_month_and_archive_to_months(site: Path) -> None:
    day = soup(site / "date/2025-06-02/index.html")
    links = {a["href"] for a in day.select(".period-links a")}
    assert {"/week/2025-W23/", "/month/2025-06/", "/date/2025-06-02/2025-06-02.bib"} <= links
    archive = {a["href"] for a in soup(site / "archive/index.html").find_all("a")}
    assert {"/month/2025-05/", "/month/2025-06/"} <= archive


def test_author_pages(site: Path) -> None:
    noam = soup(site / "authors/noam-shazeer/index.html")
    assert noam.h1.get_text() == "Noam Shazeer"
    titles = [a["href"] for a in noam.select("a.paper-list-title")]
    assert titles == ["/papers/scaling-laws-for-o-n-log-n-attention/", "/papers/attention-is-all-you-need/"]
    paper = soup(site / "papers/attention-is-all-you-need/index.html")
    assert paper.select_one(".authors a")["href"] == "/authors/ashish-vaswani/"
    assert (site / "authors/lukasz-kaiser/index.html").is_file()
    assert len(list((site / "authors").iterdir())) == 8 + 1 + 1  # Vaswani et al., O'Brien-Müller, the hostile one


def test_no_broken_links(site: Path) -> None:
    assert broken_links(site) == []


def test_seed_site_views_and_links(seed_site: Path) -> None:
    build_ok(seed_site)
    site = seed_site / "site"
    assert len(listed(site / "week/2025-W22/index.html")) == 70
    assert not (site / "authors").exists()  # the text format knows no authors
    assert broken_links(site) == []


def test_iso_weeks_cross_the_year() -> None:
    assert week_of(dt.date(2024, 12, 30)) == (2025, 1)
    assert week_of(dt.date(2021, 1, 3)) == (2020, 53)
    assert month_of(dt.date(2024, 12, 30)) == (2024, 12)


def test_upvotes_read_defensively() -> None:
    def with_upvotes(value: object) -> Paper:
        return Paper("p", "T", dt.date(2025, 1, 1), "", extra={"upvotes": value})

    assert [upvotes(with_upvotes(v)) for v in (7, "12", 3.0, True, "many", None, 2.5)] == [
        7,
        12,
        3,
        None,
        None,
        None,
        None,
    ]
    assert upvotes(Paper("p", "T", dt.date(2025, 1, 1), "")) is None


def test_week_pages_show_snippets_month_pages_only_list(site: Path) -> None:
    # A month of a busy digest holds thousands of papers: with a snippet each, its page would weigh megabytes.
    week = soup(site / "week/2025-W23/index.html").select("ol.period-list > li")
    month = soup(site / "month/2025-06/index.html").select("ol.period-list > li")
    assert all(li.select_one("p.snippet") for li in week)
    assert month and not any(li.select_one("p.snippet") for li in month)
    assert all(li.select_one("a.paper-list-title") for li in month)
