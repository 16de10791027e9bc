"""Digest sources: each reader on real-shaped fixtures, detection, bad input of every format, and the merge of
one paper arriving from text, Hugging Face and arXiv into one content file shown on its page."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from generator.digests import detect_format, read_digest
from generator.digests.fields import arxiv_id
from generator.errors import InputError
from generator.imports import RECORD_NAME, read_record
from generator.yamltext import parse_document
from tests.conftest import FIXTURES, SEED, build_ok, make_site, run_digest, soup

TODAY = dt.date(2025, 6, 2)


def copy_as(tmp_path: Path, fixture: str, name: str) -> Path:
    target = tmp_path / name
    shutil.copyfile(FIXTURES / fixture, target)
    return target


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2501.16937v2", "2501.16937"),
        ("2501.16937", "2501.16937"),
        ("0704.0001", "0704.0001"),
        ("arXiv:2409.10502v12", "2409.10502"),
        ("http://arxiv.org/abs/2501.16937v2", "2501.16937"),
        ("https://arxiv.org/pdf/2501.16937v1.pdf", "2501.16937"),
        ("hep-th/9901001v1", "hep-th/9901001"),
        ("http://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
        ("math.gt/0309136", "math.GT/0309136"),
        ("not-an-id", None),
        ("2501.169", None),
        ("https://example.org/abs/2501.16937", None),
    ],
)
def test_arxiv_ids_lose_their_version_and_keep_old_style(text: str, expected: str | None) -> None:
    assert arxiv_id(text) == expected


@pytest.mark.parametrize(
    ("fixture", "fmt"),
    [
        ("hf/2025-05-29.json", "hf"),
        ("hf/empty.json", "hf"),
        ("arxiv/cs.CL.xml", "atom"),
        ("arxiv/error.xml", "atom"),
        ("rss/cs.CL.xml", "rss"),
        ("rss/weekend.xml", "rss"),
        ("list/papers.yaml", "list"),
        ("list/papers.json", "list"),
    ],
)
def test_formats_are_detected_by_content(fixture: str, fmt: str) -> None:
    path = FIXTURES / fixture
    assert detect_format(path, path.read_text(encoding="utf-8")) == fmt


def test_text_suffixes_are_text_whatever_they_hold(tmp_path: Path) -> None:
    assert detect_format(SEED, SEED.read_text(encoding="utf-8")) == "text"
    for fixture in ("hf/2025-05-29.json", "rss/cs.CL.xml"):
        text = (FIXTURES / fixture).read_text(encoding="utf-8")
        assert detect_format(tmp_path / "2025-05-29.txt", text) == "text"
        assert detect_format(tmp_path / "2025-05-29.md", text) == "text"


def test_hugging_face_daily_papers(tmp_path: Path) -> None:
    digest = read_digest(copy_as(tmp_path, "hf/2025-05-29.json", "daily.json"), TODAY)
    assert digest.date == dt.date(2025, 5, 29)  # from submittedOnDailyAt
    taid, causal, only_hf = digest.entries
    assert (
        taid.title
        == "TAID: Temporally Adaptive Interpolated Distillation for Efficient Knowledge Transfer in Language Models"
    )
    assert taid.arxiv == "2501.16937"
    assert taid.authors == ("Makoto Shing", "Kou Misaki", "Han Bao", "Sho Yokoi", "Takuya Akiba")
    assert taid.abstract.startswith("Causal language models have demonstrated remarkable capabilities, but their size")
    assert "\n" not in taid.abstract
    assert dict(taid.links) == {
        "code": "https://github.com/SakanaAI/TAID",
        "project": "https://sakana.ai/taid/",
        "huggingface": "https://huggingface.co/papers/2501.16937",
    }
    assert taid.extra["upvotes"] == 42
    assert taid.extra["num_comments"] == 3
    assert taid.extra["github_stars"] == 128
    assert taid.extra["keywords"] == ["knowledge distillation", "mode collapse", "capacity gap"]
    assert taid.extra["published"] == dt.date(2025, 1, 28)
    assert taid.extra["thumbnail"].endswith("/2501.16937.png")
    assert "submittedOnDailyBy" not in str(taid.extra)  # who submitted it is not the paper's business
    assert causal.arxiv == "2409.10502"  # version suffix stripped
    assert causal.abstract.count("\n\n") == 1  # paragraphs kept, hard wraps joined
    assert "project" not in causal.links  # an empty projectPage is no link
    assert only_hf.extra["hf"] == {
        "brandNewOuterField": "kept",
        "newFieldFromTheFuture": {"kind": "poster", "score": 0.5},
    }
    assert {e.source for e in digest.entries} == {"hf"}


def test_older_hugging_face_shape_without_thumbnail(tmp_path: Path) -> None:
    digest = read_digest(copy_as(tmp_path, "hf/older-shape.json", "old.json"), TODAY)
    (entry,) = digest.entries
    assert digest.date == dt.date(2024, 2, 1)  # no submittedOnDailyAt: publishedAt
    assert entry.authors == ("Grace Hopper", "Alan Turing")
    assert "thumbnail" not in entry.extra and "keywords" not in entry.extra and "hf" not in entry.extra
    assert dict(entry.links) == {"huggingface": "https://huggingface.co/papers/2402.00001"}


def test_date_precedence_is_option_then_file_name_then_content(tmp_path: Path) -> None:
    named = copy_as(tmp_path, "hf/2025-05-29.json", "2025-06-01-hf.json")
    assert read_digest(named, TODAY).date == dt.date(2025, 6, 1)
    assert read_digest(named, TODAY, dt.date(2025, 6, 2)).date == dt.date(2025, 6, 2)
    atom = copy_as(tmp_path, "arxiv/cs.CL.xml", "feed.xml")
    assert read_digest(atom, TODAY).date == dt.date(2025, 5, 29)  # the feed's <updated>, in its own zone


def test_arxiv_api_atom_feed(tmp_path: Path) -> None:
    digest = read_digest(copy_as(tmp_path, "arxiv/cs.CL.xml", "feed.xml"), TODAY)
    taid, only_arxiv, old = digest.entries
    assert taid.title.startswith("TAID: Temporally Adaptive Interpolated Distillation for Efficient Knowledge Transfer")
    assert taid.arxiv == "2501.16937"
    assert taid.source == "arxiv"
    assert taid.extra["categories"] == ["cs.LG", "cs.AI", "cs.CL"]  # primary first, no repeats
    assert taid.extra["comment"].startswith(
        "To appear at the 13th International Conference on Learning Representations"
    )
    assert taid.extra["journal_ref"] == "ICLR 2025"
    assert taid.extra["published"] == dt.date(2025, 1, 28)
    assert taid.extra["updated"] == dt.date(2025, 2, 27)
    assert taid.links["doi"] == "https://doi.org/10.48550/arXiv.2501.16937"
    assert only_arxiv.abstract == "First paragraph of a hard-wrapped abstract.\n\nSecond paragraph."
    assert old.arxiv == "hep-th/9901001"


def test_arxiv_error_feed_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"incorrect id format for 1234\.12345"):
        read_digest(copy_as(tmp_path, "arxiv/error.xml", "2025-05-29-arxiv.xml"), TODAY)


def test_arxiv_rss_listing(tmp_path: Path) -> None:
    digest = read_digest(copy_as(tmp_path, "rss/cs.CL.xml", "listing.xml"), TODAY)
    assert digest.date == dt.date(2025, 5, 29)
    new, replaced, cross = digest.entries
    assert (new.extra["announce_type"], replaced.extra["announce_type"]) == ("new", "replace-cross")
    assert new.abstract == "First paragraph of a hard-wrapped abstract."  # the text after "Abstract:"
    assert replaced.arxiv == "2501.16937"
    assert cross.authors == ("Alan Turing", "Alonzo Church", "Kurt Gödel")
    assert cross.extra["categories"] == ["cs.LG", "cs.CL"]


def test_empty_feeds_are_empty_days_but_empty_hand_digests_are_errors(tmp_path: Path) -> None:
    for fixture in ("rss/weekend.xml", "arxiv/empty.xml", "hf/empty.json"):
        digest = read_digest(copy_as(tmp_path, fixture, Path(fixture).name), TODAY)
        assert digest.entries == ()
        assert "no papers" in digest.warnings[0]
    with pytest.raises(InputError, match="no papers found"):
        read_digest(copy_as(tmp_path, "list/empty.yaml", "empty.yaml"), TODAY)
    chrome_only = tmp_path / "2025-05-31.txt"
    chrome_only.write_text("Daily Papers\n\nSubscribe\n", encoding="utf-8")
    with pytest.raises(InputError, match="no papers found"):
        read_digest(chrome_only, TODAY)


def test_yaml_and_json_lists(tmp_path: Path) -> None:
    digest = read_digest(copy_as(tmp_path, "list/papers.yaml", "mine.yaml"), TODAY)
    assert digest.date == dt.date(2025, 5, 30)
    first, second = digest.entries
    assert first.arxiv == "2501.10000"
    assert first.authors == ("Ada Lovelace", "Charles Babbage")
    assert first.tags == ("favourites",)
    assert dict(first.extra) == {"note": "read twice", "rating": 5}
    assert first.abstract.strip() == "Why I liked it: 2 * 3 = 6, as written."
    assert second.arxiv is None and second.line == 12
    # The unquoted 2501.10000 is read as written (not as the number 2501.1) and so is the same paper.
    assert any("line 14" in w and "listed twice" in w for w in digest.warnings)
    script = read_digest(copy_as(tmp_path, "list/papers.json", "2025-05-31.json"), TODAY)
    assert [e.arxiv for e in script.entries] == ["2502.00002", "math.GT/0309136"]
    # JSON as scripts write it: tab indents, escaped non-BMP characters, escaped slashes and backslashes.
    assert script.entries[0].abstract == "Generated \N{GRINNING FACE} with a path C:\\ud83d and / slashes."


BAD_INPUTS = [
    ("hf/truncated.json", "2025-05-29-hf.json", "invalid JSON", True),
    ("hf/bad-id.json", "2025-05-29-hf.json", "is not an arXiv id", False),
    ("hf/api-error.json", "2025-05-29-hf.json", "unknown key 'error'", True),
    ("arxiv/error.xml", "2025-05-29-arxiv.xml", "answered with an error", False),
    ("arxiv/truncated.xml", "2025-05-29-arxiv.xml", "invalid XML", True),
    ("arxiv/entity-bomb.xml", "2025-05-29-arxiv.xml", "refused XML", False),
    ("rss/no-id.xml", "2025-05-29-rss.xml", "names an arXiv id", False),
    ("rss/no-channel.xml", "2025-05-29-rss.xml", "neither an arXiv Atom feed nor RSS 2.0", False),
    ("list/not-a-mapping.json", "2025-05-30.json", "each paper must be a mapping", True),
    ("list/bad-key.yaml", "2025-05-30.yaml", "did you mean 'abstract'", True),
    ("list/bad-link.yaml", "2025-05-30.yaml", "not an http(s) URL", True),
    ("list/broken.yaml", "2025-05-30.yaml", "invalid YAML", True),
    ("list/empty.yaml", "2025-05-30.yaml", "no papers found", False),
]


@pytest.mark.parametrize(("fixture", "name", "message", "has_line"), BAD_INPUTS)
def test_bad_input_exits_2_naming_the_file_and_writes_nothing(
    tmp_path: Path, fixture: str, name: str, message: str, has_line: bool
) -> None:
    site = make_site(tmp_path / "s", {"2025-05-28.txt": SEED.read_bytes(), name: (FIXTURES / fixture).read_bytes()})
    result = run_digest("-C", site, "build")
    assert result.returncode == 2, result.stderr
    assert f"{name}{':' if has_line else ''}" in result.stderr
    assert message in result.stderr
    if has_line:
        assert f"{name}:" in result.stderr and result.stderr.split(f"{name}:")[1].split(":")[0].isdigit()
    assert not (site / "content").exists()
    assert not (site / "site").exists()


def test_format_option_overrides_detection(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {"daily.txt": (FIXTURES / "hf/2025-05-29.json").read_bytes()})
    assert run_digest("-C", site, "import", site / "digests/daily.txt").returncode == 2  # read as a text digest
    result = run_digest("-C", site, "import", "--format", "hf", site / "digests/daily.txt")
    assert result.returncode == 0, result.stderr
    assert (site / "content/digests/2025-05-29.md").exists()
    wrong = run_digest("-C", site, "import", "--format", "rss", site / "digests/daily.txt")
    assert wrong.returncode == 2 and "daily.txt" in wrong.stderr


def test_weekend_feed_builds_and_adds_no_day(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "s",
        {"2025-05-29.txt": SEED.read_bytes(), "2025-05-31-rss.xml": (FIXTURES / "rss/weekend.xml").read_bytes()},
    )
    result = build_ok(site)
    assert "2025-05-31-rss.xml: no papers in this feed" in result.stderr
    assert sorted(p.name for p in (site / "content/digests").iterdir()) == ["2025-05-29.md"]
    assert "2025-05-31-rss.xml" in (site / "content/imported.yaml").read_text(encoding="utf-8")
    assert build_ok(site).stderr.count("no papers") == 0  # recorded: not read again


def paper_file(site: Path, arxiv: str) -> Path:
    found = [
        p
        for p in (site / "content/papers").glob("*.md")
        if parse_document(p, p.read_text(encoding="utf-8")).meta.values.get("arxiv") == arxiv
    ]
    assert len(found) == 1, found
    return found[0]


def test_one_paper_from_text_hf_and_arxiv_is_one_content_file(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "s",
        {"2025-05-29.txt": SEED.read_bytes()},
        config="source_tags:\n  distillation: [Knowledge Distillation]\n  nlp: [cs.CL]\n",
    )
    build_ok(site)
    taid = site / "content/papers/taid-temporally-adaptive-interpolated-distillation-for-efficient-knowledge.md"
    text_day = parse_document(taid, (site / "content/digests/2025-05-29.md").read_text(encoding="utf-8"))
    # A hand edit before the richer sources arrive: it must survive them.
    edited = taid.read_text(encoding="utf-8").replace("tags: []", "tags: [my-own]  # chosen by hand")
    taid.write_text(edited, encoding="utf-8")
    shutil.copyfile(FIXTURES / "hf/2025-05-29.json", site / "digests/2025-05-30-hf.json")
    shutil.copyfile(FIXTURES / "arxiv/cs.CL.xml", site / "digests/2025-05-31-arxiv-cs.CL.xml")
    build_ok(site)

    assert paper_file(site, "2501.16937") == taid
    doc = parse_document(taid, taid.read_text(encoding="utf-8"))
    meta = doc.meta.values
    assert meta["date"] == dt.date(2025, 5, 29)  # first seen in the text digest
    assert meta["source"] == "text"
    assert meta["tags"] == ["my-own"] and "# chosen by hand" in taid.read_text(encoding="utf-8")
    assert meta["authors"] == ["Makoto Shing", "Kou Misaki", "Han Bao", "Sho Yokoi", "Takuya Akiba"]
    assert meta["links"]["code"] == "https://github.com/SakanaAI/TAID"
    assert meta["links"]["doi"] == "https://doi.org/10.48550/arXiv.2501.16937"
    assert meta["upvotes"] == 42 and meta["keywords"][0] == "knowledge distillation"
    assert meta["categories"] == ["cs.LG", "cs.AI", "cs.CL"] and meta["journal_ref"] == "ICLR 2025"
    assert doc.body.startswith("Causal language models") and "TAID-VLM-2B" in doc.body  # the text's full abstract
    # The day of the text digest is unchanged; the other days keep their sources' order.
    assert parse_document(taid, (site / "content/digests/2025-05-29.md").read_text(encoding="utf-8")) == text_day
    hf_day = parse_document(taid, (site / "content/digests/2025-05-30.md").read_text(encoding="utf-8"))
    assert hf_day.meta.values["papers"][:2] == [
        "taid-temporally-adaptive-interpolated-distillation-for-efficient-knowledge",
        "causal-language-modeling-can-elicit-search-and-reasoning-capabilities-on-logic",
    ]
    arxiv_day = parse_document(taid, (site / "content/digests/2025-05-31.md").read_text(encoding="utf-8"))
    assert arxiv_day.meta.values["papers"][0] == taid.stem
    # A paper only the richer sources list is new, tagged through the mapping from its keywords or categories.
    only_arxiv = parse_document(taid, paper_file(site, "2505.23333").read_text(encoding="utf-8")).meta.values
    assert only_arxiv["tags"] == ["nlp"] and only_arxiv["source"] == "arxiv"
    assert len(list((site / "content/papers").glob("*.md"))) == 70 + 3  # 1 new from HF, 2 from arXiv


def test_paper_page_shows_what_the_sources_know(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "s",
        {"2025-05-29.txt": SEED.read_bytes(), "2025-05-29-hf.json": (FIXTURES / "hf/2025-05-29.json").read_bytes()},
        config="source_tags:\n  distillation: [knowledge distillation]\n",
    )
    build_ok(site)
    taid = soup(
        site / "site/papers/taid-temporally-adaptive-interpolated-distillation-for-efficient-knowledge/index.html"
    )
    assert taid.select_one(".authors").get_text() == "Makoto Shing, Kou Misaki, Han Bao, Sho Yokoi, Takuya Akiba"
    links = {a.get_text(): a["href"] for a in taid.select(".paper-links a")}
    assert links["arXiv:2501.16937"] == "https://arxiv.org/abs/2501.16937"
    assert links["PDF"] == "https://arxiv.org/pdf/2501.16937"
    assert links["Code"] == "https://github.com/SakanaAI/TAID"
    assert links["Project page"] == "https://sakana.ai/taid/"
    assert "42 upvotes" in taid.select_one(".upvotes").get_text()
    facts = {
        dt_.get_text(): dd.get_text(" ", strip=True)
        for dt_, dd in zip(taid.select(".paper-facts dt"), taid.select(".paper-facts dd"), strict=True)
    }
    assert facts["Keywords"] == "knowledge distillation mode collapse capacity gap"
    only_hf = next((site / "site/papers").glob("a-paper-only-hugging-face-lists*/index.html"))
    page = soup(only_hf)
    assert page.find("script", string="alert(1)") is None  # untrusted titles are text, never markup
    assert "<script>alert(1)</script>" in page.select_one("h1").get_text()
    assert page.select_one(".authors").get_text() == "Ada <b>Lovelace</b>"
    day = soup(site / "site/date/2025-05-29/index.html")
    assert "42 upvotes" in day.get_text()


def test_source_tags_config_is_validated(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {"2025-05-29.txt": SEED.read_bytes()}, config="title: x\nsource_tags: [cs.CL]\n")
    result = run_digest("-C", site, "build")
    assert result.returncode == 2
    assert (
        "site.yaml:2: source_tags must be a mapping of tag to a list of keywords or arXiv categories" in result.stderr
    )
    site2 = make_site(tmp_path / "t", {"2025-05-29.txt": SEED.read_bytes()}, config="source_tag: {}\n")
    assert "did you mean 'source_tags'" in run_digest("-C", site2, "build").stderr
    site3 = make_site(tmp_path / "u", {}, config="hf_api: ftp://example.org/\n")
    assert "hf_api must be an http(s) URL" in run_digest("-C", site3, "build").stderr


def test_list_digest_builds_and_its_abstracts_read_as_written(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {"mine.yaml": (FIXTURES / "list/papers.yaml").read_bytes()})
    result = build_ok(site)
    assert "listed twice" in result.stderr
    page = soup(site / "site/papers/a-hand-picked-paper/index.html")
    assert page.select_one(".abstract").get_text(strip=True) == "Why I liked it: 2 * 3 = 6, as written."
    assert {a.get_text() for a in page.select(".paper-links a")} >= {"arXiv:2501.10000", "Code", "#favourites"}
    assert (site / "content/digests/2025-05-30.md").exists()


def test_a_digest_whose_name_yaml_must_quote_is_recorded_and_built_again(tmp_path: Path) -> None:
    names = ["[hf] 2025-05-29.txt", "notes: 2025-05-30.txt", "2025-05-31 #3.txt"]
    texts = [SEED.read_text(encoding="utf-8"), "May 30, 2025\n\nA Paper\n\nIts abstract.\n", "May 31\n\nB\n\nC.\n"]
    site = make_site(tmp_path / "s", dict(zip(names, texts, strict=True)))
    build_ok(site)
    record = read_record(site / "content" / RECORD_NAME)
    assert sorted(record) == sorted(names)
    assert "up to date" in build_ok(site).stderr  # the record read back: nothing converted again
