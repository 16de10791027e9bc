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


def atom_digest(count: int) -> str:
    text = (FIXTURES / "arxiv/cs.CL.xml").read_text(encoding="utf-8")
    head, _, rest = text.partition("<entry>")
    entry, _, _ = rest.partition("</entry>")
    entries = (
        "<entry>" + entry.replace("2501.16937", f"2505.{n:05d}").replace("TAID:", f"TAID {n}:") + "</entry>"
        for n in range(count)
    )
    return head + "".join(entries) + "</feed>\n"


def rss_digest(count: int) -> str:
    text = (FIXTURES / "rss/cs.CL.xml").read_text(encoding="utf-8")
    head, _, rest = text.partition("<item>")
    item, _, _ = rest.partition("</item>")
    items = (
        "<item>" + item.replace("2505.23333", f"2505.{n:05d}").replace("Only", f"Only {n}") + "</item>"
        for n in range(count)
    )
    return head + "".join(items) + "</channel></rss>\n"


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
