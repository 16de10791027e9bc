"""TeX math to MathML at build time, so readers' browsers render it natively and run no script.

latex2mathml does the conversion. It is lenient where we must not be: it turns an unknown macro into a
variable named ``\\foo``, closes a brace the author forgot, and copies ``\\text{...}`` and ``\\href`` into the
output unescaped. So an expression is converted only if its braces balance, and the result is accepted only
if it names no unknown macro and consists of MathML elements and attributes from an allow-list; it is then
written out again by us, every text escaped. Anything else is shown as its source text, escaped.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser

from markupsafe import Markup, escape

# Inline math as the Markdown renderer (dollarmath, no spaces inside, no digit after) reads it in abstracts.
MATH_RE = re.compile(r"\$\$(?=\S)([^$]+?)(?<=\S)\$\$|(?<![\\\d$])\$(?=[^\s$])([^$]+?)(?<=[^\s\\])\$(?![\d$])")
_ELEMENT_NAMES = (
    "math mi mn mo ms mspace mtext mrow mfrac msqrt mroot mstyle merror mpadded mphantom msub msup msubsup munder "
    "mover munderover mmultiscripts mprescripts none mtable mtr mtd menclose semantics annotation"
)
_ELEMENTS = frozenset(_ELEMENT_NAMES.split())
_ATTRIBUTE_NAMES = (
    "xmlns display mathvariant stretchy fence separator lspace rspace columnalign rowalign columnlines rowlines "
    "columnspacing rowspacing displaystyle scriptlevel accent accentunder movablelimits linethickness minsize "
    "maxsize symmetric form width height depth voffset notation largeop frame framespacing equalrows "
    "equalcolumns align columnspan rowspan mathsize encoding"
)
_ATTRIBUTES = frozenset(_ATTRIBUTE_NAMES.split())
_MACRO = re.compile(r"\\[A-Za-z]+")


class _Rewriter(HTMLParser):
    """Writes latex2mathml's output again from allowed parts only; ``ok`` turns False at anything else."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.ok = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ELEMENTS or any(name not in _ATTRIBUTES for name, _ in attrs):
            self.ok = False
            return
        rendered = "".join(f' {name}="{html.escape(value or "", quote=True)}"' for name, value in attrs)
        self.out.append(f"<{tag}{rendered}>")

    def handle_endtag(self, tag: str) -> None:
        if tag not in _ELEMENTS:
            self.ok = False
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if _MACRO.search(data):  # a macro latex2mathml did not know, passed through as a name
            self.ok = False
        self.out.append(html.escape(data, quote=False))


def _braces_balance(tex: str) -> bool:
    depth = 0
    for token in re.findall(r"\\[{}]|[{}]", tex):
        if token in ("{", "}"):
            depth += 1 if token == "{" else -1
            if depth < 0:
                return False
    return depth == 0


@functools.lru_cache(maxsize=4096)
def to_mathml(tex: str, display: bool = False) -> str | None:
    """MathML for ``tex``, or None when it is not an expression we can render faithfully."""
    if not tex.strip() or not _braces_balance(tex) or tex.count(r"\left") != tex.count(r"\right"):
        return None
    # Imported here: the converter takes longer to import (0.07 s) than a new day's pages take to plan, and most
    # abstracts hold no math.
    from latex2mathml.converter import convert

    try:
        raw = convert(tex, display="block" if display else "inline")
    except Exception:  # latex2mathml raises many types on broken input; all mean "show the source"
        return None
    rewriter = _Rewriter()
    rewriter.feed(raw)
    rewriter.close()
    return "".join(rewriter.out) if rewriter.ok else None


def math_html(tex: str, display: bool, tag: str = "span") -> str:
    """The HTML for one math expression: MathML, or its source between dollars when it cannot be rendered."""
    kind = "display" if display else "inline"
    mathml = to_mathml(tex.strip(), display)
    if mathml is None:
        fence = "$$" if display else "$"
        return f'<{tag} class="math math-{kind} math-source">{fence}{html.escape(tex.strip())}{fence}</{tag}>'
    return f'<{tag} class="math math-{kind}">{mathml}</{tag}>'


def math_spans(text: str) -> Iterator[re.Match[str]]:
    """The math in ``text``; none is looked for in text with no ``$`` (most titles and fields), where the search
    costs 5 us in vain, and it runs for every title, snippet and BibTeX field."""
    return MATH_RE.finditer(text) if "$" in text else iter(())


def without_math(text: str, replacement: str | Callable[[re.Match[str]], str]) -> str:
    """``text`` with each math span replaced (see :func:`math_spans`)."""
    return MATH_RE.sub(replacement, text) if "$" in text else text


def inline_math(text: str) -> Markup:
    """Plain text (a title) with its ``$...$`` rendered and everything else escaped."""
    out, last = [], 0
    for match in math_spans(text):
        out.append(str(escape(text[last : match.start()])))
        out.append(math_html(match.group(1) or match.group(2), display=False))  # a title has no room for display math
        last = match.end()
    if not out:  # no math, as in most titles: the escaped text is the whole answer
        return escape(text)
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def plain_math(text: str) -> str:
    """Text with math delimiters dropped, for places that take no markup (the page's <title>)."""
    return without_math(text, lambda m: m.group(1) or m.group(2))
