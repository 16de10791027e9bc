"""site.yaml: defaults, validation errors naming file, line, key and the nearest valid key."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import SiteConfig, load_config, parse_config
from generator.errors import InputError


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path) == SiteConfig()
    assert SiteConfig().base_path == "/"


def test_every_key(tmp_path: Path) -> None:
    text = (
        "title: Lab Reading\ndescription: What we read\nbase_url: https://user.github.io/repo\ntheme: default\n"
        "language: de\npapers_per_page: 20\nhome_days: 7\ntimezone: Europe/Paris\ntag_rules: {llm: [LLM]}\n"
    )
    config = parse_config(tmp_path / "site.yaml", text)
    assert config.base_url == "https://user.github.io/repo/"
    assert config.base_path == "/repo/"
    assert config.absolute_base == "https://user.github.io/repo/"
    assert (config.papers_per_page, config.home_days, config.timezone) == (20, 7, "Europe/Paris")
    assert config.tag_rules == {"llm": ("LLM",)}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("title: x\ntitel: y\n", 2, ["unknown key 'titel'", "did you mean 'title'"]),
        ("papers_per_pages: 3\n", 1, ["did you mean 'papers_per_page'"]),
        ("zzz: 1\n", 1, ["unknown key 'zzz'", "valid keys: title"]),
        ("title: x\npapers_per_page: ten\n", 2, ["papers_per_page must be a whole number", "'ten'"]),
        ("papers_per_page: 0\n", 1, ["papers_per_page must be a whole number"]),
        ("home_days: true\n", 1, ["home_days"]),
        ("title: [a, b]\n", 1, ["title must be a string"]),
        ("base_url: ftp://x/\n", 1, ["base_url must be an http(s) URL"]),
        ("base_url: repo/\n", 1, ["base_url must start with"]),
        ("timezone: Mars/Olympus\n", 1, ["not a known time zone"]),
        ("search: no way\n", 1, ["search must be true or false", "'no way'"]),
        ("tag_rules: [a]\n", 1, ["tag_rules must be a mapping"]),
        ("tag_rules: {llm: [LLM, '']}\n", 1, ["must not be empty"]),
        ("title: x\ntitle: y\n", 2, ["duplicate key 'title'"]),
        ("title: 'x\n", 1, ["invalid YAML"]),
        ("- a\n- b\n", 1, ["expected a mapping"]),
    ],
)
def test_bad_config_is_an_error_naming_line_and_key(tmp_path: Path, text: str, line: int, words: list[str]) -> None:
    path = tmp_path / "site.yaml"
    with pytest.raises(InputError) as caught:
        parse_config(path, text)
    assert caught.value.path == path
    assert caught.value.line == line
    for word in words:
        assert word in caught.value.message


def test_base_url_option_overrides_and_is_validated(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("base_url: /a/\n", encoding="utf-8")
    assert load_config(tmp_path, base_url="https://x.org/b").base_path == "/b/"
    with pytest.raises(InputError, match=r"base_url|must"):
        load_config(tmp_path, base_url="nota url")


def test_named_config_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="config file not found"):
        load_config(tmp_path, tmp_path / "other.yaml")
