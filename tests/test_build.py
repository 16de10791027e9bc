"""End to end: real site folders built by the real CLI, the HTML read back and every link followed."""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.digests import read_digest
from tests.conftest import SEED, broken_links, build_ok, make_site, run_digest, soup, tree_bytes
from tests.test_read_text import TODAY, seed_blocks


def text_of(tag: object) -> str:
    return " ".join(tag.get_text().split())  # type: ignore[attr-defined]


def test_seed_site_has_every_title_and_abstract(seed_site: Path) -> None:
    build_ok(seed_site)
    site = seed_site / "site"
    home = soup(site / "index.html")
    titles = [text_of(h) for h in home.select("ol.papers .paper-title a")]
    abstracts = [text_of(d) for d in home.select("ol.papers .abstract")]
    assert [(t, a) for t, a in zip(titles, abstracts, strict=True)] == seed_blocks()
    day = soup(site / "date" / "2025-05-29" / "index.html")
    assert len(day.select("ol.papers > li")) == 70
    for entry in read_digest(SEED, TODAY).entries:
        links = [a for a in home.select(".paper-title a") if a.get_text() == entry.title]
        page = soup(site / links[0]["href"].strip("/") / "index.html")
        assert page.h1.get_text() == entry.title
        assert text_of(page.select_one(".abstract")) == entry.abstract


@pytest.mark.parametrize("base_url", ["https://example.org/", "https://user.github.io/repo/", "/sub/path/"])
def test_every_internal_link_resolves(seed_site: Path, base_url: str) -> None:
    build_ok(seed_site, "--base-url", base_url)
    base_path = "/" + base_url.split("://", 1)[-1].split("/", 1)[1] if "://" in base_url else base_url
    site = seed_site / "site"
    assert broken_links(site, base_path) == []
    hrefs = [a["href"] for a in soup(site / "index.html").find_all("a", href=True)]
    assert any(h.startswith(base_path + "papers/") for h in hrefs)
    assert (site / "404.html").is_file() and (site / "archive" / "index.html").is_file()
    assert (site / "tags" / "index.html").is_file()


def test_pages_expected(tmp_path: Path) -> None:
    two_days = {
        "2025-05-29.txt": "May 29\n\nPaper A\n\nAbout agents.\n\nPaper B\n\nB.\n",
        "2025-06-02.txt": "June 2\n\nPaper C\n\nC about agents.\n\nPaper A\n\nAgain.\n",
    }
    folder = make_site(tmp_path, two_days, "tag_rules: {agents: [agents]}\n")
    build_ok(folder)
    site = folder / "site"
    home = soup(site / "index.html")
    assert home.h1.get_text(strip=True) == "June 2, 2025"
    assert [a.get_text() for a in home.select(".paper-title a")] == ["Paper C", "Paper A"]
    assert "/date/2025-05-29/" in [a["href"] for a in home.select(".earlier a")]
    older = soup(site / "date" / "2025-05-29" / "index.html")
    assert older.select_one('a[rel="next"]')["href"] == "/date/2025-06-02/"
    assert older.select_one('a[rel="prev"]') is None
    paper_a = soup(site / "papers" / "paper-a" / "index.html")
    assert [a["href"] for a in paper_a.select(".day-list a")] == [
        "/date/2025-05-29/#paper-a",
        "/date/2025-06-02/#paper-a",
    ]
    tag = soup(site / "tags" / "agents" / "index.html")
    assert [a.get_text() for a in tag.select(".paper-list-title")] == ["Paper C", "Paper A"]
    archive = soup(site / "archive" / "index.html")
    assert [h.get_text() for h in archive.select("h2")] == ["June 2025", "May 2025"]
    for page in (home, older, paper_a, tag, archive):
        assert page.find("main") and page.find("header") and page.find("nav") and page.find("footer")
        assert len(page.find_all("h1")) == 1


