"""``digest serve``: build, serve site/ at its base path, rebuild when a source changes, reload open pages.

Why site/ is served as it is: every build already renders into a fresh folder and swaps it in with two renames
(generator/output.py), and the incremental cache links unchanged files from the current site/. So a request sees
either the old complete site or the new complete one, never a half-written one; the only gap is the instant
between the two renames, when site/ is missing. A request that finds no file while a rebuild runs therefore waits
for the rebuild to end and looks once more, and never gets a spurious 404. (A private copy of site/ per rebuild
would close the same gap at the cost of a second tree and of the cache's links.)

Live reload needs no browser plugin: each HTML response (never the files in site/) gets a small script that
long-polls ``/__livereload/<epoch>``; the answer comes when a rebuild changes the site or its error, or after
``LONG_POLL`` seconds with nothing new. A failed rebuild keeps the last good site/ served, prints the error in the
terminal and shows it over the page.
"""

from __future__ import annotations

import contextlib
import errno
import http.server
import logging
import mimetypes
import re
import signal
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from urllib.parse import unquote, urlsplit

import watchfiles
from jinja2.utils import htmlsafe_json_dumps

from generator.build import SiteFolder, build
from generator.config import CONFIG_NAME, load_config
from generator.errors import InputError

log = logging.getLogger("generator")

WATCHED = ("digests", "content", "templates", "themes", "static")  # site.yaml is checked by its stat
LIVERELOAD = "/__livereload/"
LONG_POLL = 25.0  # seconds a reload request is held: under the usual 30 s proxy and browser idle limits
BUILD_WAIT = 60.0  # seconds a request for a missing file waits for a running rebuild
DEBOUNCE_MS, STEP_MS, TICK_MS = 1_000, 50, 200  # TICK_MS: how often site.yaml and the folders are checked

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".wasm": "application/wasm",
    ".webmanifest": "application/manifest+json",
}
_UNSAFE = re.compile(r"%(2f|5c|00)|\\", re.IGNORECASE)  # encoded slash, backslash or NUL: never a site path

_SCRIPT = Path(__file__).with_name("livereload.js").read_text(encoding="utf-8")


class State:
    """What request threads share with the rebuild thread: the epoch, the last error, whether a build runs."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.epoch = int(time.time() * 1000)  # distinct per process, so a page from an earlier server reloads
        self.error: str | None = None
        self.base_path = "/"
        self.building = False
        self.closed = False

    def begin(self) -> None:
        with self._changed:
            self.building = True

    def finish(self, changed: bool, error: str | None, base_path: str | None) -> None:
        with self._changed:
            self.building = False
            if changed or error != self.error:
                self.epoch += 1
            self.error = error
            self.base_path = base_path or self.base_path
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def news(self, epoch: int, timeout: float) -> tuple[int, str | None]:
        """The epoch and error once they differ from ``epoch`` (or after ``timeout``)."""
        with self._changed:
            self._changed.wait_for(lambda: self.epoch != epoch or self.closed, timeout)
            return self.epoch, self.error

    def wait_for_build(self, timeout: float) -> None:
        with self._changed:
            self._changed.wait_for(lambda: not self.building or self.closed, timeout)


def rebuild(folder: SiteFolder, state: State) -> None:
    """Build the site; report the result in the terminal and to the pages that wait for it."""
    state.begin()
    started = time.perf_counter()
    try:
        config = load_config(folder.root)
        report = build(folder, config)
    except InputError as error:
        log.error("rebuild failed: %s", error)
        state.finish(False, f"error: {error}", None)
        return
    except Exception as error:  # a bug, not bad input: keep serving and show the traceback
        log.error("rebuild failed: internal error: %s: %s", type(error).__name__, error)
        state.finish(False, "internal error:\n" + traceback.format_exc(), None)
        return
    for warning in report.warnings:
        log.warning("warning: %s", warning)
    seconds = time.perf_counter() - started
    if not report.up_to_date:
        log.info("built %d pages (%d rendered) in %.2f s", report.pages, report.rendered, seconds)
    state.finish(not report.up_to_date, None, config.base_path)


def site_parts(raw_path: str, base_path: str) -> list[str] | None:
    """The path segments under site/ that a request path names, or None when it names nothing there."""
    if _UNSAFE.search(raw_path) or not raw_path.startswith(base_path):
        return None
    try:
        path = unquote(raw_path[len(base_path) :], errors="strict")
    except UnicodeDecodeError:
        return None
    parts = path.split("/")
    if any(part in (".", "..") for part in parts) or "\\" in path or "\x00" in path:
        return None
    return parts


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


@dataclass(frozen=True)
class _Found:
    path: Path | None = None  # the file to send
    redirect: str | None = None  # or where the request should go instead


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # a held long-poll must not keep the process alive

    def __init__(self, address: tuple[str, int], folder: SiteFolder, state: State) -> None:
        self.folder, self.state = folder, state
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    server_version = "digest-serve"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def _respond(self, send_body: bool) -> None:
        raw = urlsplit(self.path).path
        state = self.server.state
        if raw.startswith(LIVERELOAD):
            self._livereload(raw[len(LIVERELOAD) :], send_body)
            return
        base = state.base_path
        if base != "/" and raw in ("/", base.rstrip("/")):
            self._send(302, b"", "text/plain", send_body, location=base)
            return
        found = self._find(raw, base)
        if found is None and state.building:
            state.wait_for_build(BUILD_WAIT)  # the swap of site/ may be under way: look again once it is done
            found = self._find(raw, state.base_path)
        if found is not None and found.redirect:
            self._send(301, b"", "text/plain", send_body, location=found.redirect)
        elif found is not None and found.path is not None and (data := _read(found.path)) is not None:
            self._send(200, data, content_type(found.path), send_body)
        else:
            self._not_found(send_body)

    def _find(self, raw: str, base: str) -> _Found | None:
        parts = site_parts(raw, base)
        if parts is None:
            return None
        root = self.server.folder.output
        target = root.joinpath(*(part for part in parts if part))
        if target.is_dir():
            if parts[-1]:  # a folder asked for without its slash: links inside it would resolve wrongly
                return _Found(redirect="/" + raw.lstrip("/") + "/")  # never "//host/": that leaves the site
            target = target / "index.html"
        real = target.resolve()
        if not real.is_relative_to(root.resolve()) or not real.is_file():
            return None  # missing, or a symlink pointing out of site/
        return _Found(path=real)

    def _not_found(self, send_body: bool) -> None:
        page = self.server.folder.output / "404.html"
        data = _read(page) if page.is_file() else None
        self._send(
            404, data or b"<!doctype html><title>Not found</title><h1>Not found</h1>\n", _TYPES[".html"], send_body
        )

    def _livereload(self, rest: str, send_body: bool) -> None:
        if not rest.isdigit():
            self._not_found(send_body)
            return
        epoch, error = self.server.state.news(int(rest), LONG_POLL)
        body = htmlsafe_json_dumps({"epoch": epoch, "error": error}).encode()
        self._send(200, body, "application/json", send_body)

    def _send(self, status: int, data: bytes, kind: str, send_body: bool, location: str | None = None) -> None:
        if kind.startswith("text/html"):
            data = self._inject(data)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if send_body:
            self.wfile.write(data)

    def _inject(self, html: bytes) -> bytes:
        """The page with the live-reload script before its closing body tag (only in this response)."""
        state = self.server.state
        data = htmlsafe_json_dumps({"epoch": state.epoch, "error": state.error})
        script = f"<script>\n{_SCRIPT.replace('DIGEST_SERVE_STATE', data)}</script>\n".encode()
        end = html.rfind(b"</body>")
        return html + script if end < 0 else html[:end] + script + html[end:]


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:  # removed by a swap between finding and reading it
        return None


def _sources(folder: SiteFolder) -> tuple[tuple[Path, ...], tuple[int, int] | None]:
    """The watched folders that exist, and site.yaml's stat: a change in either is checked on every tick."""
    config = folder.root / CONFIG_NAME
    stat = config.stat() if config.is_file() else None
    dirs = tuple(folder.root / name for name in WATCHED if (folder.root / name).is_dir())
    return dirs, (stat.st_mtime_ns, stat.st_size) if stat else None


