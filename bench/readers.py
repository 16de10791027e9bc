"""Time the digest readers on large synthetic digests built from the test fixtures; prints one line per format.

Run: .venv/bin/python bench/readers.py [PAPERS]   (default 2000 papers per digest)
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.digests import read_digest  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def hf_digest(count: int) -> str:
    items = json.loads((FIXTURES / "hf/2025-05-29.json").read_text(encoding="utf-8"))
    out = []
    for n in range(count):
        item = copy.deepcopy(items[n % len(items)])
        item["paper"]["id"] = f"2505.{n:05d}"
        item["paper"]["title"] = f"{item['paper']['title']} {n}"
        out.append(item)
    return json.dumps(out)


def _repeated(fixture: str, tag: str, tail: str, count: int, changes: tuple[tuple[str, str], ...]) -> str:
    """The fixture feed with its first ``tag`` element repeated ``count`` times, each made a new paper by
    ``changes`` (old text, new text with ``{n}``)."""
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    head, _, rest = text.partition(f"<{tag}>")
    element, _, _ = rest.partition(f"</{tag}>")

    def numbered(n: int) -> str:
        out = element
        for old, new in changes:
            out = out.replace(old, new.format(n=n))
        return f"<{tag}>{out}</{tag}>"

    return head + "".join(numbered(n) for n in range(count)) + tail


def atom_digest(count: int) -> str:
    return _repeated(
        "arxiv/cs.CL.xml", "entry", "</feed>\n", count, (("2501.16937", "2505.{n:05d}"), ("TAID:", "TAID {n}:"))
    )


def rss_digest(count: int) -> str:
    changes = (("2505.23333", "2505.{n:05d}"), ("Only", "Only {n}"))
    return _repeated("rss/cs.CL.xml", "item", "</channel></rss>\n", count, changes)


def list_digest(count: int) -> str:
    lines = ["date: 2025-05-30", "papers:"]
    for n in range(count):
        lines += [f"  - title: Paper number {n}", f"    arxiv: '2505.{n:05d}'", "    abstract: Short.", "    tags: [x]"]
    return "\n".join(lines) + "\n"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    makers = {"hf.json": hf_digest, "atom.xml": atom_digest, "rss.xml": rss_digest, "list.yaml": list_digest}
    with tempfile.TemporaryDirectory() as folder:
        for name, make in makers.items():
            path = Path(folder) / f"2025-05-29-{name}"
            path.write_text(make(count), encoding="utf-8")
            started = time.perf_counter()
            digest = read_digest(path, dt.date(2025, 6, 1))
            seconds = time.perf_counter() - started
            size = path.stat().st_size / 1e6
            print(f"{name:10} {len(digest.entries):6d} papers  {size:6.2f} MB  {seconds * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
