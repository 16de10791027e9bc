"""Values worked out from content, kept between builds under a key of what they were worked out from.

A new day in a large archive changes few papers, but some results are needed for all of them on every build
(the plain text of abstracts for snippets, BibTeX entries for cite keys): kept, they are worked out once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Generic, TypeVar

from generator.output import load_cache, save_cache

Value = TypeVar("Value")


class Memo(Generic[Value]):
    """A pickle of key -> value in the cache folder.

    ``version`` (the fingerprint of the generator's code and the site's config) guards against values made by
    other code. Only the values looked up or added during this build are saved: those of papers gone are dropped.
    """

    def __init__(self, path: Path, version: str) -> None:
        self.path, self.version = path, version
        saved = load_cache(path, version)
        self.saved: dict[str, Value] = saved if isinstance(saved, dict) else {}
        self.used: dict[str, Value] = {}

    def get(self, key: str) -> Value | None:
        value = self.saved.get(key)
        if value is not None:
            self.used[key] = value
        return value

    def put(self, key: str, value: Value) -> None:
        self.used[key] = value

    def save(self) -> None:
        if self.used != self.saved:
            save_cache(self.path, self.used, self.version)