def watch(folder: SiteFolder, stop: threading.Event, on_change: Callable[[], None]) -> None:
    """Call ``on_change`` once the watch is in place, then after each burst of changes, until ``stop`` is set.

    The first call comes after the watcher is set up, not before, so an edit made during start-up is not lost.
    """
    pending = True
    while not stop.is_set():
        seen = _sources(folder)
        watching = seen[0]
        if not watching:  # nothing to watch yet: look for the folders and site.yaml every tick
            if pending:
                on_change()
            stop.wait(TICK_MS / 1000)
            pending = _sources(folder) != seen
            continue
        try:
            pending = _watch_folders(folder, watching, seen, pending, stop, on_change)
        except OSError as error:  # e.g. a folder removed just as the watch began: set it up again next tick
            log.debug("watch restarted: %s", error)
            pending = True
            stop.wait(TICK_MS / 1000)


def _watch_folders(
    folder: SiteFolder,
    watching: tuple[Path, ...],
    seen: tuple[tuple[Path, ...], tuple[int, int] | None],
    pending: bool,
    stop: threading.Event,
    on_change: Callable[[], None],
) -> bool:
    """Watch ``watching`` until the set of folders changes or ``stop`` is set; True when a build is owed."""
    for changes in watchfiles.watch(
        *watching, stop_event=stop, debounce=DEBOUNCE_MS, step=STEP_MS, rust_timeout=TICK_MS, yield_on_timeout=True
    ):
        now = _sources(folder)
        if pending or changes or now != seen:
            pending = False
            on_change()
        seen = now
        if _sources(folder)[0] != watching:
            return True  # a watched folder appeared or went: watch the new set, then build once more
    return pending


def serve(folder: SiteFolder, host: str, port: int) -> int:
    """Serve until SIGINT or SIGTERM; 0 then, 2 when the address cannot be used."""
    state = State()
    with contextlib.suppress(InputError):  # a bad site.yaml: the first build reports it
        state.base_path = load_config(folder.root).base_path
    try:
        server = _Server((host, port), folder, state)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            log.error("error: port %d on %s is in use; stop the other server or choose one with --port", port, host)
        else:
            log.error("error: cannot serve on %s:%d: %s", host, port, error.strerror or error)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}

    # The first build runs in the watcher thread, so requests made meanwhile wait for it and Ctrl-C works.
    state.begin()
    watcher = threading.Thread(target=watch, args=(folder, stop, lambda: rebuild(folder, state)), daemon=True)
    watcher.start()
    threading.Thread(target=server.serve_forever, name="digest-http", daemon=True).start()
    shown = host if ":" not in host else f"[{host}]"
    log.info("serving %s at http://%s:%d%s (Ctrl-C to stop)", folder.output, shown, server.server_port, state.base_path)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        state.close()
        server.shutdown()
        server.server_close()
        watcher.join(timeout=5)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("stopped")
    return 0
