"""Content files: front matter parsed into papers and digest days, errors with file and line, the parse cache."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from generator import content, forked
from generator.content import ParseCache, load_content, parse_paper
from generator.errors import InputError

PAPER = """---
title: "A: Title"
slug: a-title
date: 2025-05-29
authors: [Ada Lovelace]
arxiv: '2501.00001'
links: {code: 'https://github.com/x/y'}
tags: [llm]
source: text
stars: 5
---
The abstract.

My note.
"""


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_paper_fields(tmp_path: Path) -> None:
    path = write(tmp_path, "papers/a-title.md", PAPER)
    paper = parse_paper(path, path.read_bytes())
    assert (paper.title, paper.slug, paper.date) == ("A: Title", "a-title", dt.date(2025, 5, 29))
    assert paper.authors == ("Ada Lovelace",) and paper.arxiv == "2501.00001"
    assert paper.pdf_url == "https://arxiv.org/pdf/2501.00001"
    assert paper.links == {"code": "https://github.com/x/y"}
    assert paper.extra == {"stars": 5}
    assert paper.abstract == "The abstract.\n\nMy note."


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("no front matter\n", 1, ["missing front matter"]),
        ("---\ntitle: [unclosed\n---\nbody\n", 2, ["invalid YAML"]),
        ("---\ntitle: x\nslug: ../../etc/passwd\ndate: 2025-01-01\n---\n", 3, ["not a valid slug"]),
        ("---\ntitle: x\ndate: someday\n---\n", 3, ["date"]),
        ("---\ntitle: x\ndate: 2025-01-01\narxiv: 2501.10000\n---\n", 4, ["quote it"]),
        ("---\ntitle: x\ndate: 2025-01-01\nauthors: Ada\n---\n", 4, ["expected a list"]),
        ("---\ntitle: x\ndate: 2025-01-01\nlinks: {code: 'javascript:alert(1)'}\n---\n", 4, ["not an http(s) URL"]),
        ("---\ndate: 2025-01-01\n---\n", 1, ["needs 'title'"]),
    ],
)
def test_bad_paper_files(tmp_path: Path, text: str, line: int, words: list[str]) -> None:
    path = write(tmp_path, "papers/x.md", text)
    with pytest.raises(InputError) as caught:
        parse_paper(path, path.read_bytes())
    assert caught.value.path == path and caught.value.line == line
    for word in words:
        assert word in caught.value.message


def test_digest_must_list_existing_papers(tmp_path: Path) -> None:
    write(tmp_path, "papers/a-title.md", PAPER)
    write(tmp_path, "digests/2025-05-29.md", "---\ndate: 2025-05-29\npapers: [a-title, ghost]\n---\n")
    with pytest.raises(InputError, match="'ghost'"):
        load_content(tmp_path)


def test_slug_and_date_must_match_the_file_name(tmp_path: Path) -> None:
    write(tmp_path, "papers/a-title.md", PAPER)
    write(tmp_path, "papers/other.md", PAPER)  # a copy, or a slug changed by hand without renaming the file
    with pytest.raises(InputError, match="slug a-title does not match the file name") as caught:
        load_content(tmp_path)
    assert caught.value.line == 3
    (tmp_path / "papers" / "other.md").unlink()
    write(tmp_path, "digests/2025-05-29.md", "---\ndate: 2025-05-30\npapers: [a-title]\n---\n")
    with pytest.raises(InputError, match="date 2025-05-30 does not match the file name"):
        load_content(tmp_path)


def test_cache_is_used_only_while_the_file_is_unchanged(tmp_path: Path) -> None:
    path = write(tmp_path, "papers/a-title.md", PAPER)
    cache = tmp_path / "cache"
    assert load_content(tmp_path, ParseCache(cache)).papers["a-title"].title == "A: Title"
    assert ParseCache(cache).get(str(path), path.stat()) is not None
    path.write_text(PAPER.replace('"A: Title"', '"A: New title, longer"'), encoding="utf-8")
    assert ParseCache(cache).get(str(path), path.stat()) is None
    assert load_content(tmp_path, ParseCache(cache)).papers["a-title"].title == "A: New title, longer"
    next(cache.glob("*.pickle")).write_bytes(b"garbage")
    assert load_content(tmp_path, ParseCache(cache)).papers["a-title"].title == "A: New title, longer"


def test_a_file_with_a_new_time_but_the_same_bytes_is_not_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As after a fresh checkout: the bytes are hashed and the cached parse kept, with the file's new time."""
    path = write(tmp_path, "papers/a-title.md", PAPER)
    cache = tmp_path / "cache"
    load_content(tmp_path, ParseCache(cache))
    os.utime(path, ns=(10**18, 10**18))
    assert ParseCache(cache).get(str(path), path.stat()) is None
    with monkeypatch.context() as patched:
        patched.setattr(content, "parse_paper", lambda *_: pytest.fail("parsed again"))
        assert load_content(tmp_path, ParseCache(cache)).papers["a-title"].title == "A: Title"
    assert ParseCache(cache).get(str(path), path.stat()) is not None  # the new time is kept
    path.write_text(PAPER.replace('"A: Title"', '"A: Other"'), encoding="utf-8")  # the same size, new bytes
    assert load_content(tmp_path, ParseCache(cache)).papers["a-title"].title == "A: Other"


