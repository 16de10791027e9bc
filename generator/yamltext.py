"""YAML mappings read with the line of each key, and Markdown documents with YAML front matter.

Errors name the file and line; dumping is deterministic so that a second build rewrites nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.errors import InputError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)^(---)[ \t]*\r?\n?", re.S | re.M)


@dataclass(frozen=True)
class YamlMapping:
    """A YAML mapping's values and the 1-based line each key is on."""

    values: dict[str, Any]
    lines: dict[str, int]


def load_mapping(path: Path, text: str, first_line: int = 1) -> YamlMapping:
    """Parse ``text`` (which starts on ``first_line`` of ``path``) as a YAML mapping with string keys."""
    return _direct_mapping(text, first_line) or _pyyaml_mapping(path, text, first_line)


def _pyyaml_mapping(path: Path, text: str, first_line: int) -> YamlMapping:
    """:func:`load_mapping` by PyYAML, for any YAML."""
    loader = _Loader(text)
    node = None
    try:  # one parse gives both the nodes (for line numbers) and the values
        node = loader.get_single_node()
        values = loader.construct_document(node) if node is not None else {}
    except ValueError as error:  # a value of a known form that Python cannot make: the date 2024-02-30
        raise InputError(path, f"invalid value: {error}", first_line + _unmade_value_line(node)) from None
    except yaml.MarkedYAMLError as error:
        # The context ("while scanning a quoted scalar") points at where the trouble began, which is the line
        # to show; the problem mark is often the end of the file.
        mark = error.context_mark or error.problem_mark
        line = first_line + mark.line if mark else None
        problem = f"{error.context}: {error.problem}" if error.context else str(error.problem or error)
        raise InputError(path, f"invalid YAML: {problem}", line) from None
    except yaml.YAMLError as error:
        raise InputError(path, f"invalid YAML: {error}", first_line) from None
    finally:
        loader.dispose()
    if node is None:
        return YamlMapping({}, {})
    if not isinstance(node, yaml.MappingNode) or not isinstance(values, dict):
        raise InputError(path, "expected a mapping of keys to values", first_line + node.start_mark.line)
    lines: dict[str, int] = {}
    for key_node, _ in node.value:
        line = first_line + key_node.start_mark.line
        if not isinstance(key_node.value, str):
            raise InputError(path, "keys must be strings", line)
        if key_node.value in lines:
            raise InputError(path, f"duplicate key {key_node.value!r}", line)
        lines[key_node.value] = line
    return YamlMapping({str(k): v for k, v in values.items()}, lines)


def _unmade_value_line(node: yaml.Node | None) -> int:
    """The line (in the text) of the first top-level value PyYAML could not make."""
    loader = _Loader("")
    try:
        for _, value in node.value if isinstance(node, yaml.MappingNode) else ():
            try:
                loader.construct_object(value, deep=True)
            except ValueError:
                return int(value.start_mark.line)
    finally:
        loader.dispose()
    return node.start_mark.line if node else 0


# A plain key of more than 1,024 characters is an error to PyYAML; an integer of more than 4,300 digits to Python.
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,999}):(?: (.*))?")
_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,999})")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CONSTANTS = {"null": None, "~": None, "true": True, "false": False}
_UNSURE: Any = object()


def _direct_mapping(text: str, first_line: int) -> YamlMapping | None:
    """``text`` read as PyYAML reads it, for the shapes :func:`dump_pair` writes (``key: scalar``, a list of
    scalars, scalars by name), or None for anything else, which PyYAML reads. PyYAML's loader costs three
    quarters of reading a content file; a test holds the two to the same values and lines.
    """
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    values: dict[str, Any] = {}
    where: dict[str, int] = {}
    index = 0
    while index < len(lines):
        pair = _key_line(lines[index], values)
        if pair is None:
            return None
        (key, rest), start, index = pair, index, index + 1
        if rest:
            value = _read_scalar(rest)
        else:  # a list or mapping on the lines below, or null
            block = index
            while index < len(lines) and lines[index].startswith(("- ", "  ")):
                index += 1
            value = _read_block(lines[block:index]) if index > block else None
        if value is _UNSURE:
            return None
        values[key], where[key] = value, first_line + start
    return YamlMapping(values, where) if values else None


def _key_line(line: str, seen: Mapping[str, object]) -> tuple[str, str | None] | None:
    """The text key of a ``key: ...`` line and the rest; None for anything else, or a key seen before."""
    match = _KEY_LINE.fullmatch(line)
    if match is None or match.group(1) in seen or _implicit_tag(match.group(1)) != _STR_TAG:
        return None
    return match.group(1), match.group(2)


def _read_block(block: list[str]) -> Any:
    """A list of scalars (``- item`` lines) or scalars by name (``  name: item`` lines), or ``_UNSURE``."""
    if all(line.startswith("- ") for line in block):
        items = [_read_scalar(line[2:]) for line in block]
        return _UNSURE if _UNSURE in items else items
    named: dict[str, Any] = {}
    for line in block:
        pair = _key_line(line[2:], named) if line.startswith("  ") else None
        value = _read_scalar(pair[1]) if pair and pair[1] else _UNSURE
        if pair is None or value is _UNSURE:
            return _UNSURE
        named[pair[0]] = value
    return named


def _read_scalar(text: str) -> Any:
    """A scalar as PyYAML reads it, of the kinds content files hold: text (plain or in single quotes), null,
    true, false, a decimal integer, a date, an empty list or mapping; ``_UNSURE`` for anything else."""
    if _plain(text):
        return text
    if text.startswith("'"):
        inner = text[1:-1]
        closed = len(text) > 1 and text.endswith("'") and "'" not in inner.replace("''", "")
        return inner.replace("''", "'") if closed and inner.isprintable() else _UNSURE
    if text in _CONSTANTS:
        return _CONSTANTS[text]
    if text in ("[]", "{}"):
        return [] if text == "[]" else {}
    if _INT.fullmatch(text):
        return int(text)
    if _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:  # PyYAML's own error is left to it
            return _UNSURE
    return _UNSURE


