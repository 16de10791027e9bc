"""The search index: parts read back with lunr.py answer like one Lunr index over the whole archive, every
word of the sample is findable, the manifest matches the files, and a new day rewrites only what it touches."""

from __future__ import annotations

import dataclasses
import functools
import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.synthetic import papers as synthetic_papers
from generator.content import load_content
from generator.model import Paper, Site
from generator.pages import build_site
from generator.search import ROOT, bucket_names, ordered_papers, part_file, search_files
from generator.search_query import Parts, needed_buckets, parse, reference_index, search
from generator.search_store import bucket_of
from generator.search_text import STOP_WORDS, stem, terms, words
from tests.conftest import SEED, broken_links, build_ok, html_files, make_site, soup


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed digest built into a site folder once for this module."""
    folder = make_site(tmp_path_factory.mktemp("sample"), {"2025-05-29.txt": SEED.read_text(encoding="utf-8")})
    build_ok(folder)
    return folder


@functools.cache
def site_of(folder: Path) -> Site:
    return build_site(load_content(folder / "content"))


def slugs(folder: Path, query: str) -> list[str]:
    ordered = ordered_papers(site_of(folder))
    return [ordered[number].slug for number, _ in search(Parts(folder / "site").index(query), query)]


def test_known_items_are_found_near_the_top(sample: Path) -> None:
    assert any(slug.endswith("capabilities-on-logic") for slug in slugs(sample, "sudoku")[:3])
    assert "papyrology" in slugs(sample, "papyrology")[0]
    assert "papyrology" in slugs(sample, "papyr")[0]  # prefix while typing
    assert slugs(sample, "PAPYROLOGY ") == slugs(sample, "papyrology ")  # case folded


def test_accents_are_folded_on_both_sides() -> None:
    assert words("Éléments de Gödel\u2019s naïve café") == ["elements", "de", "godel", "s", "naive", "cafe"]
    assert terms("Café") == terms("cafe") == ["cafe"]


def test_stemmer_follows_lunr_js_where_lunr_py_differs() -> None:
    # lunr.py's own stemmer gives "try" -> "try" and "lay" -> "lai"; lunr.js 2.3.9 gives these:
    assert stem("try") == "tri"
    assert stem("lay") == "lay"
    assert [stem(w) for w in ("papyrology", "running", "generalization", "yes")] == [
        "papyrolog",
        "run",
        "gener",
        "ye",
    ]


def test_stray_syntax_never_throws_and_falls_back_to_words(sample: Path) -> None:
    for query in ("title:", "+", "~", "*", '"unbalanced', "title:sudoku~", "-", "+sudoku^", "^^^", "::", "sudoku~2"):
        slugs(sample, query)
    assert slugs(sample, '"sudoku') == slugs(sample, "sudoku")
    assert slugs(sample, "sudoku~1") == slugs(sample, "sudoku")
    assert [w.text for w in parse('title: + ~ * "x')] == ["title", "x"]


def test_query_syntax_fields_presence_and_all_words_first(sample: Path) -> None:
    everything = slugs(sample, "causal reasoning ")
    both = [s for s in everything if set(slugs(sample, "+causal +reasoning ")) >= {s}]
    assert everything[: len(both)] == both  # papers with every word come first
    assert set(slugs(sample, "causal -reasoning ")).isdisjoint(slugs(sample, "+reasoning "))
    titled = slugs(sample, "title:distillation ")
    assert titled and all("distill" in s for s in titled)


def test_every_word_of_every_sample_abstract_finds_its_paper(sample: Path) -> None:
    site = site_of(sample)
    ordered = ordered_papers(site)
    containing: dict[str, set[int]] = {}
    for number, paper in enumerate(ordered):
        for raw in paper.abstract.split():
            containing.setdefault(raw, set()).add(number)
    parts = Parts(sample / "site")
    by_buckets: dict[frozenset[str], list[str]] = {}
    for raw in containing:
        query = raw + " "  # typed alone, then a space: the exact term, no prefix help
        if not any(w.text not in STOP_WORDS for w in parse(query)):
            assert all(w in STOP_WORDS for w in words(raw)), raw  # only stop words and punctuation are silent
            continue
        by_buckets.setdefault(frozenset(needed_buckets(parts.manifest["buckets"], query)), []).append(raw)
    for buckets, raws in by_buckets.items():
        index = parts.index_of(set(buckets))  # one index serves every word needing the same buckets
        for raw in raws:
            found = {number for number, _ in search(index, raw + " ")}
            assert containing[raw] <= found, f"{raw!r} does not find its paper"


def test_manifest_is_consistent_with_the_parts(sample: Path) -> None:
    site_dir = sample / "site"
    manifest = json.loads((site_dir / ROOT / "manifest.json").read_bytes())
    names = set(manifest["buckets"])
    listed = {
        part_file(period, bucket)
        for period, present in manifest["present"].items()
        for bucket, flag in zip(manifest["buckets"], present, strict=True)
        if flag == "1"
    }
    on_disk = {p.relative_to(site_dir).as_posix() for p in (site_dir / ROOT / "terms").rglob("*.json")}
    assert listed == on_disk
    documents: set[int] = set()
    for name in on_disk:
        bucket = Path(name).stem
        for term, lists in json.loads((site_dir / name).read_bytes()).items():
            assert bucket_of(term, names) == bucket, (term, name)
            for flat in lists:
                documents.update(_absolute_docs(flat))
    stored = [doc for p in sorted((site_dir / ROOT / "docs").glob("*.json")) for doc in json.loads(p.read_bytes())]
    assert manifest["docs"] == len(stored) == len(site_of(sample).papers) == len(documents)
    for path, *_ in stored:
        assert (site_dir / path / "index.html").is_file()


def _absolute_docs(flat: list[int]) -> Iterator[int]:
    doc = 0
    for at in range(0, len(flat), 3):
        doc += flat[at]
        yield doc


def test_buckets_split_until_small_and_cover_every_term() -> None:
    counts = {"a": 1, "ab": 5, "abc": 5, "abd": 5, "b": 3, "zz": 20}
    names = bucket_names(counts, limit=6)
    assert all(bucket_of(term, set(names)) for term in counts)
    assert bucket_of("abc", set(names)) != bucket_of("abd", set(names))
    assert bucket_of("zz", set(names)) is not None  # one big term stays whole


def _check_same_as_one_index(site: Site, site_dir: Path, queries: list[str]) -> None:
    reference = reference_index(site)
    for query in queries:
        parts = Parts(site_dir)
        got, expected = search(parts.index(query), query), search(reference, query)
        assert [doc for doc, _ in got] == [doc for doc, _ in expected], query  # same papers, same order
        # same scores; the last bit may differ: Lunr sums a document's terms in its own term-number order
        assert [score for _, score in got] == pytest.approx([score for _, score in expected], rel=1e-12)


def test_results_equal_one_index_over_the_sample(sample: Path) -> None:
    queries = ["sudoku", "language models", "causal reasoning benchmark", "+agent -vision", "title:distillation"]
    queries += ["llm^3 reasoning*", "papyr", "the", "graph neural", "multimodal causal evaluation "]
    _check_same_as_one_index(site_of(sample), sample / "site", queries)


def synthetic_site(count: int, per_day: int) -> Site:
    found = {p.slug: p for p in synthetic_papers(count, per_day=per_day)}
    return Site(found, ())


def test_results_equal_one_index_over_a_synthetic_archive(tmp_path: Path) -> None:
    site = synthetic_site(800, per_day=6)  # four months: two quarters, buckets split below one letter
    files = search_files(site)
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    manifest = json.loads(files[f"{ROOT}manifest.json"])
    assert len(manifest["periods"]) == 2 and any(len(b) > 1 for b in manifest["buckets"])
    rng = random.Random(3)
    vocabulary = sorted({w for p in list(site.papers.values())[:200] for w in words(p.abstract)})
    queries = [" ".join(rng.sample(vocabulary, rng.randint(1, 3))) + rng.choice(["", " "]) for _ in range(16)]
    queries += [w[:4] for w in rng.sample(vocabulary, 6)] + ["model -data", "title:learning", "+neural network"]
    _check_same_as_one_index(site, tmp_path, queries)


def test_postings_are_lunrs_term_frequencies_and_field_lengths(sample: Path) -> None:
    from lunr.builder import Builder

    from generator.search_store import FIELDS, Day, analyse, field_texts

    papers = ordered_papers(site_of(sample))
    odd = dataclasses.replace(papers[0], title="Yay, YES: the Yield of İstanbul's ÆON; trying, tries, try", tags=())
    day = Day(papers[0].date, 40, [odd, *papers, *synthetic_papers(30, seed=5)])
    builder = Builder()
    builder.ref("id")
    for name, boost in FIELDS:
        builder.field(name, boost)
    for number, paper in enumerate(day.papers, start=day.first):
        builder.add({"id": str(number), **{n: terms(t) for (n, _), t in zip(FIELDS, field_texts(paper), strict=True)}})
    expected: dict[str, list[list[int]]] = {}
    for number in range(day.first, day.first + len(day.papers)):
        for position, (name, _) in enumerate(FIELDS):
            length = builder.field_lengths[f"{name}/{number}"]
            for term, tf in builder.field_term_frequencies[f"{name}/{number}"].items():
                expected.setdefault(term, [[] for _ in FIELDS])[position] += (number, tf, length)
    postings, lengths = analyse(day)
    assert list(postings.items()) == list(expected.items())  # the same, in the same order
    numbers = range(day.first, day.first + len(day.papers))
    assert lengths == [sum(builder.field_lengths[f"{name}/{i}"] for i in numbers) for name, _ in FIELDS]


def _digest(papers: list[Paper]) -> str:
    return "".join(f"{p.title}\n\n{p.abstract}\n\n" for p in papers)


def test_a_new_day_rewrites_only_the_parts_it_touches(tmp_path: Path) -> None:
    made = list(synthetic_papers(60, seed=11, per_day=30))
    folder = make_site(
        tmp_path / "site", {"2025-02-10.txt": _digest(made[:30]), "2025-05-10.txt": _digest(made[30:50])}
    )
    build_ok(folder)
    search_dir = folder / "site" / ROOT
    before = {p.relative_to(search_dir).as_posix(): p.stat().st_ino for p in search_dir.rglob("*.json")}
    cache = {p.name: p.stat().st_mtime_ns for p in (folder / ".digest-cache" / "search").iterdir()}
    (folder / "digests" / "2025-05-11.txt").write_text(_digest(made[50:]), encoding="utf-8")
    build_ok(folder)
    after = {p.relative_to(search_dir).as_posix(): p.stat().st_ino for p in search_dir.rglob("*.json")}
    rewritten = {name for name, inode in after.items() if before.get(name) != inode}
    assert "manifest.json" in rewritten
    assert not any(name.startswith("terms/2025q1/") for name in rewritten)  # the older quarter is untouched
    assert any(name.startswith("terms/2025q2/") for name in rewritten)
    assert len(rewritten) < len(after)
    store = folder / ".digest-cache" / "search"
    kept = {p.name for p in store.iterdir() if cache.get(p.name) == p.stat().st_mtime_ns}
    assert {n for n in cache if n.startswith(("day-", "period-2025q1", "parts-2025q1", "buckets-"))} <= kept
    made_now = {p.name for p in store.iterdir()} - kept  # what the new day cost: its analysis, its quarter
    assert {n.split("-")[0] for n in made_now} == {"day", "period", "parts", "merged", "documents"}
    assert all(
        n.startswith(("day-2025-05-11", "period-2025q2", "parts-2025q2", "merged-", "documents-")) for n in made_now
    )
    assert slugs(folder, made[55].title.split()[0] + " ")  # the new day is searchable


def test_a_hand_edited_abstract_is_searched_by_its_new_words(tmp_path: Path) -> None:
    """The index of a day is kept by its papers' file hashes: an edit in content/ must reach it."""
    folder = make_site(tmp_path / "site", {"2025-05-29.txt": SEED.read_text(encoding="utf-8")})
    build_ok(folder)
    paper = next((folder / "content" / "papers").glob("taid-*.md"))
    paper.write_text(paper.read_text(encoding="utf-8") + "\nA zyxwvutsr note added by hand.\n", encoding="utf-8")
    build_ok(folder)
    site_of.cache_clear()
    assert slugs(folder, "zyxwvutsr") == [paper.stem]


