"""The record of raw digests already converted into content/ (``content/imported.yaml``).

It lets ``digest build`` convert only digests that are new or changed, and remembers a ``--date`` given to
``digest import`` so that a later build dates the file the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from generator.errors import InputError
from generator.yamltext import dump_pair, load_mapping, read_text

RECORD_NAME = "imported.yaml"
_HEADER = "# Raw digests already converted into content/. Delete a line to convert that digest again.\n"
_SKIPPED = ("readme", "license")


@dataclass(frozen=True)
class Imported:
    sha256: str
    date: dt.date | None = None  # the --date it was imported with, if any


def digest_files(digests_dir: Path) -> list[Path]:
    """Raw digest files, in name order; hidden files and READMEs are not digests."""
    if not digests_dir.is_dir():
        return []
    return sorted(
        p
        for p in digests_dir.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(digests_dir).parts)
        and not p.name.lower().startswith(_SKIPPED)
    )


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_record(path: Path) -> dict[str, Imported]:
    if not path.exists():
        return {}
    mapping = load_mapping(path, read_text(path))
    record = {}
    for name, value in mapping.values.items():
        if isinstance(value, str):
            record[name] = Imported(value)
        elif isinstance(value, dict) and isinstance(value.get("sha256"), str):
            date = value.get("date")
            record[name] = Imported(value["sha256"], date if isinstance(date, dt.date) else None)
        else:
            raise InputError(path, f"{name}: expected a sha256 hash", mapping.lines.get(name))
    return record


def record_text(record: dict[str, Imported]) -> str:
    values: dict[str, object] = {}
    for name in sorted(record):
        item = record[name]
        values[name] = item.sha256 if item.date is None else {"sha256": item.sha256, "date": item.date}
    return _HEADER + "".join(dump_pair(name, value) for name, value in values.items())
