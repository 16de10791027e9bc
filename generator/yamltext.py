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
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?\n?", re.S | re.M)


@dataclass(frozen=True)
class YamlMapping:
    """A YAML mapping's values and the 1-based line each key is on."""

    values: dict[str, Any]
    lines: dict[str, int]


def load_mapping(path: Path, text: str, first_line: int = 1) -> YamlMapping:
    """Parse ``text`` (which starts on ``first_line`` of ``path``) as a YAML mapping with string keys."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        values = yaml.load(text, Loader=_Loader) if node is not None else {}
    except yaml.MarkedYAMLError as error:
        # The context ("while scanning a quoted scalar") points at where the trouble began, which is the line
        # to show; the problem mark is often the end of the file.
        mark = error.context_mark or error.problem_mark
        line = first_line + mark.line if mark else None
        problem = f"{error.context}: {error.problem}" if error.context else str(error.problem or error)
        raise InputError(path, f"invalid YAML: {problem}", line) from None
    except yaml.YAMLError as error:
        raise InputError(path, f"invalid YAML: {error}", first_line) from None
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
    """A Markdown file with front matter; ``body_line`` is where the body starts."""

    meta: YamlMapping
    body: str
    body_line: int


def parse_document(path: Path, text: str) -> Document:
    """Split front matter from body; a file without front matter is an error naming the file."""
    match = _FRONT.match(text)
    if not match:
        raise InputError(path, "missing front matter: the file must start with '---', YAML, then '---'", 1)
    meta = load_mapping(path, match.group(1), first_line=2)
    body_line = text.count("\n", 0, match.end()) + 1
    return Document(meta, text[match.end() :].strip("\n"), body_line)


def dump_document(meta: dict[str, Any], body: str) -> str:
    """Front matter in the given key order, then the body; the same input always gives the same text."""
    front = yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)
    body = body.strip("\n")
    return f"---\n{front}---\n{body}\n" if body else f"---\n{front}---\n"


def patch_document(path: Path, text: str, updates: dict[str, Any], body: str | None = None) -> str:
    """Set front matter keys (and optionally the body) by editing only their lines.

    Comments, key order and formatting of everything else stay as the user wrote them. A key's lines run from
    the key to the next top-level key; a new key goes at the end of the front matter.
    """
    doc = parse_document(path, text)
    lines = text.splitlines(keepends=True)
    end = doc.body_line - 2  # index of the closing '---'
    starts = sorted(line - 1 for line in doc.meta.lines.values())
    replaced: dict[int, tuple[int, str]] = {}
    appended = []
    for key, value in updates.items():
        dumped = yaml.dump({key: value}, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)
        line = doc.meta.lines.get(key)
        if line is None:
            appended.append(dumped)
            continue
        start = line - 1
        stop = min([s for s in starts if s > start] + [end])
        replaced[start] = (stop, dumped)
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
        out.append(body.strip("\n") + "\n")
    return "".join(out)
