"""Markdown rendering: CommonMark + tables + footnotes, raw HTML off, math kept, plain text kept exact."""

from __future__ import annotations

import random
import re

import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from bench.corpus import paper as bench_paper
from generator.markdown import (
    _BLOCK_START,
    _INLINE_SPECIAL,
    _ORDERED,
    Markdown,
    _escape_plain,
    _is_prose,
    _url_starts,
    escape_text,
    make_renderer,
    plain_text,
)
from tests.test_read_text import seed_blocks

MD = make_renderer()


def render_markdown(md: MarkdownIt, text: str, doc_id: str = "") -> str:
    return str(md.render(text, {"docId": doc_id} if doc_id else {}))


def rendered_text(source: str) -> str:
    return " ".join(BeautifulSoup(render_markdown(MD, source), "html.parser").get_text().split())


@pytest.mark.parametrize(
    "text",
    [
        "known as `ungrounded guesses' or `hallucinations'",
        "by approximately 70\\% compared to 3*4*5 = 60 and a_b_c",
        "# not a heading, > not a quote",
        "- not a list",
        "1. not a list either; 2) nor this",
        "[not a link](http://x) ![nor an image](y) [^1] <http://z> &amp; &#35; R&D",
        "~~not struck~~ and \\ backslash \\\\ double",
        "costs $5 and $10 in total",
        "x <script>alert(1)</script> y",
        "code at https://github.com/a_b/c*d_e. Done_",
    ],
)
def test_plain_text_renders_exactly_as_itself(text: str) -> None:
    assert rendered_text(escape_text(text)) == text
    assert plain_text(MD, escape_text(text)) == text


def test_every_seed_abstract_renders_exactly() -> None:
    for _, abstract in seed_blocks():
        assert rendered_text(escape_text(abstract)) == abstract


def test_math_survives_escaping_and_prices_stay_text() -> None:
    soup = BeautifulSoup(render_markdown(MD, escape_text(r"Let $\{x_i\}_{i=1}^n$ and $$a*b$$ cost $5.")), "html.parser")
    inline, display = soup.select("span.math")
    assert inline.find("msub") and inline.find("msubsup")  # x_i and }_{i=1}^n: escaping did not touch the TeX
    assert display.find("math")["display"] == "block" and display.find("mo").get_text() == "*"
    assert soup.get_text().strip().endswith("cost $5.")


def test_markdown_features_and_no_raw_html() -> None:
    html = render_markdown(
        MD, "| a | b |\n|---|---|\n| 1 | 2 |\n\nNote[^n] <b>x</b> https://example.org\n\n[^n]: A footnote.", "p1"
    )
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("table") and soup.find("section", class_="footnotes")
    assert soup.find(id="fn-p1-1") is not None
    assert soup.find("b") is None and "<b>x</b>" in soup.get_text()
    assert soup.find("a", href="https://example.org")


def test_unsafe_links_and_images_are_not_rendered() -> None:
    soup = BeautifulSoup(
        render_markdown(MD, "[x](javascript:alert(1)) ![t](https://tracker.example/p.gif)"), "html.parser"
    )
    assert soup.find("img") is None  # nothing is fetched when the page loads
    assert [a["href"] for a in soup.find_all("a")] == ["https://tracker.example/p.gif"]


def _url_texts(rng: random.Random, count: int) -> list[str]:
    """Prose with URLs in the places and shapes that decide where linkify ends a link."""
    urls = [
        "https://github.com/a_b/c*d_e",
        "http://example.org/x?y=1&z=2",
        "https://x.org/a%20b/(c)",
        "HTTPS://EXAMPLE.COM/Path",
        "https://例え.jp/パス",
        "https://github.com/org/repo.",
        "https://x.org/a)",
        "https://a.b/c,d;e:f",
        "https://x.org/**bold**",
        "https://",
        "https://web.archive.org/web/1/https://x.org",
        "http://localhost:8000/x",
        "https://x.org/'quoted'",
        'https://x.org/"q"',
        "https://x.org/a\\_b",
    ]
    before = ["", " ", "(", "see ", "at\n", "x", "\\", "_", "**", "mailto:", "//"]
    after = ["", ".", ")", ").", ",", " and more", "\n", "*", ":", "!", "?", "\n\nNext paragraph.", " @x"]
    return [
        escape_text(f"Text {rng.choice(before)}{rng.choice(urls)}{rng.choice(after)} end {rng.choice(urls)}")
        if rng.random() < 0.5
        else f"Text {rng.choice(before)}{rng.choice(urls)}{rng.choice(after)}"
        for _ in range(count)
    ]


