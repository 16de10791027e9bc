"""Search in a real browser: Debian's Chromium driven by Playwright, the built sample site served by a real
http.server process on 127.0.0.1, at the root and under a sub-path."""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from playwright.sync_api import sync_playwright

from bench.browser import CHROMIUM, CHROMIUM_ARGS, static_server
from bench.search_bench import add_search_page
from bench.synthetic import papers as synthetic_papers
from generator.content import load_content
from generator.model import Site
from generator.pages import build_site
from generator.search import ordered_papers, search_files
from generator.search_query import reference_index, search
from generator.search_text import terms, words
from tests.conftest import SEED, build_ok, make_site, require_chromium

require_chromium(module=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample built twice: for the domain root, and for the sub-path /digest/."""
    sites = {}
    for base in ("/", "/digest/"):
        folder = tmp_path_factory.mktemp("site")
        make_site(folder, {"2025-05-29.txt": SEED.read_text(encoding="utf-8")}, f"base_url: {base}\n")
        build_ok(folder)
        sites[base] = folder
    return sites


@pytest.fixture(scope="module")
def root_url(built: dict[str, Path]) -> Iterator[str]:
    with static_server(built["/"] / "site") as url:
        yield url


@pytest.fixture(scope="module")
def sub_url(built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    holder = tmp_path_factory.mktemp("holder")
    shutil.copytree(built["/digest/"] / "site", holder / "digest")
    with static_server(holder) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that records console errors and uncaught exceptions; the test fails if there are any."""
    context = browser.new_context()
    new = context.new_page()
    errors: list[str] = []
    new.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    new.on("pageerror", lambda error: errors.append(str(error)))
    # the browser asks for /favicon.ico on its own; the theme has none, and that 404 is not the site's error
    new.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    yield new
    context.close()
    assert errors == []


def results(page: Any) -> list[str]:
    return [a.get_attribute("href") for a in page.query_selector_all("#search-results li a")]


def type_query(page: Any, text: str) -> None:
    page.fill("#search-box", "")
    page.type("#search-box", text)
    page.wait_for_function(
        "t => document.getElementById('search-status').textContent.includes(t.trim())", arg=text, timeout=10_000
    )


def test_typing_shows_counted_highlighted_results(page: Any, root_url: str) -> None:
    page.goto(f"{root_url}/search/")
    type_query(page, "sudoku")
    assert any(href.endswith("capabilities-on-logic/") for href in results(page)[:3])
    assert re.match(r"1 result for", page.inner_text("#search-status"))
    type_query(page, "causal")
    marks = page.eval_on_selector_all("#search-results mark", "ms => ms.map(m => m.textContent.toLowerCase())")
    assert marks and all(mark.startswith("causal") for mark in marks)  # "causal" and, while typing, "causalm"
    first = page.query_selector("#search-results li")
    assert first.query_selector("time") and first.query_selector(".snippet")
    assert "q=causal" in page.url  # shareable: the address follows the box


def test_prefix_while_typing_and_no_results_state(page: Any, root_url: str) -> None:
    page.goto(f"{root_url}/search/")
    type_query(page, "papyr")
    assert "papyrology" in results(page)[0]
    type_query(page, "qwzxvbnm ")
    assert page.inner_text("#search-status").startswith("No results")
    assert results(page) == []


def test_stray_syntax_does_not_throw(page: Any, root_url: str) -> None:
    page.goto(f"{root_url}/search/")
    for text in ['title: + ~ * "', "title:", "+", "~1", "*", '"causal', "causal^", "-", "title:causal~2 +-reasoning"]:
        type_query(page, text)


def test_permalink_keyboard_and_back_button(page: Any, root_url: str) -> None:
    page.goto(f"{root_url}/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-box"
    page.keyboard.type("causal reasoning")
    page.keyboard.press("Enter")  # from another page the box submits to the search page
    page.wait_for_url(re.compile(r"/search/\?q=causal"))
    page.wait_for_selector("#search-results li")
    assert page.input_value("#search-box") == "causal reasoning"
    second = results(page)[1]
    page.focus("#search-box")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#search-results li:nth-child(2)", "aria-selected") == "true"
    page.keyboard.press("Enter")
    page.wait_for_url(second)
    page.go_back()
    page.wait_for_selector("#search-results li")
    assert "q=causal" in page.url and results(page)[1] == second
    page.go_back()
    assert page.url == f"{root_url}/"  # typing replaced the history entry, it did not pile up entries


def test_results_follow_one_global_lunr_index(page: Any, root_url: str, built: dict[str, Path]) -> None:
    site = build_site(load_content(built["/"] / "content"))
    ordered, reference = ordered_papers(site), reference_index(site)
    for text in ("language models ", "causal reasoning benchmark", "llm agent", "title:causal evaluation "):
        page.goto(f"{root_url}/search/?q={text}")
        page.wait_for_selector("#search-results li")
        expected = search(reference, text)
        shown = results(page)
        assert shown == [f"{root_url}/papers/{ordered[n].slug}/" for n, _ in expected][: len(shown)], text
        assert_same_ranking(browser_ranking(page, text), expected, text)


def browser_ranking(page: Any, text: str) -> list[tuple[int, float]]:
    """search.js's whole ranking of ``text``: (document number, Lunr score), best first."""
    return [(doc, score) for doc, score in page.evaluate("t => window.digestSearch.rank(t)", text)]


def assert_same_ranking(got: list[tuple[int, float]], expected: list[tuple[int, float]], text: str) -> None:
    assert [doc for doc, _ in got] == [doc for doc, _ in expected], text  # same papers, same order
    # same scores; the last bit may differ: lunr.py sums a document's terms in its own term-number order
    assert [score for _, score in got] == pytest.approx([score for _, score in expected], rel=1e-12), text


def test_rankings_equal_one_lunr_index_over_a_synthetic_archive(browser: Any, tmp_path: Path) -> None:
    """Words in most papers (thousands of matches), prefixes, and every piece of the query syntax: search.js
    scores straight from the postings, and must answer as one lunr.py index over the whole archive does."""
    site = Site({p.slug: p for p in synthetic_papers(800, per_day=6)}, ())  # two quarters
    site_dir = tmp_path / "site"
    for name, data in search_files(site).items():
        (site_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (site_dir / name).write_bytes(data)
    add_search_page(site_dir, len(site.papers))
    reference = reference_index(site)
    rng = random.Random(17)
    vocabulary = sorted({w for p in list(site.papers.values())[:200] for w in words(p.abstract)})
    syntax = ("+{}", "-{}", "title:{}", "abstract:{}", "{}^3", "{}*", "{}~1", "{}")
    queries = ["model", "language model ", "model data learning ", "+model -data ", "title:learning model "]
    queries += ["model model title:model", "mod", "+the mod", "-model", "lea", "the of ", "+model +qwzx "]
    for _ in range(40):
        chosen = [rng.choice(syntax).format(rng.choice(vocabulary)) for _ in range(rng.randint(1, 4))]
        queries.append(" ".join(chosen) + rng.choice(["", " "]))
    queries += [w[:4] for w in rng.sample(vocabulary, 6)]  # typed prefixes
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    with static_server(site_dir) as url:
        page.goto(f"{url}/search/")
        page.wait_for_function("window.digestSearch !== undefined")
        counts = []
        for text in queries:
            got = browser_ranking(page, text)
            assert_same_ranking(got, search(reference, text), text)
            counts.append(len(got))
    page.close()
    assert errors == []
    assert max(counts) > len(site.papers) // 2 and 0 in counts  # common words were among them, and misses


def test_browser_terms_equal_index_terms_for_the_sample(page: Any, root_url: str, built: dict[str, Path]) -> None:
    site = build_site(load_content(built["/"] / "content"))
    page.goto(f"{root_url}/search/")
    page.wait_for_function("window.digestSearch !== undefined")
    texts = [text for paper in site.papers.values() for text in (paper.title, paper.abstract)]
    texts.append("Éléments de Gödel, naïve café: GPT-4o\u2019s \u201ctry-lay\u201d λ-calculus ÆSIR straße")
    texts.append(" ".join(_suffix_words()))  # every step of the stemmer, thousands of times
    in_browser = page.evaluate("texts => texts.map(t => window.digestSearch.terms(t))", texts)
    assert in_browser == [terms(text) for text in texts]


def _suffix_words() -> list[str]:
    """Random stems with the suffixes the Porter steps handle, some starting with "y" (a special case)."""
    suffixes = "ational tional enci anci izer bli alli entli eli ousli ization ation ator alism iveness fulness "
    suffixes += "ousness aliti iviti biliti logi icate ative alize iciti ical ful ness al ance ence er ic able "
    suffixes += "ible ant ement ment ent ou ism ate iti ous ive ize sion tion e ll s ies sses ed ing eed y ly ying"
    rng = random.Random(11)
    found = []
    for _ in range(20_000):
        stem_part = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 7)))
        found.append(("y" if rng.random() < 0.1 else "") + stem_part + rng.choice(suffixes.split()))
    return found


