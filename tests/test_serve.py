"""``digest serve`` as a real process on a free port, spoken to over HTTP (and by a real browser for live reload)."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.browser import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import REPO, SEED, make_site, require_chromium

TAID = "taid-temporally-adaptive-interpolated-distillation-for-efficient-knowledge"
PAPER_URL = f"/papers/{TAID}/"


@dataclass
class Server:
    process: subprocess.Popen[str]
    port: int
    log: Path

    def get(self, path: str, method: str = "GET", timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
        return http_get(self.port, path, method, timeout)

    def text(self, path: str) -> str:
        status, _, body = self.get(path)
        assert status == 200, (path, status)
        return body.decode("utf-8")

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def stop(self, sig: int = signal.SIGINT) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout=5)


def http_get(port: int, path: str, method: str = "GET", timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """One request with the path sent exactly as given (no normalization, no redirects followed)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(root: Path, port: int) -> tuple[subprocess.Popen[str], Path]:
    log = root.parent / f"serve-{port}.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "-C", str(root), "serve", "--port", str(port)],
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=sink,
            stderr=sink,
            text=True,
        )
    return process, log


@contextmanager
def serving(root: Path) -> Iterator[Server]:
    port = free_port()
    process, log = start(root, port)
    server = Server(process, port, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, server.output()
            try:
                if server.get("/")[0] in (200, 302):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
                time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def seeded(tmp_path: Path, config: str | None = None) -> Path:
    return make_site(tmp_path / "site-folder", {"2025-05-29.txt": SEED.read_text(encoding="utf-8")}, config)


def epoch_of(html: str) -> int:
    match = re.search(r'const state = \{"epoch": (\d+)', html)
    assert match, "no live-reload script in the page"
    return int(match.group(1))


def edit_title(root: Path, new_title: str) -> None:
    path = root / "content" / "papers" / f"{TAID}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^title: .*$", f"title: {new_title}", text, count=1), encoding="utf-8")


def wait_until(check: object, seconds: float) -> float:
    """Seconds until ``check()`` is true; fails after ``seconds``."""
    started = time.monotonic()
    while not check():  # type: ignore[operator]
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        time.sleep(0.05)
    return time.monotonic() - started


def test_serves_the_site_at_the_root_with_types_and_404(tmp_path: Path) -> None:
    root = seeded(tmp_path)
    with serving(root) as server:
        status, headers, body = server.get("/")
        assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
        assert b"/__livereload/" in body
        assert b"__livereload" not in (root / "site" / "index.html").read_bytes()  # only in the response
        assert server.get("/static/style.css")[1]["content-type"].startswith("text/css")
        assert server.get("/robots.txt")[1]["content-type"] == "text/plain; charset=utf-8"
        status, headers, body = server.get("/no/such/page/")
        assert status == 404 and b"Page not found" in body and b"/__livereload/" in body
        status, headers, _ = server.get("/papers")
        assert status == 301 and headers["location"] == "/papers/"
        status, headers, _ = server.get("//papers")
        assert status == 301 and headers["location"] == "/papers/"  # not //papers/, a link to another host
        status, headers, body = server.get(PAPER_URL, method="HEAD")
        assert status == 200 and body == b"" and int(headers["content-length"]) > 1000
        assert server.stop() == 0


def test_serves_a_sub_path_base_url(tmp_path: Path) -> None:
    root = seeded(tmp_path, "base_url: https://user.github.io/repo/\n")
    with serving(root) as server:
        status, headers, _ = server.get("/")
        assert status == 302 and headers["location"] == "/repo/"
        assert 'href="/repo/static/style.css"' in server.text("/repo/")
        status, headers, body = server.get("/repo/feed.xml")
        assert status == 200 and headers["content-type"] == "application/xml"
        assert b"<feed" in body and b"https://user.github.io/repo/papers/" in body
        assert server.get("/index.html")[0] == 404  # outside the base path
        assert server.get(f"/repo{PAPER_URL}")[0] == 200
        assert server.stop() == 0


