"""Markdown to HTML with markdown-it-py: CommonMark, tables, footnotes, bare links; raw HTML off.

``$...$`` and ``$$...$$`` are rendered to MathML at build time (generator/mathml.py), or kept as escaped
source in ``span.math`` when they cannot be; a dollar sign next to a digit or a space stays text, so prices
are not mistaken for math.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
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
    """A configured parser; build one per process and reuse it."""
    md = (
        MarkdownIt("commonmark", {"html": False, "linkify": linkify, "typographer": False})
        .enable(["table", "strikethrough", *(["linkify"] if linkify else [])])
        .disable("image")  # an abstract must not make readers' browsers fetch remote images
        .use(footnote_plugin)
        .use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    )
    md.add_render_rule("math_inline", _math("span", display=False))
    md.add_render_rule("math_inline_double", _math("span", display=True))
    md.add_render_rule("math_block", _math("div", display=True))
    md.add_render_rule("math_block_label", _math("div", display=True))
    return md


# Plain prose: after its backslash escapes, no character or line start that Markdown gives a meaning to.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_NOT_PROSE = re.compile(r"[\\`*_\[\]<>&!~|$#]|://|www\.|^[\s>#=+*-]|^\d+[.)]|[ \t]$|^$", re.M)


def _prose(source: str) -> list[str] | None:
    """The paragraphs of ``source`` as plain text lines, when rendering it needs no Markdown parser."""
    paragraphs = source.strip("\n").split("\n\n")
    plain = [_ESCAPED.sub(r"\1", p) for p in paragraphs]
    unescaped_specials = (_NOT_PROSE.search(_ESCAPED.sub("a", p)) for p in paragraphs)
    if not source.strip() or any(unescaped_specials):
        return None
    return plain


class Markdown:
    """Renders Markdown to HTML or plain text.

    Two shortcuts keep large builds fast without changing a byte of output (tests compare them with the
    parser): abstracts that are plain prose, most of them, skip the parser; bare-URL detection, by far its
    costliest step, runs only on texts that may hold a URL.
    """

    def __init__(self) -> None:
        self._with_links = make_renderer(linkify=True)
        self._plain = make_renderer(linkify=False)

    def _parser(self, text: str) -> MarkdownIt:
        return self._with_links if "://" in text or "www." in text else self._plain

    def html(self, text: str, doc_id: str = "") -> str:
        """HTML for ``text``; ``doc_id`` keeps footnote anchors unique when several documents share a page."""
        prose = _prose(text)
        if prose is not None:
            return "".join(f"<p>{escapeHtml(p)}</p>\n" for p in prose)
        return str(self._parser(text).render(text, {"docId": doc_id} if doc_id else {}))

    def text(self, source: str) -> str:
        """What a reader sees when ``source`` is rendered, without markup (linkify never changes the text)."""
        prose = _prose(source)
        if prose is not None:
            return " ".join(" ".join(prose).split())
        return plain_text(self._plain, source)


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


def render_markdown(md: MarkdownIt, text: str, doc_id: str = "") -> str:
    """HTML for ``text`` with the given parser."""
    return str(md.render(text, {"docId": doc_id} if doc_id else {}))


# Spans kept verbatim: bare URLs (linkify reads them raw) and math as the dollarmath plugin above reads it
# (no space inside the delimiters, no digit after).
_VERBATIM = re.compile(
    r"https?://[^\s<>]+|\$\$(?=\S).+?(?<=\S)\$\$|(?<![\d$\\])\$(?=[^\s$])(?:\\.|[^$\\])+?(?<=\S)\$(?![\d$])"
)
_INLINE_SPECIAL = re.compile(r"\\(?=[!-/:-@\[-`{-~])|[`*_\[\]~<]|&(?=#?\w+;)")
_BLOCK_START = re.compile(r"^(\s*)([#>+=-])", re.M)
_ORDERED = re.compile(r"^(\s*\d{1,9})([.)])", re.M)


def escape_text(text: str) -> str:
    """Markdown source that renders as exactly ``text``: plain text from a digest, with its math kept as math.

    Abstracts arrive as plain text, where ``*``, backticks or ``\\%`` mean themselves; escaping them keeps
    the published abstract identical to the source while the content file stays readable Markdown.
    """
    out = []
    last = 0
    for match in _VERBATIM.finditer(text):
        out.append(_escape_plain(text[last : match.start()]))
        out.append(match.group())
        last = match.end()
    out.append(_escape_plain(text[last:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    text = _INLINE_SPECIAL.sub(lambda m: "\\" + m.group(), text)
    text = _ORDERED.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)
    return _BLOCK_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)


def plain_text(md: MarkdownIt, source: str) -> str:
    """The text a reader sees when ``source`` is rendered, without markup (for snippets and search)."""
    parts = []
    for token in md.parse(source):
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