def test_sample_words_typed_alone_find_their_paper(page: Any, root_url: str, built: dict[str, Path]) -> None:
    site = build_site(load_content(built["/"] / "content"))
    rng = random.Random(5)
    page.goto(f"{root_url}/search/")
    for paper in rng.sample(sorted(site.papers.values(), key=lambda p: p.slug), 8):
        for word in rng.sample(paper.abstract.split(), 3):
            if not terms(word):
                continue  # a stop word or punctuation alone: the status says so instead
            type_query(page, word + " ")
            count = int(page.inner_text("#search-status").split()[0])
            while len(results(page)) < count and f"/papers/{paper.slug}/" not in " ".join(results(page)):
                shown = len(results(page))
                page.click("#search-more")
                page.wait_for_function("n => document.querySelectorAll('#search-results li').length > n", arg=shown)
            assert any(href.endswith(f"/papers/{paper.slug}/") for href in results(page)), word


def test_under_a_sub_path(page: Any, sub_url: str) -> None:
    page.goto(f"{sub_url}/digest/search/?q=papyrology")
    page.wait_for_selector("#search-results li")
    assert results(page)[0].startswith(f"{sub_url}/digest/papers/")
    page.goto(f"{sub_url}/digest/")
    page.fill("#search-box", "sudoku")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{sub_url}/digest/search/?q=sudoku")
    page.wait_for_selector("#search-results li")