def test_no_path_leaves_site_folder(tmp_path: Path) -> None:
    root = seeded(tmp_path)
    secret = "TOP-SECRET-VALUE"
    (root / "secret.txt").write_text(secret, encoding="utf-8")
    (tmp_path / "secret.txt").write_text(secret, encoding="utf-8")
    with serving(root) as server:
        (root / "site" / "leak.txt").symlink_to(tmp_path / "secret.txt")
        (root / "site" / "leakdir").symlink_to(tmp_path, target_is_directory=True)
        attempts = [
            "/../secret.txt",
            "/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/%2e%2e/secret.txt",
            "/static/%2e%2e/%2e%2e/secret.txt",
            "/static/..%2f..%2fsecret.txt",
            "/static/..%2F..%2Fsecret.txt",
            "/..%5csecret.txt",
            "/static\\..\\..\\secret.txt",
            "/%252e%252e/secret.txt",
            "//../secret.txt",
            "/static/%00",
            "/%ff%fe/",
            "/leak.txt",
            "/leakdir/secret.txt",
            "/leakdir/site-folder/secret.txt",
        ]
        for attempt in attempts:
            status, _, body = server.get(attempt)
            assert status == 404, attempt
            assert secret.encode() not in body, attempt
        assert server.stop() == 0


def test_an_edit_is_served_within_two_seconds_and_open_pages_get_the_signal(tmp_path: Path) -> None:
    root = seeded(tmp_path)
    with serving(root) as server:
        page = server.text(PAPER_URL)
        assert "TAID: Temporally" in page
        epoch = epoch_of(page)
        answer: list[dict[str, object]] = []
        poll = threading.Thread(target=lambda: answer.append(json.loads(server.get(f"/__livereload/{epoch}")[2])))
        poll.start()
        time.sleep(0.3)
        assert not answer, "the long poll answered before anything changed"
        edit_title(root, "An Edited Title")
        seconds = wait_until(lambda: "An Edited Title" in server.text(PAPER_URL), 2.0)
        poll.join(timeout=2)
        assert answer and answer[0]["epoch"] != epoch and answer[0]["error"] is None
        assert "An Edited Title" in server.text("/")  # the day's list changed with it
        print(f"edit served after {seconds:.2f} s")
        assert server.stop() == 0


def test_a_broken_template_shows_its_error_while_the_last_good_site_is_served(tmp_path: Path) -> None:
    root = seeded(tmp_path)
    with serving(root) as server:
        epoch = epoch_of(server.text(PAPER_URL))
        (root / "templates").mkdir()
        broken = root / "templates" / "paper.html"
        broken.write_text('{% extends "theme/paper.html" %}\n{% block main %}{% if %}{% endblock %}\n', "utf-8")
        news = json.loads(server.get(f"/__livereload/{epoch}", timeout=30)[2])
        assert news["error"] and "paper.html:2" in news["error"]
        page = server.text(PAPER_URL)
        assert "TAID: Temporally" in page  # the last good build
        assert epoch_of(page) == news["epoch"] and "paper.html:2" in page  # shown in the overlay
        wait_until(lambda: "rebuild failed" in server.output() and "paper.html:2" in server.output(), 2.0)
        broken.unlink()
        news = json.loads(server.get(f"/__livereload/{news['epoch']}", timeout=30)[2])
        assert news["error"] is None
        assert server.stop() == 0


def test_requests_during_rebuilds_never_miss(tmp_path: Path) -> None:
    root = seeded(tmp_path)
    with serving(root) as server:
        statuses: list[tuple[str, int]] = []
        done = threading.Event()

        def hammer() -> None:
            while not done.is_set():
                for path in (PAPER_URL, "/", "/static/style.css", "/tags/"):
                    statuses.append((path, server.get(path)[0]))

        clients = [threading.Thread(target=hammer) for _ in range(2)]
        for client in clients:
            client.start()
        for n in range(8):  # each edit is a rebuild that swaps site/ while the clients read it
            edit_title(root, f"Edit number {n}")
            wait_until(lambda n=n: f"Edit number {n}<" in server.text(PAPER_URL), 5.0)
        done.set()
        for client in clients:
            client.join()
        assert len(statuses) > 50
        assert [s for s in statuses if s[1] != 200] == []
        assert server.stop() == 0


