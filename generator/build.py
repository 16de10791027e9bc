"""The build, stage by stage: read new digests, sync content/, load the model, plan, render, write.

Nothing is written into content/ or site/ until every stage has succeeded, so bad input leaves them as they were.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import hashlib
import os
import shutil
import time
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import bibtex, forked, related_request
from generator.config import SiteConfig
from generator.content import Content, ParseCache, content_name, fingerprint, load_content, with_writes
from generator.digests import read_digest
from generator.gcpause import gc_paused
from generator.imports import RECORD_NAME, Imported, digest_files, file_hash, read_record, record_text
from generator.incremental import Made, Outputs, Previous, made, missing_files
from generator.model import Digest, DigestFile, Paper, Site
from generator.output import (
    Source,
    load_cache,
    save_cache,
    write_site,
    write_text_atomically,
    write_texts_atomically,
)
from generator.pages import build_site, plan_site
from generator.related_request import Request
from generator.render import Progress, RenderCaches
from generator.sync import sync
from generator.theme import Renderer, Theme, find_theme, static_files, theme_fingerprint

RELATED_NAME = "related.pickle"
BACKGROUND = 10  # the niceness of children this process does not wait for yet
FEW_TEXTS = 300  # new abstracts the search child renders itself, rather than wait for this process to render them
MANIFEST_NAME = "site-manifest.pickle"  # a pickle: JSON of 10,000 fingerprints took 0.07 s a build
# What earlier versions kept: removed, not left behind.
RETIRED_CACHES = ("content.pickle", "site-manifest.json", "abstract-text.pickle", "bibtex.pickle")


@dataclass(frozen=True)
class SiteFolder:
    """The folders of a site, by convention under one root."""

    root: Path

    @property
    def digests(self) -> Path:
        return self.root / "digests"

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def output(self) -> Path:
        return self.root / "site"

    @property
    def cache(self) -> Path:
        return self.root / ".digest-cache"


@dataclass
class BuildReport:
    """What a build did, for the command line to tell."""

    digests_read: int = 0
    content_written: int = 0
    papers: int = 0
    days: int = 0
    pages: int = 0
    rendered: int = 0
    up_to_date: bool = False
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


class _Clock:
    def __init__(self, report: BuildReport) -> None:
        self.report, self.last = report, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.report.timings[stage] = now - self.last
        self.last = now


def today_in(config: SiteConfig) -> dt.date:
    return dt.datetime.now(zoneinfo.ZoneInfo(config.timezone)).date()


def build(folder: SiteFolder, config: SiteConfig, progress: Progress | None = None) -> BuildReport:
    """Convert new or changed digests, then render the whole site into site/."""
    with _locked(folder), gc_paused():
        record = read_record(folder.content / RECORD_NAME)
        changed = [p for p in digest_files(folder.digests) if _recorded(folder, record, p).sha256 != file_hash(p)]
        dates = {p: _recorded(folder, record, p).date for p in changed}
        return _run(folder, config, dates, record, render=True, progress=progress)


def import_digests(
    folder: SiteFolder, config: SiteConfig, paths: Iterable[Path], date: dt.date | None = None, fmt: str | None = None
) -> BuildReport:
    """Convert the named digest files into content/ (the site is not rendered); ``fmt`` skips detection.

    Without ``date``, a file imported before with ``--date`` keeps that date."""
    with _locked(folder), gc_paused():
        record = read_record(folder.content / RECORD_NAME)
        dates = {p: date or _recorded(folder, record, p).date for p in paths}
        return _run(folder, config, dates, record, render=False, progress=None, fmt=fmt)


@contextlib.contextmanager
def _locked(folder: SiteFolder) -> Iterator[None]:
    """One build of a folder at a time: a preview server and a manual build would write over each other."""
    folder.cache.mkdir(parents=True, exist_ok=True)
    with (folder.cache / "build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        # What a build stopped in the middle of a write left (see output.write_bytes_atomically): none is in use now.
        for leftover in [*folder.cache.glob(".*.tmp"), *folder.cache.glob("*/.*.tmp")]:
            leftover.unlink(missing_ok=True)
        yield


def _name(folder: SiteFolder, path: Path) -> str | None:
    """The file's name in the import record: its path under digests/, or None for a file elsewhere."""
    if path.parent == folder.digests:  # most files, as digest_files lists them: resolving stats every folder
        return path.name
    try:
        return path.resolve().relative_to(folder.digests.resolve()).as_posix()
    except ValueError:
        return None