def test_two_builds_are_byte_identical(seed_site: Path, tmp_path: Path) -> None:
    other = tmp_path / "copy"
    shutil.copytree(seed_site, other)
    build_ok(seed_site)
    first = tree_bytes(seed_site / "site")
    build_ok(seed_site)
    assert tree_bytes(seed_site / "site") == first
    build_ok(other)  # a cold build elsewhere, at another time, gives the same bytes too
    assert tree_bytes(other / "site") == first
    assert tree_bytes(other / "content") == tree_bytes(seed_site / "content")


def test_second_build_changes_no_content_file(seed_site: Path) -> None:
    build_ok(seed_site)
    before = {p: p.stat().st_mtime_ns for p in (seed_site / "content").rglob("*")}
    result = build_ok(seed_site)
    assert "up to date" in result.stderr
    assert {p: p.stat().st_mtime_ns for p in (seed_site / "content").rglob("*")} == before


def test_hand_edit_survives_and_is_published(seed_site: Path) -> None:
    build_ok(seed_site)
    paper = next((seed_site / "content" / "papers").glob("taid-*.md"))
    text = paper.read_text(encoding="utf-8").replace("tags: []", "tags: [favourite]  # by hand")
    paper.write_text(text + "\n## Our notes\n\nDiscussed on Friday.\n", encoding="utf-8")
    digest = seed_site / "digests" / "2025-05-29.txt"
    digest.write_text(digest.read_text(encoding="utf-8") + "\n\nA Late Paper\n\nIts abstract.\n", encoding="utf-8")
    build_ok(seed_site)
    assert "Discussed on Friday." in paper.read_text(encoding="utf-8")
    page = soup(seed_site / "site" / "papers" / paper.stem / "index.html")
    assert "Discussed on Friday." in page.get_text()
    assert (seed_site / "site" / "tags" / "favourite" / "index.html").is_file()
    assert (seed_site / "content" / "papers" / "a-late-paper.md").is_file()


def test_an_edited_paper_shows_on_every_page_that_lists_it(seed_site: Path) -> None:
    """Snippet texts and listed items are kept between builds (by the paper's file hash): an edit must still
    reach every page."""
    build_ok(seed_site)
    paper = next((seed_site / "content" / "papers").glob("taid-*.md"))
    paper.write_text(paper.read_text(encoding="utf-8").replace("tags: []", "tags: [favourite]"), encoding="utf-8")
    build_ok(seed_site)
    assert (seed_site / ".digest-cache" / "abstract-text" / "2025-05.pickle").is_file()
    assert (seed_site / ".digest-cache" / "fragments.pickle").is_file()
    link = f'href="/papers/{paper.stem}/"'
    pages = [p for p in (seed_site / "site").rglob("*.html") if p.relative_to(seed_site / "site").parts[0] != "papers"]
    listing = [p for p in pages if link in p.read_text("utf-8")]  # (paper pages: their related papers change)
    assert {p.relative_to(seed_site / "site").parts[0] for p in listing} >= {"week", "month", "tags", "date"}
    front, _, _ = paper.read_text(encoding="utf-8").partition("\n---\n")
    front = re.sub(r"^title: .*$", "title: Retitled By Hand", front, count=1, flags=re.MULTILINE)
    paper.write_text(f"{front}\n---\nRewritten by hand: a *short* abstract.\n", encoding="utf-8")
    build_ok(seed_site)
    for page in listing:
        item = soup(page).find("a", href=f"/papers/{paper.stem}/")
        assert item is not None and item.get_text() == "Retitled By Hand", page
    week = soup(seed_site / "site" / "week" / "2025-W22" / "index.html")
    item = week.find("li", id=paper.stem)
    assert item is not None and item.select_one("p.snippet").get_text() == "Rewritten by hand: a short abstract."


