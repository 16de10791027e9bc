"""The content/ folder: paper and digest-day Markdown files read into the model (and the model as it will be
once sync's writes are made, before they are).

``content/papers/<slug>.md`` holds one paper, ``content/digests/<YYYY-MM-DD>.md`` one digest day.
Parsing is cached by file size and modification time so that a rebuild reads only what changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import InputError
from generator.model import Digest, Paper
from generator.slugs import is_valid_slug
from generator.yamltext import Document, decode_utf8, parse_document

PAPERS = "papers"
DIGESTS = "digests"
PAPER_KEYS = ("title", "slug", "date", "authors", "arxiv", "links", "tags", "source")
DIGEST_KEYS = ("date", "title", "papers")
_CACHE_VERSION = 1


@dataclass(frozen=True)
class Content:
    """What content/ holds: papers by slug and digest days by date."""

    papers: dict[str, Paper]
    digests: dict[dt.date, Digest]


def _markdown_files(folder: Path) -> list[tuple[str, os.stat_result]]:
    """The folder's .md files (not folders named so) with their stat, by name; one scan, one stat each.

    Paths as strings: a rebuild looks at every content file, and making a Path costs more than its stat."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    found = [(e.name, e.path, e.stat()) for e in entries if e.name.endswith(".md") and e.is_file()]
    return [(path, stat) for _, path, stat in sorted(found)]


