"""Side by side with Hugo: the same synthetic archive built by paper-digest and by Hugo, in turns, in one run.

    python bench/hugo_compare.py [--papers 10000] [--runs 3] [--scratch DIR]

paper-digest builds the archive from raw digests. Hugo then builds the content/ paper-digest made (the same
Markdown files and front matter) twice over:

- with **minimal templates**: a bare page per paper, tag pages, a home page (content/papers only);
- with **the same pages** (`bench/hugo_site/`): every paper page with the default theme's markup (meta and Open
  Graph tags, JSON-LD, tags, abstract, BibTeX block, the day it appeared), a .bib file per paper and per day, a
  page per digest day listing its papers with their abstracts in digest order, next/previous day, tag pages of 50,
  week and month pages listing their days and papers (from a content file made for each), the tag index, an
  archive and the home page. It still does less than paper-digest: no related papers, and a paper's days are its
  first day only.

paper-digest then builds again from that content/ alone (site/ and caches deleted), as Hugo does. Each run builds
all four in turns, so that their ratios share the machine's moment; a last run adds one new day to both. Needs
`hugo` on the PATH (Debian's package). Prints seconds and peak memory of each, and the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import add_scratch_option, filesystem, machine_speed, timed
from corpus import next_day, write_corpus

HERE = Path(__file__).resolve().parent
THEME_STATIC = HERE.parent / "themes" / "default" / "static"

MINIMAL_CONFIG = (
    'baseURL = "https://example.org/"\ntitle = "Bench"\npaginate = 50\ndisableKinds = ["RSS", "sitemap"]\n'
    "[taxonomies]\n  tag = 'tags'\n"
)
MINIMAL_LAYOUTS = {
    "_default/baseof.html": "<!doctype html><html><head><title>{{ .Title }}</title></head>"
    '<body><nav><a href=\'{{ "/" | relURL }}\'>Home</a></nav>{{ block "main" . }}{{ end }}</body></html>',
    "_default/single.html": '{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Date.Format "2006-01-02" }}</p>'
    "<ul>{{ range .Params.tags }}<li><a href='{{ (printf \"/tags/%s/\" (. | urlize)) | relURL }}'>{{ . }}</a></li>"
    "{{ end }}</ul>{{ .Content }}{{ end }}",
    "_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}'
    "<li><a href='{{ .RelPermalink }}'>{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}",
    "index.html": '{{ define "main" }}<ul>{{ range first 70 .Site.RegularPages }}'
    "<li><a href='{{ .RelPermalink }}'>{{ .Title }}</a>{{ .Content }}</li>{{ end }}</ul>{{ end }}",
}


def minimal_site(source: Path, target: Path) -> None:
    """A Hugo site over paper-digest's content/papers alone, with minimal templates."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source / "content" / "papers", target / "content" / "papers")
    (target / "config.toml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    for name, text in MINIMAL_LAYOUTS.items():
        path = target / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def same_pages_site(source: Path, target: Path) -> None:
    """A Hugo site over paper-digest's content/papers and content/digests that makes the same pages."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(HERE / "hugo_site", target)
    for part in ("papers", "digests"):
        shutil.copytree(source / "content" / part, target / "content" / part)
    shutil.copytree(THEME_STATIC, target / "static" / "static")
    days = sorted(dt.date.fromisoformat(path.stem) for path in (source / "content" / "digests").glob("*.md"))
    write_periods(target / "content", days)


def write_periods(content: Path, days: list[dt.date]) -> None:
    """A page for each ISO week and each month with a digest day (Hugo makes pages from content files only)."""
    weeks = {day - dt.timedelta(days=day.weekday()) for day in days}
    months = {day.replace(day=1) for day in days}
    periods = [("weeks", f"{s:%G-W%V}", f"Week {s:%V}, {s:%G}", s, s + dt.timedelta(days=6)) for s in weeks]
    for start in months:
        end = (start + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
        periods.append(("months", f"{start:%Y-%m}", f"{start:%B %Y}", start, end))
    for section, name, title, start, end in periods:
        path = content / section / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"---\ntitle: {title}\ndate: {start}\nstart: {start}\nend: {end}\nlayout: period\noutputs: [html]\n---\n",
            encoding="utf-8",
        )


def hugo(site: Path, log: Path) -> tuple[float, float]:
    shutil.rmtree(site / "public", ignore_errors=True)
    seconds, peak, _ = timed(["hugo", "--quiet", "-s", str(site), "-d", str(site / "public")], log)
    return seconds, peak


def ours(folder: Path, log: Path) -> tuple[float, float]:
    seconds, peak, _ = timed([sys.executable, "-m", "generator", "-v", "-C", str(folder), "build"], log)
    return seconds, peak


def compare(tmp: Path, corpus: Path, run: int) -> None:
    """One run: paper-digest's full build, both Hugo sites, then paper-digest from content/, one after another."""
    folder, log = tmp / "digest", tmp / "log"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(corpus, folder)
    full = ours(folder, log)
    minimal_site(folder, tmp / "hugo-minimal")
    same_pages_site(folder, tmp / "hugo-same")
    minimal, same = hugo(tmp / "hugo-minimal", log), hugo(tmp / "hugo-same", log)
    shutil.rmtree(folder / "site")
    shutil.rmtree(folder / ".digest-cache")
    from_content = ours(folder, log)
    print(f"run {run}")
    for label, (seconds, peak) in (
        ("paper-digest full build (search excluded)", full),
        ("hugo, minimal templates", minimal),
        ("hugo, the same pages", same),
        ("paper-digest from content/, no caches", from_content),
    ):
        print(f"  {label:42} {seconds:6.2f} s, peak {peak:4.0f} MB")
    print(
        f"  ratios to hugo with the same pages: full build {full[0] / same[0]:.2f}, "
        f"from content/ {from_content[0] / same[0]:.2f}"
    )
    print(
        f"  ratios to hugo with minimal templates: full build {full[0] / minimal[0]:.2f}, "
        f"from content/ {from_content[0] / minimal[0]:.2f}"
    )


def one_new_day(tmp: Path, corpus: Path) -> None:
    """After the last run: one more day, built incrementally by paper-digest and in full by Hugo."""
    folder, log = tmp / "digest", tmp / "log"
    next_day(folder, sorted((corpus / "digests").iterdir()))
    new_day = ours(folder, log)
    same_pages_site(folder, tmp / "hugo-same")
    same = hugo(tmp / "hugo-same", log)
    print(f"one new day: paper-digest {new_day[0]:.2f} s, hugo with the same pages {same[0]:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="full-build comparisons, one after another")
    add_scratch_option(parser)
    args = parser.parse_args()
    if not shutil.which("hugo"):
        raise SystemExit("hugo not found: apt-get install hugo")
    with tempfile.TemporaryDirectory(prefix="digest-vs-hugo-", dir=args.scratch) as name:
        tmp = Path(name)
        corpus = tmp / "corpus"
        write_corpus(corpus, args.papers)
        with (corpus / "site.yaml").open("a", encoding="utf-8") as config:
            config.write("search: false\n")  # Hugo makes no search index either
        print(
            f"# {args.papers} papers; {dt.date.today()}, {platform.machine()}, {os.cpu_count()} cores, "
            f"built on {filesystem(tmp)}"
        )
        print(f"  machine speed now: {machine_speed(tmp / 'disk')}")
        for run in range(1, args.runs + 1):
            compare(tmp, corpus, run)
        one_new_day(tmp, corpus)
        print(f"  machine speed now: {machine_speed(tmp / 'disk')}")


if __name__ == "__main__":
    main()
