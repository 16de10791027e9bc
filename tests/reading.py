"""A built site from tests/fixtures/reading: papers with authors, arXiv ids, upvotes, math and hostile text,
over three days that span two ISO weeks and two months."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import FIXTURES, build_ok, make_site

READING = FIXTURES / "reading"


def build_reading_site(root: Path) -> Path:
    """Build the fixture site under ``root``; returns its site/ folder."""
    folder = make_site(root / "reading-site")
    shutil.copytree(READING / "content", folder / "content")
    build_ok(folder)
    return folder / "site"