def test_cache_rewrites_only_the_month_that_changed(tmp_path: Path) -> None:
    write(tmp_path, "papers/a-title.md", PAPER)
    cache = tmp_path / "cache"
    load_content(tmp_path, ParseCache(cache))
    may = cache / "2025-05.pickle"
    os.utime(may, ns=(0, 0))
    write(tmp_path, "papers/b-title.md", PAPER.replace("a-title", "b-title").replace("2025-05-29", "2025-06-02"))
    assert set(load_content(tmp_path, ParseCache(cache)).papers) == {"a-title", "b-title"}
    assert may.stat().st_mtime_ns == 0 and (cache / "2025-06.pickle").is_file()
    (tmp_path / "papers" / "b-title.md").unlink()
    assert set(load_content(tmp_path, ParseCache(cache)).papers) == {"a-title"}
    assert not (cache / "2025-06.pickle").exists() and may.stat().st_mtime_ns == 0


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one processor: nothing is shared out")
def test_many_files_parsed_in_workers_read_as_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def paper(n: int, title: str) -> str:
        return PAPER.replace("a-title", f"paper-{n}").replace('"A: Title"', f'"{title}"')

    for n in range(40):
        write(tmp_path, f"papers/paper-{n}.md", paper(n, f"Paper {n}"))
    write(tmp_path, "digests/2025-05-29.md", "---\ndate: 2025-05-29\npapers: [paper-3, paper-1]\n---\n")
    cache = tmp_path / "cache"
    load_content(tmp_path, ParseCache(cache))  # cached, so that a mix of cached and parsed is read below
    for n in (7, 30, 35):
        write(tmp_path, f"papers/paper-{n}.md", paper(n, f"Edited {n}"))
    serial = load_content(tmp_path, ParseCache(None))
    monkeypatch.setattr(content, "PARALLEL_FROM", 2)
    shared: list[int] = []
    parts_in_workers = forked.parts_in_workers
    monkeypatch.setattr(forked, "parts_in_workers", lambda *a: shared.append(len(a[1])) or parts_in_workers(*a))
    assert load_content(tmp_path, ParseCache(None)) == serial
    assert load_content(tmp_path, ParseCache(cache)) == serial
    assert shared == [40, 3]  # every paper file, then the three edited: really parsed by workers
    assert [serial.papers[f"paper-{n}"].title for n in (6, 7)] == ["Paper 6", "Edited 7"]
    for n in (9, 20):  # in different parts; paper-20.md sorts first
        write(tmp_path, f"papers/paper-{n}.md", paper(n, "Bad").replace("date: 2025-05-29", "date: x"))
    with pytest.raises(InputError) as error:
        load_content(tmp_path, ParseCache(None))
    assert error.value.path.name == "paper-20.md" and error.value.line == 4
