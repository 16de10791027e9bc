"""Turn digest entries into content files: create new papers, link papers met again, never clobber edits.

Pure apart from reading the files it merges into: it returns the writes to make, and the caller makes them
only once the whole build has succeeded.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator import forked
from generator.content import DIGESTS, PAPERS, Content, fingerprint, paper_from
from generator.digests import entry_key
from generator.digests.fields import arxiv_id
from generator.markdown import escape_text
from generator.model import DigestFile, Entry, Paper
from generator.slugs import make_slug, title_key
from generator.yamltext import Document, YamlMapping, dump_document, parse_document, patch_document

# From this many new papers on, their files are made by several processes: below it, starting them costs more.
PARALLEL_FROM = 1000


@dataclass
class _Index:
    """Who is who while syncing: paper keys to slugs, and the file texts written so far."""

    slug_of: dict[str, str]
    taken: set[str]
    texts: dict[Path, str] = field(default_factory=dict)
    new: dict[Path, tuple[str, Paper]] = field(default_factory=dict)  # new files, with the text they were made of
    pending: dict[Path, tuple[Entry, dt.date]] = field(default_factory=dict)  # new files, not made yet

    def text(self, path: Path) -> str:
        if path not in self.texts:
            self.texts[path] = path.read_text(encoding="utf-8")
        return self.texts[path]


@dataclass(frozen=True)
class SyncResult:
    """Files to write (path to full text), the new papers among them, and what the user should hear about."""

    writes: dict[Path, str]
    warnings: tuple[str, ...]
    papers: dict[Path, Paper] = field(default_factory=dict)


def sync(
    content_dir: Path,
    content: Content,
    digests: Iterable[DigestFile],
    tag_rules: Mapping[str, tuple[str, ...]],
    source_tags: Mapping[str, tuple[str, ...]] | None = None,
) -> SyncResult:
    """The content writes that bring ``content`` up to date with ``digests`` (oldest day first).

    ``source_tags`` maps a tag to the keywords or categories (from richer sources) that give it.
    """
    digests = list(digests)
    if not digests:  # the usual rebuild: nothing to index papers for
        return SyncResult({}, ())
    index = _Index(slug_of=_keys(content.papers.values()), taken=set(content.papers))
    rules = TagRules(tag_rules)
    originals: dict[Path, str] = {}
    warnings: list[str] = []
    for digest in sorted(digests, key=lambda d: (d.date, str(d.path))):
        warnings.extend(f"{digest.path}: {w}" for w in digest.warnings)
        entries = [with_source_tags(entry, source_tags or {}) for entry in digest.entries]
        slugs = [_sync_entry(content_dir, index, originals, entry, digest.date, rules) for entry in entries]
        if slugs:  # a feed's empty day (a weekend) makes no day page
            _sync_day(content_dir, index, originals, digest.date, list(dict.fromkeys(slugs)))
    _make_new_papers(index, rules)
    writes = {path: text for path, text in index.texts.items() if originals.get(path) != text}
    papers = {path: paper for path, (text, paper) in index.new.items() if writes.get(path) is text}
    return SyncResult(writes, tuple(warnings), papers)


def _keys(papers: Iterable[Paper]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for paper in papers:
        keys.setdefault(f"title:{title_key(paper.title)}", paper.slug)
        known = arxiv_id(paper.arxiv) if paper.arxiv else None
        if known:  # a hand-written id may carry a version: 2501.16937v2 is 2501.16937
            keys[f"arxiv:{known}"] = paper.slug
    return keys


def _remember(index: _Index, originals: dict[Path, str], path: Path) -> str:
    if path not in index.texts and path.exists():
        originals[path] = index.text(path)
    return index.texts.get(path, "")


def _sync_entry(
    content_dir: Path,
    index: _Index,
    originals: dict[Path, str],
    entry: Entry,
    date: dt.date,
    tag_rules: TagRules,
) -> str:
    key, by_title = entry_key(entry), f"title:{title_key(entry.title)}"
    slug = index.slug_of.get(key) or index.slug_of.get(by_title)
    if slug is None:
        slug = make_slug(entry.title, index.taken)
        index.taken.add(slug)
        path = content_dir / PAPERS / f"{slug}.md"
        index.texts[path], index.pending[path] = "", (entry, date)  # made later, with the others (see below)
    else:
        path = content_dir / PAPERS / f"{slug}.md"
        if path in index.pending:  # met again in this very build: made now, to merge into
            _make_new_papers(index, tag_rules, [path])
        text = _remember(index, originals, path)
        index.texts[path] = merge_paper_text(path, text, entry, date)
    index.slug_of.setdefault(key, slug)
    index.slug_of.setdefault(by_title, slug)
    return slug


def _make_new_papers(index: _Index, tag_rules: TagRules, paths: Iterable[Path] | None = None) -> None:
    """Make the files of the new papers pending (or of ``paths`` among them): by several processes when there are
    many (a first build: 10,000 papers take 2 s of one core), as each depends on its own entry only."""
    made = [(path, *index.pending.pop(path)) for path in (list(index.pending) if paths is None else paths)]
    papers = forked.mapped(functools.partial(_new_papers, tag_rules), made, PARALLEL_FROM)
    for (path, _, _), (text, paper) in zip(made, papers, strict=True):
        index.texts[path], index.new[path] = text, (text, paper)


def _new_papers(tag_rules: TagRules, made: Sequence[tuple[Path, Entry, dt.date]]) -> list[tuple[str, Paper]]:
    return [new_paper(path, entry, date, tag_rules) for path, entry, date in made]


def new_paper(path: Path, entry: Entry, date: dt.date, tag_rules: TagRules) -> tuple[str, Paper]:
    """The content file of a paper seen for the first time, and the Paper it holds (without parsing it)."""
    meta: dict[str, Any] = {
        "title": entry.title,
        "slug": path.stem,
        "date": date,
        "authors": list(entry.authors),
        "arxiv": entry.arxiv,
    }
    if entry.links:
        meta["links"] = dict(entry.links)
    meta["tags"] = sorted(set(entry.tags) | tag_rules.match(entry))
    meta["source"] = entry.source
    meta.update(entry.extra)
    body = escape_text(entry.abstract).strip("\n")
    text = dump_document(meta, body)
    return text, paper_from(path, Document(YamlMapping(meta, {}), body, 0), fingerprint(text.encode("utf-8")))


def with_source_tags(entry: Entry, source_tags: Mapping[str, tuple[str, ...]]) -> Entry:
    """``entry`` with the tags its keywords or categories are mapped to (any case) added."""
    labels = {
        str(label).casefold()
        for key in ("keywords", "categories")
        if isinstance(entry.extra.get(key), list)
        for label in entry.extra[key]
    }
    added = sorted(tag for tag, names in source_tags.items() if labels & {n.casefold() for n in names})
    new = tuple(tag for tag in added if tag not in entry.tags)
    return replace(entry, tags=entry.tags + new) if new else entry


class TagRules:
    """``tag_rules`` from site.yaml: a tag is given when one of its words or phrases occurs in a title or abstract
    as whole words, in any case.

    Each phrase is a plain substring search in the case-folded text, its ends checked for word boundaries by
    hand: a regex, let alone one alternation of every phrase, would make the engine try each position of the text.
    """

    def __init__(self, rules: Mapping[str, tuple[str, ...]]) -> None:
        self.tags_of: dict[str, set[str]] = {}
        for tag, phrases in rules.items():
            for phrase in phrases:
                self.tags_of.setdefault(phrase.casefold(), set()).add(tag)

    def match(self, entry: Entry) -> set[str]:
        """Tags whose words or phrases occur (whole words, any case) in the entry's title or abstract."""
        text = f"{entry.title}\n{entry.abstract}".casefold()
        # Most phrases are not in a given text at all: ``in`` says so without a call for each.
        return {tag for phrase, tags in self.tags_of.items() if phrase in text and _found(phrase, text) for tag in tags}