def test_a_renamed_day_file_moves_its_page_and_every_link_to_it(seed_site: Path) -> None:
    """A hand-written day file without a date: key is dated by its name, so a rename changes the site even
    though no file's bytes changed."""
    build_ok(seed_site)
    slug = next((seed_site / "content" / "papers").glob("*.md")).stem
    day = seed_site / "content" / "digests" / "2025-06-01.md"
    day.write_text(f"---\npapers: [{slug}]\n---\n", encoding="utf-8")
    build_ok(seed_site)
    day.rename(day.with_name("2025-06-02.md"))
    build_ok(seed_site)
    site = seed_site / "site"
    assert sorted(p.name for p in (site / "date").iterdir()) == ["2025-05-29", "2025-06-02"]
    assert soup(site / "date" / "2025-05-29" / "index.html").find("a", href="/date/2025-06-02/") is not None
    assert broken_links(site) == []


HOSTILE = (
    "2025-06-01\n\n<script>alert('title')</script> <img src=x onerror=alert(1)>\n\n"
    'Abstract <script>alert(2)</script> [x](javascript:alert(3)) <a href="#" onclick="alert(4)">y</a>\n'
)


def test_hostile_text_is_shown_as_text_never_markup(tmp_path: Path) -> None:
    folder = make_site(tmp_path, {"2025-06-01.txt": HOSTILE})
    build_ok(folder)
    for page in (folder / "site").rglob("*.html"):
        html = soup(page)
        for script in html.find_all("script"):  # only the theme's own scripts and escaped JSON-LD
            if script.get("type") == "application/ld+json":
                assert "<" not in script.string and json.loads(script.string), page
            else:
                assert "alert" not in (script.string or ""), page
        assert not [t for t in html.find_all(True) if any(a.startswith("on") for a in t.attrs)], page
        assert not [a for a in html.find_all("a", href=True) if a["href"].lower().startswith("javascript")], page
        assert html.find("img") is None
    home = soup(folder / "site" / "index.html").get_text()
    assert "<script>alert('title')</script>" in home and "onerror=alert(1)" in home


def bad_inputs() -> list[tuple[str, dict[str, str | bytes], str, str]]:
    ok = "2025-06-01\n\nT\n\nA.\n"
    return [
        ("empty digest", {"2025-06-01.txt": ""}, "digests/2025-06-01.txt", "no papers found"),
        ("no date", {"capture.txt": "Title\n\nAbstract.\n"}, "digests/capture.txt", "no date"),
        ("binary", {"2025-06-01.txt": b"\x89PNG\r\n\x1a\n\x00\x00"}, "digests/2025-06-01.txt", "binary"),
        ("unknown key", {"2025-06-01.txt": ok, "site.yaml": "titel: x\n"}, "site.yaml:1", "did you mean 'title'"),
        ("wrong type", {"2025-06-01.txt": ok, "site.yaml": "home_days: many\n"}, "site.yaml:1", "home_days"),
        (
            "front matter",
            {"content/papers/t.md": "---\ntitle: [unclosed\n---\n"},
            "content/papers/t.md:2",
            "invalid YAML",
        ),
        ("template", {"templates/paper.html": "{% if %}"}, "templates/paper.html:1", "Expected an expression"),
    ]


