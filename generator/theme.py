"""Themes: where templates and static files are found, and rendering a page through Jinja.

Lookup order: the site's own ``templates/``, then ``themes/<name>/templates`` of the site folder, then the
built-in theme of that name. A site template can extend the theme's own with ``{% extends "theme/X.html" %}``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import jinja2
import linkify_it
import markdown_it
import mdit_py_plugins
import slugify
import yaml
from markupsafe import Markup

from generator import __version__
from generator.config import SiteConfig
from generator.errors import InputError
from generator.feeds import scholarly_article, xml_text
from generator.fragments import FragmentCache, Fragments
from generator.markdown import Markdown, shorten
from generator.mathml import inline_math, plain_math
from generator.model import Paper
from generator.pages import Page
from generator.slugs import name_slug
from generator.urls import Urls

BUILTIN_THEMES = Path(__file__).parent / "themes"
if not BUILTIN_THEMES.is_dir():  # a source checkout: the themes live beside the package
    BUILTIN_THEMES = Path(__file__).parent.parent / "themes"


@dataclass(frozen=True)
class Theme:
    """The folders a site's templates and static files come from, most specific first."""

    name: str
    templates: tuple[Path, ...]
    theme_templates: Path
    static: tuple[Path, ...]


def find_theme(site_dir: Path, name: str) -> Theme:
    """The theme ``name``, from the site folder's themes/ or the built-in ones."""
    for root in (site_dir / "themes", BUILTIN_THEMES):
        folder = root / name
        if (folder / "templates").is_dir():
            break
    else:
        known = sorted(
            p.name for root in (site_dir / "themes", BUILTIN_THEMES) if root.is_dir() for p in root.iterdir()
        )
        raise InputError(site_dir / "site.yaml", f"theme {name!r} not found; available: {', '.join(known) or 'none'}")
    own = site_dir / "templates"
    templates = ((own,) if own.is_dir() else ()) + (folder / "templates",)
    static = tuple(p for p in (folder / "static", site_dir / "static") if p.is_dir())
    return Theme(name, templates, folder / "templates", static)


def theme_fingerprint(theme: Theme, config: SiteConfig) -> str:
    """Changes when anything every page depends on changes: templates, config, the generator's own code and the
    versions of the libraries that render (an upgrade may change their output).

    The code is hashed, not just the version: after a `git pull` or an edit of an editable install, pages made
    by the old code must not be kept."""
    libraries = (jinja2, markdown_it, mdit_py_plugins, linkify_it, yaml, slugify)
    versions = " ".join(f"{library.__name__} {library.__version__}" for library in libraries)
    digest = hashlib.sha1(f"{__version__}\n{versions}\n{config!r}".encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    for folder in theme.templates:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(f"{path.relative_to(folder)}\n".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def static_files(theme: Theme) -> Iterator[tuple[str, Path]]:
    """(site path, source file) for static files; the site's own come last so they win."""
    for folder in theme.static:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                yield f"static/{path.relative_to(folder).as_posix()}", path


@functools.lru_cache(maxsize=10_000)  # listings show the same few dates hundreds of times
def long_date(date: dt.date) -> str:
    return f"{date:%B} {date.day}, {date.year}"


class Renderer:
    """Renders pages through one Jinja environment; Markdown is rendered once per text and reused."""

    def __init__(
        self,
        theme: Theme,
        config: SiteConfig,
        texts: dict[str, str] | None = None,
        compiled: Path | None = None,
        fragments: Fragments | None = None,
    ) -> None:
        """``texts`` maps Markdown sources to their plain text: known ones are not rendered again, and new ones
        are added to it. ``compiled`` is a folder to keep compiled templates in (by their source's checksum):
        compiling them costs more than a new day's pages take to render. ``fragments`` keeps what the
        templates' ``{% cache %}`` blocks render (for this build only, without it)."""
        if compiled:
            compiled.mkdir(parents=True, exist_ok=True)
        loader = jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader([str(p) for p in theme.templates]),
                jinja2.PrefixLoader({"theme": jinja2.FileSystemLoader(str(theme.theme_templates))}),
            ]
        )
        self.env = jinja2.Environment(
            loader=loader,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # a renderer lives for one build: no need to stat every template on every page
            bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None,
            extensions=[FragmentCache],
        )
        self.fragments = fragments or Fragments()
        cast(FragmentCache, self.env.extensions[FragmentCache.identifier]).fragments = self.fragments
        self._md = Markdown()
        self._html: dict[tuple[str, str], Markup] = {}
        self._text = {} if texts is None else texts
        self.env.filters.update(markdown=self.markdown, long_date=long_date, snippet=self.snippet)
        self.env.filters.update(xml_text=xml_text, scholarly_article=self.scholarly_article)  # feeds and JSON-LD
        self.env.filters.update(math=inline_math, plain_math=plain_math, author_slug=name_slug)
        self.env.globals.update(config=config, urls=Urls(config.base_path, config.absolute_base))

    def markdown(self, text: str, doc_id: str = "") -> Markup:
        key = (text, doc_id)
        html = self._html.get(key)
        if html is None:
            rendered, self._text[text] = self._md.render(text, doc_id)
            html = self._html[key] = Markup(rendered)
        return html

    def prime(self, papers: Iterable[Paper]) -> None:
        """Render the papers' abstracts now (HTML and plain text), as the templates will ask for them."""
        for paper in papers:
            self.markdown(paper.abstract, paper.slug)

    def unprimed(self, papers: Iterable[Paper]) -> list[Paper]:
        """Those of ``papers`` whose abstract has not been rendered yet."""
        return [p for p in papers if (p.abstract, p.slug) not in self._html]

    def scholarly_article(self, paper: Paper, url: str | None = None) -> dict[str, object]:
        return scholarly_article(paper, url, self.snippet(paper.abstract, limit=None))

    def snippet(self, source: str, limit: int | None = 240) -> str:
        """The start of what ``source`` (Markdown) reads as, in plain text."""
        text = self._text.get(source)
        if text is None:
            text = self._text[source] = self._md.render(source)[1]
        return text if limit is None else shorten(text, limit)

    def render(self, page: Page) -> bytes:
        self.fragments.begin_page(page.growing)
        try:
            template = self.env.get_template(page.template)
            return template.render(page=page, **page.context).encode("utf-8")
        except jinja2.TemplateSyntaxError as error:
            raise InputError(error.filename or error.name or page.template, error.message or "", error.lineno) from None
        except jinja2.TemplateNotFound as error:
            raise InputError(page.template, f"template not found: {error.name}") from None
        except Exception as error:
            frame = _template_frame(error)
            if frame is None:
                raise
            raise InputError(frame[0], f"template error while rendering /{page.path}: {error}", frame[1]) from None


def _template_frame(error: Exception) -> tuple[str, int] | None:
    """The template and line an error was raised from, if it was raised by template code itself."""
    frames = traceback.extract_tb(error.__traceback__)
    in_template = [f for f in frames if f.filename.endswith((".html", ".xml", ".txt", ".json"))]
    if not in_template or (frames[-1] is not in_template[-1] and not isinstance(error, jinja2.UndefinedError)):
        return None
    return in_template[-1].filename, in_template[-1].lineno or 0
