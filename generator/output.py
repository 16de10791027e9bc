"""Write the built site: into a fresh folder beside site/, then swap it in, so a failed build leaves the
last good site/ untouched and a reader never sees a half-written one.

Unchanged files are hard-linked from the previous site/ instead of written again.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Reuse:
    """A file of the previous site/ that is still right: hard-linked into the new one, not rewritten."""

    path: Path


Source = bytes | Path | Reuse  # rendered bytes, a file to copy (static), or an unchanged file to keep


def write_site(out_dir: Path, files: Mapping[str, Source]) -> None:
    """Make ``out_dir`` hold exactly ``files`` (site path -> source), atomically replacing what was there."""
    staging = out_dir.with_name(f".{out_dir.name}.new")
    retired = out_dir.with_name(f".{out_dir.name}.old")
    for leftover in (staging, retired):
        if leftover.exists():
            shutil.rmtree(leftover)
    staging.mkdir(parents=True)
    made: set[Path] = {staging}
    for name in sorted(files):
        target = staging / name
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        _place(files[name], target)
    if out_dir.exists():
        out_dir.rename(retired)
    staging.rename(out_dir)
    shutil.rmtree(retired, ignore_errors=True)


def _place(source: Source, target: Path) -> None:
    if isinstance(source, bytes):
        target.write_bytes(source)
    elif isinstance(source, Reuse):
        try:
            os.link(source.path, target)
        except OSError:  # links not allowed here: copy instead
            shutil.copyfile(source.path, target)
    else:  # never link a theme's file: an edit in site/ must not reach the theme
        shutil.copyfile(source, target)


def write_text_atomically(path: Path, text: str) -> None:
    """Replace one file so that it is never seen half-written (content files, records)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
