"""Benchmark full and incremental builds on a synthetic archive; prints papers/second and peak memory.

    python bench/build_bench.py [--papers 10000] [--stages] [--days 5] [--scratch DIR]

Each build runs the real CLI in a fresh process so peak memory (max RSS) is the build's own. The first builds
leave search out (``search: false``), as the speed targets do; then search is turned on (every page changes, as
the search box appears) and the builds a reader of the site would wait for are timed with it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import next_day, write_corpus

REPO = Path(__file__).resolve().parents[1]


def timed(command: list[str], log: Path) -> tuple[float, float, dict[str, float]]:
    """Seconds, peak memory (MB) and the build's own stage timings (from -v) of one command in a child."""
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: becomes the command, so its max RSS is its own (and its workers' are theirs)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        os.dup2(os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
        # Bytecode caching on, as for an installed tool: some sandboxes set PYTHONDONTWRITEBYTECODE, and compiling
        # the generator's modules again on every run would be counted as build time.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        os.execvpe(command[0], command, {**env, "PYTHONPATH": str(REPO)})
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {status}: {log.read_text()}")
    stages = {}
    for line in log.read_text().splitlines():
        name, _, value = line.strip().rpartition(" ")
        if value == "s" and name:
            label, _, number = name.rpartition(" ")
            stages[label.strip()] = float(number)
    return seconds, usage.ru_maxrss / 1024, stages


def processor_speed() -> float:
    """Seconds for a fixed pure-Python loop: on a shared machine the same loop takes 2.4 s one minute and 3.6 s
    the next, so each run prints it beside its figures."""
    started = time.perf_counter()
    total = 0
    for number in range(20_000_000):
        total += number
    return time.perf_counter() - started


def disk_speed(folder: Path) -> float:
    """Seconds to make 2,000 folders with a small file each, as a build makes its pages: the disk's speed moves
    even more than the processor's here."""
    started = time.perf_counter()
    for number in range(2_000):
        page = folder / f"p{number}"
        page.mkdir(parents=True)
        (page / "index.html").write_bytes(b"x" * 8_000)
    seconds = time.perf_counter() - started
    shutil.rmtree(folder)
    return seconds


def machine_speed(scratch: Path) -> str:
    return f"a fixed Python loop takes {processor_speed():.2f} s, 2,000 page folders {disk_speed(scratch):.2f} s"


def add_scratch_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scratch",
        type=Path,
        default=None,
        help="folder to build in (default: the system's temporary folder); /dev/shm measures the generator "
        "without the disk, whose speed can vary tenfold on a shared machine",
    )


def _at_least_one(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError("at least one day is timed")
    return number


def filesystem(folder: Path) -> str:
    """The type of the filesystem ``folder`` is on, as /proc/mounts names it (the longest mount point that holds it)."""
    try:
        mounts = [line.split()[1:3] for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "unknown filesystem"
    path = str(folder.resolve())
    held = [(point, kind) for point, kind in mounts if path == point or path.startswith(point.rstrip("/") + "/")]
    return max(held, key=lambda mount: len(mount[0]))[1] if held else "unknown filesystem"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--stages", action="store_true", help="print each stage's seconds too")
    parser.add_argument("--days", type=_at_least_one, default=5, help="new days to time, one after the other")
    add_scratch_option(parser)
    args = parser.parse_args()
    digest = [sys.executable, "-m", "generator", "-v"]
    with tempfile.TemporaryDirectory(prefix="digest-bench-", dir=args.scratch) as tmp:
        folder = Path(tmp) / "site-folder"
        log = Path(tmp) / "build.log"
        files = write_corpus(folder, args.papers)
        build = [*digest, "-C", str(folder), "build"]
        print(
            f"# {args.papers} papers over {len(files)} days; {dt.date.today()}, {platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, built on {filesystem(Path(tmp))}"
        )

        def report(label: str, papers: int | None = None) -> float:
            seconds, peak, stages = timed(build, log)
            rate = f"  {papers / seconds:6.0f} papers/s" if papers else ""
            print(f"{label:<46} {seconds:6.2f} s{rate}, peak {peak:4.0f} MB")
            if args.stages:
                print("    " + ", ".join(f"{k} {v:.2f}" for k, v in stages.items()))
            return seconds

        def papers() -> int:
            return sum(1 for _ in (folder / "content" / "papers").glob("*.md"))

        def new_days() -> None:
            """One new day after another: on a shared machine one run says little, their median more."""
            seconds = []
            for number in range(1, args.days + 1):
                next_day(folder, files)
                seconds.append(report(f"  rebuild after a new day (70), {number} of {args.days}"))
            spread = f"{min(seconds):.2f}-{max(seconds):.2f} s"
            print(f"  one new day: median {statistics.median(seconds):.2f} s of {len(seconds)} ({spread})")

        config = folder / "site.yaml"
        settings = config.read_text(encoding="utf-8")
        print(f"  machine speed now: {machine_speed(Path(tmp) / 'disk')}")
        config.write_text(settings + "search: false\n", encoding="utf-8")
        print("search excluded (search: false):")
        report("  full build (digests -> site)", args.papers)
        print(f"  pages: {sum(1 for _ in (folder / 'site').rglob('*.html'))}")
        report("  no-change rebuild")
        new_days()
        config.write_text(settings, encoding="utf-8")
        print("with search:")
        report("  rebuild turning search on (every page)", papers())
        new_days()
        shutil.rmtree(folder / ".digest-cache")
        report("  render only, no cache (content -> site)", papers())
        count = papers()
        for made in ("content", "site", ".digest-cache"):
            shutil.rmtree(folder / made)
        report("  full build with search (digests -> site)", count)
        print(f"  machine speed now: {machine_speed(Path(tmp) / 'disk')}")


if __name__ == "__main__":
    main()
