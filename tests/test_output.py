"""Writing site/: a fresh folder swapped in for big changes, in-place replacement for small ones, no leftovers."""

from __future__ import annotations

from pathlib import Path

from generator.output import Reuse, write_site
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
