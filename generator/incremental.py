"""What a build renders again and what it keeps: each file's fingerprint against the previous build's.

A file is kept when the previous build wrote it with the same fingerprint and it is still in site/; everything
else is made again. The fingerprints go into the manifest the next build compares with.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.content import fingerprint
from generator.output import SWAP_FROM, Reuse, Source, Staged, staging_folder
from generator.pages import Page, papers_shown
from generator.render import Progress, render_pages
from generator.theme import Renderer


@dataclass(frozen=True)
class Made:
    """Files made otherwise than from pages (BibTeX, static files, the search index): the fingerprint of each,
    and the bytes of those to be written."""

    fingerprints: dict[str, str]
    changed: dict[str, bytes]


@dataclass(frozen=True)
class Previous:
    """The files the previous build wrote into ``output`` (site/), each with its fingerprint, and those of them
    no longer there (see :func:`missing_files`)."""

    output: str
    files: Mapping[str, str]
    missing: frozenset[str]

    def kept(self, name: str, fingerprint: str) -> bool:
        """Whether the previous build wrote ``name`` with ``fingerprint``, and it is still there."""
        return self.files.get(name) == fingerprint and name not in self.missing


def missing_files(output: str, files: Iterable[str]) -> frozenset[str]:
    """Those of ``files`` no longer in ``output`` (site/): a stat each, 20,000 for a large site, so a child process
    looks while the build plans. Strings, not Paths, and no os.path.join: they cost more than the stat."""
    return frozenset(name for name in files if not os.path.isfile(f"{output}/{name}"))  # noqa: PTH113


def made(files: Mapping[str, bytes], previous: Previous) -> Made:
    """Fingerprint ``files`` (site path -> bytes) and keep the bytes of those to be written."""
    fingerprints = {name: fingerprint(data) for name, data in files.items()}
    changed = {name: files[name] for name, fp in fingerprints.items() if not previous.kept(name, fp)}
    return Made(fingerprints, changed)


@dataclass
class Outputs:
    """The files of the new site/ (rendered, made, or kept from the previous build) and the manifest.

    When most pages are to be rendered again (a first build, a new theme), they are rendered straight into a
    fresh site/ (``staging``), which then replaces the old one."""

    renderer: Renderer
    previous: Previous
    pages: int  # how many pages the site has
    progress: Progress | None = None
    staging: Path | None = None
    files: dict[str, Source] = field(default_factory=dict)
    manifest: dict[str, str] = field(default_factory=dict)
    rendered: int = 0

    def render_stale(self, pages: Sequence[Page], label: str) -> None:
        """Render those of ``pages`` that changed; keep the others."""
        stale = self.stale(pages)
        if self.staging is None and len(stale) > SWAP_FROM * self.pages:
            self.staging = staging_folder(Path(self.previous.output))
        self.render(stale, label)

    def stale(self, pages: Sequence[Page]) -> list[Page]:
        """The pages of ``pages`` that are to be rendered again; the others are kept (and all go in the manifest)."""
        stale = []
        kept = self.previous.kept
        for page in pages:
            name = page.file
            self.manifest[name] = page.fingerprint
            if kept(name, page.fingerprint):
                self._keep(name)
            else:
                stale.append(page)
        return stale

    def render(self, pages: Sequence[Page], label: str) -> None:
        staging = str(self.staging) if self.staging else None
        rendered = render_pages(self.renderer, papers_shown(pages), pages, self.progress, staging, label)
        self.files.update(
            (page.file, Staged() if data is None else data) for page, data in zip(pages, rendered, strict=True)
        )
        self.rendered += len(pages)

    def add(self, files: Made) -> None:
        self.manifest.update(files.fingerprints)
        for name in files.fingerprints:
            data = files.changed.get(name)
            if data is None:
                self._keep(name)
            else:
                self.files[name] = data
        self.rendered += len(files.changed)

    def _keep(self, name: str) -> None:
        """Keep the previous build's ``name`` (a file :meth:`Previous.kept` found there)."""
        self.files[name] = Reuse(f"{self.previous.output}/{name}")
