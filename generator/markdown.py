"""Markdown to HTML with markdown-it-py: CommonMark, tables, footnotes, bare links; raw HTML off.

``$...$`` and ``$$...$$`` are rendered to MathML at build time (generator/mathml.py), or kept as escaped
source in ``span.math`` when they cannot be; a dollar sign next to a digit or a space stays text, so prices
are not mistaken for math.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from generator.mathml import math_html


def _math(tag: str, display: bool) -> Any:
    def render(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return math_html(tokens[idx].content, display, tag) + ("\n" if tag == "div" else "")

    return render


def make_renderer(linkify: bool = True) -> MarkdownIt:
    """A configured parser; build one per process and reuse it.

    Only URLs with a scheme become links (``https://...``, ``mailto:...``): linkify-it's fuzzy matching would
    also link file names and abbreviations that end in a country's domain (``train.py``, ``model.ai``).
    """
    md = (
        MarkdownIt("commonmark", {"html": False, "linkify": linkify, "typographer": False})
        .enable(["table", "strikethrough", *(["linkify"] if linkify else [])])
        .disable("image")  # an abstract must not make readers' browsers fetch remote images
        .use(footnote_plugin)
        .use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    )
    if linkify and md.linkify is not None:
        md.linkify.set({"fuzzy_link": False, "fuzzy_email": False})
    md.add_render_rule("math_inline", _math("span", display=False))
    md.add_render_rule("math_inline_double", _math("span", display=True))
    md.add_render_rule("math_block", _math("div", display=True))
    md.add_render_rule("math_block_label", _math("div", display=True))
    return md


# Plain prose: after its backslash escapes, no character or line start that Markdown gives a meaning to
# (URLs aside: they are found and checked separately, see _links).
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
# One alternation of all of these, tried at every position, cost more than the rest of the shortcut: the
# characters are found by one class scan, the line starts and ends line by line (see _is_prose).
_MARKUP_CHAR = re.compile(r"[\\`*_\[\]<>&!~|$#]")
_LIST_NUMBER = re.compile(r"\d+[.)]")
_LINE_START = frozenset(">#=+*-")
_SCHEMES = frozenset(("http", "https"))
_PLAIN_URL = re.compile(r"[A-Za-z0-9;/?:@&=+$,\-_.!~*'()#]+")


@dataclass(frozen=True)
class _Link:
    start: int
    end: int
    href: str
    text: str


class Markdown:
    """Renders Markdown to HTML and to the plain text a reader sees, from one parse.

    Abstracts that are plain prose with bare URLs, most of them, skip the parser: linkify-it's scan of every
    text for links costs ten times the rest of the parse. A test holds the shortcut to the parser's output,
    byte for byte.
    """

    def __init__(self) -> None:
        self._with_links = make_renderer(linkify=True)
        self._plain = make_renderer(linkify=False)
        self._linkify = self._with_links.linkify

    def render(self, source: str, doc_id: str = "") -> tuple[str, str]:
        """(HTML, plain text) of ``source``; ``doc_id`` keeps footnote anchors unique when several documents
        share a page."""
        fast = self._prose(source)
        if fast is not None:
            return fast
        md = self._with_links if "//" in source or "mailto:" in source.lower() else self._plain
        env = {"docId": doc_id} if doc_id else {}
        tokens = md.parse(source, env)
        return str(md.renderer.render(tokens, md.options, env)), _tokens_text(tokens)

    def html(self, source: str, doc_id: str = "") -> str:
        return self.render(source, doc_id)[0]

    def text(self, source: str) -> str:
        return self.render(source)[1]

    def _prose(self, source: str) -> tuple[str, str] | None:
        """HTML and text of ``source`` when it is plain prose and bare URLs, else None (the parser decides)."""
        if not source.strip():
            return None
        html, text = [], []
        for paragraph in source.strip("\n").split("\n\n"):
            links = self._links(paragraph) if "://" in paragraph else []
            if links is None:
                return None
            gaps = _between(paragraph, links)
            if not _is_prose(_ESCAPED.sub("a", "u".join(gaps))):  # "u": a link, as far as prose is concerned
                return None
            words = [_ESCAPED.sub(r"\1", gap) for gap in gaps]  # each gap is rendered once, for HTML and text
            html.append(f"<p>{escapeHtml(words[0])}")
            text.append(words[0])
            for link, word in zip(links, words[1:], strict=True):
                html.append(f'<a href="{escapeHtml(link.href)}">{escapeHtml(link.text)}</a>{escapeHtml(word)}')
                text.append(link.text + word)
            html.append("</p>\n")
            text.append(" ")
        return "".join(html), " ".join("".join(text).split())

    def _links(self, paragraph: str) -> list[_Link] | None:
        """The links markdown-it's linkify rule makes of ``paragraph``'s URLs; None when unsure."""
        links: list[_Link] = []
        for start in _url_starts(paragraph):
            if links and start < links[-1].end:
                return None  # a URL inside a URL: leave it to the parser
            found = self._linkify.match_at_start(paragraph[start:]) if self._linkify else None
            url = found.url if found else ""
            if not url or url.endswith("*") or not paragraph.startswith(url, start):
                return None
            if _PLAIN_URL.fullmatch(url):  # nothing for normalizeLink to encode nor for normalizeLinkText to decode
                links.append(_Link(start, start + len(url), url, url))
                continue
            href = self._with_links.normalizeLink(url)
            if not self._with_links.validateLink(href):
                return None
            links.append(_Link(start, start + len(url), href, self._with_links.normalizeLinkText(url)))
        return links if len(links) == paragraph.count("://") else None


def _url_starts(paragraph: str) -> Iterator[int]:
    """Where markdown-it's linkify rule would start a link: "http://" or "https://" (in any case) after a space,
    "(" or the paragraph's start. Found by looking for "://": a regex for it, blind to case, tried every position
    of the paragraph, which cost a third of rendering a prose abstract."""
    colon = paragraph.find("://")
    while colon >= 0:
        for start in (colon - 5, colon - 4):
            before = paragraph[start - 1] if start > 0 else " "
            if start >= 0 and (before.isspace() or before == "(") and paragraph[start:colon].lower() in _SCHEMES:
                yield start
        colon = paragraph.find("://", colon + 3)


def _is_prose(text: str) -> bool:
    """Whether ``text`` holds no character and no line start or end that Markdown gives a meaning to."""
    if _MARKUP_CHAR.search(text) or "//" in text or "mailto:" in text.lower():
        return False
    for line in text.split("\n"):
        if not line or line[0].isspace() or line[0] in _LINE_START or line[-1] in " \t":
            return False
        if line[0].isdigit() and _LIST_NUMBER.match(line):
            return False
    return True


def _between(paragraph: str, links: Sequence[_Link]) -> list[str]:
    """The text before, between and after ``links`` (one more piece than links)."""
    starts, ends = [0, *(link.end for link in links)], [*(link.start for link in links), len(paragraph)]
    return [paragraph[start:end] for start, end in zip(starts, ends, strict=True)]


@functools.cache
def _shared() -> Markdown:
    return Markdown()  # parsers are costly to build and never change once built: one per process


def plain(source: str) -> str:
    """What a reader sees of ``source`` (Markdown), as plain text: for snippets, search results, metadata."""
    return _shared().text(source)


def shorten(flat: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word, with an ellipsis when cut."""
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


# Spans kept verbatim: bare URLs (linkify reads them raw) and math as the dollarmath plugin above reads it
# (no space inside the delimiters, no digit after).
_VERBATIM = re.compile(
    r"https?://[^\s<>]+|\$\$(?=\S).+?(?<=\S)\$\$|(?<![\d$\\])\$(?=[^\s$])(?:\\.|[^$\\])+?(?<=\S)\$(?![\d$])"
)
_URL = re.compile(r"https?://[^\s<>]+")
_INLINE_SPECIAL = re.compile(r"\\(?=[!-/:-@\[-`{-~])|[`*_\[\]~<]|&(?=#?\w+;)")
_BLOCK_START = re.compile(r"^(\s*)([#>+=-])", re.M)
_SPECIAL_CHAR = re.compile(r"[\\`*_\[\]~<&]")  # what _INLINE_SPECIAL starts with
_BLOCK_CHARS = frozenset("#>+=-")
_ORDERED = re.compile(r"^(\s*\d{1,9})([.)])", re.M)


def escape_text(text: str) -> str:
    """Markdown source that renders as exactly ``text``: plain text from a digest, with its math kept as math.

    Abstracts arrive as plain text, where ``*``, backticks or ``\\%`` mean themselves; escaping them keeps
    the published abstract identical to the source while the content file stays readable Markdown.
    """
    out = []
    last = 0
    # The same spans as _VERBATIM, found faster: without a dollar sign only its URL branch can match.
    verbatim = _VERBATIM if "$" in text else _URL if "://" in text else None
    for match in verbatim.finditer(text) if verbatim else ():
        out.append(_escape_plain(text[last : match.start()]))
        out.append(match.group())
        last = match.end()
    out.append(_escape_plain(text[last:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    # Each substitution is tried only where it could apply: the regexes try every position of the text, and
    # most abstracts need none of them.
    if _SPECIAL_CHAR.search(text):
        text = _INLINE_SPECIAL.sub(lambda m: "\\" + m.group(), text)
    firsts = {line.lstrip()[:1] for line in text.split("\n")}
    if any(char.isdigit() for char in firsts):
        text = _ORDERED.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)
    if firsts & _BLOCK_CHARS:
        text = _BLOCK_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)
    return text


def plain_text(md: MarkdownIt, source: str) -> str:
    """The text a reader sees when ``source`` is rendered with ``md``, without markup."""
    return _tokens_text(md.parse(source))


def _tokens_text(tokens: Sequence[Token]) -> str:
    parts = []
    for token in tokens:
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("math_inline", "math_inline_double"):  # kept as TeX for the math filter
                fence = "$$" if child.type == "math_inline_double" else "$"
                parts.append(f"{fence}{child.content}{fence}")
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        if token.type in ("paragraph_close", "heading_close", "math_block"):
            parts.append(token.content if token.type == "math_block" else "\n")
    return " ".join("".join(parts).split())
