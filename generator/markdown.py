"""Markdown to HTML with markdown-it-py: CommonMark, tables, footnotes, bare links; raw HTML off.

``$...$`` and ``$$...$$`` are kept intact (escaped, in ``span.math``) for a math renderer; a dollar sign
next to a digit or a space stays text, so prices are not mistaken for math.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin


def _math(open_: str, close: str, tag: str, kind: str) -> Any:
    def render(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        source = escapeHtml(tokens[idx].content.strip())
        return f'<{tag} class="math math-{kind}">{open_}{source}{close}</{tag}>' + ("\n" if tag == "div" else "")

    return render


def make_renderer() -> MarkdownIt:
    """A configured parser; build one per process and reuse it."""
    md = (
        MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
        .enable(["table", "linkify", "strikethrough"])
        .disable("image")  # an abstract must not make readers' browsers fetch remote images
        .use(footnote_plugin)
        .use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    )
    md.add_render_rule("math_inline", _math("$", "$", "span", "inline"))
    md.add_render_rule("math_inline_double", _math("$$", "$$", "span", "display"))
    md.add_render_rule("math_block", _math("$$", "$$", "div", "display"))
    md.add_render_rule("math_block_label", _math("$$", "$$", "div", "display"))
    return md


def render_markdown(md: MarkdownIt, text: str, doc_id: str = "") -> str:
    """HTML for ``text``; ``doc_id`` keeps footnote anchors unique when several documents share a page."""
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
            if child.type in ("text", "code_inline", "math_inline", "math_inline_double"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        if token.type in ("paragraph_close", "heading_close", "math_block"):
            parts.append(token.content if token.type == "math_block" else "\n")
    return " ".join("".join(parts).split())