def dump_pair(key: str, value: Any) -> str:
    """``key: value`` as a line (or lines) of a block mapping, exactly as ``yaml.dump`` writes it.

    The shapes content files are made of (text, dates, numbers, lists of text, text by name) are written
    directly; anything else goes through PyYAML, whose representer costs more than the rest of converting a
    paper. A test holds the two to the same bytes.
    """
    direct = _direct_pair(key, value) if _plain(key) else None  # a key YAML must quote (a digest's name) is left to it
    return direct or yaml.dump({key: value}, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)


def _direct_pair(key: str, value: Any) -> str | None:
    if isinstance(value, list) and value:
        items = [_scalar(item) for item in value]
        if all(items):
            return f"{key}:\n" + "".join(f"- {item}\n" for item in items)
    elif isinstance(value, dict) and value:
        pairs = [(_plain(name) and name, _scalar(item)) for name, item in value.items()]
        if all(name and item for name, item in pairs):
            return f"{key}:\n" + "".join(f"  {name}: {item}\n" for name, item in pairs)
    elif (scalar := _scalar(value)) is not None:
        return f"{key}: {scalar}\n"
    return None


_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
_EMPTY = {(list, 0): "[]", (dict, 0): "{}"}


def _scalar(value: Any) -> str | None:
    """``value`` as YAML writes it in block context, or None when PyYAML must decide."""
    kind = type(value)
    if kind is str:
        if _plain(value):
            return str(value)
        # Text that cannot be plain (": " would start a mapping, "2024" reads as a number) on one printable line
        # PyYAML puts in single quotes. Anything less certain (a long line it might fold) is left to it.
        quoted = ": " in value or " #" in value or _implicit_tag(value) != _STR_TAG
        return "'" + value.replace("'", "''") + "'" if quoted and value.isprintable() and len(value) < 1000 else None
    if kind is dt.date:
        return str(value.isoformat())
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    return _EMPTY.get((kind, len(value))) if kind in (list, dict) else None


def _plain(text: object) -> bool:
    """Whether YAML writes ``text`` as a plain scalar (no quotes) in block context. Conservative: a False
    only costs a call to PyYAML, which decides for itself."""
    return (
        isinstance(text, str)
        and 0 < len(text) < 1000
        and text[0].isalnum()
        and text[-1] not in " :"
        and text.isprintable()
        and ": " not in text
        and " #" not in text
        and _implicit_tag(text) == _STR_TAG
    )


@functools.lru_cache(maxsize=4096)  # keys, tags and sources recur in every content file
def _implicit_tag(text: str) -> str:
    """The type YAML reads unquoted ``text`` as (``yes`` a bool, ``2024`` an int)."""
    return str(_RESOLVER.resolve(yaml.ScalarNode, text, (True, False)))  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class Document:
    """A Markdown file with front matter; ``fence`` is the index of the line that closes the front matter."""

    meta: YamlMapping
    body: str
    fence: int


def read_text(path: Path) -> str:
    """A UTF-8 text file (a BOM is fine); anything else is an error naming the file and line."""
    return decode_utf8(path, path.read_bytes())


def decode_utf8(path: Path, data: bytes, what: str = "not UTF-8 text") -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(path, what, data[: error.start].count(b"\n") + 1) from None


def parse_document(path: Path, text: str) -> Document:
    """Split front matter from body; a file without front matter is an error naming the file."""
    match = _FRONT.match(text)
    if not match:
        raise InputError(path, "missing front matter: the file must start with '---', YAML, then '---'", 1)
    meta = load_mapping(path, match.group(1), first_line=2)
    return Document(meta, text[match.end() :].strip("\n"), text.count("\n", 0, match.start(2)))


def dump_document(meta: dict[str, Any], body: str) -> str:
    """Front matter in the given key order, then the body; the same input always gives the same text."""
    front = "".join(dump_pair(key, value) for key, value in meta.items())
    body = body.strip("\n")
    return f"---\n{front}---\n{body}\n" if body else f"---\n{front}---\n"


def patch_document(text: str, doc: Document, updates: dict[str, Any], body: str | None = None) -> str:
    """Set front matter keys (and optionally the body) of ``text`` (parsed as ``doc``) by editing only their lines.

    Comments, key order and formatting of everything else stay as the user wrote them. A key's value is its
    line and the indented or list lines under it; a new key goes at the end of the front matter.
    """
    lines = text.splitlines(keepends=True)
    end = doc.fence
    replaced: dict[int, tuple[int, str]] = {}
    appended = []
    for key, value in updates.items():
        dumped = dump_pair(key, value)
        line = doc.meta.lines.get(key)
        if line is None:
            appended.append(dumped)
            continue
        start = stop = line - 1
        while stop + 1 < end and lines[stop + 1].startswith((" ", "\t", "-")):
            stop += 1
        replaced[start] = (stop + 1, dumped)
    out: list[str] = []
    index = 0
    while index < len(lines):
        if index in replaced:
            stop, dumped = replaced[index]
            out.append(dumped)
            index = stop
            continue
        if index == end:
            out.extend(appended)
        out.append(lines[index])
        index += 1
        if index == end + 1 and body is not None:
            break
    if body is not None:
        if not out[-1].endswith("\n"):  # the closing '---' was the file's last line
            out[-1] += "\n"
        out.append(body.strip("\n") + "\n")
    return "".join(out)
