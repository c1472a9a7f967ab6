"""How glossary text is cut into tokens, the same way for term forms and drafts.

A token is a run of Latin letters/digits, a run of Hangul syllables, or one
Han character; everything else is a gap. Matching whole tokens gives English
its whole-word rule, lets a Korean run carry a particle after the term, and
makes Chinese a plain substring search (each Han character is a token and the
gap between neighbours is empty).
"""
from __future__ import annotations

import re
from sys import intern

from ..scripts import HAN_CHARS, HANGUL_CHARS, LATIN_CHARS, LATIN_MARKS

# Token classes, built on the project's one definition of script ranges.
# Han ideographs outside the Basic Multilingual Plane (rare extensions) are
# left out: an astral range in a character class makes every scan ~40% slower.
LATIN = "0-9" + LATIN_CHARS + LATIN_MARKS
HANGUL = HANGUL_CHARS
HAN = "".join(part for part in re.findall(r".-.|.", HAN_CHARS) if ord(part[0]) <= 0xFFFF)
_TOKEN_CHARS = LATIN + HANGUL + HAN

# [leading gap, token, gap, token, …, gap] of lower-cased text: one C-level split.
# Same tokens as ([LATIN]+|[HANGUL]+|[HAN]), written to start with one character
# class so that the regex engine skips gaps in a tight loop instead of trying
# three alternatives at every gap character (~15% faster); the lookbehind then
# says which script the token continues in (the classes are disjoint).
TOKEN_SPLIT = re.compile(f"([{_TOKEN_CHARS}](?:(?<=[{LATIN}])[{LATIN}]*|(?<=[{HANGUL}])[{HANGUL}]*|))")
LEADING_GAP = re.compile(f"[^{_TOKEN_CHARS}]*")
# The same cut over original-case text, for case-sensitive forms.
TOKEN_ANYCASE = re.compile(f"[{LATIN}]+|[{HANGUL}]+|[{HAN}]")
_WS = re.compile(r"\s+")
_PLAIN_GAPS = frozenset((" ", ""))
_HAS_HANGUL = re.compile(f"[{HANGUL}]")
_HAS_HAN = re.compile(f"[{HAN}]")


def is_hangul(ch: str) -> bool:
    """A precomposed Hangul syllable (the only kind that carries a final consonant, 받침)."""
    return "\uac00" <= ch <= "\ud7a3"


def guess_language(form: str) -> str:
    """The language a form is written in, from its script: Hangul → ko, Han → zh, else en."""
    if _HAS_HANGUL.search(form):
        return "ko"
    if _HAS_HAN.search(form):
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


def split_form(form: str) -> tuple[list[str], list[str], str, str]:
    """(tokens, gaps between them, leading text, trailing text) of a lower-cased form."""
    parts = TOKEN_SPLIT.split(form.lower())
    tokens = [intern(t) for t in parts[1::2]]  # one object per distinct token: less memory, smaller caches
    gaps = parts[2::2]
    if not _PLAIN_GAPS.issuperset(gaps):
        gaps = [g if g == " " or g == "" else normalize_gap(g) for g in gaps]
    trailing = gaps.pop() if gaps else ""
    return tokens, gaps, parts[0], trailing.rstrip()
