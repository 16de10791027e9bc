"""Writing site/: a fresh folder swapped in for big changes, in-place replacement for small ones, no leftovers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import output
from generator.output import Reuse, load_cache, save_cache, write_site, write_texts_atomically
from tests.conftest import tree_bytes


def test_first_write_and_stale_files_removed(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, {"index.html": b"home", "papers/a/index.html": b"a", "papers/b/index.html": b"b"})
    assert tree_bytes(out) == {"index.html": b"home", "papers/a/index.html": b"a", "papers/b/index.html": b"b"}
    write_site(out, {"index.html": b"new home", "papers/a/index.html": b"a2"})  # most changed: swapped
    assert tree_bytes(out) == {"index.html": b"new home", "papers/a/index.html": b"a2"}
    assert not (out / "papers" / "b").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging folder left behind


def test_small_change_is_made_in_place(tmp_path: Path) -> None:
    out = tmp_path / "site"
    names = [f"papers/p{i}/index.html" for i in range(20)]
    write_site(out, {name: name.encode() for name in names})
    kept = (out / names[1]).stat().st_ino
    files: dict[str, bytes | Path | Reuse] = {name: Reuse(str(out / name)) for name in names[1:19]}
    files["index.html"] = b"home"
    files[names[19]] = b"changed"
    write_site(out, files, previous=names)
    assert (out / names[1]).stat().st_ino == kept  # the very same file: not rewritten, not re-linked
    assert (out / names[1]).read_bytes() == names[1].encode()
    assert (out / names[19]).read_bytes() == b"changed" and (out / "index.html").read_bytes() == b"home"
    assert not (out / "papers" / "p0").exists()  # no longer listed: removed, with its folder
    assert not list(out.rglob(".*.tmp"))


def test_many_files_are_written_by_worker_processes_and_their_failure_is_the_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output, "PARALLEL_FROM", 10)
    out = tmp_path / "site"
    files = {f"papers/p{i}/p{i}.bib": f"@misc{{p{i}}}".encode() for i in range(200)}
    write_site(out, {"index.html": b"home", **files})
    assert tree_bytes(out) == {"index.html": b"home", **files}
    written_by = set()
    monkeypatch.setattr(output, "_place", lambda source, target: written_by.add(os.getpid()))
    write_site(tmp_path / "other", files)
    assert written_by == set()  # not this process: the workers' own copies of _place ran
    monkeypatch.undo()
    monkeypatch.setattr(output, "PARALLEL_FROM", 10)
    broken = {**files, "papers/p5/p5.bib": Reuse(str(tmp_path / "gone.bib"))}  # a worker fails on this one
    with pytest.raises(OSError):
        write_site(out, {"index.html": b"new home", **broken})
    assert tree_bytes(out) == {"index.html": b"home", **files}  # the last good site, as it was


def test_texts_written_atomically_in_bulk_and_a_failure_leaves_no_temporary_file(tmp_path: Path) -> None:
    texts = {
        tmp_path / "content" / folder / f"{n}.md": f"{folder} {n}\n"
        for folder in ("papers", "digests")
        for n in range(5)
    }
    stats = write_texts_atomically(texts)
    assert {path: path.read_text(encoding="utf-8") for path in texts} == texts
    for path in texts:  # the stat of each file as written, for the parse cache
        assert (stats[str(path)].st_mtime_ns, stats[str(path)].st_size) == (
            path.stat().st_mtime_ns,
            path.stat().st_size,
        )
    (tmp_path / "content" / "papers" / "blocked.md").mkdir()  # a folder where a file should go: replace fails
    with pytest.raises(OSError):
        write_texts_atomically({tmp_path / "content" / "papers" / "blocked.md": "x"})
    assert not [p for p in (tmp_path / "content").rglob("*") if p.name.endswith(".tmp")]


def test_a_cache_file_that_cannot_be_used_is_a_miss_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "x.pickle"
    assert load_cache(path) is None  # missing
    save_cache(path, {"a": 1}, "v1")
    assert load_cache(path, "v1") == {"a": 1}
    assert load_cache(path, "v2") is None  # made by other code
    path.write_bytes(b"\x80\x05garbage")
    assert load_cache(path, "v1") is None  # damaged
    path.write_bytes(b"cno_such_module\nX\n.")  # a pickle of a class from a module that is not there
    assert load_cache(path, "v1") is None
