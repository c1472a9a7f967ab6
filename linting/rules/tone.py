"""Tone: stay factual. Emotional, pleading, threatening, blaming or vague wording costs the case.

The word-list codes (TONE001, TONE002, TONE003, TONE006) are glossary word
lists (`glossaries/tone.toml`, `vague.toml`) reported by the `words` check;
this check is what is not a word list: exclamation marks (TONE004) and
shouting in capitals (TONE005), with the acronym allow-list taken from
the pack. The rule records and fixtures are in tone.toml.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .. import scripts
from ..glossary.nearmiss import english_words
from ..lemmas import inflections
from .base import RuleInput


_BANG = re.compile(r"[!！]+")  # a leading literal class lets the engine skip text fast
# Starts with a character class so the engine skips lower-case text quickly;
# the word boundaries are checked on the (few) matches.
_CAPS_JOINER = re.compile(r"[ ,]{1,2}")
_CAPS = re.compile(r"[A-Z][A-Z'’]*[A-Z]")
_NOT_BEFORE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-/.@")
_NOT_AFTER = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-/@")
# What may stand before a heading on its line (numbering, bullets, Markdown) and after it.
_HEADING_LEAD = re.compile(r"[ \t]*(?:(?:#+|\*\*|__|[0-9]{1,2}[.)]|[①-⑳]|[-*•■□▶►◆●○]|\[|\()[ \t]*){0,3}$")
_HEADING_TAIL = re.compile(r"(?:\*\*|__|\]|\))?[ \t]*(?:[:：\-–—]|\r?$)", re.MULTILINE)


def _caps_words(body: str):
    for m in _CAPS.finditer(body):
        s, e = m.span()
        if (s and body[s - 1] in _NOT_BEFORE) or (e < len(body) and body[e] in _NOT_AFTER):
            continue
        yield s, e, m.group()


def _exclamations(inp: RuleInput):
    body = inp.body
    if "!" not in body and "！" not in body:
        return
    for m in _BANG.finditer(body):
        after = body[m.end() : m.end() + 1]
        if after.isascii() and after.isalnum():
            continue  # inside a token ("Yahoo!Mail"), not punctuation ("发货了！运单号" is)
        start = m.start()
        after_question = start > 0 and body[start - 1] in "?？"
        # "?!" keeps its question mark; otherwise the sentence ends with a full stop.
        replacement = "" if after_question else "."
        yield inp.finding(
            "TONE004",
            start,
            m.end(),
            "exclamation mark: keep the reply factual",
            suggestion="remove it" if after_question else "end the sentence with '.'",
            replacement=replacement,
        )


def _is_heading(body: str, start: int, end: int) -> bool:
    """A run that is a line's heading ("ISSUE SUMMARY:", "2. ROOT CAUSE", "**REQUEST**")."""
    line_start = body.rfind("\n", 0, start) + 1
    return bool(_HEADING_LEAD.match(body, line_start, start) and _HEADING_TAIL.match(body, end))


def _sentence_start(body: str, start: int) -> bool:
    before = body[:start].rstrip(" \t\"'“‘(*#")
    return not before or before[-1] in ".!?:\n。" or before.endswith("\n")


def _shouting(inp: RuleInput):
    """Ordinary words in capitals used for emphasis or written as a clause.

    Each capital word is an acronym (the pack's list), a name (a word the
    English lexicon does not know: ANKER, HAOYU, SUNPEAK) or an ordinary
    word. A run is shouting when it holds a shout word (URGENT, PLEASE,
    NOT) or, without any name in it, is a clause of ordinary words with a
    function word in it (DELIVERED ON TIME). Heading lines in capitals are
    layout, not shouting, unless they hold a shout word (URGENT:).
    """
    body = inp.body
    words = list(_caps_words(body))
    if not words:
        return
    tone = inp.pack.tone
    acronyms = tone.acronyms
    if all(w[2].upper() in acronyms for w in words):
        return  # only acronyms (KST, POD, SKU): no need for the lexicon
    shout = _shout_forms(tone.shout_words)
    lexicon = english_words()
    clause_words = scripts.words("english_function_words", "english_short_function_words")
    i = 0
    while i < len(words):
        # Group consecutive capital words separated only by spaces/commas.
        j = i
        while j + 1 < len(words) and _CAPS_JOINER.fullmatch(body, words[j][1], words[j + 1][0]):
            j += 1
        run = words[i : j + 1]
        i = j + 1
        kinds = []  # per word: "acronym", "name", "loud" (shout word), "clause" (function word), "plain"
        for _, _, text in run:
            upper = text.upper().strip("'’")
            low = upper.lower()
            if upper in acronyms or (len(upper) == 2 and low not in shout):
                kinds.append("acronym")  # two capitals are a code (US, UK, EU, CE) unless a shout word
            elif low in shout:
                kinds.append("loud")
            elif low in clause_words:
                kinds.append("clause")
            elif low in lexicon:
                kinds.append("plain")
            else:
                kinds.append("name")
        if "loud" in kinds:
            if "name" in kinds:
                # A name phrase with a shout word in it: only the ordinary words around the shout word.
                loud_at = [n for n, k in enumerate(kinds) if k == "loud"]
                first, last = loud_at[0], loud_at[-1]
                while first > 0 and kinds[first - 1] in ("clause", "plain", "loud"):
                    first -= 1
                while last + 1 < len(kinds) and kinds[last + 1] in ("clause", "plain", "loud"):
                    last += 1
                run, kinds = run[first : last + 1], kinds[first : last + 1]
        else:
            ordinary = sum(k in ("clause", "plain") for k in kinds)
            if "name" in kinds or "clause" not in kinds or ordinary < tone.min_shout_words:
                continue
            if _is_heading(body, run[0][0], run[-1][1]):
                continue
        # Trim acronyms at the edges so the span is exactly the shouted words.
        while kinds and kinds[0] == "acronym":
            run, kinds = run[1:], kinds[1:]
        while kinds and kinds[-1] == "acronym":
            run, kinds = run[:-1], kinds[:-1]
        if not run:
            continue
        start, end = run[0][0], run[-1][1]
        text = body[start:end]
        yield inp.finding(
            "TONE005",
            start,
            end,
            f"'{text}' is in capitals, which reads as shouting",
            suggestion=_quiet(body, start, end, run, kinds),
        )


@lru_cache(maxsize=16)
def _shout_forms(words: frozenset[str]) -> frozenset[str]:
    """The shout words and their inflections (DELIVERED, URGENTLY), from the lookup lemmas.

    Only inflections that keep the word's first two letters: the lookup
    table maps some odd forms to common lemmas ("ai" → "have").
    """
    out = set(words)
    for word in words:
        out.update(form for form in inflections(word) if form.isalpha() and form[:2] == word[:2])
    return frozenset(out)


def _quiet(body: str, start: int, end: int, run, kinds) -> str:
    """The span with its ordinary words in lower case (names and acronyms kept as written)."""
    out = []
    pos = start
    for (s, e, text), kind in zip(run, kinds):
        out.append(body[pos:s])
        out.append(text if kind in ("acronym", "name") else text.lower())
        pos = e
    out.append(body[pos:end])
    quiet = "".join(out)
    if _sentence_start(body, start) and quiet[:1].islower():
        quiet = quiet[0].upper() + quiet[1:]
    return quiet


def check(inp: RuleInput):
    yield from _exclamations(inp)
    yield from _shouting(inp)
