"""Values worked out from content, kept between builds under a key of what they were worked out from.

A new day in a large archive changes few papers, but some results are needed for all of them on every build
(the plain text of abstracts for snippets, BibTeX entries for cite keys): kept, they are worked out once.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Generic, TypeVar

from generator.output import write_bytes_atomically

Value = TypeVar("Value")


class Memo(Generic[Value]):
    """A pickle of key -> value in the cache folder.

    ``version`` (the fingerprint of the generator's code and the site's config) guards against values made by
    other code. Only the values looked up or added during this build are saved: those of papers gone are dropped.
    """

    def __init__(self, path: Path, version: str) -> None:
        self.path, self.version = path, version
        try:
            saved_version, saved = pickle.loads(path.read_bytes())
        except (OSError, pickle.UnpicklingError, ValueError, EOFError, TypeError):
            saved_version, saved = None, {}
        self.saved: dict[str, Value] = saved if saved_version == version and isinstance(saved, dict) else {}
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
            write_bytes_atomically(self.path, pickle.dumps((self.version, self.used), protocol=pickle.HIGHEST_PROTOCOL))
