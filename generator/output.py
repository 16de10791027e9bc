"""Write the built site/ once every page has been rendered, so a failed build leaves the last good one as it was.

When most files change (or there is no site/ yet), the new site is written into a fresh folder beside site/
(the render workers write their pages there themselves) and swapped in whole, unchanged files hard-linked from
the old one. When few change (a new day in a large
archive), only those files are replaced, each atomically, and files that no longer belong are removed:
re-linking tens of thousands of unchanged files would cost more than the whole incremental build.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import forked


@dataclass(frozen=True)
class Reuse:
    """A file of the previous site/ that is still right: hard-linked into the new one, not rewritten.

    A string, not a Path: a large site has tens of thousands of these, and Path objects are slow to make."""

    path: str


@dataclass(frozen=True)
class Staged:
    """A file already written into the staging folder (see :func:`staging_folder`) by whoever made it."""


Source = bytes | Path | Reuse | Staged  # rendered bytes, a file to copy (static), an unchanged file to keep


# Above this share of changed files, a fresh folder swapped in whole is cheaper than replacing in place.
SWAP_FROM = 0.25
# From this many files on, a new site's files are written by several processes: creating files is mostly
# kernel work, done in parallel on several cores as long as the files are in different folders (creating
# files in one folder takes that folder's lock: content files are written by one process).
PARALLEL_FROM = 1000


def write_site(out_dir: Path, files: Mapping[str, Source], previous: Iterable[str] = ()) -> None:
    """Make ``out_dir`` hold exactly ``files`` (site path -> source); ``previous`` names what it holds now.

    Files marked Staged are in the folder :func:`staging_folder` made already, so that folder is swapped in."""
    changed = sum(1 for source in files.values() if not isinstance(source, Reuse))
    staged = any(isinstance(source, Staged) for source in files.values())
    if not staged and out_dir.is_dir() and changed <= SWAP_FROM * len(files):
        _update_in_place(out_dir, files, set(previous) - set(files))
    else:
        _swap_in(out_dir, files, staging_folder(out_dir, fresh=not staged))


def staging_folder(out_dir: Path, fresh: bool = True) -> Path:
    """The folder a new site is written into before it replaces ``out_dir``; ``fresh`` empties it first."""
    staging = out_dir.with_name(f".{out_dir.name}.new")
    if fresh:
        for leftover in (staging, out_dir.with_name(f".{out_dir.name}.old")):
            if leftover.exists():
                shutil.rmtree(leftover)
        staging.mkdir(parents=True)
    return staging


def _update_in_place(out_dir: Path, files: Mapping[str, Source], stale: set[str]) -> None:
    root = str(out_dir)  # an f-string, not os.path.join: this runs for every file of the site (see Reuse)
    placed = [
        name for name, source in files.items() if not (isinstance(source, Reuse) and source.path == f"{root}/{name}")
    ]
    for name in sorted(placed):
        source = files[name]
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        _place(source, temporary)
        temporary.replace(target)
    for name in sorted(stale, reverse=True):
        (out_dir / name).unlink(missing_ok=True)
        for parent in (out_dir / name).parents:
            if parent == out_dir or any(parent.iterdir()):
                break
            parent.rmdir()


def _swap_in(out_dir: Path, files: Mapping[str, Source], staging: Path) -> None:
    retired = out_dir.with_name(f".{out_dir.name}.old")
    unwritten = [(name, files[name]) for name in sorted(files) if not isinstance(files[name], Staged)]
    forked.for_each_part(functools.partial(_place_all, str(staging)), unwritten, PARALLEL_FROM)
    if out_dir.exists():
        out_dir.rename(retired)
    staging.rename(out_dir)
    shutil.rmtree(retired, ignore_errors=True)


def _place_all(root: str, files: Sequence[tuple[str, Source]]) -> None:
    """Write ``files`` (site path, source; sorted) under ``root``, making each folder once.

    Strings and os calls, not Paths: a cold build writes tens of thousands of files here."""
    made: set[str] = {""}
    for name, source in files:
        folder = name.rpartition("/")[0]
        if folder not in made:
            os.makedirs(f"{root}/{folder}", exist_ok=True)  # noqa: PTH103 (strings, see above)
            made.add(folder)
        _place(source, f"{root}/{name}")


def _place(source: Source, target: Path | str) -> None:
    if isinstance(source, bytes):
        with open(target, "wb") as file:  # noqa: PTH123 (a string path, see _swap_in)
            file.write(source)
    elif isinstance(source, Reuse):
        try:
            os.link(source.path, target)
        except OSError:  # links not allowed here: copy instead
            shutil.copyfile(source.path, target)
    elif isinstance(source, Path):  # never link a theme's file: an edit in site/ must not reach the theme
        shutil.copyfile(source, target)


def write_text_atomically(path: Path, text: str) -> None:
    """Replace one file so that it is never seen half-written (content files, records)."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_texts_atomically(texts: Mapping[Path, str]) -> dict[str, os.stat_result]:
    """:func:`write_text_atomically` for many files, in path order, each folder made once; the stat of each file
    as written (by its path as a string), so that a cache of them cannot take a later edit for this text.

    Strings and os calls, not Paths: a first build writes thousands of content files, and sorting and making
    Paths cost more than writing the files."""
    made: set[str] = set()
    stats = {}
    for name, text in sorted((str(path), text) for path, text in texts.items()):
        folder, _, base = name.rpartition("/")
        if folder not in made:
            os.makedirs(folder, exist_ok=True)  # noqa: PTH103
            made.add(folder)
        stats[name] = _replace(name, f"{folder}/.{base}.{os.getpid()}.tmp", text.encode("utf-8"))
    return stats


def save_cache(path: Path, value: object, version: str = "") -> None:
    """Keep ``value`` in a cache file, under ``version`` (of the code and settings that made it)."""
    write_bytes_atomically(path, pickle.dumps((version, value), protocol=pickle.HIGHEST_PROTOCOL))


def load_cache(path: Path, version: str = "") -> Any:
    """What :func:`save_cache` kept in ``path`` under ``version``; None when the file is missing, damaged, or
    made by other code or another version: a cache miss, never an error."""
    try:
        saved_version, value = pickle.loads(path.read_bytes())
    except Exception:  # unpickling foreign or damaged data raises almost anything
        return None
    return value if saved_version == version else None


def write_bytes_atomically(path: Path, data: bytes, durable: bool = False) -> None:
    """Replace one file so that it is never seen half-written: a hidden temporary file beside it (named by this
    process, so that two processes never share one) is renamed over it, or removed if writing fails.

    ``durable`` waits until the data is on disk before the rename: for raw digests, the record everything else
    is made from. Content files and caches can be made again from them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace(str(path), str(path.with_name(f".{path.name}.{os.getpid()}.tmp")), data, durable)


def _replace(target: str, temporary: str, data: bytes, durable: bool = False) -> os.stat_result:
    """Write ``data`` into ``temporary``, then rename it over ``target``; the stat of the file written."""
    try:
        with open(temporary, "wb") as file:  # noqa: PTH123 (strings, see write_texts_atomically)
            file.write(data)
            file.flush()
            if durable:
                os.fsync(file.fileno())
            stat = os.fstat(file.fileno())  # a rename keeps the time: this is the file's from now on
        os.replace(temporary, target)  # noqa: PTH105
        return stat
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)  # noqa: PTH108
        raise