def _recorded(folder: SiteFolder, record: dict[str, Imported], path: Path) -> Imported:
    """What the record says of ``path``; an empty entry when it was never converted (or lies elsewhere)."""
    return record.get(_name(folder, path) or "", Imported(""))


def _run(
    folder: SiteFolder,
    config: SiteConfig,
    dates: dict[Path, dt.date | None],
    record: dict[str, Imported],
    render: bool,
    progress: Progress | None,
    fmt: str | None = None,
) -> BuildReport:
    report = BuildReport()
    clock = _Clock(report)
    theme = find_theme(folder.root, config.theme)
    cache = ParseCache(folder.cache / "content")
    previous = _previous_build(folder) if render else {}
    # Caches are written by child processes while this one writes content/ and site/ (see forked.in_child).
    with contextlib.ExitStack() as background:
        # Before the digests are read: the related papers' child imports numpy and scipy meanwhile.
        early = _fork_early(folder, previous, background) if render else None
        digests = [read_digest(path, today_in(config), date, fmt) for path, date in dates.items()]
        report.digests_read = len(digests)
        clock.lap("read digests")
        content = load_content(folder.content, cache)
        clock.lap("load content")
        synced = sync(folder.content, content, digests, config.tag_rules, config.source_tags)
        content = with_writes(content, synced.writes, synced.papers)
        report.warnings.extend(synced.warnings)
        clock.lap("sync content")
        outputs = _render(folder, config, content, theme, early, clock, background, progress) if early else None
        new_record = record | {name: _record_item(d, dates) for d in digests if (name := _name(folder, d.path))}
        written = _commit_content(folder, synced.writes, record, new_record)
        parses_kept = background.enter_context(
            forked.in_child(_remember_parses, cache, content, written)
            if written
            else contextlib.nullcontext(_nothing)  # load_content saved the parse cache
        )
        report.content_written = len(synced.writes)
        clock.lap("write content")
        if outputs is not None and not report.up_to_date:
            write_site(folder.output, outputs.files, outputs.previous)
            manifest = {"inputs": outputs.inputs, "files": outputs.manifest}
            save_cache(folder.cache / MANIFEST_NAME, manifest)
            for retired in RETIRED_CACHES:
                (folder.cache / retired).unlink(missing_ok=True)
            clock.lap("write site")
        _caches_saved(report, parses_kept, outputs.caches_kept if outputs else _nothing)
        clock.lap("save caches")
    return report


def _caches_saved(report: BuildReport, *waits: Callable[[], object]) -> None:
    """Wait for the children saving caches. One that could not be saved (a full disk) makes the next build slower,
    not this one wrong, and content/ and site/ are written by now: a warning, not a failure."""
    for wait in waits:
        try:
            wait()
        except OSError as error:
            report.warnings.append(f"a cache was not saved, so the next build will be slower: {error}")


def _remember_parses(cache: ParseCache, content: Content, written: Mapping[str, os.stat_result]) -> None:
    """The files just written (each with its stat as written) are parsed already: cache them so the next build
    need not read them."""
    items: list[Paper | Digest] = [*content.papers.values(), *content.digests.values()]
    for item in items:
        if item.path in written:
            cache.put(item, written[item.path])
    cache.save({item.path for item in items})


def _record_item(digest: DigestFile, dates: dict[Path, dt.date | None]) -> Imported:
    return Imported(file_hash(digest.path), dates.get(digest.path))