def _found(phrase: str, text: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` with no word character right before or after it."""
    start = text.find(phrase)
    while start != -1:
        end = start + len(phrase)
        if not (start and _is_word(text[start - 1])) and not (end < len(text) and _is_word(text[end])):
            return True
        start = text.find(phrase, start + 1)
    return False


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"  # what the regex \w is


def merge_paper_text(path: Path, text: str, entry: Entry, date: dt.date) -> str:
    """Fill what the file lacks from ``entry``; whatever the file already says wins."""
    doc = parse_document(path, text)
    meta = doc.meta.values
    updates: dict[str, Any] = {}
    for key, value in (("authors", list(entry.authors)), ("arxiv", entry.arxiv), ("tags", sorted(entry.tags))):
        if value and not meta.get(key):
            updates[key] = value
    links = {**entry.links, **(meta.get("links") or {})}
    if links != (meta.get("links") or {}):
        updates["links"] = links
    for key, value in entry.extra.items():
        if key not in meta:
            updates[key] = value
    known = meta.get("date")
    if isinstance(known, dt.date) and date < known:
        updates["date"] = date
    body = escape_text(entry.abstract) if not doc.body.strip() and entry.abstract else None
    if not updates and body is None:
        return text
    return patch_document(text, doc, updates, body)


def _sync_day(content_dir: Path, index: _Index, originals: dict[Path, str], date: dt.date, slugs: list[str]) -> None:
    path = content_dir / DIGESTS / f"{date.isoformat()}.md"
    text = _remember(index, originals, path)
    if not text:
        index.texts[path] = dump_document({"date": date, "papers": slugs}, "")
        return
    doc = parse_document(path, text)
    listed = list(doc.meta.values.get("papers") or [])
    added = [slug for slug in slugs if slug not in listed]
    if added:
        index.texts[path] = patch_document(text, doc, {"papers": listed + added})
