"""Sentence conditions on word-list entries: a hit counts only in the right company.

Some wording is a defect only beside other words in its sentence: "legal
counsel" is a threat after "if … we will", not in "our legal counsel
reviewed the certificate"; "the reviewer" is blame next to "never opened",
not in "the reviewer asked for the invoice". An entry's `sentence_with`
lists groups of phrases, one of each group must stand in the hit's
sentence; `sentence_without` lists phrases that cancel the hit (a past
fact: "withdrew"). Phrases are lower-case; Latin ones match whole words (a
trailing `*` allows any ending: "regret*"), Hangul and Han ones anywhere,
and `re:` starts a regular expression. Pure: text in, verdicts out.
"""
from __future__ import annotations

import bisect
import re

from .. import regexcheck
from ..scripts import sentence_bounds

_LATIN = re.compile(r"[a-z0-9]")


def phrase_pattern(phrase: str) -> str:
    """The regex source of one condition phrase (see the module docstring)."""
    if phrase.startswith("re:"):
        return phrase[3:]
    text = phrase.strip().lower()
    wildcard = text.endswith("*")
    text = text.rstrip("*")
    body = r"\s+".join(re.escape(w) for w in text.split())
    if _LATIN.match(text[:1]):
        body = r"(?<![a-z0-9])" + body
    if _LATIN.match(text[-1:]):
        body += r"[a-z]*" if wildcard else r"(?![a-z0-9])"
    return body


def problems(phrase: str) -> list[str]:
    """Why a condition phrase cannot be used (empty, or an invalid or backtracking `re:` regex).

    A literal phrase is escaped into a linear pattern by construction; only
    regexes need the backtracking check.
    """
    if not phrase.strip().rstrip("*"):
        return ["an empty phrase"]
    return regexcheck.problems(phrase[3:]) if phrase.startswith("re:") else []


class SentenceCondition:
    """The compiled `sentence_with` groups and `sentence_without` phrases of one entry."""

    def __init__(self, with_groups: tuple[tuple[str, ...], ...], without: tuple[str, ...]):
        self.groups = tuple(re.compile("|".join(phrase_pattern(p) for p in group)) for group in with_groups if group)
        self.without = re.compile("|".join(phrase_pattern(p) for p in without)) if without else None

    def holds(self, low: str, start: int, end: int) -> bool:
        """Does the sentence low[start:end] keep the hit?"""
        if self.without is not None and self.without.search(low, start, end):
            return False
        return all(group.search(low, start, end) for group in self.groups)


class Sentences:
    """Sentence bounds of one text, found once and looked up by offset."""

    def __init__(self, text: str):
        self._bounds = sentence_bounds(text)
        self._starts = [a for a, _ in self._bounds]

    def around(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._starts, offset) - 1
        return self._bounds[max(i, 0)] if self._bounds else (0, 0)
