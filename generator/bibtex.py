"""BibTeX for every paper and every digest day, in the style of arXiv's own export.

An entry is ``@misc`` with title, author (" and "-joined), year, and, when the arXiv id is known, eprint,
archivePrefix, primaryClass (when a source gives a category), url and the arXiv DOI ``10.48550/arXiv.<id>``.
Keys are first author's family name + year + first word of the title (``vaswani2017attention``), made unique
across the site in order of first appearance (later papers get ``b``, ``c``...), so keys stay stable as days are
added. Text is escaped for LaTeX; ``$...$`` math is kept as it is; non-ASCII stays UTF-8.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from slugify import slugify

from generator.mathml import math_spans, without_math
from generator.memo import Memo
from generator.model import Paper, Site
from generator.urls import bib_path, day_bib_path

# Braces become commands, not \{ \}: BibTeX itself counts every brace, escaped or not.
_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile("|".join(re.escape(c) for c in _SPECIAL))
_NEW_ID = re.compile(r"(\d{2})(\d{2})\.\d{4,5}")
_OLD_ID = re.compile(r"[a-z-]+(?:\.[A-Z]{2})?/(\d{2})\d{5}")
_VERSION = re.compile(r"v\d+$")
_SKIP_WORDS_TEXT = "a an the on of in for to and with from towards toward is are do does can"
_SKIP_WORDS = frozenset(_SKIP_WORDS_TEXT.split())


def escape(text: str) -> str:
    """``text`` as a BibTeX field value: LaTeX specials escaped, math with balanced braces kept, spaces folded."""
    out, last = [], 0
    text = " ".join(text.split())
    for match in math_spans(text):
        out.append(_escape_plain(text[last : match.start()]))
        out.append(match.group(0) if _balanced(match.group(0)) else _escape_plain(match.group(0)))
        last = match.end()
    out.append(_escape_plain(text[last:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    return _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group(0)], text)


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def eprint(arxiv: str) -> str:
    """An arXiv id without ``arXiv:`` prefix or version."""
    return _VERSION.sub("", arxiv.strip().removeprefix("arXiv:").removeprefix("arxiv:"))


def year(paper: Paper) -> int:
    """The year of the arXiv id when there is one (its first version), else of publication, else of the digest."""
    if paper.arxiv:
        new, old = _NEW_ID.match(eprint(paper.arxiv)), _OLD_ID.match(eprint(paper.arxiv))
        if new or old:
            yy = int((new or old).group(1))  # type: ignore[union-attr]
            return 2000 + yy if yy < 91 else 1900 + yy
    published = paper.extra.get("published") or paper.extra.get("publishedAt")
    if isinstance(published, str) and re.match(r"\d{4}-", published):
        return int(published[:4])
    return paper.date.year


def primary_class(paper: Paper) -> str | None:
    """The primary arXiv category when a source gave one (or the first of its categories)."""
    for key in ("primary_category", "primary_class", "primaryClass"):
        value = paper.extra.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    categories: Any = paper.extra.get("categories")
    if isinstance(categories, str):
        categories = categories.split()
    if isinstance(categories, (list, tuple)) and categories and isinstance(categories[0], str):
        return str(categories[0]).strip() or None
    return None


@functools.lru_cache(maxsize=100_000)
def _ascii_word(text: str) -> str:
    if text.isascii() and text.isalnum():
        return text.lower()  # what slugify gives, without its cost: most words need no transliteration
    return str(slugify(text, separator=""))  # transliterates too: "Łukasz" -> "lukasz"


def base_key(paper: Paper) -> str:
    """First author's family name + year + first title word, lower-case ASCII."""
    name = paper.authors[0] if paper.authors else ""
    family = name.split(",")[0] if "," in name else (name.split() or [""])[-1]
    words = (_ascii_word(w) for w in re.findall(r"[^\W_]+", without_math(paper.title, " ")))
    first = next((w for w in words if w and w not in _SKIP_WORDS), "paper")  # lazily: transliteration is slow
    return f"{_ascii_word(family) or 'anon'}{year(paper)}{first}"


def cite_keys(site: Site, base_keys: Mapping[str, str] | None = None) -> dict[str, str]:
    """A unique key per paper slug; the paper seen first keeps the plain key. ``base_keys`` are the papers'
    :func:`base_key` by slug, when worked out already."""
    keys: dict[str, str] = {}
    taken: set[str] = set()
    for paper in sorted(site.papers.values(), key=lambda p: (p.date, p.slug)):
        base = key = base_keys[paper.slug] if base_keys else base_key(paper)
        n = 1
        while key in taken:
            n += 1
            key = base + (chr(ord("a") + n - 1) if n <= 26 else str(n))
        taken.add(key)
        keys[paper.slug] = key
    return keys


def _with_key(key: str, fields: str) -> str:
    return f"@misc{{{key},\n{fields}\n}}\n"


def _fields(paper: Paper) -> str:
    fields: list[tuple[str, str]] = [("title", escape(paper.title))]
    if paper.authors:
        fields.append(("author", " and ".join(escape(a) for a in paper.authors)))
    fields.append(("year", str(year(paper))))
    if paper.arxiv:
        eid = eprint(paper.arxiv)
        fields += [("eprint", eid), ("archivePrefix", "arXiv")]
        category = primary_class(paper)
        if category:
            fields.append(("primaryClass", escape(category)))
        fields += [("url", f"https://arxiv.org/abs/{eid}"), ("doi", f"10.48550/arXiv.{eid}")]
    else:
        url = next((u for name, u in sorted(paper.links.items()) if name.lower() in ("paper", "url", "pdf")), None)
        if url:
            fields.append(("url", url.replace("{", "%7B").replace("}", "%7D")))
        doi = paper.extra.get("doi")
        if isinstance(doi, str) and doi.strip():
            fields.append(("doi", escape(doi.strip())))
    return ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)


def entries(site: Site, memo: Memo[tuple[str, str]] | None = None) -> dict[str, str]:
    """The BibTeX entry of every paper, by slug. ``memo`` keeps each paper's base key and fields (by its
    fingerprint) between builds: a large archive's entries are otherwise worked out again on every build."""
    worked_out = {slug: _key_and_fields(paper, memo) for slug, paper in site.papers.items()}
    keys = cite_keys(site, {slug: base for slug, (base, _) in worked_out.items()})
    return {slug: _with_key(keys[slug], fields) for slug, (_, fields) in worked_out.items()}


def _key_and_fields(paper: Paper, memo: Memo[tuple[str, str]] | None) -> tuple[str, str]:
    if memo is None or not paper.fingerprint:  # a paper not read from a file has no fingerprint to keep it by
        return base_key(paper), _fields(paper)
    known = memo.get(paper.fingerprint)
    if known is None:
        known = (base_key(paper), _fields(paper))
        memo.put(paper.fingerprint, known, paper)
    return known


def bib_files(site: Site, by_slug: Mapping[str, str]) -> dict[str, bytes]:
    """Site path -> contents of every ``.bib`` file: one per paper, one per digest day (in digest order)."""
    files = {bib_path(slug): text.encode("utf-8") for slug, text in by_slug.items()}
    for digest in site.digests:
        files[day_bib_path(digest.date)] = "\n".join(by_slug[s] for s in digest.slugs).encode("utf-8")
    return files
