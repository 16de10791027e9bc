"""Related papers: the obvious neighbours in the seed, determinism, and incremental updates equal to a full run."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path

import numpy as np
import pytest

from generator.content import load_content
from generator.model import Paper
from generator.pages import build_site
from generator.related import TOP_K, State, compute, load_state, related_papers, top_neighbours, vectorize
from generator.related_request import REFIT_GROWTH, Request, paper_text, read_index, request
from tests.conftest import build_ok, soup

REVERSAL_A = "mitigating-reversal-curse-in-large-language-models-via-semantic-aware"
REVERSAL_B = "are-we-falling-in-a-middle-intelligence-trap-an-analysis-and-mitigation-of-the"
TOPICS = [
    "graph neural network message passing node embedding",
    "protein folding structure prediction amino acid",
    "reinforcement learning policy reward agent exploration",
    "speech recognition acoustic model phoneme audio",
    "image segmentation pixel mask convolutional encoder",
    "quantum circuit qubit error correction gate",
]


def related_on_page(site: Path, slug: str) -> list[str]:
    section = soup(site / "papers" / slug / "index.html").find("section", class_="related")
    return [a["href"].strip("/").split("/")[-1] for a in section.find_all("a", class_="paper-list-title")]


def synthetic(count: int, seed: int, prefix: str = "p") -> dict[str, Paper]:
    rng = random.Random(seed)
    filler = [f"word{i}" for i in range(400)]
    papers = {}
    for n in range(count):
        topic = rng.choice(TOPICS).split()
        words = rng.choices(topic, k=12) + rng.choices(filler, k=40)
        rng.shuffle(words)
        slug = f"{prefix}-{seed}-{n:04d}"
        papers[slug] = Paper(slug, " ".join(words[:6]), dt.date(2025, 1, 1), " ".join(words[6:]))
    return papers


def fitted(papers: dict[str, Paper]) -> State:
    return compute(request(papers, None))


def updated(papers: dict[str, Paper], previous: State) -> State:
    """As a build asks: the texts of the papers ``previous`` has no row for."""
    return compute(request(papers, previous.index()), previous)


def asked(papers: dict[str, Paper], cache: Path) -> dict[str, tuple[str, ...]]:
    return related_papers(lambda: request(papers, read_index(cache)), cache)


def full_under_model(state: State, papers: dict[str, Paper]) -> dict[str, tuple[tuple[str, float], ...]]:
    """What a from-scratch computation with the state's model gives: the reference for incremental updates."""
    slugs = sorted(papers)
    rows = vectorize(state.model, [paper_text(papers[s]) for s in slugs])
    found = top_neighbours(rows, np.arange(len(slugs), dtype=np.int64), rows)
    return {s: tuple((slugs[i], score) for i, score in pairs) for s, pairs in zip(slugs, found, strict=True)}


def test_seed_reversal_curse_papers_list_each_other(seed_site: Path) -> None:
    build_ok(seed_site)
    site = seed_site / "site"
    assert REVERSAL_B in related_on_page(site, REVERSAL_A)
    assert REVERSAL_A in related_on_page(site, REVERSAL_B)
    assert related_on_page(site, REVERSAL_A)[0] == REVERSAL_B  # the closest of all, not just listed
    assert len(related_on_page(site, REVERSAL_A)) == TOP_K


def test_deterministic_and_ties_broken_by_slug() -> None:
    papers = synthetic(120, seed=1)
    twins = {s: Paper(s, "identical twin title", dt.date(2025, 1, 1), "same words exactly here") for s in "dcbae"}
    papers |= {f"twin-{s}": dataclasses.replace(p, slug=f"twin-{s}") for s, p in twins.items()}
    first = fitted(papers).neighbours
    shuffled = dict(random.Random(7).sample(sorted(papers.items()), len(papers)))
    assert fitted(shuffled).neighbours == first
    assert [s for s, _ in first["twin-c"]] == ["twin-a", "twin-b", "twin-d", "twin-e"]
    for slug, pairs in first.items():
        assert slug not in [s for s, _ in pairs]
        assert [score for _, score in pairs] == sorted((score for _, score in pairs), reverse=True)


def test_new_day_incremental_equals_full_under_same_model() -> None:
    papers = synthetic(400, seed=2)
    cold = fitted(papers)
    grown = papers | synthetic(30, seed=3, prefix="new")  # 7.5% growth: below the refit threshold
    assert len(grown) <= 400 * (1 + REFIT_GROWTH)
    incremental = updated(grown, cold)
    assert incremental.model is cold.model
    assert incremental.neighbours == full_under_model(cold, grown)
    changed = [s for s in papers if incremental.neighbours[s] != cold.neighbours[s]]
    assert changed, "some old paper should gain a new neighbour, or this test does not test merging"


