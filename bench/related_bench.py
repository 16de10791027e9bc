"""Time related papers on synthetic archives: a full computation at 10,000 and 50,000 papers, and one new day
of 100 papers added to 10,000 (the incremental path, in memory and through the cache file as a build does).
Prints seconds; run with ``python bench/related_bench.py``.

The synthetic abstracts mimic real ones where it matters for cost: a Zipf-distributed general vocabulary of
40,000 words plus a topic vocabulary per paper (300 topics), 10-word titles and 160-word abstracts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from generator.model import Paper
from generator.related import State, compute, related_papers, save_state
from generator.related_request import read_index, request

WORDS = 40_000
TOPICS = 300


def _word(i: int) -> str:
    letters = []
    i += 26 * 26  # at least three letters, so none is a stop word or too short
    while i:
        i, r = divmod(i, 26)
        letters.append(chr(97 + r))
    return "".join(letters) + "x"


def synthetic(count: int, seed: int, first: int = 0) -> dict[str, Paper]:
    rng = np.random.default_rng(seed)
    vocabulary = [_word(i) for i in range(WORDS)]
    weights = 1 / np.arange(1, WORDS + 1) ** 1.05
    weights /= weights.sum()
    topic_words = np.random.default_rng(0).integers(0, WORDS, size=(TOPICS, 200))
    papers = {}
    for n in range(first, first + count):
        topic = topic_words[rng.integers(TOPICS)]
        general = rng.choice(WORDS, size=120, p=weights)
        special = topic[rng.integers(0, 200, size=50)]
        words = [vocabulary[i] for i in np.concatenate([general, special])]
        rng.shuffle(words)
        slug = f"paper-{n:06d}"
        papers[slug] = Paper(slug, " ".join(words[:10]), dt.date(2025, 1, 1), " ".join(words[10:]))
    return papers


def _timed(label: str, papers: dict[str, Paper], previous: State | None = None) -> State:
    """As a build asks: the texts of the papers ``previous`` has no row for (of all of them without it)."""
    start = time.perf_counter()
    state = compute(request(papers, previous.index() if previous else None), previous)
    print(f"{label:<40} {time.perf_counter() - start:7.2f} s")
    return state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 50_000])
    args = parser.parse_args()
    print(f"related papers, {os.cpu_count()} CPUs, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    for size in args.sizes:
        papers = synthetic(size, seed=size)
        state = _timed(f"full, {size:,} papers", papers)
        if size == 10_000:
            grown = papers | synthetic(100, seed=1, first=size)
            _timed(f"one new day (100) added to {size:,}", grown, state)
            with tempfile.TemporaryDirectory() as folder:
                cache = Path(folder) / "related.pickle"
                save_state(cache, state)
                start = time.perf_counter()
                related_papers(functools.partial(request, grown, read_index(cache)), cache)
                took = time.perf_counter() - start
                print(f"{'  the same through the cache file':<40} {took:7.2f} s ({cache.stat().st_size / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
