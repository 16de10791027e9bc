"""Publishing: the GitHub workflows, feeds, sitemap, robots.txt, CNAME and the meta every page carries."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.conftest import REPO, SEED, broken_links, build_ok, html_files, make_site, run_digest, soup

BASE = "https://user.github.io/repo/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))

NEXT_DAY = """May 30

Counterfactual Tokens for Causal Probing

We probe causal structure with counterfactual tokens.

A Second Paper on Retrieval

Retrieval without any of the configured words.
"""


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed digest plus a newer day, built for a GitHub project page."""
    root = make_site(
        tmp_path_factory.mktemp("published"),
        {"2025-05-29.txt": SEED.read_text(encoding="utf-8"), "2025-05-30.txt": NEXT_DAY},
        "tag_rules:\n  causality: [causal]\n  video: [video]\n",
    )
    build_ok(root, "--base-url", BASE)
    return root / "site"


def local_file(site: Path, url: str) -> Path:
    """The file in site/ an absolute URL of the published site stands for."""
    assert url.startswith(BASE), url
    rest = url[len(BASE) :]
    return site / (rest + "index.html" if rest.endswith("/") or not rest else rest)


def atom(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    return root


def entry_links(feed: ET.Element) -> list[str]:
    return [e.find(f"{ATOM}link[@rel='alternate']").get("href") for e in feed.iter(f"{ATOM}entry")]  # type: ignore[union-attr]


def test_every_workflow_passes_actionlint() -> None:
    assert WORKFLOWS, "no workflows found"
    binary = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    assert binary, "actionlint is missing: pip install -e '.[test]'"
    if os.environ.get("CI") == "true":  # CI checks the shell steps too (.ci/run installs shellcheck)
        assert shutil.which("shellcheck"), "CI=true but shellcheck is missing"
    result = subprocess.run([binary, "-no-color", *map(str, WORKFLOWS)], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_workflow_deploys_daily_and_on_push() -> None:
    flow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    triggers = flow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers
    minute, hour, *_ = triggers["schedule"][0]["cron"].split()
    assert minute not in ("0", "*", "30"), "a busy minute: GitHub delays or drops runs at the top of the hour"
    assert hour.isdigit()
    assert flow["concurrency"]["group"]
    jobs = flow["jobs"]
    steps = [s for job in jobs.values() for s in job.get("steps", [])]
    uses = {s["uses"].split("@")[0] for s in steps if "uses" in s}
    assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= uses
    order = [s.get("name") or s["uses"].split("@")[0] for s in jobs["build"]["steps"]]
    fetch, build, commit = (
        next(s for s in steps if word in s.get("run", "")) for word in ("fetch hf", "--base-url", "commit")
    )
    assert order.index(fetch["name"]) < order.index(build["name"]) < order.index(commit["name"])
    assert order.index(commit["name"]) < order.index("actions/upload-pages-artifact")
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))  # a day's build is incremental
    assert set(cache["with"]["path"].split()) == {".digest-cache", "site"}
    key, restore = cache["with"]["key"], cache["with"]["restore-keys"]
    assert key.endswith("-${{ github.run_id }}") and key.startswith(restore)  # a new cache each run, found by prefix
    assert all(part in restore for part in ("generator/**/*.py", "themes/**", "versions.txt"))  # other code: none
    assert order.index(cache["name"]) < order.index(build["name"])
    assert "schedule" in fetch["if"]
    assert "steps.pages.outputs.base_url" in build["env"]["BASE_URL"] and "$BASE_URL" in build["run"]
    assert "git push" in commit["run"] and "-- digests content" in commit["run"]
    assert "Nothing new" in commit["run"] and "GITHUB_STEP_SUMMARY" in commit["run"]
    assert any("actions/workflows/pages.yml/enable" in s.get("run", "") for s in steps)  # the keep-alive
    permissions = {k: v for job in jobs.values() for k, v in job.get("permissions", {}).items() if v == "write"}
    assert {"pages", "id-token", "contents"} <= set(permissions)


def test_ci_workflow_runs_make_test() -> None:
    flow = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    assert {"push", "pull_request"} <= set(flow[True])
    runs = "\n".join(s.get("run", "") for job in flow["jobs"].values() for s in job["steps"])
    assert ".ci/run" in runs or "make test" in runs


