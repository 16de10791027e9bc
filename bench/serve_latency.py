"""How long `digest serve` takes from a saved edit to the changed page being served (prints figures).

Usage: python bench/serve_latency.py [ROUNDS]   (builds the seed digest in a temporary folder)
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAPER = "taid-temporally-adaptive-interpolated-distillation-for-efficient-knowledge"


def fetch(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().read().decode("utf-8")
    finally:
        connection.close()


def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, socket.socket() as probe:
        root = Path(tmp)
        (root / "digests").mkdir()
        (root / "digests" / "2025-05-29.txt").write_bytes((REPO / "digests" / "2025-05-29.txt").read_bytes())
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        command = [sys.executable, "-m", "generator", "-q", "-C", str(root), "serve", "--port", str(port)]
        server = subprocess.Popen(command, env=env)
        try:
            started = time.perf_counter()
            while True:
                try:
                    fetch(port, "/")
                    break
                except OSError:
                    time.sleep(0.05)
            print(f"first page served after {time.perf_counter() - started:.2f} s (includes the first build)")
            content = root / "content" / "papers" / f"{PAPER}.md"
            times = []
            for n in range(rounds):
                text = re.sub(r"(?m)^title: .*$", f"title: Edit {n}", content.read_text(encoding="utf-8"), count=1)
                edited = time.perf_counter()
                content.write_text(text, encoding="utf-8")
                while f"Edit {n}</h1>" not in fetch(port, f"/papers/{PAPER}/"):
                    time.sleep(0.01)
                times.append(time.perf_counter() - edited)
            print(
                f"edit -> served: median {statistics.median(times):.3f} s, max {max(times):.3f} s over {rounds} edits"
            )
        finally:
            server.send_signal(signal.SIGINT)
            print(f"exit code after SIGINT: {server.wait(timeout=10)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