@pytest.mark.parametrize(("case", "files", "where", "message"), bad_inputs(), ids=[c[0] for c in bad_inputs()])
def test_bad_input_exits_2_and_loses_nothing(
    seed_site: Path, case: str, files: dict[str, str | bytes], where: str, message: str
) -> None:
    build_ok(seed_site)
    good_site, good_content = tree_bytes(seed_site / "site"), tree_bytes(seed_site / "content")
    for name, data in files.items():
        path = seed_site / (name if "/" in name or name == "site.yaml" else f"digests/{name}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    good_content = tree_bytes(seed_site / "content")  # includes a broken file put there by hand
    result = run_digest("-C", seed_site, "build")
    assert result.returncode == 2, result.stderr
    assert where in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert tree_bytes(seed_site / "site") == good_site
    assert tree_bytes(seed_site / "content") == good_content


def test_template_override_can_extend_the_theme(seed_site: Path) -> None:
    (seed_site / "templates").mkdir()
    (seed_site / "templates" / "paper.html").write_text(
        '{% extends "theme/paper.html" %}{% block main %}<p class="lab-note">Lab copy</p>{{ super() }}{% endblock %}',
        encoding="utf-8",
    )
    build_ok(seed_site)
    page = soup(next((seed_site / "site" / "papers").glob("taid-*/index.html")))
    assert page.select_one(".lab-note").get_text() == "Lab copy"
    assert page.select_one(".abstract") is not None


def test_new_makes_a_site_that_builds(tmp_path: Path) -> None:
    result = run_digest("new", tmp_path / "mysite")
    assert result.returncode == 0, result.stderr
    build_ok(tmp_path / "mysite")
    assert "No digests yet" in soup(tmp_path / "mysite" / "site" / "index.html").get_text()
    (tmp_path / "mysite" / "digests" / "2025-06-01.txt").write_text("June 1\n\nT\n\nA.\n", encoding="utf-8")
    build_ok(tmp_path / "mysite")
    assert run_digest("new", tmp_path / "mysite").returncode == 2


def test_import_converts_named_files_with_a_date(tmp_path: Path) -> None:
    folder = make_site(tmp_path, {"capture.txt": "Title One\n\nAbstract.\n"})
    result = run_digest("-C", folder, "import", folder / "digests" / "capture.txt", "--date", "2025-07-04")
    assert result.returncode == 0, result.stderr
    assert (folder / "content" / "digests" / "2025-07-04.md").is_file()
    assert not (folder / "site").exists()
    build_ok(folder)  # the recorded date is reused: the file has none of its own
    assert (folder / "site" / "date" / "2025-07-04" / "index.html").is_file()


def test_cli_help_and_usage_errors(tmp_path: Path) -> None:
    for command in ([], ["build"], ["import"], ["new"]):
        result = run_digest(*command, "--help")
        assert result.returncode == 0 and "usage: digest" in result.stdout
    assert run_digest("-C", tmp_path / "nowhere", "build").returncode == 2
    assert run_digest("import", "x.txt", "--date", "June").returncode == 2


def test_the_command_line_starts_without_what_only_some_commands_need() -> None:
    """Every command pays for what the command line imports: the network, XML, process pools, numpy and lunr
    are imported by the commands (and stages) that use them."""
    heavy = ("http.client", "urllib.request", "xml.etree.ElementTree", "multiprocessing", "numpy", "lunr")
    code = f"import sys, generator.cli; print([m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_two_builds_at_once_do_not_trip_over_each_other(seed_site: Path) -> None:
    command = [sys.executable, "-m", "generator", "-q", "-C", str(seed_site), "build"]
    first = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    second = run_digest("-q", "-C", seed_site, "build")
    assert first.wait(timeout=120) == 0 and second.returncode == 0, (first.stderr, second.stderr)
    assert broken_links(seed_site / "site") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "nowhere.txt"], "cannot read this digest"),
        (["import", "digests"], "cannot read this digest"),
        (["new", "site.yaml"], "not an empty folder"),
    ],
)
def test_bad_paths_are_clean_errors(tmp_path: Path, args: list[str], message: str) -> None:
    folder = make_site(tmp_path, {}, "title: x\n")
    result = run_digest("-C", folder, *args, cwd=folder)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_config_that_is_not_utf8_is_a_clean_error(tmp_path: Path) -> None:
    folder = make_site(tmp_path, {}, "")
    (folder / "site.yaml").write_bytes(b"title: \xff\xfe\n")
    result = run_digest("-C", folder, "build")
    assert result.returncode == 2 and "site.yaml:1: not UTF-8 text" in result.stderr


def test_a_file_missing_from_site_is_written_again(seed_site: Path) -> None:
    build_ok(seed_site)
    paper = next((seed_site / "site" / "papers").iterdir())
    missing = [seed_site / "site" / "static" / "style.css", paper / "index.html", paper / f"{paper.name}.bib"]
    missing.append(seed_site / "site" / "search" / "docs" / "0.json")  # the search index's oldest documents
    for path in missing:
        path.unlink()
    (seed_site / "digests" / "2025-06-01.txt").write_text(
        "June 1, 2025\n\nA New Paper\n\nIts abstract.\n", encoding="utf-8"
    )
    build_ok(seed_site)
    assert all(path.is_file() for path in missing)