def test_removed_and_edited_papers_leave_the_lists_they_were_in() -> None:
    papers = synthetic(300, seed=4)
    cold = fitted(papers)
    victim = cold.neighbours[sorted(papers)[0]][0][0]
    edited_slug = sorted(papers)[5]
    changed = {s: p for s, p in papers.items() if s != victim}
    changed[edited_slug] = dataclasses.replace(papers[edited_slug], abstract="quantum circuit qubit gate error")
    incremental = updated(changed, cold)
    assert all(victim not in [s for s, _ in pairs] for pairs in incremental.neighbours.values())
    assert incremental.neighbours == full_under_model(cold, changed)


def test_growth_past_threshold_refits_the_model() -> None:
    papers = synthetic(100, seed=5)
    cold = fitted(papers)
    grown = papers | synthetic(20, seed=6, prefix="new")
    refit = updated(grown, cold)
    assert refit.model.papers_at_fit == len(grown)
    assert refit.neighbours == fitted(grown).neighbours


def test_cache_is_reused_and_updated(tmp_path: Path) -> None:
    cache = tmp_path / "related.pickle"
    papers = synthetic(60, seed=8)
    first = asked(papers, cache)
    stamp = cache.stat().st_mtime_ns
    assert asked(papers, cache) == first
    assert cache.stat().st_mtime_ns == stamp, "an unchanged archive must not rewrite the cache"
    cache.write_bytes(b"not a pickle")
    assert asked(papers, cache) == first
    assert isinstance(load_state(cache), State)


def test_a_build_sends_the_texts_of_new_and_edited_papers_only(tmp_path: Path) -> None:
    cache = tmp_path / "related.pickle"
    papers = {s: dataclasses.replace(p, fingerprint=f"file-{s}") for s, p in synthetic(100, seed=9).items()}
    assert request(papers, read_index(cache)).texts.keys() == papers.keys()  # no cache: every text
    asked(papers, cache)
    assert request(papers, read_index(cache)) == Request({s: f"file-{s}" for s in sorted(papers)}, {})
    first = sorted(papers)[0]
    edited = papers | {first: dataclasses.replace(papers[first], fingerprint="edited")}
    new = {s: dataclasses.replace(p, fingerprint=f"file-{s}") for s, p in synthetic(3, seed=10, prefix="n").items()}
    sent = request(edited | new, read_index(cache)).texts
    assert sent == {s: paper_text(p) for s, p in (edited | new).items() if s == first or s in new}
    asked(edited | new, cache)
    state = load_state(cache)
    assert state is not None and state.neighbours == full_under_model(state, edited | new)


def test_a_new_day_reaches_old_paper_pages(seed_site: Path) -> None:
    build_ok(seed_site)
    newcomer = (
        "Reversal Curse Permutation Training for Causal Language Models\n\n"
        "We study the reversal curse of causal language models: a model that knows A's father is B cannot answer "
        "who B's child is. Semantic-aware permutation training and bidirectional optimization mitigate the "
        "reversal curse on reversed questions.\n"
    )
    (seed_site / "digests" / "2025-05-30.txt").write_text("May 30\n\n" + newcomer, encoding="utf-8")
    build_ok(seed_site)
    slug = "reversal-curse-permutation-training-for-causal-language-models"
    assert slug in related_on_page(seed_site / "site", REVERSAL_A)
    assert {REVERSAL_A, REVERSAL_B} <= set(related_on_page(seed_site / "site", slug))


def test_a_cache_whose_state_cannot_be_read_though_its_index_can_is_computed_from_every_text(
    seed_site: Path,
) -> None:
    """The build asks for the texts its index lacks; should the state then fail to load, it asks again with all."""
    import pickle

    from generator.output import load_cache, save_cache
    from generator.related_request import CACHE_VERSION, IncompleteRequestError

    build_ok(seed_site)
    cache = seed_site / ".digest-cache" / "related.pickle"
    index, _ = load_cache(cache, CACHE_VERSION)
    save_cache(cache, (index, pickle.dumps("not a state")), CACHE_VERSION)
    papers = build_site(load_content(seed_site / "content")).papers
    with pytest.raises(IncompleteRequestError):
        asked(dict(papers), cache)
    save_cache(cache, (index, b"not a pickle"), CACHE_VERSION)
    (seed_site / "digests" / "2025-05-30.txt").write_text("May 30\n\nA New Paper\n\nIts abstract.\n", "utf-8")
    build_ok(seed_site)
    assert len(related_on_page(seed_site / "site", REVERSAL_A)) == TOP_K
