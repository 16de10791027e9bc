"""Shared helpers: make real site folders in temporary directories, run the real CLI, read the HTML back."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from bench.browser import CHROMIUM

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = REPO / "digests" / "2025-05-29.txt"


def run_digest(*args: str | Path, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real ``digest`` command line in a subprocess."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def make_site(root: Path, digests: dict[str, str | bytes] | None = None, config: str | None = None) -> Path:
    """A site folder with the given raw digests (name -> text) and site.yaml text."""
    (root / "digests").mkdir(parents=True, exist_ok=True)
    for name, text in (digests or {}).items():
        path = root / "digests" / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    if config is not None:
        (root / "site.yaml").write_text(config, encoding="utf-8")
    return root


@pytest.fixture
def seed_site(tmp_path: Path) -> Path:
    """A site folder holding the 70-paper seed digest, not yet built."""
    return make_site(tmp_path / "site-folder", {"2025-05-29.txt": SEED.read_text(encoding="utf-8")})


def build_ok(folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    result = run_digest("-C", folder, "build", *extra)
    assert result.returncode == 0, result.stderr
    return result


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def html_files(site: Path) -> Iterator[Path]:
    yield from sorted(site.rglob("*.html"))


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path: to compare two builds or check nothing changed."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def resolve_link(site: Path, base_path: str, page: Path, link: str) -> Path | None:
    """The file in ``site`` an internal link points to; None for external links and fragments only."""
    page_url = "/" + page.relative_to(site).as_posix()
    page_url = base_path.rstrip("/") + page_url
    target = urlsplit(urljoin(page_url, link))
    if (target.scheme in ("http", "https", "mailto") and target.netloc) or link.startswith("#"):
        return None
    path = unquote(target.path)
    assert path.startswith(base_path), f"{page}: link {link!r} is outside the base path {base_path!r}"
    local = site / path[len(base_path) :]
    return local / "index.html" if path.endswith("/") else local


def broken_links(site: Path, base_path: str = "/") -> list[str]:
    """Every internal href/src in every HTML page that does not resolve to a file in ``site``."""
    broken = []
    for page in html_files(site):
        for tag in soup(page).find_all(href=True) + soup(page).find_all(src=True):
            link = tag.get("href") or tag.get("src")
            target = resolve_link(site, base_path, page, link)
            if target is not None and not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {link}")
    return broken


def require_chromium(module: bool = False) -> None:
    """Skip a browser test when Debian's Chromium is missing, but fail in CI, where it must run."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {CHROMIUM} is missing: .ci/run installs it with apt-get", pytrace=False)
    pytest.skip(f"{CHROMIUM} not found: browser tests skipped (apt-get install chromium)", allow_module_level=module)
