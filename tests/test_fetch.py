"""``digest fetch`` run as a real process against a real HTTP server on 127.0.0.1 that serves fixtures, errors,
rate limits, hanging answers, truncated JSON and empty days."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.fetch import MAX_RETRY_AFTER, retry_delay
from tests.conftest import FIXTURES, build_ok, make_site, run_digest, soup

HF = (FIXTURES / "hf/2025-05-29.json").read_bytes()
ATOM = (FIXTURES / "arxiv/cs.CL.xml").read_bytes()


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False
    drop: bool = False
    length: int | None = None  # a Content-Length to claim instead of the body's


@dataclass(frozen=True)
class Seen:
    at: float
    path: str
    query: dict[str, list[str]]
    user_agent: str


@dataclass
class Script:
    """The replies for each path, in order (the last one repeats), and every request seen."""

    replies: dict[str, list[Reply]] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def gaps(self) -> list[float]:
        return [b.at - a.at for a, b in zip(self.seen, self.seen[1:], strict=False)]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        script = self.server.script
        url = urlsplit(self.path)
        script.seen.append(Seen(time.monotonic(), url.path, parse_qs(url.query), self.headers.get("User-Agent", "")))
        queue = script.replies.get(url.path) or [Reply(404, b"not found")]
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if reply.hang:  # accept, then say nothing until the test ends
            script.release.wait(20)
            return
        if reply.drop:  # close the connection without an answer
            self.close_connection = True
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(reply.length or len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    script: Script


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    """A local HTTP server on a free port; yields its base URL and its script."""
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.script = Script()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", httpd.script
    finally:
        httpd.script.release.set()
        httpd.shutdown()
        httpd.server_close()


def files(site: Path) -> list[str]:
    """Everything in digests/, hidden temporary files included."""
    return sorted(p.name for p in (site / "digests").iterdir())


def test_hf_retries_5xx_then_saves_the_raw_answer(tmp_path: Path, server: tuple[str, Script]) -> None:
    base, script = server
    script.replies["/api/daily_papers"] = [Reply(500), Reply(503), Reply(200, HF)]
    site = make_site(tmp_path / "s")
    result = run_digest("-C", site, "fetch", "hf", "--date", "2025-05-29", "--api-url", f"{base}/api/daily_papers")
    assert result.returncode == 0, result.stderr
    assert (site / "digests/2025-05-29-hf.json").read_bytes() == HF  # raw, byte for byte
    assert files(site) == ["2025-05-29-hf.json"]
    assert "HTTP 500" in result.stderr and "HTTP 503" in result.stderr
    assert "saved 3 papers" in result.stderr
    assert len(script.seen) == 3
    assert all(s.query == {"date": ["2025-05-29"]} for s in script.seen)
    assert all(s.user_agent.startswith("paper-digest/") for s in script.seen)
    first, second = script.gaps()
    assert first >= 0.9 and second >= 1.9  # exponential backoff: 1 s, then 2 s
    build_ok(site)
    page = soup(
        site / "site/papers/taid-temporally-adaptive-interpolated-distillation-for-efficient-knowledge/index.html"
    )
    assert "42 upvotes" in page.get_text()


def test_429_retry_after_is_honoured(tmp_path: Path, server: tuple[str, Script]) -> None:
    base, script = server
    script.replies["/hf"] = [Reply(429, b"slow down", {"Retry-After": "2"}), Reply(200, HF)]
    site = make_site(tmp_path / "s", config=f"hf_api: {base}/hf\n")  # the URL from site.yaml this time
    result = run_digest("-C", site, "fetch", "hf", "--date", "2025-05-29")
    assert result.returncode == 0, result.stderr
    assert "HTTP 429" in result.stderr and "trying again in 2.0 s" in result.stderr
    assert script.gaps()[0] >= 1.9  # longer than the 1 s backoff: the server's wish wins
    assert files(site) == ["2025-05-29-hf.json"]


def test_hanging_server_times_out_and_saves_nothing(tmp_path: Path, server: tuple[str, Script]) -> None:
    base, script = server
    script.replies["/hf"] = [Reply(hang=True)]
    site = make_site(tmp_path / "s")
    started = time.monotonic()
    result = run_digest(
        "-C",
        site,
        "fetch",
        "hf",
        "--date",
        "2025-05-29",
        "--api-url",
        f"{base}/hf",
        "--timeout",
        "0.5",
        "--retries",
        "1",
    )
    assert result.returncode == 2
    assert "2025-05-29-hf.json: not fetched" in result.stderr
    assert "no answer within 0.5 s (2 tries); nothing saved" in result.stderr
    assert time.monotonic() - started < 10
    assert len(script.seen) == 2
    assert files(site) == []


def test_dropped_connection_is_retried(tmp_path: Path, server: tuple[str, Script]) -> None:
    base, script = server
    script.replies["/hf"] = [Reply(drop=True), Reply(200, HF)]
    site = make_site(tmp_path / "s")
    result = run_digest("-C", site, "fetch", "hf", "--date", "2025-05-29", "--api-url", f"{base}/hf")
    assert result.returncode == 0, result.stderr
    assert "connection broken (RemoteDisconnected)" in result.stderr
    assert len(script.seen) == 2
    assert files(site) == ["2025-05-29-hf.json"]


def test_truncated_json_is_a_bad_answer_and_keeps_the_old_file(tmp_path: Path, server: tuple[str, Script]) -> None:
    base, script = server
    script.replies["/hf"] = [Reply(200, HF[: len(HF) // 2], {"Content-Type": "application/json"})]
    site = make_site(tmp_path / "s", {"2025-05-29-hf.json": b"[]\n"})
    result = run_digest("-C", site, "fetch", "hf", "--date", "2025-05-29", "--api-url", f"{base}/hf")
    assert result.returncode == 2
    assert "2025-05-29-hf.json:" in result.stderr and "invalid JSON" in result.stderr
    assert "nothing saved" in result.stderr
    assert len(script.seen) == 1  # a complete answer that does not parse is not retried
    assert (site / "digests/2025-05-29-hf.json").read_bytes() == b"[]\n"
    assert files(site) == ["2025-05-29-hf.json"]


def test_answer_cut_short_is_retried_then_reported(tmp_path: Path, server: tuple[str, Script]) -> None:
    base, script = server
    script.replies["/hf"] = [Reply(200, HF[:100], length=len(HF))]  # the connection closes mid-answer
    site = make_site(tmp_path / "s")
    args = ("fetch", "hf", "--date", "2025-05-29", "--api-url", f"{base}/hf", "--retries", "1")
    result = run_digest("-C", site, *args)
    assert result.returncode == 2
    assert f"answer cut short (100 of {len(HF)} bytes) (2 tries); nothing saved" in result.stderr
    assert files(site) == []


def test_empty_day_exits_0_and_saves_nothing(tmp_path: Path, server: tuple[str, Script]) -> None:
    base, script = server
    script.replies["/hf"] = [Reply(200, b"[]")]
    site = make_site(tmp_path / "s")
    result = run_digest("-C", site, "fetch", "hf", "--date", "2025-05-31", "--api-url", f"{base}/hf")
    assert result.returncode == 0, result.stderr
    assert "no papers" in result.stderr and "empty day" in result.stderr
    assert files(site) == []


def test_fetching_the_same_answer_again_changes_nothing(tmp_path: Path, server: tuple[str, Script]) -> None:
    base, script = server
    script.replies["/hf"] = [Reply(200, HF)]
    site = make_site(tmp_path / "s")
    args = ("-C", site, "fetch", "hf", "--date", "2025-05-29", "--api-url", f"{base}/hf")
    assert run_digest(*args).returncode == 0
    before = (site / "digests/2025-05-29-hf.json").stat().st_mtime_ns
    again = run_digest(*args)
    assert again.returncode == 0 and "is up to date (3 papers)" in again.stderr
    assert (site / "digests/2025-05-29-hf.json").stat().st_mtime_ns == before


def test_nothing_listening_is_retried_then_reported(tmp_path: Path) -> None:
    probe = _Server(("127.0.0.1", 0), _Handler)
    port = probe.server_address[1]
    probe.server_close()  # the port is free now: connections are refused
    site = make_site(tmp_path / "s")
    url = f"http://127.0.0.1:{port}/hf"
    result = run_digest("-C", site, "fetch", "hf", "--date", "2025-05-29", "--api-url", url, "--retries", "1")
    assert result.returncode == 2
    assert "cannot connect" in result.stderr and "(2 tries); nothing saved" in result.stderr
    assert files(site) == []


def test_client_errors_are_not_retried(tmp_path: Path, server: tuple[str, Script]) -> None:
    base, script = server
    site = make_site(tmp_path / "s")
    result = run_digest("-C", site, "fetch", "hf", "--date", "2025-05-29", "--api-url", f"{base}/missing")
    assert result.returncode == 2
    assert "HTTP 404" in result.stderr
    assert len(script.seen) == 1
    assert files(site) == []


def test_persistent_5xx_gives_up_after_the_retries(tmp_path: Path, server: tuple[str, Script]) -> None:
    base, script = server
    script.replies["/hf"] = [Reply(502)]
    site = make_site(tmp_path / "s")
    result = run_digest("-C", site, "fetch", "hf", "--date", "2025-05-29", "--api-url", f"{base}/hf", "--retries", "1")
    assert result.returncode == 2
    assert "HTTP 502" in result.stderr and "(2 tries); nothing saved" in result.stderr
    assert len(script.seen) == 2
    assert files(site) == []


def test_arxiv_keeps_3_seconds_between_requests(tmp_path: Path, server: tuple[str, Script]) -> None:
    base, script = server
    script.replies["/api/query"] = [Reply(500), Reply(200, ATOM)]
    site = make_site(tmp_path / "s")
    categories = ("--category", "cs.CL", "--category", "cs.LG")
    result = run_digest("-C", site, "fetch", "arxiv", *categories, "--max", "5", "--api-url", f"{base}/api/query")
    assert result.returncode == 0, result.stderr
    assert files(site) == ["2025-05-29-arxiv-cs.CL.xml", "2025-05-29-arxiv-cs.LG.xml"]  # dated by the feed
    assert (site / "digests/2025-05-29-arxiv-cs.CL.xml").read_bytes() == ATOM
    retry_gap, category_gap = script.gaps()
    assert retry_gap >= 2.9 and category_gap >= 2.9  # arXiv's politeness delay, also longer than the backoff
    queries = [seen.query for seen in script.seen]
    assert [q["search_query"] for q in queries] == [["cat:cs.CL"], ["cat:cs.CL"], ["cat:cs.LG"]]
    assert all(q["max_results"] == ["5"] and q["sortBy"] == ["submittedDate"] for q in queries)


def test_arxiv_error_feed_is_a_bad_answer(tmp_path: Path, server: tuple[str, Script]) -> None:
    base, script = server
    script.replies["/api/query"] = [Reply(200, (FIXTURES / "arxiv/error.xml").read_bytes())]
    site = make_site(tmp_path / "s")
    result = run_digest("-C", site, "fetch", "arxiv", "--category", "cs.CL", "--api-url", f"{base}/api/query")
    assert result.returncode == 2
    assert "the arXiv API answered with an error: incorrect id format" in result.stderr
    assert files(site) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("arxiv",), "arxiv needs at least one"),
        (("arxiv", "--category", "../etc"), "is not an arXiv category"),
        (("arxiv", "--category", "cs.CL", "--date", "2025-05-29"), "--date: is for hf"),
        (("hf", "--category", "cs.CL"), "--category: is for arxiv"),
        (("hf", "--api-url", "file:///etc/passwd"), "--api-url: must be an http(s) URL"),
    ],
)
def test_bad_options_exit_2_before_any_request(
    tmp_path: Path, server: tuple[str, Script], args: tuple[str, ...], message: str
) -> None:
    _, script = server
    result = run_digest("-C", make_site(tmp_path / "s"), "fetch", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert script.seen == []


def test_retry_delay_doubles_and_caps_what_the_server_asks() -> None:
    assert [retry_delay(n, None, 1.0) for n in range(4)] == [1.0, 2.0, 4.0, 8.0]
    assert retry_delay(0, "5", 1.0) == 5.0
    assert retry_delay(3, "5", 1.0) == 8.0  # the backoff is already longer
    assert retry_delay(0, "86400", 1.0) == MAX_RETRY_AFTER
    now = dt.datetime(2025, 5, 29, 12, 0, 0, tzinfo=dt.UTC)
    assert retry_delay(0, "Thu, 29 May 2025 12:00:30 GMT", 1.0, now) == 30.0
    assert retry_delay(0, "not a date", 1.0, now) == 1.0