def test_a_fresh_checkout_with_the_last_runs_caches_builds_a_new_day_as_a_local_build_does(
    seed_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """CI checks the repository out afresh, so every file has a new time, and restores .digest-cache/ and site/
    from its last run (see pages.yml): a new day must then be rendered as locally, with no file parsed again."""
    from generator import content
    from generator.cli import main

    (seed_site / "static").mkdir()
    (seed_site / "static" / "extra.css").write_text("p { margin: 0 }\n")
    assert main(["-q", "-C", str(seed_site), "build"]) == 0
    twin = tmp_path / "twin"
    shutil.copytree(seed_site, twin)

    def check_out_afresh() -> None:
        later = (seed_site / "digests").stat().st_mtime_ns + 10**12
        for path in [*(seed_site / "content").rglob("*.md"), *(seed_site / "static").iterdir()]:
            os.utime(path, ns=(later, later))

    check_out_afresh()
    parsed: list[Path] = []
    for name in ("parse_paper", "parse_digest"):
        parse = getattr(content, name)
        monkeypatch.setattr(content, name, lambda path, data, parse=parse: parsed.append(path) or parse(path, data))
    rendered = {}
    for folder in (twin, seed_site):
        (folder / "digests" / "2025-05-30.txt").write_text("May 30, 2025\n\nA New Paper\n\nIts abstract.\n")
        capsys.readouterr()
        assert main(["-C", str(folder), "build"]) == 0
        rendered[folder] = re.search(r"(\d+) pages, (\d+) rendered", capsys.readouterr().err)
    assert rendered[twin] and rendered[seed_site] and rendered[seed_site][0] == rendered[twin][0]
    assert int(rendered[twin][2]) < int(rendered[twin][1]) / 4  # a new day renders few of the pages
    # The checkout parsed only the day file the new day wrote; so did the twin, a copy in another folder (the cache
    # knows files by their name under content/).
    assert [p.name for p in parsed if seed_site in p.parents] == ["2025-05-30.md"]
    assert [p.name for p in parsed if twin in p.parents] == ["2025-05-30.md"]
    assert tree_bytes(seed_site / "site") == tree_bytes(twin / "site")
    check_out_afresh()  # and a day with nothing new is no build at all
    assert main(["-C", str(seed_site), "build"]) == 0 and "site/ is up to date" in capsys.readouterr().err


def test_a_build_in_the_folder_and_one_given_its_path_share_the_caches(
    seed_site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``digest -C DIR build`` and ``digest build`` run inside DIR name the same files differently: the parse
    cache and the check that nothing changed must not tell them apart."""
    from generator import content
    from generator.cli import main

    assert main(["-q", "-C", str(seed_site), "build"]) == 0
    monkeypatch.setattr(content, "parse_paper", lambda *_: pytest.fail("parsed again"))
    monkeypatch.chdir(seed_site)
    capsys.readouterr()
    assert main(["build"]) == 0 and "site/ is up to date" in capsys.readouterr().err
    (seed_site / "digests" / "2025-05-30.txt").write_text("May 30, 2025\n\nA New Paper\n\nIts abstract.\n")
    assert main(["-q", "build"]) == 0
    problem = seed_site / "content" / "papers" / "a-new-paper.md"
    problem.write_text(problem.read_text().replace("date: 2025-05-30", "date: 2025-02-30"), encoding="utf-8")
    monkeypatch.undo()
    capsys.readouterr()
    assert main(["-C", str(seed_site), "build"]) == 2
    assert f"{seed_site}/content/papers/a-new-paper.md:4: invalid value" in capsys.readouterr().err


def test_where_no_process_may_be_forked_the_build_is_the_same(
    seed_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview server builds in a process with threads, where nothing is forked: the children's work (related
    papers, missing files, the search index, saving caches) is done in the build's own process instead."""
    from generator import forked
    from generator.cli import main

    twin = tmp_path / "twin"
    shutil.copytree(seed_site, twin)
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    for day in ("", "2025-05-30.txt"):
        for folder in (seed_site, twin):
            if day:
                (folder / "digests" / day).write_text("May 30, 2025\n\nA New Paper\n\nIts abstract.\n")
            if folder == twin:
                build_ok(twin)  # forks as usual
            else:
                assert main(["-q", "-C", str(folder), "build"]) == 0
    assert tree_bytes(seed_site / "site") == tree_bytes(twin / "site")
    caches = {p.name for p in (seed_site / ".digest-cache").iterdir()}
    assert {"fragments.pickle", "abstract-text", "bibtex", "related.pickle", "content"} <= caches


def test_caches_earlier_versions_kept_are_removed(seed_site: Path) -> None:
    from generator.build import RETIRED_CACHES

    (seed_site / ".digest-cache").mkdir(exist_ok=True)
    for name in RETIRED_CACHES:
        (seed_site / ".digest-cache" / name).write_bytes(b"an earlier version's cache")
    build_ok(seed_site)
    assert not any((seed_site / ".digest-cache" / name).exists() for name in RETIRED_CACHES)


def test_a_write_cut_short_leaves_no_temporary_file_behind(seed_site: Path) -> None:
    leftovers = [seed_site / ".digest-cache" / ".fragments.pickle.99.tmp", seed_site / ".digest-cache" / "content"]
    leftovers[1].mkdir(parents=True)
    leftovers[1] = leftovers[1] / ".2025-05.pickle.99.tmp"
    for path in leftovers:
        path.write_bytes(b"half a pickle")
    build_ok(seed_site)
    assert not any(path.exists() for path in leftovers)


def test_parallel_rendering_writes_the_same_site_as_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large builds render in forked workers that write pages straight into the new site/: same bytes."""
    from bench.corpus import write_corpus
    from generator import forked, render
    from generator.cli import main

    sites, pages, kept = {}, render.PARALLEL_FROM, {}
    shares: list[int] = []
    workers = forked.workers
    monkeypatch.setattr(forked, "workers", lambda *args: shares.append(workers(*args)) or shares[-1])
    for name, parallel_from in (("workers", render.PARALLEL_FROM), ("serial", 10**9)):
        folder = tmp_path / name
        write_corpus(folder, 420, per_day=60)
        monkeypatch.setattr(render, "PARALLEL_FROM", parallel_from)
        assert main(["-q", "-C", str(folder), "build"]) == 0
        sites[name] = tree_bytes(folder / "site")
        _, (_, kept[name]) = pickle.loads((folder / ".digest-cache" / "fragments.pickle").read_bytes())
    assert sum(name.endswith(".html") for name in sites["workers"]) > pages
    if (os.cpu_count() or 1) > 1:
        # the paper pages (the other pages are too few) really shared out
        assert shares.count(min(os.cpu_count() or 1, 8)) >= 1
    assert sites["workers"] == sites["serial"]
    assert len(kept["workers"]) > pages and kept["workers"] == kept["serial"]  # workers hand back what they made


def test_abstracts_rendered_for_pages_in_workers_reach_the_text_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enough pages to render in workers: the abstracts are rendered once, here, and kept, not made again by each
    worker and lost."""
    import pickle

    from bench.corpus import write_corpus
    from generator import render
    from generator.cli import main

    monkeypatch.setattr(render, "PARALLEL_FROM", 60)
    folder = tmp_path / "site-folder"
    write_corpus(folder, 50, per_day=10)
    assert main(["-q", "-C", str(folder), "build"]) == 0
    assert sum(1 for _ in (folder / "site").rglob("index.html")) > 60  # so the pages were rendered in workers
    shards = (folder / ".digest-cache" / "abstract-text").glob("*.pickle")
    assert sum(len(pickle.loads(shard.read_bytes())[1]) for shard in shards) == 50