def test_prose_shortcut_gives_the_parsers_output_byte_for_byte() -> None:
    fast, parser = Markdown(), make_renderer()
    rng = random.Random(3)
    texts = [escape_text(abstract) for _, abstract in seed_blocks()]
    texts += [escape_text(bench_paper(rng, n)[1]) for n in range(200)]
    texts += _url_texts(rng, 600)
    texts += [
        "Line one\nline two\n\nPara two.",
        "a  \nb",
        "x\n---",
        "1986. A year",
        "Ok\n    code",
        'He said "hi" & left',
        "tab\there",
        " lead",
        "C++ and C#",
        "\\- not a list",
        "example.com and www.example.org, train.py, mail me@example.org",
        "mailto:me@example.org",
        "protocol-relative //example.org/x",
    ]
    shortcut = links = 0
    for text in texts:
        html, plain = fast.render(text)
        assert html == parser.render(text), text
        assert plain == plain_text(parser, text), text
        shortcut += fast._prose(text) is not None
        links += fast._prose(text) is not None and "<a " in html
    assert shortcut > 300 and links > 150  # the shortcut is really taken, for plain abstracts and with links


def test_only_urls_with_a_scheme_become_links() -> None:
    html = Markdown().html("See https://x.org/a, train.py, model.ai, www.example.org and me@example.org.")
    assert BeautifulSoup(html, "html.parser").find_all("a") == BeautifulSoup(
        '<a href="https://x.org/a">https://x.org/a</a>', "html.parser"
    ).find_all("a")


def test_prose_check_agrees_with_one_regex_of_all_its_rules() -> None:
    # The rules as one regex: the readable statement of what _is_prose checks, too slow to run on every abstract.
    rules = re.compile(r"[\\`*_\[\]<>&!~|$#]|//|mailto:|^[\s>#=+*-]|^\d+[.)]|[ \t]$|^$", re.M | re.I)
    rng = random.Random(5)
    alphabet = ["a", "b", " ", "\t", "\n", "\u00a0", "1", "2", ".", ")", "-", "+", "=", ">", "#", "/", "*", "M"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(20_000)]
    texts += ["MAILTO:x", "a\n", "\n", "12) x", "x\n3. y", "x \ny", "x\t"]
    for text in texts:
        assert _is_prose(text) == (rules.search(text) is None), repr(text)


def test_url_starts_agree_with_one_regex() -> None:
    # The readable statement of _url_starts: a scheme, in any case, after a space, "(" or the start. (Not re.I,
    # under which "s" also matches the long s, U+017F: such a URL is left to the parser either way.)
    regex = re.compile(r"(?<![^\s(])[Hh][Tt][Tt][Pp][Ss]?://")
    rng = random.Random(7)
    pieces = ["http", "HTTPS", "hTtPs", "s", "\u017f", "://", "x", " ", "(", "\n", "\u00a0", "\t", ")", "ftp", ":", "/"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 10))) for _ in range(20_000)]
    texts += ["https://x", "(http://x", "xhttp://x", "https://https://x", "a\u2003https://x"]
    for text in texts:
        assert list(_url_starts(text)) == [m.start() for m in regex.finditer(text)], repr(text)


def test_escaping_skips_only_substitutions_that_would_change_nothing() -> None:
    def every_substitution(text: str) -> str:
        text = _INLINE_SPECIAL.sub(lambda m: "\\" + m.group(), text)
        text = _ORDERED.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)
        return _BLOCK_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)

    rng = random.Random(11)
    alphabet = ["a", " ", "\n", "\t", "\u00a0", "1", "٣", ".", ")", "#", ">", "+", "=", "-", "*", "&", "x;", "\\", "<"]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        assert _escape_plain(text) == every_substitution(text), repr(text)