def test_file_pages_say_search_needs_http(browser: Any, built: dict[str, Path]) -> None:
    page = browser.new_page()
    page.goto((built["/"] / "site" / "search" / "index.html").as_uri() + "?q=sudoku")
    assert "served over HTTP" in page.inner_text("#search-status")
    page.close()


UNICODE_DIGEST = """Λόγος and Ἔργον: Greek Philosophy Meets Café Culture

We study λόγος (reason) and ἔργον in Gödel\u2019s naïve set theory, with coöperative agents in Zürich cafés.

Straße Networks for Ωmega Routing

Routing over straße graphs with Ωmega-style guarantees; the ﬁrst such result.
"""


def test_non_ascii_words_fold_and_load_from_hex_named_parts(browser: Any, tmp_path: Path) -> None:
    folder = make_site(tmp_path / "unicode", {"2025-06-01.txt": UNICODE_DIGEST})
    build_ok(folder)
    assert any(p.name.startswith("_") for p in (folder / "site" / "search" / "terms").rglob("*.json"))
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    with static_server(folder / "site") as url:
        for query, slug_part in (("ΛΟΓΟΣ", "greek"), ("logos", None), ("godel cafe", "greek"), ("ωmeg", "strasse")):
            page.goto(f"{url}/search/?q={query}")
            page.wait_for_function("document.getElementById('search-status').textContent.includes('for')")
            found = results(page)
            if slug_part is None:
                assert found == [], query
            else:
                assert found and slug_part in unquote(found[0]).lower(), (query, found)
        page.goto(f"{url}/search/?q=first")  # the "ﬁ" ligature folds to "fi"
        page.wait_for_selector("#search-results li")
    page.close()
    assert errors == []
