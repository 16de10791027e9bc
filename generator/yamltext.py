"""YAML mappings read with the line of each key, and Markdown documents with YAML front matter.

Errors name the file and line; dumping is deterministic so that a second build rewrites nothing.
"""

from __future__ import annotations

import re
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
    loader = _Loader(text)
    try:  # one parse gives both the nodes (for line numbers) and the values
        node = loader.get_single_node()
        values = loader.construct_document(node) if node is not None else {}
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
    front = yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)
    body = body.strip("\n")
    return f"---\n{front}---\n{body}\n" if body else f"---\n{front}---\n"


def patch_document(path: Path, text: str, updates: dict[str, Any], body: str | None = None) -> str:
    """Set front matter keys (and optionally the body) by editing only their lines.

    Comments, key order and formatting of everything else stay as the user wrote them. A key's value is its
    line and the indented or list lines under it; a new key goes at the end of the front matter.
    """
    doc = parse_document(path, text)
    lines = text.splitlines(keepends=True)
    end = doc.fence
    replaced: dict[int, tuple[int, str]] = {}
    appended = []
    for key, value in updates.items():
        dumped = yaml.dump({key: value}, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)
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
