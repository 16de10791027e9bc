"""The ``{% cache %}`` tag: a block is rendered once per key, kept between builds, escaped once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
import pytest

from generator.fragments import KEEP_BUILDS, FragmentCache, Fragments
from generator.model import Paper

TEMPLATE = "{% for p in papers %}{% cache p, rank %}<i>{{ count() }}:{{ p.title }}</i>{% endcache %}{% endfor %}"


def named(**templates: str) -> jinja2.Environment:
    strict, loader = jinja2.StrictUndefined, jinja2.DictLoader(templates)
    return jinja2.Environment(loader=loader, autoescape=True, extensions=[FragmentCache], undefined=strict)


def environment(fragments: Fragments) -> tuple[jinja2.Template, list[int]]:
    env = named(page=TEMPLATE)
    env.extensions[FragmentCache.identifier].fragments = fragments  # type: ignore[attr-defined]
    calls: list[int] = []
    env.globals["count"] = lambda: calls.append(1) or len(calls)
    return env.get_template("page"), calls


def paper(slug: str, title: str, fingerprint: str) -> Paper:
    return Paper(slug, title, dt.date(2025, 5, 29), "Abstract.", fingerprint=fingerprint)


def test_a_block_is_rendered_once_per_key_and_escaped_once() -> None:
    template, calls = environment(Fragments())
    a, b = paper("a", "<A & B>", "fa"), paper("b", "B", "fb")
    first = template.render(papers=[a, b, a], rank=1)
    assert first == "<i>1:&lt;A &amp; B&gt;</i><i>2:B</i><i>1:&lt;A &amp; B&gt;</i>" and len(calls) == 2
    assert template.render(papers=[a], rank=2) == "<i>3:&lt;A &amp; B&gt;</i>"  # another key: rendered again


def test_a_paper_is_known_by_its_slug_and_file_hash() -> None:
    template, calls = environment(Fragments())
    template.render(papers=[paper("a", "A", "fa")], rank=1)
    template.render(papers=[paper("a", "A edited", "fa2"), paper("b", "A", "fa")], rank=1)
    assert len(calls) == 3


def test_a_build_that_starts_with_none_kept_keeps_only_the_blocks_of_growing_pages(tmp_path: Path) -> None:
    """A first build renders every page: it keeps the blocks of the pages new days change (see Page.growing);
    a build with blocks kept from before keeps every block it renders."""
    first = Fragments(tmp_path / "fragments.pickle", "v1")
    template, calls = environment(first)
    first.begin_page(growing=False)
    template.render(papers=[paper("a", "A", "fa")], rank=1)
    assert first.take() == ({}, []) and not first.kept
    first.begin_page(growing=True)
    template.render(papers=[paper("a", "A", "fa")], rank=1)
    template.render(papers=[paper("a", "A", "fa")], rank=1)
    assert len(first.take()[0]) == 1 and len(calls) == 2
    first.save()

    later = Fragments(tmp_path / "fragments.pickle", "v1")
    template, calls = environment(later)
    later.begin_page(growing=False)
    template.render(papers=[paper("a", "A", "fa"), paper("b", "B", "fb")], rank=1)
    made, reused = later.take()
    assert len(calls) == 1 and len(made) == 1 and "fb" in next(iter(made)) and len(reused) == 1


def test_fragments_are_kept_between_builds_and_handed_back_by_workers(tmp_path: Path) -> None:
    memo_file = tmp_path / "fragments.pickle"
    worker = Fragments(memo_file, "v1")
    template, calls = environment(worker)
    template.render(papers=[paper("a", "A", "fa")], rank=1)
    made, reused = worker.take()
    assert len(made) == 1 and reused == [] and worker.take() == ({}, [])

    kept = Fragments(memo_file, "v1")
    kept.adopt(made, reused)  # as the process that keeps the memo does with what a worker made
    kept.save()
    again, calls = environment(Fragments(memo_file, "v1"))
    assert again.render(papers=[paper("a", "A", "fa")], rank=1) == "<i>1:A</i>" and calls == []
    fresh, calls = environment(Fragments(memo_file, "v2"))  # new templates or code: nothing kept
    assert fresh.render(papers=[paper("a", "A", "fa")], rank=1) == "<i>1:A</i>" and calls == [1]


@pytest.mark.parametrize("source", ["{% cache %}x{% endcache %}", "{% cache p %}x"])
def test_a_malformed_tag_is_a_template_syntax_error(source: str) -> None:
    with pytest.raises(jinja2.TemplateSyntaxError):
        named(t=source).get_template("t")


def test_a_template_without_a_name_cannot_use_the_tag() -> None:
    with pytest.raises(jinja2.TemplateSyntaxError, match="loaded by name"):
        jinja2.Environment(extensions=[FragmentCache]).from_string("{% cache p %}x{% endcache %}")


def test_a_misspelt_value_is_an_error_not_one_key_for_every_item() -> None:
    source = "{% for p in papers %}{% cache p.sulg %}{{ p.slug }}{% endcache %}{% endfor %}"
    template = named(t=source).get_template("t")
    with pytest.raises(jinja2.UndefinedError):
        template.render(papers=[paper("a", "A", "fa"), paper("b", "B", "fb")])


def test_two_blocks_on_one_line_are_two_keys() -> None:
    template = named(t="{% cache p %}one{% endcache %}-{% cache p %}two{% endcache %}").get_template("t")
    assert template.render(p=paper("a", "A", "fa")) == "one-two"


def test_fragments_no_build_used_for_a_while_are_dropped(tmp_path: Path) -> None:
    store = tmp_path / "fragments.pickle"

    def build(*papers: Paper) -> list[int]:
        fragments = Fragments(store, "v1")
        template, calls = environment(fragments)
        template.render(papers=list(papers), rank=1)
        fragments.save()
        return calls

    a, b = paper("a", "A", "fa"), paper("b", "B", "fb")
    assert len(build(a, b)) == 2
    assert build() == [] and build(a) == []  # a build that renders no block keeps them all
    assert build(b) == [1]  # b was not used by the build after the one that made it: dropped, made again
    for _ in range(KEEP_BUILDS - 2):
        assert build(b) == []
    assert build(a, b) == []  # a, used again after it was made, is kept while builds use other blocks
    for _ in range(KEEP_BUILDS):
        assert build(b) == []
    assert build(a) == [1]  # a went unused for KEEP_BUILDS builds: made again