def _nothing() -> None:
    """Waiting for work that was not needed."""


@dataclass(frozen=True)
class _Outputs:
    """The files of the new site/, the fingerprint of each, and of all inputs, for the next build."""

    files: dict[str, Source]
    manifest: dict[str, str]
    inputs: str
    previous: tuple[str, ...] = ()  # the files the previous build wrote
    caches_kept: Callable[[], object] = _nothing  # waits until rendering's caches are saved


def _inputs_fingerprint(content: Content, global_fingerprint: str, static: Mapping[str, bytes]) -> str:
    """Changes when any input of any page changes: content files, templates, config, static files."""
    digest = hashlib.sha1(global_fingerprint.encode())
    items: list[Paper | Digest] = [*content.papers.values(), *content.digests.values()]
    for item in items:
        digest.update(f"{content_name(item.path)}\x1f{item.fingerprint}\x1e".encode())  # a renamed file too
    for name, data in static.items():  # by their bytes, not their times, which a fresh checkout changes
        digest.update(f"{name}:{fingerprint(data)}".encode())
    return digest.hexdigest()


def _render(
    folder: SiteFolder,
    config: SiteConfig,
    content: Content,
    theme: Theme,
    early: _Early,
    clock: _Clock,
    background: contextlib.ExitStack,
    progress: Progress | None,
) -> _Outputs:
    report = clock.report
    global_fingerprint = theme_fingerprint(theme, config)
    static = {name: path.read_bytes() for name, path in static_files(theme)}
    inputs = _inputs_fingerprint(content, global_fingerprint, static)
    previous = early.manifest
    report.papers, report.days = len(content.papers), len(content.digests)
    if previous.get("inputs") == inputs:
        report.up_to_date, report.pages = True, len(previous["files"])
        return _Outputs({}, previous["files"], inputs)
    site = build_site(content)
    output, old_files = str(folder.output), previous.get("files", {})
    early.related.ask(related_request.request(site.papers, early.related_index))
    with contextlib.ExitStack() as children:
        caches = RenderCaches.open(folder.cache, global_fingerprint)
        texts = caches.texts.texts(site.papers.values())
        compiled = _only(folder.cache / "templates", global_fingerprint[:20])  # compiled with this code's tags
        renderer = Renderer(theme, config, texts, compiled, caches.fragments)
        unprimed = [paper for paper in site.papers.values() if paper.abstract not in texts]
        # The search index is made by another child meanwhile, which needs every abstract's text: it works out
        # those of a few never rendered before (a new day's) itself, and starts once many (a first build's) are.
        search_args = (site, folder.cache / "search", texts, global_fingerprint, output, old_files)
        start_search = functools.partial(forked.in_child_asking, _search_index, *search_args)
        search = children.enter_context(start_search()) if config.search and len(unprimed) < FEW_TEXTS else None
        renderer.prime(unprimed)  # see render_pages: here, not in workers
        clock.lap("render abstracts")
        if config.search and search is None:  # now that every abstract's text is known
            search = children.enter_context(start_search())
        citations = bibtex.entries(site, caches.citations)
        planned = plan_site(site, config, global_fingerprint, citations)
        clock.lap("plan pages")
        old = Previous(output, old_files, early.missing())
        if search:
            search.ask(old.missing)  # which of its files changed, it tells by the last build's
        out = Outputs(renderer, old, len(planned.pages) + len(site.papers), progress)
        # Made while the child works out related papers: only paper pages show them.
        out.render_stale(planned.pages, "render")
        clock.lap("render pages")
        out.add(made({**bibtex.bib_files(site, citations), **static}, old))
        clock.lap("bibtex")
        paper_pages = planned.paper_pages(_related_result(early, site.papers, folder.cache / RELATED_NAME))
        clock.lap("related papers")
        out.render_stale(paper_pages, "render papers")
        clock.lap("render paper pages")
        caches_kept = background.enter_context(forked.in_child(caches.save, texts))
        out.add(search.result() if search else Made({}, {}))
        clock.lap("search index")
    report.pages, report.rendered = len(planned.pages) + len(paper_pages), out.rendered
    return _Outputs(out.files, out.manifest, inputs, tuple(old_files), caches_kept)


