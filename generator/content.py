"""The content/ folder: paper and digest-day Markdown files read into the model (and the model as it will be
once sync's writes are made, before they are).

``content/papers/<slug>.md`` holds one paper, ``content/digests/<YYYY-MM-DD>.md`` one digest day.
Parsing is cached, so that a rebuild reads only what changed: a file whose size and modification time are
those cached is not read; one whose time changed (a fresh checkout, a copy) is read and hashed, and parsed
only if its bytes changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from generator import forked
from generator.errors import InputError
from generator.model import Digest, Paper
from generator.output import load_cache, save_cache
from generator.slugs import is_valid_slug
from generator.yamltext import Document, decode_utf8, parse_document

PAPERS = "papers"
DIGESTS = "digests"
PAPER_KEYS = ("title", "slug", "date", "authors", "arxiv", "links", "tags", "source")
DIGEST_KEYS = ("date", "title", "papers")
# How many files there must be to parse to share the parsing between processes: without a cache (a first build
# from content/), 10,000 took 2 s to parse in one.
PARALLEL_FROM = 1000
_CACHE_VERSION = "content 3"  # 2: Paper.path and Digest.path are strings; 3: keyed by content_name


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
    """Parsed content files keyed by their name under content/ (see :func:`content_name`), valid while the file's
    bytes are unchanged (its size and modification time say so without reading it, its hash when they do not).

    Kept in ``folder`` as one pickle per month (of each paper's or day's date), so that a new day rewrites the
    current month's part, not a cache of the whole archive.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.entries: dict[str, tuple[int, int, Paper | Digest]] = {}
        self._part_of: dict[str, str] = {}
        self._changed: set[str] = set()
        for part in sorted(folder.glob("*.pickle")) if folder and folder.is_dir() else ():
            entries = load_cache(part, _CACHE_VERSION)
            if isinstance(entries, dict):
                self.entries.update(entries)
                self._part_of.update(dict.fromkeys(entries, part.stem))
            else:
                self._changed.add(part.stem)  # unreadable or out of date: written again, or removed, on save

    def get(self, path: str, stat: os.stat_result) -> Paper | Digest | None:
        key = content_name(path)
        hit = self.entries.get(key)
        if hit is None or hit[:2] != (stat.st_mtime_ns, stat.st_size):
            return None
        return self._found_at(key, path, hit)

    def same_bytes(self, path: str) -> Paper | Digest | None:
        """The cached parse of ``path`` if it was made from the file's bytes as they are (the file is read only if
        there is one): CI checks a repository out afresh every day, which gives every file a new modification time,
        and parsing 10,000 files costs 2 s in one process, reading and hashing them 0.3 s."""
        key = content_name(path)
        hit = self.entries.get(key)
        if hit is None or hit[2].fingerprint != fingerprint(Path(path).read_bytes()):
            return None
        return self._found_at(key, path, hit)

    def _found_at(self, key: str, path: str, hit: tuple[int, int, Paper | Digest]) -> Paper | Digest:
        """The cached parse, with the path the file was found at now: a build run inside the site folder and one
        given ``-C`` name the same files differently."""
        if hit[2].path == path:
            return hit[2]
        item = replace(hit[2], path=path)
        self.entries[key] = (hit[0], hit[1], item)
        return item

    def put(self, item: Paper | Digest, stat: os.stat_result) -> None:
        """Keep ``item``, parsed from the file as ``stat`` (taken before it was read) found it."""
        key, part = content_name(item.path), f"{item.date:%Y-%m}"
        self.entries[key] = (stat.st_mtime_ns, stat.st_size, item)
        self._changed.update((part, self._part_of.get(key, part)))
        self._part_of[key] = part

    def save(self, keep: set[str]) -> None:
        """Write the parts that changed, forgetting files not in ``keep`` (deleted ones)."""
        keep = {content_name(path) for path in keep}
        for key in [k for k in self.entries if k not in keep]:
            del self.entries[key]
            self._changed.add(self._part_of.pop(key))
        if self.folder is None or not self._changed:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        parts: dict[str, dict[str, tuple[int, int, Paper | Digest]]] = {name: {} for name in self._changed}
        for key, part in self._part_of.items():
            if part in parts:
                parts[part][key] = self.entries[key]
        for name, entries in parts.items():
            path = self.folder / f"{name}.pickle"
            if entries:
                save_cache(path, entries, _CACHE_VERSION)
            else:
                path.unlink(missing_ok=True)
        self._changed.clear()


def content_name(path: str) -> str:
    """A content file's name under content/ (``papers/<slug>.md``, ``digests/<date>.md``), whichever folder the
    build runs in."""
    return "/".join(path.rsplit("/", 2)[-2:])


def load_content(content_dir: Path, cache: ParseCache | None = None) -> Content:
    """Read every content file, reusing parses from ``cache`` for files that did not change; files to parse are
    shared between worker processes when there are many."""
    cache = cache or ParseCache(None)
    papers: dict[str, Paper] = {}
    digests: dict[dt.date, Digest] = {}
    seen: set[str] = set()
    for kind, parse in ((PAPERS, parse_paper), (DIGESTS, parse_digest)):
        for path, item in _items(cache, _markdown_files(content_dir / kind), parse):
            seen.add(path)
            if isinstance(item, Paper):  # unique: each is named by its file (see _named_by)
                papers[item.slug] = item
            else:
                digests[item.date] = item
    _check_references(papers, digests)
    cache.save(seen)
    return Content(dict(sorted(papers.items())), dict(sorted(digests.items())))


Parse = Callable[[Path, bytes], Paper | Digest]
File = tuple[str, os.stat_result]  # a content file's path and stat


def _items(cache: ParseCache, files: Sequence[File], parse: Parse) -> list[tuple[str, Paper | Digest]]:
    """Each file's path and parse: cached; or cached and found by its bytes (a fresh checkout's new file times),
    here, as sending cached parses back from workers would cost more than reading the files; or parsed."""
    hits = [cache.get(path, stat) for path, stat in files]
    found = [hit if hit is not None else cache.same_bytes(path) for (path, _), hit in zip(files, hits, strict=True)]
    unparsed = [file for file, item in zip(files, found, strict=True) if item is None]
    parsed = iter(forked.mapped(partial(_parsed, parse), unparsed, PARALLEL_FROM))
    items = []
    for (path, stat), hit, item in zip(files, hits, found, strict=True):
        if item is None:
            item = next(parsed)
        if hit is None:
            cache.put(item, stat)  # if the file changed since, the next build finds out
        items.append((path, item))
    return items


def _parsed(parse: Parse, files: Sequence[File]) -> list[Paper | Digest]:
    return [parse(Path(path), Path(path).read_bytes()) for path, _ in files]


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
        path=str(path),
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
        path=str(path),
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
    if not writes:
        return content  # checked by load_content already
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
