"""Keyboard triage in a real browser: j/k move the focus, o opens, b copies the BibTeX, x and o mark read,
? shows the keys, and typing in a field does nothing. The site is served by a real HTTP server process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.browser import CHROMIUM, CHROMIUM_ARGS, static_server
from tests.conftest import require_chromium
from tests.reading import build_reading_site

require_chromium(module=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with static_server(build_reading_site(tmp_path_factory.mktemp("triage"))) as url:
        yield url


@pytest.fixture
def page(base_url: str) -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base_url)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
        page = context.new_page()
        yield page
        browser.close()


def focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement.id"))


def test_j_k_move_focus_and_b_copies_bibtex(page: Page) -> None:
    page.goto("/date/2025-05-30/")
    page.keyboard.press("j")
    assert focused_id(page) == "efficient-attention-without-authors"
    page.keyboard.press("j")
    assert focused_id(page) == "scaling-laws-for-o-n-log-n-attention"
    expect(page.locator("#scaling-laws-for-o-n-log-n-attention")).to_have_class("paper is-current")
    page.keyboard.press("j")  # already the last: stays
    assert focused_id(page) == "scaling-laws-for-o-n-log-n-attention"
    page.keyboard.press("b")
    expect(page.locator("#scaling-laws-for-o-n-log-n-attention .triage-note")).to_have_text("BibTeX copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("@misc{shazeer2025scaling,") and "eprint = {2505.01234}" in copied
    page.keyboard.press("k")
    assert focused_id(page) == "efficient-attention-without-authors"
    outline = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert outline != "none", "the current paper must be visibly marked"


def test_o_opens_and_marks_read(page: Page) -> None:
    page.goto("/date/2025-05-30/")
    page.keyboard.press("j")
    page.keyboard.press("o")
    page.wait_for_url("**/papers/efficient-attention-without-authors/")
    page.go_back()
    expect(page.locator("#efficient-attention-without-authors")).to_have_class("paper is-read")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("x")
    expect(page.locator("#scaling-laws-for-o-n-log-n-attention")).to_have_class("paper is-current is-read")
    stored = page.evaluate("Object.entries(localStorage).map(([k, v]) => [k, JSON.parse(v)])")
    read = ["efficient-attention-without-authors", "scaling-laws-for-o-n-log-n-attention"]
    assert stored == [["paper-digest:read:/", read]]


def test_help_dialog_and_typing_is_ignored(page: Page) -> None:
    page.goto("/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('afterbegin', '<input id=box>')")
    page.focus("#box")
    page.keyboard.type("jjo?")
    assert focused_id(page) == "box" and page.input_value("#box") == "jjo?"
    assert page.locator("dialog.triage-help").count() == 0
    page.locator("#box").blur()
    page.keyboard.press("?")
    dialog = page.locator("dialog.triage-help")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("copy its BibTeX")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_copy_button_on_paper_page(page: Page) -> None:
    page.goto("/papers/attention-is-all-you-need/")
    page.get_by_role("button", name="Copy BibTeX").click()
    expect(page.locator(".copy-status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()").startswith("@misc{vaswani2017attention,")


def test_read_list_export_and_import(page: Page, tmp_path: Path) -> None:
    page.goto("/date/2025-06-02/")
    page.keyboard.press("?")
    upload = tmp_path / "read.json"
    upload.write_text('{"read": ["a-hostile-title-script", 42]}', encoding="utf-8")
    page.set_input_files("dialog.triage-help input[type=file]", str(upload))
    expect(page.locator("dialog .triage-status")).to_have_text("Imported 1 paper.")
    expect(page.locator("#a-hostile-title-script")).to_have_class("paper is-read")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export read list").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert json.loads(exported) == {"read": ["a-hostile-title-script"]}
    upload.write_text("not json", encoding="utf-8")
    page.set_input_files("dialog.triage-help input[type=file]", str(upload))
    expect(page.locator("dialog .triage-status")).to_have_text("That file is not a read list.")