def test_every_link_feed_and_sitemap_url_resolves(published: Path) -> None:
    assert broken_links(published, "/repo/") == []
    feeds = [published / "feed.xml", *sorted(published.glob("tags/*/feed.xml"))]
    assert len(feeds) == 3  # the site and its two tags
    urls = [loc.text or "" for loc in ET.parse(published / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    for feed in map(atom, feeds):
        urls += [link.get("href", "") for link in feed.iter(f"{ATOM}link")]
        urls += [e.text or "" for e in feed.iter(f"{ATOM}id")]
    for page in html_files(published):
        urls += [tag["href"] for tag in soup(page).select("link[rel=canonical], link[rel=alternate]")]
        urls += [tag["content"] for tag in soup(page).select("meta[property='og:url']")]
    internal = [u for u in urls if "arxiv.org" not in u]
    assert [u for u in internal if not u.startswith((BASE, "/repo/"))] == []
    absolute = [u if u.startswith("https:") else "https://user.github.io" + u for u in internal]
    assert [u for u in absolute if not local_file(published, u).is_file()] == []


def test_feed_lists_newest_papers_first_with_absolute_urls(published: Path) -> None:
    feed = atom(published / "feed.xml")
    assert feed.findtext(f"{ATOM}updated") == "2025-05-30T00:00:00Z"
    entries = list(feed.iter(f"{ATOM}entry"))
    assert len(entries) == 50
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles[:2] == ["Counterfactual Tokens for Causal Probing", "A Second Paper on Retrieval"]
    assert titles[2] == "Instruct-Tuning Pretrained Causal Language Models for Ancient Greek Papyrology and Epigraphy"
    links = entry_links(feed)
    assert all(urlsplit(u).scheme == "https" and u.startswith(BASE + "papers/") for u in links)
    assert len(set(links)) == len(links)
    first = entries[0]
    assert first.findtext(f"{ATOM}published") == "2025-05-30T00:00:00Z"
    assert first.find(f"{ATOM}content[@type='html']") is not None
    assert "<p>We probe causal structure" in (first.findtext(f"{ATOM}content") or "")
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None  # Atom needs an author when entries have none


def test_tag_feed_lists_only_its_papers(published: Path) -> None:
    feed = atom(published / "tags" / "causality" / "feed.xml")
    tag_page = soup(published / "tags" / "causality" / "index.html")
    assert tag_page.select_one("link[type='application/atom+xml'][href='/repo/tags/causality/feed.xml']")
    links = entry_links(feed)
    assert links[0] == BASE + "papers/counterfactual-tokens-for-causal-probing/"
    assert BASE + "papers/a-second-paper-on-retrieval/" not in links
    for link in links:
        terms = {c.get("term") for c in feed.iter(f"{ATOM}category")}
        assert "causality" in terms
        assert local_file(published, link).is_file()
    assert feed.findtext(f"{ATOM}title") == "#causality · Paper Digest"


def test_sitemap_lists_every_page_once(published: Path) -> None:
    locs = [loc.text for loc in ET.parse(published / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert len(locs) == len(set(locs))
    pages = {BASE + p.relative_to(published).as_posix().removesuffix("index.html") for p in html_files(published)}
    assert set(locs) == pages - {BASE + "404.html"}
    robots = (published / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()
    assert (published / ".nojekyll").is_file()
    assert not (published / "CNAME").exists()


def test_every_page_has_canonical_and_social_meta(published: Path) -> None:
    for page in html_files(published):
        html = soup(page)
        assert html.select_one("meta[property='og:title']")["content"], page
        assert html.select_one("meta[name='twitter:card']")["content"] == "summary"
        canonical = html.select_one("link[rel=canonical]")
        if page.name == "404.html":
            assert canonical is None and html.select_one("meta[name=robots]")["content"] == "noindex"
        else:
            assert canonical["href"] == BASE + page.relative_to(published).as_posix().removesuffix("index.html")


def test_json_ld_cannot_be_broken_by_a_hostile_title(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    hostile = "</script><script>alert(1)</script> & <!-- 'quoted'"
    papers = root / "content" / "papers"
    papers.mkdir(parents=True)
    (papers / "x.md").write_text(
        f"---\ntitle: {json.dumps(hostile)}\nslug: x\ndate: 2025-05-29\n"
        "authors: [Ada]\narxiv: '2501.16937'\n---\nBody\n",
        encoding="utf-8",
    )
    build_ok(root, "--base-url", "https://papers.example.org/")
    html = soup(root / "site" / "papers" / "x" / "index.html")
    scripts = html.find_all("script", src=None)  # the theme's own scripts come from files
    assert len(scripts) == 1 and scripts[0]["type"] == "application/ld+json"
    data = json.loads(scripts[0].string)
    assert data["@type"] == "ScholarlyArticle" and data["headline"] == hostile
    assert data["author"] == [{"@type": "Person", "name": "Ada"}]
    assert data["url"] == "https://papers.example.org/papers/x/"
    assert data["identifier"] == "arXiv:2501.16937"
    feed = atom(root / "site" / "feed.xml")
    assert feed.findtext(f"{ATOM}entry/{ATOM}title") == hostile


def test_feed_drops_characters_xml_cannot_carry(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s")
    (root / "content" / "papers").mkdir(parents=True)
    (root / "content" / "papers" / "x.md").write_text(
        '---\ntitle: "Form\\ffeed"\nslug: x\ndate: 2025-05-29\n---\nA\x0bB\n', encoding="utf-8"
    )
    build_ok(root, "--base-url", "https://papers.example.org/")
    entry = atom(root / "site" / "feed.xml").find(f"{ATOM}entry")
    assert entry is not None and entry.findtext(f"{ATOM}title") == "Formfeed"


def test_path_only_base_url_leaves_out_what_needs_absolute_urls(seed_site: Path) -> None:
    result = build_ok(seed_site)
    site = seed_site / "site"
    assert "absolute base_url" in result.stderr
    assert not (site / "feed.xml").exists() and not (site / "sitemap.xml").exists()
    assert "Sitemap" not in (site / "robots.txt").read_text(encoding="utf-8")
    home = soup(site / "index.html")
    assert home.select_one("link[rel=canonical]") is None
    assert home.select_one("link[type='application/atom+xml']") is None
    assert home.select_one("meta[property='og:title']")["content"] == "Paper Digest"
    assert broken_links(site) == []


def test_builds_are_reproducible(published: Path, tmp_path: Path) -> None:
    again = make_site(
        tmp_path / "again",
        {"2025-05-29.txt": SEED.read_text(encoding="utf-8"), "2025-05-30.txt": NEXT_DAY},
        "tag_rules:\n  causality: [causal]\n  video: [video]\n",
    )
    build_ok(again, "--base-url", BASE)
    for name in ("feed.xml", "sitemap.xml", "tags/video/feed.xml"):
        assert (again / "site" / name).read_bytes() == (published / name).read_bytes()


def test_cname_is_written(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", config="cname: Papers.Example.org.\n")
    build_ok(root)
    assert (root / "site" / "CNAME").read_text(encoding="utf-8") == "papers.example.org\n"


@pytest.mark.parametrize("value", ["https://papers.example.org/", "localhost", "a..b.org", "-x.org", "x.org:8080", "1"])
def test_bad_cname_names_file_and_line(tmp_path: Path, value: str) -> None:
    root = make_site(tmp_path / "s", config=f"title: T\ncname: {json.dumps(value)}\n")
    result = run_digest("-C", root, "build")
    assert result.returncode == 2
    assert "site.yaml:2" in result.stderr and "cname" in result.stderr and "host name" in result.stderr


def test_a_large_site_gets_a_sitemap_index(tmp_path: Path) -> None:
    """Past 50,000 pages (about two years of daily digests) one sitemap file may not hold them all."""
    from generator.config import SiteConfig
    from generator.feeds import SITEMAP_LIMIT, publishing_pages
    from generator.model import Site
    from generator.pages import Page
    from generator.theme import Renderer, find_theme

    config = SiteConfig(base_url=BASE)
    paths = [f"papers/p{n}/" for n in range(SITEMAP_LIMIT + 5)] + ["404.html", "static/x.css"]
    specs = {path: (template, context) for path, template, context in publishing_pages(Site({}, ()), config, {}, paths)}
    renderer = Renderer(find_theme(tmp_path, "default"), config)

    def parse(name: str) -> ET.Element:
        template, context = specs[name]
        return ET.fromstring(renderer.render(Page(name, template, context)))

    index = parse("sitemap.xml")
    assert index.tag == f"{SITEMAP}sitemapindex"
    children = [loc.text or "" for loc in index.iter(f"{SITEMAP}loc")]
    assert children == [BASE + "sitemap-1.xml", BASE + "sitemap-2.xml"]
    locs = [loc.text for name in ("sitemap-1.xml", "sitemap-2.xml") for loc in parse(name).iter(f"{SITEMAP}loc")]
    assert len(locs) == len(set(locs)) == SITEMAP_LIMIT + 5
    assert locs[-1] == f"{BASE}papers/p{SITEMAP_LIMIT + 4}/"
