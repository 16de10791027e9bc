"""Markdown to HTML with markdown-it-py: CommonMark, tables, footnotes, bare links; raw HTML off.

``$...$`` and ``$$...$$`` are rendered to MathML at build time (generator/mathml.py), or kept as escaped
source in ``span.math`` when they cannot be; a dollar sign next to a digit or a space stays text, so prices
are not mistaken for math.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from generator.mathml import math_html


def _math(tag: str, display: bool) -> Any:
    def render(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return math_html(tokens[idx].content, display, tag) + ("\n" if tag == "div" else "")

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
    md.add_render_rule("math_inline", _math("span", display=False))
    md.add_render_rule("math_inline_double", _math("span", display=True))
    md.add_render_rule("math_block", _math("div", display=True))
    md.add_render_rule("math_block_label", _math("div", display=True))
    return md


def render_markdown(md: MarkdownIt, text: str, doc_id: str = "") -> str:
    """HTML for ``text``; ``doc_id`` keeps footnote anchors unique when several documents share a page."""
    return str(md.render(text, {"docId": doc_id} if doc_id else {}))
