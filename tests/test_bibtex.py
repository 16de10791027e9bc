"""BibTeX files: they parse, hold arXiv-style fields, escape LaTeX specials, and keys are unique."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware

from generator import bibtex
from generator.bibtex import cite_keys, escape
from generator.cli import main
from generator.model import Digest, Paper, Site
from tests.conftest import soup
from tests.reading import build_reading_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_reading_site(tmp_path_factory.mktemp("bib"))


def parse(path: Path, decode: bool = False) -> bibtexparser.Library:
    library = bibtexparser.parse_string(
        path.read_text(encoding="utf-8"), append_middleware=[LatexDecodingMiddleware()] if decode else []
    )
    assert not library.failed_blocks, path
    return library


def fields(path: Path, decode: bool = False) -> tuple[str, dict[str, str]]:
    (entry,) = parse(path, decode).entries
    assert entry.entry_type == "misc"
    return entry.key, {name: entry[name] for name in entry.fields_dict}


def test_arxiv_paper_has_arxiv_fields(site: Path) -> None:
    key, values = fields(site / "papers/attention-is-all-you-need/attention-is-all-you-need.bib")
    assert key == "vaswani2017attention"
    assert values["title"] == "Attention Is All You Need"
    authors = values["author"].split(" and ")
    assert authors[0] == "Ashish Vaswani" and "Łukasz Kaiser" in authors and len(authors) == 8
    assert values["year"] == "2017"  # from the arXiv id, not the digest date
    assert values["eprint"] == "1706.03762"  # version dropped
    assert values["archivePrefix"] == "arXiv"
    assert values["primaryClass"] == "cs.CL"
    assert values["url"] == "https://arxiv.org/abs/1706.03762"
    assert values["doi"] == "10.48550/arXiv.1706.03762"


def test_paper_without_arxiv_id_or_authors(site: Path) -> None:
    key, values = fields(site / "papers/efficient-attention-without-authors/efficient-attention-without-authors.bib")
    assert key == "anon2025efficient"
    assert set(values) == {"title", "year"}


def test_categories_as_text_give_primary_class_and_math_stays(site: Path) -> None:
    key, values = fields(site / "papers/scaling-laws-for-o-n-log-n-attention/scaling-laws-for-o-n-log-n-attention.bib")
    assert key == "shazeer2025scaling"
    assert values["primaryClass"] == "cs.LG"
    assert values["title"] == r"Scaling Laws for $O(n \log n)$ Attention \& the 100\% Budget"
    assert values["author"] == "Noam Shazeer and Zoë O'Brien-Müller"  # UTF-8 kept


def test_special_characters_escaped(site: Path) -> None:
    path = site / "papers/a-hostile-title-script/a-hostile-title-script.bib"
    raw = path.read_text(encoding="utf-8")
    assert r"\textbraceleft{}braces\textbraceright{} \#1 \& 50\% off\_sale" in raw
    _, decoded = fields(path, decode=True)
    assert decoded["title"].endswith("#1 & 50% off_sale")


def test_escape_unit() -> None:
    assert escape("a_b & c% #d $5 and $x_1$") == r"a\_b \& c\% \#d \$5 and $x_1$"
    assert escape("back\\slash ~ ^") == r"back\textbackslash{}slash \textasciitilde{} \textasciicircum{}"
    assert escape("unbalanced $x}$ math") == r"unbalanced \$x\textbraceright{}\$ math"


def test_day_bib_holds_the_days_papers_in_order(site: Path) -> None:
    library = parse(site / "date/2025-05-30/2025-05-30.bib")
    assert [e.key for e in library.entries] == ["anon2025efficient", "shazeer2025scaling"]


def test_keys_unique_and_stable() -> None:
    def paper(slug: str, day: int) -> Paper:
        return Paper(slug, "Deep Learning Again", dt.date(2025, 5, day), "", authors=("Yann LeCun",))

    papers = {p.slug: p for p in (paper("c", 1), paper("a", 2), paper("b", 3))}
    keys = cite_keys(Site(papers, (Digest(dt.date(2025, 5, 3), ("a", "b", "c")),)))
    assert keys == {"c": "lecun2025deep", "a": "lecun2025deepb", "b": "lecun2025deepc"}


def test_paper_page_shows_bibtex_and_copy_button(site: Path) -> None:
    page = soup(site / "papers/attention-is-all-you-need/index.html")
    button = page.find("button", class_="copy-button")
    assert button is not None and button.get_text() == "Copy BibTeX"
    target = page.find(id=button["data-copy-target"])
    bib = (site / "papers/attention-is-all-you-need/attention-is-all-you-need.bib").read_text(encoding="utf-8")
    assert target.get_text() == bib
    assert page.find("a", href="/papers/attention-is-all-you-need/attention-is-all-you-need.bib") is not None


def test_an_edited_paper_gets_a_new_entry_the_others_come_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = build_reading_site(tmp_path)
    folder = site.parent
    assert list((folder / ".digest-cache" / "bibtex").glob("*.pickle"))
    bib = site / "papers/attention-is-all-you-need/attention-is-all-you-need.bib"
    before = {path: path.read_bytes() for path in site.rglob("*.bib")}
    paper = folder / "content/papers/attention-is-all-you-need.md"
    paper.write_text(paper.read_text(encoding="utf-8").replace("Attention Is All", "Attention Was All"), "utf-8")
    worked_out: list[str] = []
    fields_of = bibtex._fields
    monkeypatch.setattr(bibtex, "_fields", lambda paper: worked_out.append(paper.slug) or fields_of(paper))
    assert main(["-q", "-C", str(folder), "build"]) == 0
    assert worked_out == ["attention-is-all-you-need"]  # every other entry came from the cache
    assert fields(bib)[1]["title"] == "Attention Was All You Need"
    after = {path: path.read_bytes() for path in site.rglob("*.bib")}
    changed = {path.name for path in before if before[path] != after[path]}
    assert changed == {"attention-is-all-you-need.bib", "2025-05-29.bib"}  # the paper and its day, no other
