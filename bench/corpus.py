"""A synthetic digest archive for benchmarks: N papers, ~70 a day, with realistic titles and abstracts.

Deterministic for a given size and seed, so runs can be compared. Writes text digests in the seed's format.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

_WORDS = (  # noqa: SIM905 (a list literal of 190 words would not be easier to read)
    "language model models large reasoning transformer attention benchmark dataset training fine-tuning "
    "instruction alignment preference optimization reinforcement learning reward policy agent agents tool "
    "retrieval augmented generation knowledge graph vision multimodal image video audio speech diffusion "
    "sampling decoding inference efficient efficiency quantization pruning distillation sparse mixture experts "
    "scaling laws compute memory context window long-context evaluation robustness safety jailbreak "
    "hallucination factuality calibration uncertainty interpretability mechanistic circuits neurons features "
    "embedding representation contrastive pretraining corpus tokenizer multilingual translation code program "
    "synthesis mathematical theorem proving planning search tree monte carlo chain-of-thought self-consistency "
    "verification feedback critique editing summarization question answering dialogue conversational "
    "recommendation graph neural network protein molecule chemistry physics climate medical clinical legal "
    "finance education robotics navigation manipulation embodied simulation world model latent variational "
    "autoencoder generative adversarial flow matching score energy optimization gradient descent adam "
    "convergence theory bounds generalization overfitting regularization curriculum data quality filtering "
    "synthetic annotation human evaluation crowdsourcing bias fairness privacy federated continual lifelong"
).split()
_PHRASES = (
    "We propose {a}, a novel approach to {x} that leverages {y}.",
    "Recent advances in {x} have shown remarkable progress, yet {y} remains an open challenge.",
    "Our experiments on {n} benchmarks demonstrate that {a} outperforms strong baselines by {p}%.",
    "We further analyze the role of {y} and find that {z} is crucial for {x}.",
    "Code and data are available at https://github.com/example/{slug}.",
    "To address this, we introduce a {x} framework combining {y} with {z}.",
    "Extensive ablations show that each component contributes to the final performance on {y}.",
    "We release {a}-{n}B, trained on {n} trillion tokens of {z} data.",
)
# Forty research areas; each paper names one to three of them, so tag_rules give it one to three tags,
# as real digests do (about 500 papers a tag at 10,000 papers).
AREAS = [
    f"{a} {b}"
    for a in ("neural", "sparse", "causal", "robust", "federated")
    for b in ("retrieval", "planning", "vision", "speech", "graphs", "agents", "proofs", "protein")
]


def _phrase(rng: random.Random, length: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(length))


def paper(rng: random.Random, number: int) -> tuple[str, str]:
    """A (title, abstract) pair; titles are unique by construction."""
    name = "".join(w.capitalize() for w in rng.sample(_WORDS, 2))[:14] + str(number)
    title = f"{name}: {_phrase(rng, rng.randint(5, 11)).capitalize()}"
    areas = rng.sample(AREAS, rng.choice((1, 1, 2, 2, 3)))
    sentences = [f"This work studies {' and '.join(areas)}."]
    while sum(len(s) for s in sentences) < rng.randint(900, 1600):
        template = rng.choice(_PHRASES)
        sentences.append(
            template.format(
                a=name,
                x=_phrase(rng, 3),
                y=_phrase(rng, 2),
                z=_phrase(rng, 2),
                n=rng.randint(2, 12),
                p=rng.randint(2, 30),
                slug=name.lower(),
            )
        )
    return title, " ".join(sentences)


def day_text(date: dt.date, papers: list[tuple[str, str]]) -> str:
    blocks = [f"{title}\n\n{abstract}" for title, abstract in papers]
    return f"new\n\nSubscribe\n\n{date:%B} {date.day}, {date.year}\n\n" + "\n\n".join(blocks) + "\n"


def write_corpus(folder: Path, papers: int, per_day: int = 70, seed: int = 7) -> list[Path]:
    """Write ``papers`` papers as daily digests into folder/digests/; returns the digest files."""
    rng = random.Random(seed)
    (folder / "digests").mkdir(parents=True, exist_ok=True)
    start = dt.date(2024, 1, 1)
    files = []
    for day, first in enumerate(range(0, papers, per_day)):
        date = start + dt.timedelta(days=day)
        batch = [paper(rng, n) for n in range(first, min(first + per_day, papers))]
        path = folder / "digests" / f"{date.isoformat()}.txt"
        path.write_text(day_text(date, batch), encoding="utf-8")
        files.append(path)
    rules = "\n".join(f"  {area.replace(' ', '-')}: [{area}]" for area in AREAS)
    (folder / "site.yaml").write_text(f"title: Bench\ntag_rules:\n{rules}\n", encoding="utf-8")
    return files


def next_day(folder: Path, files: list[Path], per_day: int = 70) -> Path:
    """Add one more day of new papers after the last digest, and its file to ``files``."""
    rng = random.Random(len(files))
    date = dt.date.fromisoformat(files[-1].stem) + dt.timedelta(days=1)
    path = folder / "digests" / f"{date.isoformat()}.txt"
    first = 10_000_000 + len(files) * per_day
    path.write_text(day_text(date, [paper(rng, first + n) for n in range(per_day)]), encoding="utf-8")
    files.append(path)
    return path
