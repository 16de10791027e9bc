"""Front matter read with line numbers, and patched line by line so hand edits and comments survive."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.errors import InputError
from generator.yamltext import (
    _direct_mapping,
    _Dumper,
    _plain,
    _pyyaml_mapping,
    dump_pair,
    load_mapping,
    parse_document,
    patch_document,
)

PATH = Path("p.md")


def test_patch_keeps_comments_and_other_keys() -> None:
    text = "---\ntitle: a  # mine\nauthors: []\n# TODO ask Ann\ntags:\n- x\n# keep me\nsource: list\n---\nNote.\n"
    patched = patch_document(
        text, parse_document(PATH, text), {"authors": ["Bob"], "tags": ["z"], "arxiv": "2501.00001"}
    )
    assert patched == (
        "---\ntitle: a  # mine\nauthors:\n- Bob\n# TODO ask Ann\ntags:\n- z\n# keep me\nsource: list\n"
        "arxiv: '2501.00001'\n---\nNote.\n"
    )
    assert parse_document(PATH, patched).meta.values["arxiv"] == "2501.00001"


def test_patch_a_file_without_a_final_newline() -> None:
    text = "---\ntitle: Beta\nauthors: []\n---"
    patched = patch_document(text, parse_document(PATH, text), {"authors": ["Bob"]}, body="Body")
    assert patched == "---\ntitle: Beta\nauthors:\n- Bob\n---\nBody\n"


def test_dump_pair_writes_exactly_what_pyyaml_writes() -> None:
    """The direct writer must agree with PyYAML byte for byte, or a rebuild would rewrite content files."""
    rng = random.Random(1)
    pieces = [*"abcXYZ019 :#-'\",.?!&*[]{}|>%@`~\\/()\t\n\u00e9\u00a0\u2028\ufeff\x85=<+_;"]
    pieces += ["yes", "No", "null", "true", "~", "0x1F", "1e3", "2024-01-01", ".inf", "---", "...", "ON", "4.5"]

    def text() -> Any:
        if rng.random() < 0.05:
            return rng.choice([None, True, 7, -1, 2.5, dt.date(2024, 2, 29)])
        return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))

    direct = 0
    for _ in range(30_000):
        kind = rng.random()
        value: Any = (
            text()
            if kind < 0.6
            else [text() for _ in range(rng.randint(0, 3))]
            if kind < 0.8
            else {str(text()) or "k": text() for _ in range(rng.randint(1, 3))}
        )
        key = "key" if rng.random() < 0.8 else str(text()) or "k"  # keys YAML must quote too (digests' names)
        expected = yaml.dump({key: value}, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)
        assert dump_pair(key, value) == expected, (key, value)
        direct += isinstance(value, str) and _plain(value)
    others = (None, True, False, 0, -12, 3.5, [], {}, [None, 3], {"n": 1}, dt.date(2025, 5, 9), dt.datetime(2025, 1, 2))
    for value in (*others, "Attention: All You Need", ["A. Author", "B. Author"], {"code": "x"}):
        assert dump_pair("key", value) == yaml.dump({"key": value}, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
    assert direct > 2_000  # the direct path is really taken


def test_the_direct_reader_reads_what_pyyaml_reads_or_leaves_it_to_pyyaml() -> None:
    """Front matter the writer made, and anything else: the direct reader gives PyYAML's values (types too) and
    lines, or None, never something else; and it really reads what the writer writes."""
    rng = random.Random(2)
    pieces = [*"abcXYZ019 :#-'\",.?!&*[]{}|>%@`~\\/()\t\u00e9\u00a0\u2028\ufeff\x85=<+_;\r"]
    pieces += ["yes", "No", "null", "true", "~", "0x1F", "1e3", "2024-01-01", "2024-02-30", "-0", "+5", "''", "- "]

    def text() -> str:
        return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))

    def scalar() -> Any:
        return rng.choice([None, True, False, 7, -1, dt.date(2024, 2, 29), text(), text(), text()])

    def written() -> str:  # what dump_pair writes
        keys = rng.sample(["title", "slug", "date", "tags", "links", "on", "extra_1"], rng.randint(1, 4))
        shapes = [scalar, lambda: [scalar() for _ in range(rng.randint(0, 3))], lambda: {"code": scalar()}]
        return "".join(dump_pair(key, rng.choice(shapes)()) for key in keys)

    def hand_written() -> str:  # lines as a person might type them, well formed or not
        lines = [rng.choice(["key: ", "key:", "k2: ", "- ", "  name: ", "  ", "# ", "", "key:  "]) + text()]
        lines += [rng.choice(["- ", "  a: ", "k3: ", "  - "]) + text() for _ in range(rng.randint(0, 3))]
        return "\n".join(lines) + rng.choice(["\n", "", "\n\n"])

    taken = 0
    for case in range(20_000):
        document = written() if case % 2 else hand_written()
        try:
            expected: Any = _pyyaml_mapping(Path("f.md"), document, 2)
        except (InputError, ValueError):
            expected = None
        got = _direct_mapping(document, 2)
        if got is not None:
            assert expected is not None and repr(got) == repr(expected), document
            taken += case % 2
    assert taken > 3_000


def test_the_direct_reader_reads_every_sample_content_file() -> None:
    for path in sorted(Path(__file__).parent.parent.glob("content/*/*.md")):
        front = path.read_text(encoding="utf-8").split("---\n")[1]
        direct = _direct_mapping(front, 2)
        assert direct is not None and repr(direct) == repr(_pyyaml_mapping(path, front, 2)), path


def test_keys_and_numbers_too_long_for_pyyaml_or_python_are_left_to_pyyaml() -> None:
    for text in ("b" * 1100 + ": 1\n", "a: 1\n" + "b" * 1100 + ": 1\n", "a:\n  " + "b" * 1100 + ": 1\n"):
        assert _direct_mapping(text, 2) is None
        with pytest.raises(InputError):
            _pyyaml_mapping(Path("f.md"), text, 2)
    assert _direct_mapping("n: " + "9" * 5000 + "\n", 2) is None


def test_a_value_pyyaml_cannot_make_is_an_error_naming_its_line() -> None:
    with pytest.raises(InputError) as caught:
        load_mapping(Path("p.md"), "title: T\ndate: 2024-02-30\n", first_line=2)
    assert (str(caught.value.path), caught.value.line) == ("p.md", 3) and "day is out of range" in str(caught.value)
