"""Math in titles and abstracts: rendered to MathML at build time, broken or unknown math shown as source text,
prices left alone, hostile text escaped."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.mathml import inline_math, plain_math, to_mathml
from tests.conftest import soup
from tests.reading import build_reading_site

SCALING = "papers/scaling-laws-for-o-n-log-n-attention/index.html"
HOSTILE = "papers/a-hostile-title-script/index.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_reading_site(tmp_path_factory.mktemp("math"))


def test_abstract_math_rendered_as_mathml(site: Path) -> None:
    abstract = soup(site / SCALING).find("div", class_="abstract")
    inline = abstract.select("span.math-inline math")
    assert [m["display"] for m in inline] == ["inline", "inline"]
    assert inline[0].find("msup") is not None  # N^{-\alpha}
    block = abstract.select_one("div.math-display math")
    assert block["display"] == "block" and block.find("munderover") is not None and block.find("mfrac") is not None


def test_broken_and_unknown_math_shown_as_source(site: Path) -> None:
    sources = [s.get_text() for s in soup(site / SCALING).select(".abstract .math-source")]
    assert sources == [r"$\frac{a}{$", r"$\foo{x}$"]
    assert "stay readable." in soup(site / SCALING).find("div", class_="abstract").get_text()


def test_prices_stay_text(site: Path) -> None:
    abstract = soup(site / SCALING).find("div", class_="abstract")
    first = abstract.find("p")
    assert "costs $5 to $10 per GPU-hour, about $2,000 in total." in first.get_text()
    assert len(first.find_all("math")) == 2


def test_title_math_rendered_on_paper_and_day_pages(site: Path) -> None:
    h1 = soup(site / SCALING).h1
    assert h1.find("math") is not None and "Attention & the 100% Budget" in h1.get_text()
    assert soup(site / SCALING).title.get_text().startswith(r"Scaling Laws for O(n \log n) Attention")
    day_title = soup(site / "date/2025-05-30/index.html").select("h2.paper-title a")[1]
    assert day_title.find("math") is not None
    week_snippet = soup(site / "week/2025-W23/index.html").select_one("#efficient-attention-without-authors .snippet")
    assert week_snippet.find("math") is not None


def test_hostile_title_and_abstract_escaped(site: Path) -> None:
    page = soup(site / HOSTILE)
    inline = [s for s in page.find_all("script", src=None) if s.get("type") != "application/ld+json"]
    assert inline == []  # only the theme's own scripts, which have src, and JSON-LD (tested in test_publish)
    assert page.find("img") is None and page.find("b") is None
    assert page.h1.get_text().startswith("<script>alert('t')</script> A hostile")
    sources = [s.get_text() for s in page.select(".abstract .math-source")]
    assert sources == [r"$\text{<script>alert(2)</script>}$", r"$\href{javascript:alert(3)}{x}$"]
    assert not page.select("[href^=javascript]")
    raw = (site / HOSTILE).read_text(encoding="utf-8")
    assert "<script>alert" not in raw and "<b>Bold</b>" not in raw


def test_converter_guards() -> None:
    assert to_mathml(r"\frac{a}{b}") is not None
    for bad in (r"\frac{a", r"}{", r"\left( x", r"\undefinedmacro x", r"\text{<b>x</b>}", r"\href{https://e.com}{x}"):
        assert to_mathml(bad) is None, bad
    assert str(inline_math("Cost $5 and $10 <i>")) == "Cost $5 and $10 &lt;i&gt;"
    assert "<math" in str(inline_math("Loss $x^2$ & more")) and "&amp; more" in str(inline_math("Loss $x^2$ & more"))
    assert plain_math("A $O(n)$ bound") == "A O(n) bound"
