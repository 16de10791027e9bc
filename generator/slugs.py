"""Names derived from titles: readable URL slugs and the normalized title that identifies a paper."""

from __future__ import annotations

import functools
import re
import unicodedata

from slugify import slugify

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_MAX_SLUG = 80
_WORD = re.compile(r"\w+")


def make_slug(title: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A readable ASCII slug for ``title`` that is not in ``taken`` (``-2``, ``-3``... on collision)."""
    base = slugify(title, max_length=_MAX_SLUG, word_boundary=True, save_order=True) or "paper"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@functools.lru_cache(maxsize=100_000)
def name_slug(name: str) -> str:
    """The slug of a tag or author name: remembered, as names recur on thousands of pages and slugify is slow."""
    return make_slug(name)


def title_key(title: str) -> str:
    """The title reduced to what identifies a paper: case, accents, punctuation and spacing folded."""
    text = title.casefold()
    if not text.isascii():  # NFKD leaves ASCII as it is: most titles need no per-character pass
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    # A title of punctuation alone ("???") has no words: it identifies itself, or all such titles would be one.
    return " ".join(_WORD.findall(text)) or " ".join(title.split())


def is_valid_slug(slug: str) -> bool:
    return bool(SLUG_PATTERN.fullmatch(slug))
