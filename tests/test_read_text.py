"""The text digest reader: page chrome, date lines and their precedence, title/abstract blocks, bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.digests import read_digest
from generator.digests.dates import DateLine, parse_date_line
from generator.errors import InputError
from tests.conftest import FIXTURES, SEED

TODAY = dt.date(2026, 11, 26)


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def seed_blocks() -> list[tuple[str, str]]:
    """The seed's (title, abstract) pairs, read independently of the reader: lines after the date line."""
    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    body = lines[lines.index("May 29") + 1 :]
    return list(zip(body[0::2], body[1::2], strict=True))


def test_seed_gives_all_70_papers_with_exact_titles_and_abstracts() -> None:
    digest = read_digest(SEED, TODAY)
    expected = seed_blocks()
    assert len(expected) == 70
    assert [(e.title, e.abstract) for e in digest.entries] == expected
    assert digest.date == dt.date(2025, 5, 29)  # from the file name
    assert digest.warnings == ()


def test_chrome_is_skipped_and_yearless_date_resolved_with_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "capture.txt", SEED.read_text(encoding="utf-8"))
    digest = read_digest(path, TODAY)
    assert digest.date == dt.date(2026, 5, 29)
    assert digest.warnings == ("the date line gives no year; assumed 2026",)
    assert all(e.title not in ("new", "Subscribe", "byAK and the research community") for e in digest.entries)


def test_yearless_date_in_the_future_means_last_year(tmp_path: Path) -> None:
    path = write(tmp_path, "x.txt", "December 24\n\nA Title\n\nAn abstract.\n")
    assert read_digest(path, TODAY).date == dt.date(2025, 12, 24)


def test_date_precedence(tmp_path: Path) -> None:
    text = "May 29, 2024\n\nA Title\n\nAn abstract.\n"
    dated_line = write(tmp_path, "capture.txt", text)
    assert read_digest(dated_line, TODAY).date == dt.date(2024, 5, 29)
    named = write(tmp_path, "digest-2025-01-02.txt", text)
    assert read_digest(named, TODAY).date == dt.date(2025, 1, 2)
    assert read_digest(named, TODAY, dt.date(2023, 3, 4)).date == dt.date(2023, 3, 4)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("May 29", DateLine(5, 29, None)),
        ("May 29, 2025", DateLine(5, 29, 2025)),
        ("2025-05-29", DateLine(5, 29, 2025)),
        ("29 May 2025", DateLine(5, 29, 2025)),
        ("Thursday, May 29, 2025", DateLine(5, 29, 2025)),
        ("Sept. 3", DateLine(9, 3, None)),
        ("Feb 29", DateLine(2, 29, None)),
        ("May 32", None),
        ("Mayday 29", None),
        ("A paper about May 29", None),
    ],
)
def test_date_lines(line: str, expected: DateLine | None) -> None:
    assert parse_date_line(line) == expected


def test_february_29_resolves_to_the_last_leap_year() -> None:
    assert DateLine(2, 29, None).resolve(TODAY)[0] == dt.date(2024, 2, 29)


def test_crlf_stray_spaces_unicode_and_blank_runs(tmp_path: Path) -> None:
    text = (
        "\ufeffnew\r\n\r\n  June 3, 2025  \r\n\r\n\r\n\r\n"
        "  Über   Transformers: ∑ of λ  \r\n\r\n\r\nWe study  naïve\tmodels.\r\n"
    )
    digest = read_digest(write(tmp_path, "x.txt", text), TODAY)
    assert digest.date == dt.date(2025, 6, 3)
    assert [(e.title, e.abstract) for e in digest.entries] == [("Über Transformers: ∑ of λ", "We study naïve models.")]


def test_hard_wrapped_and_multi_paragraph_abstracts(tmp_path: Path) -> None:
    text = (FIXTURES / "text" / "wrapped.txt").read_text(encoding="utf-8")
    digest = read_digest(write(tmp_path, "2025-06-01.txt", text), TODAY)
    assert [e.title for e in digest.entries] == ["First Paper Title", "Second Paper: With a Colon"]
    assert digest.entries[0].abstract == "One abstract hard wrapped over two lines.\n\nA second paragraph of it."
    assert digest.entries[1].abstract == "Short abstract."


def test_duplicate_in_one_digest_is_merged_with_a_warning(tmp_path: Path) -> None:
    text = "2025-06-01\n\nSame Title\n\nFirst.\n\nOther\n\nSecond.\n\nsame title!\n\nThird.\n"
    digest = read_digest(write(tmp_path, "x.txt", text), TODAY)
    assert [e.abstract for e in digest.entries] == ["First.", "Second."]
    assert len(digest.warnings) == 1 and "line 11" in digest.warnings[0] and "twice" in digest.warnings[0]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("", "no papers found", None),
        ("new\n\nSubscribe\n\nMay 29\n", "no papers found", None),
        ("Title only\n\nIts abstract.\n", "no date", None),
        ("May 29, 2025\n\nA\n\nB.\n\nDangling title\n", "has no abstract", 7),
        (b"May 29\n\x00\x01\x02binary", "binary", None),
        (b"May 29, 2025\n\nT\n\n\xff\xfe bad", "not UTF-8", 5),
    ],
)
def test_bad_input_names_file_and_line(tmp_path: Path, text: str | bytes, message: str, line: int | None) -> None:
    path = write(tmp_path, "bad.txt", text)
    with pytest.raises(InputError) as caught:
        read_digest(path, TODAY)
    assert caught.value.path == path
    assert message in caught.value.message
    assert caught.value.line == line


def test_chrome_words_are_titles_once_the_papers_have_started(tmp_path: Path) -> None:
    text = "new\n\nSubscribe\n\nMay 29, 2025\n\nnew\n\nFirst\n\nOne.\n\nNew\n\nA paper titled New.\n"
    digest = read_digest(write(tmp_path, "x.txt", text), TODAY)
    assert [(e.title, e.abstract) for e in digest.entries] == [("First", "One."), ("New", "A paper titled New.")]