def _related_papers(receive: Callable[[], Request], cache_file: Path) -> dict[str, tuple[str, ...]]:
    # Imported here, so by the child process that works them out: numpy and scipy take 0.2-0.3 s to import.
    from generator.related import related_papers

    return related_papers(receive, cache_file)


def _related_result(early: _Early, papers: Mapping[str, Paper], cache: Path) -> dict[str, tuple[str, ...]]:
    """The related child's answer; worked out here, from every text, should its cache's state have been unreadable
    though its index was not."""
    try:
        return early.related.result()
    except related_request.IncompleteRequestError:
        every_text = related_request.request(papers, None)
        return _related_papers(lambda: every_text, cache)


def _search_index(
    receive: Callable[[], frozenset[str]],
    site: Site,
    cache: Path,
    texts: Mapping[str, str],
    version: str,
    output: str,
    old_files: Mapping[str, str],
) -> Made:
    """The search index's files: made by a child process (which alone imports lunr), which sends back the bytes
    of those that changed since the last build (``receive`` gives which of its files are missing from site/)."""
    from generator.search import search_files

    files = search_files(site, cache, texts, version)
    return made(files, Previous(output, old_files, receive()))


def _only(parent: Path, name: str) -> Path:
    """``parent/name``, with whatever else ``parent`` holds (what other versions kept) removed."""
    if parent.is_dir():
        for other in parent.iterdir():
            if other.name != name:
                shutil.rmtree(other) if other.is_dir() else other.unlink()
    return parent / name


def _previous_build(folder: SiteFolder) -> dict[str, Any]:
    """The manifest of the last build: its inputs' fingerprint, and its files' by name; empty if there is none,
    or if site/ is not what it wrote."""
    manifest = load_cache(folder.cache / MANIFEST_NAME)
    valid = isinstance(manifest, dict) and isinstance(manifest.get("files"), dict) and manifest["files"]
    return manifest if valid and (folder.output / "index.html").is_file() else {}


@dataclass(frozen=True)
class _Early:
    """Work forked as a build starts, while this process is small (each page it shares with a child is copied
    once either writes it): which of the last build's files are missing from site/, and the related papers, whose
    child imports numpy and reads its cache until asked. With the last build's manifest and related papers."""

    manifest: dict[str, Any]
    missing: Callable[[], frozenset[str]]
    related_index: related_request.Index | None
    related: forked.Asking[dict[str, tuple[str, ...]]]  # asked with a related_request.Request


def _fork_early(folder: SiteFolder, manifest: dict[str, Any], stack: contextlib.ExitStack) -> _Early:
    """The children yield the processor to this process, which they are not holding up yet. The related papers'
    does not when its cache is cold: it has a whole archive to compare then, and would hold up a first build."""
    missing = stack.enter_context(
        forked.in_child(missing_files, str(folder.output), manifest["files"], nice=BACKGROUND)
        if manifest
        else contextlib.nullcontext(frozenset)
    )
    index = related_request.read_index(folder.cache / RELATED_NAME)
    nice = BACKGROUND if index else 0
    related = stack.enter_context(forked.in_child_asking(_related_papers, folder.cache / RELATED_NAME, nice=nice))
    return _Early(manifest, missing, index, related)


def _commit_content(
    folder: SiteFolder, writes: dict[Path, str], record: dict[str, Imported], new_record: dict[str, Imported]
) -> dict[str, os.stat_result]:
    """Write content/; the stat of each content file written, by path."""
    written = write_texts_atomically(writes)
    if new_record != record:
        write_text_atomically(folder.content / RECORD_NAME, record_text(new_record))
    return written
