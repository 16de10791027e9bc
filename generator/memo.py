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
    """Pickles of key -> value in a cache folder, one per shard: the month of the paper a value belongs to.

    A new day then rewrites one month's shard; a single pickle of 10,000 abstracts' texts took 50 ms to write
    again on every build. ``version`` (the fingerprint of the generator's code and the site's config) guards
    against values made by other code. Only the values looked up or added during this build are saved: those of
    papers gone are dropped.
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
        self.used: defaultdict[str, dict[str, Value]] = defaultdict(dict)  # shard -> key -> value
        self.added: set[str] = set()  # the shards given new values

    def get(self, key: str, paper: Paper) -> Value | None:
        value = self.saved.get(key)
        if value is not None:
            self.used[shard_of(paper)][key] = value
        return value

    def put(self, key: str, value: Value, paper: Paper) -> None:
        """Keep a value :meth:`get` did not find."""
        shard = shard_of(paper)
        self.used[shard][key] = value
        self.added.add(shard)

    def save(self) -> None:
        """Write the shards given new values or holding other keys, and remove those no value of this build is in.

        Values found by :meth:`get` are the saved ones: comparing keys, not values, spares touching every value,
        which in a forked child copies each page of them."""
        for name, values in self.used.items():
            saved = self.shards.get(name)
            if name in self.added or saved is None or values.keys() != saved.keys():
                save_cache(self.folder / f"{name}.pickle", values, self.version)
        for name in self.files.keys() - self.used.keys():
            self.files[name].unlink(missing_ok=True)


def shard_of(paper: Paper) -> str:
    return paper.date.isoformat()[:7]  # YYYY-MM
