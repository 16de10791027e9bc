"""Headless Chromium and a static file server for it, shared by the browser tests and the benchmarks."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package: .ci/run installs it with apt-get
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",  # this machine's closed network refuses Chromium's own requests
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def static_server(directory: Path) -> Iterator[str]:
    """A real http.server process serving ``directory`` on a free port of 127.0.0.1; yields its root URL.

    The server picks the port itself (port 0) and prints it, so there is no race for a port chosen beforehand,
    and the URL is only given once the server listens."""
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(directory)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"port (\d+)", line)
        assert match, line
        yield f"http://127.0.0.1:{match[1]}"
    finally:
        process.terminate()
        process.wait(timeout=10)
