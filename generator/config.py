"""The site's configuration: ``site.yaml`` validated into a frozen :class:`SiteConfig`.

Every key is optional. An unknown key or a value of the wrong type is an error naming the file, the line,
the key and the nearest valid key.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.errors import InputError
from generator.yamltext import load_mapping, read_text

CONFIG_NAME = "site.yaml"


@dataclass(frozen=True)
class SiteConfig:
    """Validated settings; the defaults here are the documented defaults."""

    title: str = "Paper Digest"
    description: str = "A daily digest of research papers."
    base_url: str = "/"
    theme: str = "default"
    language: str = "en"
    papers_per_page: int = 50
    home_days: int = 30
    timezone: str = "UTC"
    tag_rules: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source_tags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    hf_api: str = "https://huggingface.co/api/daily_papers"
    arxiv_api: str = "https://export.arxiv.org/api/query"
    cname: str | None = None
    search: bool = True

    @property
    def base_path(self) -> str:
        """The URL path the site lives under: ``/`` at a domain root, ``/repo/`` on a project page."""
        return urlsplit(self.base_url).path or "/"

    @property
    def absolute_base(self) -> str | None:
        """The base URL with scheme and host, when the configuration gives one."""
        return self.base_url if urlsplit(self.base_url).netloc else None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("must be a string")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise TypeError("must be a whole number of 1 or more")
    return value


def _base_url(value: Any) -> str:
    url = _text(value).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or (parts.scheme and not parts.netloc):
        raise TypeError("must be an http(s) URL like https://user.github.io/repo/ or a path like /repo/")
    if parts.query or parts.fragment:
        raise TypeError("must not have a query or fragment")
    if not parts.netloc and not url.startswith("/"):
        raise TypeError("must start with http://, https:// or /")
    return url if url.endswith("/") else url + "/"


_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def _cname(value: Any) -> str | None:
    """A custom domain for GitHub Pages' CNAME file: a bare host name such as papers.example.org."""
    if value is None:
        return None
    host = _text(value).strip().lower().removesuffix(".")
    labels = host.split(".")
    if len(host) > 253 or len(labels) < 2 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise TypeError("must be a host name like papers.example.org (no scheme, port or path)")
    return host


def _switch(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("must be true or false")
    return value


def _timezone(value: Any) -> str:
    name = _text(value)
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise TypeError(f"{name!r} is not a known time zone (e.g. UTC, Europe/Paris)") from None
    return name


def _tag_rules(value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise TypeError("must be a mapping of tag to a list of words or phrases")
    rules = {}
    for tag, words in value.items():
        if not isinstance(tag, str) or not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise TypeError(f"tag {tag!r} must map to a list of words or phrases")
        if not tag.strip() or not all(w.strip() for w in words):  # an empty phrase would match every paper
            raise TypeError(f"tag {tag!r}: tags and their words or phrases must not be empty")
        rules[tag] = tuple(words)
    return rules


def _source_tags(value: Any) -> dict[str, tuple[str, ...]]:
    try:
        return _tag_rules(value)
    except TypeError:
        raise TypeError("must be a mapping of tag to a list of keywords or arXiv categories (e.g. cs.CL)") from None


def api_url(value: Any) -> str:
    """An http(s) URL with a host: where ``digest fetch`` asks."""
    url = _text(value).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise TypeError("must be an http(s) URL like https://huggingface.co/api/daily_papers")
    return url


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "title": _text,
    "description": _text,
    "base_url": _base_url,
    "theme": _text,
    "language": _text,
    "papers_per_page": _count,
    "home_days": _count,
    "timezone": _timezone,
    "tag_rules": _tag_rules,
    "source_tags": _source_tags,
    "hf_api": api_url,
    "arxiv_api": api_url,
    "cname": _cname,
    "search": _switch,
}
assert set(_CHECKS) == {f.name for f in fields(SiteConfig)}


def load_config(site_dir: Path, config_file: Path | None = None, base_url: str | None = None) -> SiteConfig:
    """Read ``site.yaml`` (or ``config_file``) from ``site_dir``; ``base_url`` overrides the file's."""
    path = config_file or site_dir / CONFIG_NAME
    config = SiteConfig()
    if path.exists():
        config = parse_config(path, read_text(path))
    elif config_file is not None:
        raise InputError(path, "config file not found")
    if base_url is not None:
        try:
            config = replace(config, base_url=_base_url(base_url))
        except TypeError as error:
            raise InputError("--base-url", str(error)) from None
    return config


def parse_config(path: Path, text: str) -> SiteConfig:
    """Validate the text of a config file into a SiteConfig."""
    mapping = load_mapping(path, text)
    values = {}
    for key, value in mapping.values.items():
        line = mapping.lines.get(key)
        check = _CHECKS.get(key)
        if check is None:
            close = difflib.get_close_matches(key, _CHECKS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; valid keys: {', '.join(_CHECKS)}"
            raise InputError(path, f"unknown key {key!r}{hint}", line)
        try:
            values[key] = check(value)
        except TypeError as error:
            raise InputError(path, f"{key} {error}; got {value!r}", line) from None
    return SiteConfig(**values)
