"""Front matter read with line numbers, and patched line by line so hand edits and comments survive."""

from __future__ import annotations

from pathlib import Path

from generator.yamltext import parse_document, patch_document


def test_patch_keeps_comments_and_other_keys() -> None:
    text = "---\ntitle: a  # mine\nauthors: []\n# TODO ask Ann\ntags:\n- x\n# keep me\nsource: list\n---\nNote.\n"
    patched = patch_document(Path("p.md"), text, {"authors": ["Bob"], "tags": ["z"], "arxiv": "2501.00001"})
    assert patched == (
        "---\ntitle: a  # mine\nauthors:\n- Bob\n# TODO ask Ann\ntags:\n- z\n# keep me\nsource: list\n"
        "arxiv: '2501.00001'\n---\nNote.\n"
    )
    assert parse_document(Path("p.md"), patched).meta.values["arxiv"] == "2501.00001"


def test_patch_a_file_without_a_final_newline() -> None:
    patched = patch_document(Path("p.md"), "---\ntitle: Beta\nauthors: []\n---", {"authors": ["Bob"]}, body="Body")
    assert patched == "---\ntitle: Beta\nauthors:\n- Bob\n---\nBody\n"
