"""Benchmark full and incremental builds on a synthetic archive; prints papers/second and peak memory.

    python bench/build_bench.py [--papers 10000] [--hugo]

Each build runs the real CLI in a fresh process so peak memory (max RSS) is the build's own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import next_day, write_corpus

REPO = Path(__file__).resolve().parents[1]


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Seconds and peak memory (MB) of one command run in a child process."""
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: becomes the command, so its max RSS is its own
        if cwd:
            os.chdir(cwd)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execvpe(command[0], command, {**os.environ, "PYTHONPATH": str(REPO)})
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {status}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary site folder")
    args = parser.parse_args()
    digest = [sys.executable, "-m", "generator", "-q"]
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as tmp:
        folder = Path(tmp)
        files = write_corpus(folder, args.papers)
        print(
            f"# {args.papers} papers over {len(files)} days; {dt.date.today()}, {platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}"
        )
        seconds, peak = timed([*digest, "-C", str(folder), "build"])
        print(
            f"full build (digests -> content -> site): {seconds:6.2f} s  {args.papers / seconds:7.0f} papers/s  "
            f"peak {peak:4.0f} MB"
        )
        pages = sum(1 for _ in (folder / "site").rglob("*.html"))
        print(f"  pages written: {pages}")
        seconds, peak = timed([*digest, "-C", str(folder), "build"])
        print(f"no-change rebuild:                       {seconds:6.2f} s  peak {peak:4.0f} MB")
        next_day(folder, files)
        seconds, peak = timed([*digest, "-C", str(folder), "build"])
        print(f"rebuild after one new day (70 papers):   {seconds:6.2f} s  peak {peak:4.0f} MB")
        for cache in (folder / ".digest-cache").glob("*"):
            cache.unlink()
        seconds, peak = timed([*digest, "-C", str(folder), "build"])
        print(
            f"render-only build, no cache (content/ -> site): {seconds:6.2f} s  "
            f"{args.papers / seconds:7.0f} papers/s  peak {peak:4.0f} MB"
        )
        if args.keep:
            keep = Path(tempfile.mkdtemp(prefix="digest-bench-kept-"))
            folder.rename(keep)
            folder.mkdir()
            print(f"kept in {keep}")


if __name__ == "__main__":
    main()
