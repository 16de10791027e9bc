"""Search benchmark: index build time, index size, bytes a query downloads, query time in a real browser.

    .venv/bin/python -m bench.search_bench            # 1,000 / 10,000 / 50,000 papers
    .venv/bin/python -m bench.search_bench 1000 10000 # chosen sizes
    .venv/bin/python -m bench.search_bench 1000 --no-browser

For each size: synthetic papers (bench/synthetic.py, 70 a day), a cold build of the search files (empty
cache), a build after one more day of 70 papers (warm cache), bytes raw and gzip of every search file, the
gzip bytes a first query fetches before its first results (manifest + term parts + document-store blocks of
the first page of results), and the time search.js takes in headless Chromium from the query to its first
page of results on screen: cold (parts and result-store blocks fetched from a local http.server, the query
as typed, its last word also a prefix) and once loaded (the query again as typed, and finished with a space).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.browser import CHROMIUM, CHROMIUM_ARGS, static_server
from bench.synthetic import papers as synthetic_papers
from generator.config import SiteConfig
from generator.model import Site
from generator.pages import Page
from generator.search import ROOT, search_files
from generator.search_query import Parts, search
from generator.theme import Renderer, find_theme, static_files

QUERIES = ("language model", "reinforcement learning policy", "papyr", "sudoku", "diffusion video generation")
PAGE = 20  # results search.js shows first


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def build(count: int, out: Path) -> dict[str, float]:
    """Cold build, then one more day with a warm cache; writes the second build's files into ``out``."""
    made = list(synthetic_papers(count))
    next_day = made[-1].date + dt.timedelta(days=1)
    day = [replace(p, slug=f"new-{p.slug}") for p in synthetic_papers(70, seed=99, start=next_day)]
    cache = out.parent / "cache"
    before = Site({p.slug: p for p in made}, ())
    started, cpu = time.perf_counter(), time.process_time()
    search_files(before, cache)
    cold, cold_cpu = time.perf_counter() - started, time.process_time() - cpu
    after = Site({p.slug: p for p in made + day}, ())
    started, cpu = time.perf_counter(), time.process_time()
    files = search_files(after, cache)
    day, day_cpu = time.perf_counter() - started, time.process_time() - cpu
    for name, data in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    raw = sum(len(d) for d in files.values())
    return {
        "cold": cold,
        "cold_cpu": cold_cpu,
        "day": day,
        "day_cpu": day_cpu,
        "files": len(files),
        "raw": raw,
        "gzip": sum(gz(d) for d in files.values()),
    }


def first_results_bytes(site_dir: Path, query: str) -> tuple[int, int, int]:
    """(gzip bytes, of which document store, files) fetched before the first page of results shows."""
    parts = Parts(site_dir)
    manifest = parts.manifest
    names = [f"{ROOT}manifest.json"]
    index = parts.index(query)
    names += parts.loaded
    found = search(index, query)[:PAGE]
    blocks = sorted({f"{ROOT}docs/{doc // manifest['store']}.json" for doc, _ in found})
    stored = sum(gz((site_dir / n).read_bytes()) for n in blocks)
    return sum(gz((site_dir / n).read_bytes()) for n in names) + stored, stored, len(names) + len(blocks)


def add_search_page(site_dir: Path, papers: int) -> None:
    config = SiteConfig()
    theme = find_theme(site_dir, config.theme)
    page = Page("search/", "search.html", {"papers": papers})
    (site_dir / "search" / "index.html").write_bytes(Renderer(theme, config).render(page))
    for name, path in static_files(theme):
        (site_dir / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, site_dir / name)


def browser_times(site_dir: Path) -> dict[str, tuple[int, tuple[int, int], tuple[int, int]]]:
    """Per query, as search.js reports them: ms cold as typed; then, loaded, (ms, ms of it ranking) with a
    trailing space and as typed."""
    from playwright.sync_api import sync_playwright

    times = {}
    with static_server(site_dir) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{url}/search/")
        for query in QUERIES:
            # Each text differs from the one before, so each is a new query. The first fetches the parts;
            # the second fetches nothing but the result-store blocks of its own first page; the last two
            # are timed with everything loaded.
            cold = _timed(page, query)[0]
            _timed(page, query + " ")
            typed = _timed(page, query)
            times[query] = (cold, _timed(page, query + " "), typed)
        browser.close()
    return times


def _timed(page: object, text: str) -> tuple[int, int]:
    page.evaluate("document.getElementById('search-results').removeAttribute('data-query-ms')")  # type: ignore[attr-defined]
    page.fill("#search-box", text)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "t => document.getElementById('search-results').dataset.queryMs !== undefined"
        " && document.getElementById('search-status').textContent.includes(t.trim())",
        arg=text,
        timeout=120_000,
    )
    get = page.get_attribute  # type: ignore[attr-defined]
    return int(get("#search-results", "data-query-ms")), int(get("#search-results", "data-rank-ms"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10_000, 50_000])
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium query timings")
    args = parser.parse_args()
    print(f"search benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    for count in args.sizes:
        with tempfile.TemporaryDirectory() as temporary:
            site_dir = Path(temporary) / "site"
            figures = build(count, site_dir)
            print(f"\n{count:,} papers (+70 for the added day)")
            print(f"  build cold {figures['cold']:.2f} s (CPU {figures['cold_cpu']:.2f} s)", end="; ")
            print(f"one day added {figures['day']:.2f} s (CPU {figures['day_cpu']:.2f} s)")
            raw, packed = figures["raw"] / 1e6, figures["gzip"] / 1e6
            print(f"  index {figures['files']:,} files, {raw:.1f} MB raw, {packed:.2f} MB gzip")
            for query in QUERIES:
                size, stored, files = first_results_bytes(site_dir, query)
                kb, stored_kb = size / 1000, stored / 1000
                print(f"  first results {query!r}: {kb:.0f} KB gzip ({stored_kb:.0f} KB result store), {files} files")
            if not args.no_browser:
                add_search_page(site_dir, count + 70)
                for query, (cold, (spaced, spaced_rank), (typed, typed_rank)) in browser_times(site_dir).items():
                    print(f"  browser {query!r}: {cold} ms with fetches (local server); once loaded", end=" ")
                    print(f"{spaced} ms with a space ({spaced_rank} ms ranking), {typed} ms as typed ({typed_rank} ms)")


if __name__ == "__main__":
    main()
