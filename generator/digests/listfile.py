"""Reader for digests written by hand or by a script: a YAML or JSON list of entries.

    date: 2025-05-29            # optional: the file name or --date can give it instead
    papers:                     # or the list alone, without date/papers
      - title: A paper          # required
        abstract: What it does. # optional, plain text (published as written)
        authors: [Ada Lovelace]
        arxiv: "2501.16937"     # id or abs URL, version stripped
        links: {code: https://github.com/x/y}
        tags: [distillation]
        extra: {upvotes: 12}    # anything else, kept in the paper's front matter

Unknown keys are errors naming the closest valid key. JSON is read by the YAML parser too (JSON is YAML), so
errors name lines in both; ids and dates are taken from the text as written (``2501.10000`` is not a number).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from generator.content import PAPER_KEYS
from generator.digests.fields import Parsed, arxiv_id, one_line, parse_json, web_url
from generator.errors import InputError
from generator.model import Entry

SOURCE = "list"
ENTRY_KEYS = ("title", "abstract", "authors", "arxiv", "links", "tags", "extra")
TOP_KEYS = ("date", "papers")
_SURROGATE_PAIR = re.compile(r"\\\\|\\u(?P<high>d[89ab][0-9a-f]{2})\\u(?P<low>d[c-f][0-9a-f]{2})", re.I)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: several times faster


def read_list(path: Path, text: str) -> Parsed:
    """Entries of a YAML/JSON list digest, each error naming its line."""
    if text.lstrip()[:1] in ("[", "{"):
        text = _json_as_yaml(path, text)
    node = _compose(path, text)
    if isinstance(node, yaml.MappingNode):
        top = _pairs(path, node, TOP_KEYS)
        date = _date(path, top["date"]) if "date" in top else None
        items = top.get("papers")
        if items is None:
            raise InputError(path, "no 'papers:' list", node.start_mark.line + 1)
    elif isinstance(node, yaml.SequenceNode):
        date, items = None, node
    else:
        raise InputError(path, "expected a list of papers, or a mapping with 'date' and 'papers'")
    if not isinstance(items, yaml.SequenceNode):
        raise InputError(path, "'papers' must be a list of entries", items.start_mark.line + 1)
    return Parsed(tuple(_entry(path, item) for item in items.value), date)


def _json_as_yaml(path: Path, text: str) -> str:
    """Valid JSON, made readable to the YAML parser line for line.

    JSON escapes characters beyond the BMP as surrogate pairs (``\\ud83d\\ude00``), which YAML refuses, and
    may indent with tabs; in valid JSON a tab can only be whitespace, since strings must escape it.
    """
    parse_json(path, text)  # its errors are clearer than YAML's for the same text

    def joined(match: re.Match[str]) -> str:
        if match["high"] is None:  # an escaped backslash: leave it, and what follows it, alone
            return match.group()
        return chr(0x10000 + ((int(match["high"], 16) - 0xD800) << 10) + int(match["low"], 16) - 0xDC00)

    return _SURROGATE_PAIR.sub(joined, text).replace("\t", " ")


def _compose(path: Path, text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.context_mark or error.problem_mark  # where the trouble began, as yamltext does
        line = mark.line + 1 if mark else None
        problem = f"{error.context}: {error.problem}" if error.context else str(error.problem or error)
        raise InputError(path, f"invalid YAML/JSON: {problem}", line) from None
    except yaml.YAMLError as error:
        raise InputError(path, f"invalid YAML/JSON: {error}") from None


def _pairs(path: Path, node: yaml.MappingNode, allowed: tuple[str, ...]) -> dict[str, yaml.Node]:
    """The key -> value nodes of a mapping; unknown or repeated keys are errors naming their line."""
    pairs: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key, line = key_node.value, key_node.start_mark.line + 1
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; valid keys: {', '.join(allowed)}"
            raise InputError(path, f"unknown key {key!r}{hint}", line)
        if key in pairs:
            raise InputError(path, f"duplicate key {key!r}", line)
        pairs[key] = value_node
    return pairs


def _load(path: Path, node: yaml.Node) -> Any:
    """The Python value of a node (mappings, lists, numbers...) as the safe loader builds it."""
    loader = _LOADER("")
    try:
        return loader.construct_document(node)
    except yaml.YAMLError as error:
        raise InputError(path, f"invalid value: {error}", node.start_mark.line + 1) from None
    finally:
        loader.dispose()


def _raw(path: Path, node: yaml.Node, what: str) -> str:
    """A scalar exactly as written, whatever type YAML would give it."""
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise InputError(path, f"{what} must be text", node.start_mark.line + 1)
    return str(node.value).strip()


def _date(path: Path, node: yaml.Node) -> dt.date:
    try:
        return dt.date.fromisoformat(_raw(path, node, "date"))
    except ValueError:
        raise InputError(path, "date must look like 2025-05-29", node.start_mark.line + 1) from None


def _entry(path: Path, node: yaml.Node) -> Entry:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        raise InputError(path, "each paper must be a mapping with at least a 'title'", line)
    pairs = _pairs(path, node, ENTRY_KEYS)
    if "title" not in pairs:
        raise InputError(path, "this paper has no 'title'", line)
    arxiv = None
    if "arxiv" in pairs:
        written = _raw(path, pairs["arxiv"], "arxiv")
        arxiv = arxiv_id(written)
        if arxiv is None:
            raise InputError(path, f"{written!r} is not an arXiv id", pairs["arxiv"].start_mark.line + 1)
    return Entry(
        title=one_line(_raw(path, pairs["title"], "title")),
        abstract=_raw(path, pairs["abstract"], "abstract") if "abstract" in pairs else "",
        authors=_strings(path, pairs.get("authors"), "authors"),
        arxiv=arxiv,
        links=_links(path, pairs.get("links")),
        tags=_strings(path, pairs.get("tags"), "tags"),
        source=SOURCE,
        line=line,
        extra=_extra(path, pairs.get("extra")),
    )


def _strings(path: Path, node: yaml.Node | None, what: str) -> tuple[str, ...]:
    if node is None:
        return ()
    if not isinstance(node, yaml.SequenceNode):
        raise InputError(path, f"{what} must be a list", node.start_mark.line + 1)
    return tuple(one_line(_raw(path, item, f"each of {what}")) for item in node.value)


def _links(path: Path, node: yaml.Node | None) -> dict[str, str]:
    if node is None:
        return {}
    value = _load(path, node)
    if not isinstance(value, Mapping):
        raise InputError(path, "links must be a mapping of name to URL", node.start_mark.line + 1)
    links = {}
    for name, url in value.items():
        if not isinstance(name, str) or web_url(url) is None:
            raise InputError(path, f"link {name!r}: {url!r} is not an http(s) URL", node.start_mark.line + 1)
        links[name] = str(url).strip()
    return links


def _extra(path: Path, node: yaml.Node | None) -> dict[str, Any]:
    if node is None:
        return {}
    value = _load(path, node)
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise InputError(path, "extra must be a mapping of names to values", node.start_mark.line + 1)
    clashing = sorted(set(value) & set(PAPER_KEYS))
    if clashing:
        raise InputError(
            path, f"extra cannot set {', '.join(clashing)}: use the entry's own keys", node.start_mark.line + 1
        )
    return {k: v for k, v in value.items() if v is not None}