def test_document_blocks_are_made_again_only_for_papers_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.search as search_module

    made = list(synthetic_papers(40, seed=12, per_day=20))
    papers = [dataclasses.replace(paper, fingerprint=f"file-{paper.slug}") for paper in made]
    first = Site({p.slug: p for p in papers[:30]}, (), {})
    stored: list[str] = []
    real = search_module._stored
    monkeypatch.setattr(search_module, "_stored", lambda paper, texts: stored.append(paper.slug) or real(paper, texts))
    before = search_files(first, tmp_path / "cache", version="v1")
    assert len(stored) == 30
    stored.clear()
    grown = Site({p.slug: p for p in papers}, (), {})  # ten newer papers: documents appended at the end
    after = search_files(grown, tmp_path / "cache", version="v1")
    assert len(stored) < 20 and all(slug in {p.slug for p in papers[24:]} for slug in stored)
    unchanged = [name for name in before if name.startswith(f"{ROOT}docs/") and after.get(name) == before[name]]
    assert len(unchanged) == 3  # blocks of 8: the first three hold none of the new papers
    stored.clear()
    assert search_files(grown, tmp_path / "cache", version="v2") == after  # other code: all made again, the same
    assert len(stored) == 40


def test_every_page_has_the_search_box_and_the_search_page_its_contract(sample: Path) -> None:
    site_dir = sample / "site"
    for page in html_files(site_dir):
        html = soup(page)
        form = html.select_one("header form[role=search]")
        assert form is not None and form["action"] == "/search/", page
        assert form.select_one("input#search-box[name=q]") and form.select_one("label[for=search-box]"), page
        assert html.select_one("script[src='/static/search.js']"), page
    search_page = soup(site_dir / "search" / "index.html")
    assert search_page.select_one("ol#search-results") is not None
    assert "needs JavaScript" in search_page.select_one("noscript").get_text()
    assert search_page.select_one("#search-status[aria-live=polite]") is not None
    assert (site_dir / "static" / "vendor" / "lunr" / "LICENSE").is_file()
    assert broken_links(site_dir) == []


def test_a_site_without_search_has_no_index_page_or_box_until_turned_on(tmp_path: Path) -> None:
    folder = make_site(tmp_path / "site", {"2025-05-29.txt": SEED.read_text(encoding="utf-8")}, "search: false\n")
    build_ok(folder)
    site_dir = folder / "site"
    assert not (site_dir / "search").exists()
    assert all(
        soup(page).select_one("form[role=search], script[src$='search.js']") is None for page in html_files(site_dir)
    )
    assert broken_links(site_dir) == []
    (folder / "site.yaml").write_text("search: true\n", encoding="utf-8")
    build_ok(folder)
    assert (site_dir / "search" / "index.html").is_file() and (site_dir / ROOT / "manifest.json").is_file()
    assert slugs(folder, "distillation")  # the index the child process made is whole
    assert soup(site_dir / "index.html").select_one("form[role=search]") is not None
    (folder / "site.yaml").write_text("search: false\n", encoding="utf-8")
    build_ok(folder)
    assert not (site_dir / "search").exists()  # what it made is removed with it
