"""Syncing entries into content/: new files, papers met again, duplicates, slugs, hand edits never lost."""

from __future__ import annotations

import datetime as dt
import os
import random
import re
from pathlib import Path

import pytest

from generator import forked
from generator import sync as sync_module
from generator.content import load_content, parse_paper, with_writes
from generator.digests import read_digest
from generator.model import DigestFile, Entry
from generator.slugs import is_valid_slug, make_slug
from generator.sync import TagRules, sync

DAY1 = dt.date(2025, 5, 29)
DAY2 = dt.date(2025, 5, 30)


def digest(date: dt.date, *entries: Entry) -> DigestFile:
    return DigestFile(Path(f"digests/{date}.txt"), date, entries)


def apply(root: Path, *digests: DigestFile, rules: dict[str, tuple[str, ...]] | None = None) -> dict[Path, str]:
    """Sync and write like a build does; returns what was written."""
    content = load_content(root)
    result = sync(root, content, digests, rules or {})
    # A consistent model, and the papers sync built for new files are exactly what parsing them gives.
    assert with_writes(content, result.writes, result.papers) == with_writes(content, result.writes)
    for path, text in result.writes.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return result.writes


def test_new_papers_and_day_file(tmp_path: Path) -> None:
    apply(tmp_path, digest(DAY1, Entry("Attention Is All You Need", "We propose."), Entry("BERT", "Deep.")))
    content = load_content(tmp_path)
    assert list(content.papers) == ["attention-is-all-you-need", "bert"]
    assert content.digests[DAY1].slugs == ("attention-is-all-you-need", "bert")
    paper = content.papers["bert"]
    assert (paper.title, paper.abstract, paper.date, paper.source) == ("BERT", "Deep.", DAY1, "text")


def test_second_sync_changes_nothing(tmp_path: Path) -> None:
    day = digest(DAY1, Entry("A", "x."), Entry("B", "y."))
    apply(tmp_path, day)
    assert apply(tmp_path, day) == {}


def test_paper_met_again_is_linked_not_duplicated(tmp_path: Path) -> None:
    apply(tmp_path, digest(DAY2, Entry("Same Paper", "Abstract.")))
    apply(tmp_path, digest(DAY1, Entry("same paper!", "Abstract again."), Entry("Other", "o.")))
    content = load_content(tmp_path)
    assert sorted(content.papers) == ["other", "same-paper"]
    assert content.digests[DAY1].slugs == ("same-paper", "other")
    assert content.papers["same-paper"].date == DAY1  # first seen: the earlier day
    assert content.papers["same-paper"].abstract == "Abstract."


def test_richer_source_fills_what_was_missing_and_arxiv_id_links(tmp_path: Path) -> None:
    apply(tmp_path, digest(DAY1, Entry("A Paper", "Abstract.")))
    richer = Entry("A Paper", "Other text.", authors=("Ada", "Bob"), arxiv="2501.00001", source="hf")
    apply(tmp_path, digest(DAY2, richer))
    renamed = Entry("A Paper (v2 title)", "x", arxiv="2501.00001", links={"code": "https://github.com/a/b"})
    apply(tmp_path, digest(DAY2, renamed))
    content = load_content(tmp_path)
    assert list(content.papers) == ["a-paper"]
    paper = content.papers["a-paper"]
    assert (paper.authors, paper.arxiv, paper.source) == (("Ada", "Bob"), "2501.00001", "text")
    assert paper.links == {"code": "https://github.com/a/b"}
    assert paper.abstract == "Abstract."


def test_hand_edits_survive(tmp_path: Path) -> None:
    apply(tmp_path, digest(DAY1, Entry("A Paper", "Abstract.")))
    path = tmp_path / "papers" / "a-paper.md"
    edited = path.read_text(encoding="utf-8").replace("tags: []", "tags: [mine]  # added by hand")
    edited += "\n**Note:** read this one.\n"
    path.write_text(edited, encoding="utf-8")
    apply(tmp_path, digest(DAY2, Entry("A Paper", "New.", authors=("Ada",), tags=("theirs",))))
    text = path.read_text(encoding="utf-8")
    assert "tags: [mine]  # added by hand" in text and "**Note:** read this one." in text
    assert load_content(tmp_path).papers["a-paper"].authors == ("Ada",)


def test_slugs_are_readable_ascii_stable_and_collision_proof(tmp_path: Path) -> None:
    titles = ["Über Große Modelle", "Ω-Nets", "O-Nets", "../../etc/passwd", "深度学习", "", "!!!"]
    entries = [Entry(t or "x", f"{i}.") for i, t in enumerate(titles)]
    apply(tmp_path, digest(DAY1, *entries))
    slugs = load_content(tmp_path).digests[DAY1].slugs
    assert len(set(slugs)) == len(slugs)
    assert all(is_valid_slug(s) for s in slugs)
    assert slugs[0] == "uber-grosse-modelle"
    assert slugs[1:3] == ("o-nets", "o-nets-2")
    assert slugs[3] == "etc-passwd"
    assert all(p.parent == tmp_path / "papers" for p in (tmp_path / "papers").iterdir())
    assert make_slug("Über Große Modelle", {"uber-grosse-modelle", "uber-grosse-modelle-2"}) == "uber-grosse-modelle-3"