def fingerprint(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()[:20]


class ParseCache:
    """Parsed content files keyed by path, valid while the file's size and modification time are unchanged."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, tuple[int, int, Paper | Digest]] = {}
        self._saved: dict[str, tuple[int, int, Paper | Digest]] = {}
        try:
            version, entries = pickle.loads(path.read_bytes()) if path else (None, {})
        except (OSError, pickle.UnpicklingError, ValueError, EOFError, AttributeError, ImportError):
            return
        if version == _CACHE_VERSION:
            self.entries = entries
        self._saved = dict(self.entries)

    def get(self, path: str, stat: os.stat_result) -> Paper | Digest | None:
        hit = self.entries.get(path)
        if hit is None:
            return None
        return hit[2] if hit[:2] == (stat.st_mtime_ns, stat.st_size) else None

    def put(self, item: Paper | Digest) -> None:
        stat = item.path.stat()
        self.entries[str(item.path)] = (stat.st_mtime_ns, stat.st_size, item)

    def save(self, keep: set[str]) -> None:
        """Write the cache, forgetting files not in ``keep`` (deleted ones)."""
        self.entries = {k: v for k, v in self.entries.items() if k in keep}
        if self.path is None or self.entries == self._saved:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_bytes(pickle.dumps((_CACHE_VERSION, self.entries), protocol=pickle.HIGHEST_PROTOCOL))
        self._saved = dict(self.entries)


def load_content(content_dir: Path, cache: ParseCache | None = None) -> Content:
    """Read every content file, reusing parses from ``cache`` for files that did not change."""
    cache = cache or ParseCache(None)
    papers: dict[str, Paper] = {}
    digests: dict[dt.date, Digest] = {}
    seen: set[str] = set()
    for kind, parse in ((PAPERS, parse_paper), (DIGESTS, parse_digest)):
        for path, stat in _markdown_files(content_dir / kind):
            item = cache.get(path, stat)
            if item is None:
                item = parse(Path(path), Path(path).read_bytes())
                cache.put(item)
            seen.add(path)
            if isinstance(item, Paper):  # unique: each is named by its file (see _named_by)
                papers[item.slug] = item
            else:
                digests[item.date] = item
    _check_references(papers, digests)
    cache.save(seen)
    return Content(dict(sorted(papers.items())), dict(sorted(digests.items())))


def _check_references(papers: dict[str, Paper], digests: dict[dt.date, Digest]) -> None:
    for digest in digests.values():
        for slug in digest.slugs:
            if slug not in papers:
                raise InputError(digest.path, f"lists paper {slug!r}, but content/papers/{slug}.md does not exist")


_REQUIRED: Any = object()


def _field(doc: Document, path: Path, key: str, check: Callable[[Any], Any], default: Any = _REQUIRED) -> Any:
    value = doc.meta.values.get(key)
    if value is None:
        if default is _REQUIRED:
            raise InputError(path, f"front matter needs {key!r}", 1)
        return default
    try:
        return check(value)
    except (TypeError, ValueError) as error:
        raise InputError(path, f"{key}: {error}", doc.meta.lines.get(key)) from None


def _str(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"expected text, got {value!r}" + (" (quote it)" if isinstance(value, float) else ""))
    return value.strip()


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip())
    raise TypeError(f"expected a date like 2025-05-29, got {value!r}")


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {value!r}")
    return tuple(_str(item) for item in value)


def _links(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise TypeError(f"expected a mapping of name to URL, got {value!r}")
    links = {_str(k): _str(v) for k, v in value.items()}
    for url in links.values():
        if not url.startswith(("https://", "http://")):
            raise ValueError(f"{url!r} is not an http(s) URL")
    return links


def _slug(value: Any) -> str:
    slug = _str(value)
    if not is_valid_slug(slug):
        raise ValueError(f"{slug!r} is not a valid slug (lowercase ASCII letters, digits and single hyphens)")
    return slug


def _named_by(doc: Document, path: Path, key: str, value: object, name: object) -> None:
    """The file's name is its identity (links, day lists and later builds find it by name): the front matter
    must agree with it, or a hand edit of one without the other would split a paper or a day in two."""
    if value != name:
        hint = f"rename the file to {value}.md as well, or set {key}: {name}"
        raise InputError(path, f"{key} {value} does not match the file name: {hint}", doc.meta.lines.get(key))


def parse_paper(path: Path, data: bytes) -> Paper:
    """A paper file into a Paper; unknown front matter keys are kept in ``extra``."""
    return paper_from(path, parse_document(path, decode_utf8(path, data)), fingerprint(data))


def paper_from(path: Path, doc: Document, file_hash: str) -> Paper:
    """The Paper a parsed paper file holds; ``file_hash`` is the :func:`fingerprint` of the file's bytes."""
    if not is_valid_slug(path.stem):
        raise InputError(path, "a paper file's name must be its slug: lowercase ASCII letters, digits, hyphens")
    slug = _field(doc, path, "slug", _slug, path.stem)
    _named_by(doc, path, "slug", slug, path.stem)
    return Paper(
        slug=slug,
        title=_field(doc, path, "title", _str),
        date=_field(doc, path, "date", _date),
        abstract=doc.body,
        authors=_field(doc, path, "authors", _strings, ()),
        arxiv=_field(doc, path, "arxiv", _str, None),
        links=_field(doc, path, "links", _links, {}),
        tags=_field(doc, path, "tags", _strings, ()),
        source=_field(doc, path, "source", _str, "text"),
        extra={k: v for k, v in doc.meta.values.items() if k not in PAPER_KEYS},
        path=path,
        fingerprint=file_hash,
    )


def parse_digest(path: Path, data: bytes) -> Digest:
    """A digest-day file into a Digest; its papers are slugs of paper files."""
    doc = parse_document(path, decode_utf8(path, data))
    if not _is_iso(path.stem):
        raise InputError(path, "a digest day file's name must be its date: YYYY-MM-DD.md")
    date = _field(doc, path, "date", _date, _date(path.stem))
    _named_by(doc, path, "date", date, _date(path.stem))
    return Digest(
        date=date,
        slugs=_field(doc, path, "papers", _strings, ()),
        intro=doc.body,
        title=_field(doc, path, "title", _str, ""),
        path=path,
        fingerprint=fingerprint(data),
    )


def _is_iso(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def with_writes(content: Content, writes: dict[Path, str], known: Mapping[Path, Paper] | None = None) -> Content:
    """``content`` as it will be once ``writes`` are made: the written files parsed again (or taken from
    ``known``, papers already built from the very text written), references checked."""
    papers = dict(content.papers)
    digests = dict(content.digests)
    for path, text in writes.items():
        if known and path in known:
            papers[known[path].slug] = known[path]
        elif path.parent.name == PAPERS:
            paper = parse_paper(path, text.encode("utf-8"))
            papers[paper.slug] = paper
        else:
            digest = parse_digest(path, text.encode("utf-8"))
            digests[digest.date] = digest
    _check_references(papers, digests)
    return Content(dict(sorted(papers.items())), dict(sorted(digests.items())))
