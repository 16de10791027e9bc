"""Synthetic papers for benchmarks and tests: deterministic, vocabulary-rich, abstracts of realistic length.

Words are drawn from a Zipf-like distribution over a generated vocabulary of ~60,000 pseudo-words (plus real
research words), so term statistics resemble a real archive: a few words in nearly every abstract, a long
tail of rare ones. The same seed always gives the same papers.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator

from generator.model import Paper

_REAL_TEXT = (
    "model language learning neural network data training performance method results task benchmark "
    "large approach transformer attention reasoning evaluation dataset agents reinforcement policy "
    "vision image video diffusion generation retrieval graph optimization inference efficient scaling "
    "alignment multimodal robust papyrology epigraphy sudoku puzzle distillation knowledge causal memory "
    "tokenizer compression quantization "
)
_REAL = tuple(_REAL_TEXT.split())
_SYLLABLES = [a + b for a in "bcdfghklmnprstvz" for b in ("a", "e", "i", "o", "u", "ai", "ou", "y")]
_SUFFIXES = ("", "", "s", "ing", "ed", "ation", "ity", "al", "ness", "ize", "ment", "ive", "ology")


def vocabulary(size: int, rng: random.Random) -> list[str]:
    """Pseudo-words by rank, with the real words spread geometrically from rank 6 ("model", in most
    abstracts) to the tail ("sudoku", in about one paper in a thousand)."""
    words: list[str] = []
    seen = set(_REAL)
    while len(words) < size - len(_REAL):
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4))) + rng.choice(_SUFFIXES)
        if word not in seen:
            seen.add(word)
            words.append(word)
    for number, word in enumerate(_REAL):
        words.insert(min(int(6 * 1.22**number), len(words)), word)
    return words


def papers(count: int, seed: int = 7, start: dt.date = dt.date(2025, 1, 1), per_day: int = 70) -> Iterator[Paper]:
    """``count`` papers, ``per_day`` to a day from ``start``; slugs and text depend only on the seed and position."""
    rng = random.Random(seed)
    words = vocabulary(60_000, rng)
    weights = list(itertools.accumulate(1 / (rank + 8) for rank in range(len(words))))
    for number in range(count):
        title = rng.choices(words, cum_weights=weights, k=rng.randint(6, 14))
        sentences = [
            " ".join(rng.choices(words, cum_weights=weights, k=rng.randint(10, 28))).capitalize() + "."
            for _ in range(rng.randint(6, 11))
        ]
        authors = tuple(f"{rng.choice(words).title()} {rng.choice(words).title()}" for _ in range(rng.randint(1, 6)))
        tags = tuple(rng.sample(_REAL, rng.randint(0, 3)))
        yield Paper(
            slug=f"p{number:06d}-{title[0]}-{title[1]}",
            title=" ".join(title).capitalize(),
            date=start + dt.timedelta(days=number // per_day),
            abstract=" ".join(sentences),
            authors=authors,
            tags=tags,
            fingerprint=f"synthetic-{seed}-{number}",
        )