def test_tag_rules_apply_to_new_papers(tmp_path: Path) -> None:
    rules = {"reasoning": ("chain-of-thought",), "rl": ("RL",)}
    apply(
        tmp_path, digest(DAY1, Entry("On Chain-of-Thought", "We study control."), Entry("B", "Using RL.")), rules=rules
    )
    papers = load_content(tmp_path).papers
    assert papers["on-chain-of-thought"].tags == ("reasoning",)  # "control" holds "rl" but not as a word
    assert papers["b"].tags == ("rl",)


def test_titles_of_punctuation_alone_are_different_papers(tmp_path: Path) -> None:
    apply(tmp_path, digest(DAY1, Entry("???", "a."), Entry("!!!", "b.")))
    assert len(load_content(tmp_path).papers) == 2


def test_a_paper_listed_twice_in_a_day_is_listed_once(tmp_path: Path) -> None:
    apply(tmp_path, digest(DAY1, Entry("Über Große Modelle", "a."), Entry("Uber Grosse Modelle", "b.")))
    assert load_content(tmp_path).digests[DAY1].slugs == ("uber-grosse-modelle",)


def test_new_papers_are_built_exactly_as_parsing_their_files_would(tmp_path: Path) -> None:
    fixtures = Path(__file__).parent / "fixtures"
    sources = [fixtures / "hf/2025-05-29.json", fixtures / "arxiv/cs.CL.xml", fixtures / "list/papers.yaml"]
    digests = [read_digest(path, DAY2, DAY1) for path in sources]
    digests.append(read_digest(Path("digests/2025-05-29.txt"), DAY2, DAY1))
    result = sync(tmp_path, load_content(tmp_path), digests, {"llm": ("language model",)})
    assert len(result.papers) > 50 and any(paper.extra for paper in result.papers.values())
    for path, paper in result.papers.items():
        assert paper == parse_paper(path, result.writes[path].encode("utf-8"))


def test_tag_rules_find_exactly_what_a_whole_word_search_finds() -> None:
    """The first-word shortcut must never miss a phrase, whatever the case, punctuation or script."""
    rng = random.Random(5)
    vocabulary = [
        "RL",
        "rl",
        "Chain-of-Thought",
        "chain",
        "of",
        "thought",
        "C++",
        "c",
        "Straße",
        "ÉCOLE",
        "école",
        "LLM",
        "llms",
        "#rl",
        "x_y",
        "model",
        "language",
        "Language Model",
        "κ-means",
        "ζ",
        "2024",
        "-",
    ]
    glue = [" ", "  ", "-", ", ", ".", "\n", "(", ")", "_", "/", "#", ""]
    phrases = ["rl", "chain-of-thought", "c++", "école", "language model", "model", "#rl", "x_y", "κ-means", "-"]
    rules = TagRules({f"t{n}": (phrase,) for n, phrase in enumerate(phrases)})
    for _ in range(3_000):
        text = "".join(rng.choice(vocabulary) + rng.choice(glue) for _ in range(rng.randint(1, 12)))
        expected = {
            f"t{n}"
            for n, phrase in enumerate(phrases)
            if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", f"T\n{text}", re.I)
        }
        assert rules.match(Entry("T", text)) == expected, text


def test_new_papers_made_by_several_processes_are_those_one_process_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many new papers are made in forked workers; one met again later in the same build is made at once and
    merged into: the writes are the same, in the same order."""
    rng = random.Random(5)
    days = [
        digest(
            DAY1 + dt.timedelta(days=day),
            *(Entry(f"Paper {day}-{n} on {rng.choice(['graphs', 'proofs'])}", f"Abstract {n}.") for n in range(30)),
            Entry("Seen Twice", "First seen.", arxiv=None),
        )
        for day in range(4)
    ]
    days[2] = digest(days[2].date, *days[2].entries, Entry("Seen Twice", "Again.", authors=("Ada",)))
    writes, shares = {}, []
    workers = forked.workers
    monkeypatch.setattr(forked, "workers", lambda *args: shares.append(workers(*args)) or shares[-1])
    for name, threshold in (("workers", 10), ("one", 10**9)):
        monkeypatch.setattr(sync_module, "PARALLEL_FROM", threshold)
        result = sync(tmp_path / name, load_content(tmp_path / name), days, {"graphs": ("graphs",)})
        writes[name] = [(path.relative_to(tmp_path / name), text) for path, text in result.writes.items()]
        assert len(result.papers) == 4 * 30  # (the paper merged into is parsed again, as before)
    if forked.can_fork() and (os.cpu_count() or 1) > 1:
        assert max(shares) > 1  # really shared out
    assert writes["workers"] == writes["one"]
    assert "Ada" in dict(writes["workers"])[Path("papers/seen-twice.md")]
