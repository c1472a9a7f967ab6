"""How glossary text is cut into tokens, the same way for term forms and drafts.

A token is a run of Latin letters/digits, a run of Hangul syllables, or one
Han character; everything else is a gap. Matching whole tokens gives English
its whole-word rule, lets a Korean run carry a particle after the term, and
makes Chinese a plain substring search (each Han character is a token and the
gap between neighbours is empty).
"""
from __future__ import annotations

import re

LATIN = "0-9a-z\u00c0-\u024f"
LATIN_ANYCASE = "0-9A-Za-z\u00c0-\u024f"
HANGUL = "\uac00-\ud7a3"
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# (token, following gap) pairs over lower-cased text; findall runs in C.
TOKEN_GAP = re.compile(f"([{LATIN}]+|[{HANGUL}]+|[{HAN}])([^{LATIN}{HANGUL}{HAN}]*)")
LEADING_GAP = re.compile(f"[^{LATIN}{HANGUL}{HAN}]*")
# The same cut over original-case text, for case-sensitive forms.
TOKEN_ANYCASE = re.compile(f"[{LATIN_ANYCASE}]+|[{HANGUL}]+|[{HAN}]")
_WS = re.compile(r"\s+")


def is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u4dbf" or "\u4e00" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum() or "\u00c0" <= ch <= "\u024f"


def guess_language(form: str) -> str:
    """The language a form is written in, from its script: Hangul → ko, Han → zh, else en."""
    if any(is_hangul(c) for c in form):
        return "ko"
    if any(is_han(c) for c in form):
        return "zh"
    return "en"


def normalize_gap(gap: str) -> str:
    """Any whitespace run counts as one space; curly apostrophes count as straight ones."""
    if gap == " " or gap == "":
        return gap
    return _WS.sub(" ", gap).replace("\u2019", "'").replace("\u2018", "'")


def normalize_form(form: str, case_sensitive: bool = False) -> str:
    """The comparison key of a form (duplicates, conflicts, look-ups)."""
    key = _WS.sub(" ", form.strip()).replace("\u2019", "'")
    return key if case_sensitive else key.lower()


def lower_same_length(text: str) -> str:
    """text.lower(), keeping every offset (a few characters such as 'İ' grow when lower-cased)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def split_form(form: str) -> tuple[list[str], list[str], str, str]:
    """(tokens, gaps between them, leading text, trailing text) of a lower-cased form."""
    low = form.lower()
    lead = LEADING_GAP.match(low).group()
    pairs = TOKEN_GAP.findall(low, len(lead))
    tokens = [t for t, _ in pairs]
    gaps = [normalize_gap(g) for _, g in pairs]
    trailing = gaps.pop() if gaps else ""
    return tokens, gaps, lead, trailing.rstrip()
