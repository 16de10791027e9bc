"""Side by side with Hugo: the same synthetic archive built by paper-digest and by Hugo, in one run.

    python bench/hugo_compare.py [--papers 10000] [--scratch DIR]

paper-digest builds the archive from raw digests; Hugo then builds the content/ paper-digest made (the same
Markdown files and front matter) with minimal templates: a page per paper, a list per day of tags, taxonomy
pages. paper-digest then builds again from that content/ alone (site/ and caches deleted), as Hugo did. Needs
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

LAYOUTS = {
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


def hugo_site(source: Path, target: Path) -> None:
    """A Hugo site over paper-digest's content/papers (front matter is compatible: title, date, tags)."""
    shutil.copytree(source / "content" / "papers", target / "content" / "papers")
    (target / "config.toml").write_text(
        'baseURL = "https://example.org/"\ntitle = "Bench"\npaginate = 50\ndisableKinds = ["RSS", "sitemap"]\n'
        "[taxonomies]\n  tag = 'tags'\n",
        encoding="utf-8",
    )
    for name, text in LAYOUTS.items():
        path = target / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=10_000)
    add_scratch_option(parser)
    args = parser.parse_args()
    if not shutil.which("hugo"):
        raise SystemExit("hugo not found: apt-get install hugo")
    with tempfile.TemporaryDirectory(prefix="digest-vs-hugo-", dir=args.scratch) as tmp:
        folder, hugo, log = Path(tmp) / "digest", Path(tmp) / "hugo", Path(tmp) / "log"
        files = write_corpus(folder, args.papers)
        with (folder / "site.yaml").open("a", encoding="utf-8") as config:
            config.write("search: false\n")  # Hugo makes no search index either
        print(
            f"# {args.papers} papers; {dt.date.today()}, {platform.machine()}, {os.cpu_count()} cores, "
            f"built on {filesystem(Path(tmp))}"
        )
        print(f"  machine speed now: {machine_speed(Path(tmp) / 'disk')}")
        ours, our_peak, _ = timed([sys.executable, "-m", "generator", "-v", "-C", str(folder), "build"], log)
        hugo_site(folder, hugo)
        theirs, their_peak, _ = timed(["hugo", "--quiet", "-s", str(hugo), "-d", str(hugo / "public")], log)
        print(f"paper-digest full build (search excluded): {ours:6.2f} s, peak {our_peak:4.0f} MB")
        print(f"hugo full build:                           {theirs:6.2f} s, peak {their_peak:4.0f} MB")
        print(f"ratio paper-digest / hugo: {ours / theirs:.2f}")
        # Like for like: both from the same content/ (Hugo never reads the digests), neither with caches.
        shutil.rmtree(folder / "site")
        shutil.rmtree(folder / ".digest-cache")
        from_content, peak, _ = timed([sys.executable, "-m", "generator", "-v", "-C", str(folder), "build"], log)
        print(f"paper-digest from content/, no caches:     {from_content:6.2f} s, peak {peak:4.0f} MB")
        print(f"ratio paper-digest from content/ / hugo: {from_content / theirs:.2f}")
        next_day(folder, files)
        ours, _, _ = timed([sys.executable, "-m", "generator", "-v", "-C", str(folder), "build"], log)
        shutil.rmtree(hugo / "content")
        hugo_site(folder, hugo)
        theirs, _, _ = timed(["hugo", "--quiet", "-s", str(hugo), "-d", str(hugo / "public")], log)
        print(f"one new day: paper-digest {ours:.2f} s, hugo {theirs:.2f} s")
        print(f"  machine speed now: {machine_speed(Path(tmp) / 'disk')}")


if __name__ == "__main__":
    main()
