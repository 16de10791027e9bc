"""Values worked out from content, kept between builds under a key of what they were worked out from.

A new day in a large archive changes few papers, but some results are needed for all of them on every build
(the plain text of abstracts for snippets, BibTeX entries for cite keys): kept, they are worked out once.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Generic, TypeVar

from generator.model import Paper
from generator.output import load_cache, save_cache

Value = TypeVar("Value")


class Memo(Generic[Value]):
    """Pickles of key -> value in a cache folder, in shards: a value is put in the shard of its paper's month.

    A new day then writes one month's shard again; a single pickle of 10,000 abstracts' texts took 50 ms to write
    on every build. ``version`` (the fingerprint of the generator's code and the site's config) guards against
    values made by other code. Only the values looked up or added during this build are saved: those of papers
    gone are dropped.
    """

    def __init__(self, folder: Path, version: str) -> None:
        self.folder, self.version = folder, version
        self.files = {path.stem: path for path in folder.glob("*.pickle")} if folder.is_dir() else {}
        self.shards: dict[str, dict[str, Value]] = {}
        for name, path in self.files.items():
            saved = load_cache(path, version)
            if isinstance(saved, dict):
                self.shards[name] = saved
        self.saved: dict[str, Value] = {key: value for shard in self.shards.values() for key, value in shard.items()}
        self.found: set[str] = set()
        self.added: defaultdict[str, dict[str, Value]] = defaultdict(dict)  # shard -> key -> value

    def get(self, key: str) -> Value | None:
        value = self.saved.get(key)
        if value is not None:
            self.found.add(key)
        return value

    def put(self, key: str, value: Value, paper: Paper) -> None:
        """Keep a value :meth:`get` did not find."""
        self.added[shard_of(paper)][key] = value

    def save(self) -> None:
        """Write the shards given values or losing some, and remove those left with none.

        Shards are compared by their keys: touching every value, in the forked child that saves, would copy each
        page that holds one."""
        in_use = set()
        for name in self.shards.keys() | self.added.keys():
            shard = self.shards.get(name, {})
            kept = shard.keys() & self.found
            added = self.added.get(name, {})
            if not kept and not added:
                continue  # its file is removed below
            if added or len(kept) < len(shard):
                save_cache(self.folder / f"{name}.pickle", {key: shard[key] for key in kept} | added, self.version)
            in_use.add(name)
        for name in self.files.keys() - in_use:
            self.files[name].unlink(missing_ok=True)


def shard_of(paper: Paper) -> str:
    return paper.date.isoformat()[:7]  # YYYY-MM