def test_a_request_in_the_swap_gap_waits_for_the_build(tmp_path: Path) -> None:
    """site/ missing while a build runs (between the two renames of the swap): the request waits, then gets 200."""
    from generator.build import SiteFolder
    from generator.serve import State, _Server

    folder = SiteFolder(tmp_path)
    state = State()
    state.begin()
    server = _Server(("127.0.0.1", 0), folder, state)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result: list[tuple[int, bytes]] = []
        request = threading.Thread(target=lambda: result.append(http_get(server.server_port, "/page/")[::2]))
        request.start()
        time.sleep(0.3)
        assert not result, "answered while site/ was missing and a build was running"
        (tmp_path / "site" / "page").mkdir(parents=True)
        (tmp_path / "site" / "page" / "index.html").write_text("<p>swapped in</p>", encoding="utf-8")
        state.finish(True, None, "/")
        request.join(timeout=5)
        assert result and result[0][0] == 200 and b"swapped in" in result[0][1]
    finally:
        server.shutdown()
        server.server_close()


def test_a_new_base_url_in_site_yaml_moves_the_site(tmp_path: Path) -> None:
    root = seeded(tmp_path)
    with serving(root) as server:
        assert server.get("/")[0] == 200
        (root / "site.yaml").write_text("base_url: /docs/\n", encoding="utf-8")
        wait_until(lambda: server.get("/")[0] == 302, 5.0)
        assert server.get("/")[1]["location"] == "/docs/"
        assert 'href="/docs/static/style.css"' in server.text("/docs/")
        assert server.stop() == 0


def hold(server: Server) -> None:
    """A page's long poll, cut short when the server stops."""
    with contextlib.suppress(OSError, http.client.HTTPException):
        server.get("/__livereload/1", timeout=30)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_stops_cleanly_and_promptly(tmp_path: Path, sig: int) -> None:
    with serving(seeded(tmp_path)) as server:
        status, _, _ = server.get("/")
        assert status == 200
        held = threading.Thread(target=hold, args=(server,))
        held.start()  # a page waiting for news must not keep the server alive
        time.sleep(0.2)
        started = time.monotonic()
        assert server.stop(sig) == 0
        assert time.monotonic() - started < 3
        held.join(timeout=5)
        assert "stopped" in server.output()


def test_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process, log = start(seeded(tmp_path), port)
        assert process.wait(timeout=30) == 2
    assert f"port {port} on 127.0.0.1 is in use" in log.read_text(encoding="utf-8")


def test_a_real_page_reloads_itself_and_shows_a_failed_rebuild(tmp_path: Path) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    root = seeded(tmp_path)
    with serving(root) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.port}{PAPER_URL}")
            page.evaluate("window.notReloadedYet = true")
            edit_title(root, "Reloaded By Itself")
            page.wait_for_function("document.title.startsWith('Reloaded By Itself')", timeout=5000)
            assert page.evaluate("window.notReloadedYet === undefined")  # a real reload, not a patch
            (root / "templates").mkdir()
            broken = root / "templates" / "paper.html"
            broken.write_text('{% extends "theme/paper.html" %}\n{% block main %}{% if %}{% endblock %}\n', "utf-8")
            overlay = page.wait_for_selector("#digest-serve-error", timeout=5000)
            assert overlay is not None and "paper.html:2" in (overlay.text_content() or "")
            assert page.title().startswith("Reloaded By Itself")  # the last good page stays
            broken.unlink()
            page.wait_for_selector("#digest-serve-error", state="detached", timeout=5000)
        finally:
            browser.close()
        assert server.stop() == 0
