"""The memo of values worked out from papers: kept by month, a shard written again only when it changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from generator.memo import Memo
from generator.model import Paper


def paper(slug: str, day: dt.date) -> Paper:
    return Paper(slug, slug.title(), day, "An abstract.", fingerprint=f"fp-{slug}")


MAY, JUNE = paper("may", dt.date(2025, 5, 29)), paper("june", dt.date(2025, 6, 2))


def saved(folder: Path, papers: list[Paper], version: str = "v1") -> Memo[str]:
    memo: Memo[str] = Memo(folder, version)
    for item in papers:
        if memo.get(item.fingerprint) is None:
            memo.put(item.fingerprint, f"value of {item.slug}", item)
    memo.save()
    return Memo(folder, version)


def test_values_are_kept_by_month_and_found_again(tmp_path: Path) -> None:
    memo = saved(tmp_path, [MAY, JUNE])
    assert sorted(path.name for path in tmp_path.iterdir()) == ["2025-05.pickle", "2025-06.pickle"]
    assert memo.saved == {"fp-may": "value of may", "fp-june": "value of june"}
    assert memo.get("fp-may") == "value of may" and memo.get("fp-gone") is None


def test_a_new_paper_rewrites_its_own_month_only(tmp_path: Path) -> None:
    saved(tmp_path, [MAY, JUNE])
    before = {path.name: path.stat().st_ino for path in tmp_path.iterdir()}
    saved(tmp_path, [MAY, JUNE, paper("june-again", dt.date(2025, 6, 3))])
    after = {path.name: path.stat().st_ino for path in tmp_path.iterdir()}
    assert before["2025-05.pickle"] == after["2025-05.pickle"]  # not written again (a write replaces the inode)
    assert before["2025-06.pickle"] != after["2025-06.pickle"]


def test_values_of_papers_gone_are_dropped_with_their_month(tmp_path: Path) -> None:
    saved(tmp_path, [MAY, JUNE])
    memo = saved(tmp_path, [JUNE])
    assert [path.name for path in tmp_path.iterdir()] == ["2025-06.pickle"]
    assert memo.saved == {"fp-june": "value of june"}


def test_values_made_by_other_code_are_not_used_and_are_replaced(tmp_path: Path) -> None:
    saved(tmp_path, [MAY, JUNE], version="old code")
    assert Memo(tmp_path, "new code").saved == {}
    saved(tmp_path, [JUNE], version="new code")
    assert [path.name for path in tmp_path.iterdir()] == ["2025-06.pickle"]
    assert Memo(tmp_path, "new code").saved == {"fp-june": "value of june"}


def test_a_month_is_written_again_when_a_paper_leaves_it_and_not_when_nothing_changed(tmp_path: Path) -> None:
    june_again = paper("june-again", dt.date(2025, 6, 3))
    saved(tmp_path, [MAY, JUNE, june_again])
    inodes = {path.name: path.stat().st_ino for path in tmp_path.iterdir()}
    saved(tmp_path, [MAY, JUNE, june_again])
    assert {path.name: path.stat().st_ino for path in tmp_path.iterdir()} == inodes
    assert saved(tmp_path, [MAY, JUNE]).saved == {"fp-may": "value of may", "fp-june": "value of june"}
    assert (tmp_path / "2025-05.pickle").stat().st_ino == inodes["2025-05.pickle"]


def test_the_text_cache_keeps_only_texts_that_differ_from_their_abstract(tmp_path: Path) -> None:
    import pickle

    from generator.markdown import plain
    from generator.render import TextCache

    prose = dataclasses.replace(MAY, abstract="Plain words, as most abstracts are.")
    marked = dataclasses.replace(JUNE, abstract="Uses *emphasis* and `code`.")
    first = TextCache(tmp_path, "v1")
    assert first.texts([prose, marked]) == {}
    texts = {paper.abstract: plain(paper.abstract) for paper in (prose, marked)}
    first.save(texts)
    kept = {
        key: value for path in tmp_path.glob("*.pickle") for key, value in pickle.loads(path.read_bytes())[1].items()
    }
    assert kept == {prose.fingerprint: TextCache.SAME, marked.fingerprint: "Uses emphasis and code."}
    assert TextCache(tmp_path, "v1").texts([prose, marked]) == texts
