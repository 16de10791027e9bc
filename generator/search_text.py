"""The search text pipeline: fold, split into words, drop stop words, stem, exactly as the browser does it.

The browser queries with lunr.js 2.3.9 and themes/default/static/search.js; an index term that the browser's
pipeline cannot produce from the same word is unfindable. lunr.py differs from lunr.js in three places (its
tokenizer keeps punctuation then trims it differently, its trimmer keeps "don't" whole, and its Porter stemmer
is a different port: "try" -> "try" in Python, "tri" in JS), so the index side does not use them:

- fold: NFKD, drop combining marks, lower case (search.js: ``normalize("NFKD")``, ``\\p{M}``, ``toLowerCase``);
- words: maximal runs of letters and digits (search.js: ``/[\\p{L}\\p{N}]+/gu``), so no trimmer is needed;
- stop words: lunr's list (lunr.py's set is the same 119 words as lunr.js's ``stopWordFilter``);
- stemmer: a line-by-line port of lunr.js's ``lunr.stemmer`` (lib/stemmer.js of lunr 2.3.9), tested against it.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from lunr.stop_word_filter import WORDS

STOP_WORDS: frozenset[str] = frozenset(WORDS)
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Case and accents folded: "Éa" -> "ea"."""
    if text.isascii():  # most text: nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M")).lower()


def words(text: str) -> list[str]:
    """The folded words of ``text``: "GPT-4o's" -> ["gpt", "4o", "s"]."""
    return _WORD.findall(fold(text))


def terms(text: str) -> list[str]:
    """The index terms of ``text``, in order, stop words dropped."""
    return [stem(word) for word in words(text) if word not in STOP_WORDS]


# --- lunr.js 2.3.9 Porter stemmer, ported with the same regular expressions and steps ---------------------

_STEP2 = {
    "ational": "ate",
    "tional": "tion",
    "enci": "ence",
    "anci": "ance",
    "izer": "ize",
    "bli": "ble",
    "alli": "al",
    "entli": "ent",
    "eli": "e",
    "ousli": "ous",
    "ization": "ize",
    "ation": "ate",
    "ator": "ate",
    "alism": "al",
    "iveness": "ive",
    "fulness": "ful",
    "ousness": "ous",
    "aliti": "al",
    "iviti": "ive",
    "biliti": "ble",
    "logi": "log",
}
_STEP3 = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": ""}

_C = "[^aeiou][^aeiouy]*"  # consonant sequence
_V = "[aeiouy][aeiou]*"  # vowel sequence
# JS's "$" is Python's "\Z" (Python's "$" also matches before a final newline).
_MGR0 = re.compile(f"^({_C})?{_V}{_C}")
_MEQ1 = re.compile(f"^({_C})?{_V}{_C}({_V})?\\Z")
_MGR1 = re.compile(f"^({_C})?{_V}{_C}{_V}{_C}")
_S_V = re.compile(f"^({_C})?[aeiouy]")
_1A = re.compile(r"^(.+?)(ss|i)es\Z")
_1A2 = re.compile(r"^(.+?)([^s])s\Z")
_1B = re.compile(r"^(.+?)eed\Z")
_1B2 = re.compile(r"^(.+?)(ed|ing)\Z")
_1B_AT = re.compile(r"(at|bl|iz)\Z")
_1B_DOUBLE = re.compile(r"([^aeiouylsz])\1\Z")
_CVC = re.compile(f"^{_C}[aeiouy][^aeiouwxy]\\Z")
_1C = re.compile(r"^(.+?[^aeiou])y\Z")
_2 = re.compile(f"^(.+?)({'|'.join(_STEP2)})\\Z")
_3 = re.compile(f"^(.+?)({'|'.join(_STEP3)})\\Z")
_4 = re.compile(r"^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)\Z")
_4B = re.compile(r"^(.+?)(s|t)(ion)\Z")
_5 = re.compile(r"^(.+?)e\Z")


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """lunr.js's ``porterStemmer(w)``: the same steps, in the same order, with the same quirks."""
    if len(word.encode("utf-16-le")) < 6:  # JS: w.length < 3, counted in UTF-16 code units
        return word
    w = "Y" + word[1:] if word[0] == "y" else word
    w = _step1(w)
    w = _suffix(w, _2, _STEP2)
    w = _suffix(w, _3, _STEP3)
    w = _step4(w)
    w = _step5(w)
    return "y" + w[1:] if word[0] == "y" else w


def _step1(w: str) -> str:
    if m := _1A.match(w) or _1A2.match(w):
        w = m[1] + m[2]
    if m := _1B.match(w):
        if _MGR0.match(m[1]):
            w = w[:-1]
    elif (m := _1B2.match(w)) and _S_V.match(m[1]):
        w = m[1]
        if _1B_AT.search(w):
            w += "e"
        elif _1B_DOUBLE.search(w):
            w = w[:-1]
        elif _CVC.match(w):
            w += "e"
    if m := _1C.match(w):
        w = m[1] + "i"
    return w


def _suffix(w: str, pattern: re.Pattern[str], replacements: dict[str, str]) -> str:
    if (m := pattern.match(w)) and _MGR0.match(m[1]):
        return m[1] + replacements[m[2]]
    return w


def _step4(w: str) -> str:
    if m := _4.match(w):
        return m[1] if _MGR1.match(m[1]) else w
    if (m := _4B.match(w)) and _MGR1.match(m[1] + m[2]):
        return m[1] + m[2]
    return w


def _step5(w: str) -> str:
    if (m := _5.match(w)) and (_MGR1.match(m[1]) or (_MEQ1.match(m[1]) and not _CVC.match(m[1]))):
        w = m[1]
    if w.endswith("ll") and _MGR1.match(w):
        w = w[:-1]
    return w
