"""Tone: stay factual. Emotional, pleading, threatening, blaming or vague wording costs the case.

Word-list codes (TONE001, TONE002, TONE003, TONE006) are matched from the
glossary word lists in `glossaries/` and reported by the term family; this
module documents them and checks what is not a word list: exclamation
marks (TONE004) and shouting in capitals (TONE005), with the acronym
allow-list taken from the pack.
"""
from __future__ import annotations

import re

from ..findings import Severity
from .base import RuleInfo, RuleInput

RULES = (
    RuleInfo(
        code="TONE001",
        category="tone",
        severity=Severity.WARNING,
        summary="Emotional or pleading wording",
        why=(
            "Platforms down-rank emotional cases: \"我非常着急，请马上处理\" (\"we are very anxious, please "
            "process it now\") gets a case automatically lowered in priority (seed 004). State facts, "
            "evidence and the request instead."
        ),
        bad="We are very anxious, please process this urgently.",
        good="Please review the attached proof of delivery for order 22000009546234.",
    ),
    RuleInfo(
        code="TONE002",
        category="tone",
        severity=Severity.WARNING,
        summary="Threatening wording",
        why="Threats (legal action, reporting, leaving the platform) do not change a platform decision and mark the seller as hostile.",
        bad="If this is not fixed we will take legal action.",
        good="We request a review of the decision based on the attached evidence.",
    ),
    RuleInfo(
        code="TONE003",
        category="tone",
        severity=Severity.ERROR,
        summary="Blaming the platform's system or algorithm",
        why=(
            "Coupang's Seller Policy 2.1 forbids questioning the authority of the system's judgement "
            "(\"不得质疑系统判定权威性\", seed 001); a reply that blames the algorithm is rejected."
        ),
        bad="Your algorithm made a mistake and unfairly blocked our order.",
        good="The attached carrier record shows delivery on 2024-05-12 14:22 KST.",
    ),
    RuleInfo(
        code="TONE004",
        category="tone",
        severity=Severity.WARNING,
        summary="Exclamation mark",
        why="Appeals are written without exclamation marks (seed 004: \"禁用感叹号与情绪化表述\").",
        bad="The item was delivered!",
        good="The item was delivered.",
        fixable=True,
    ),
    RuleInfo(
        code="TONE005",
        category="tone",
        severity=Severity.WARNING,
        summary="Shouting in capitals",
        why="Words in capitals read as shouting; acronyms such as KST, POD or SKU are fine (the pack lists them).",
        bad="This order was DELIVERED ON TIME.",
        good="This order was delivered on 2024-05-12 14:22 KST.",
    ),
    RuleInfo(
        code="TONE006",
        category="tone",
        severity=Severity.WARNING,
        summary="Vague statement of fact",
        why=(
            "Every fact must be precise: date, time in KST and logistics node (\"2024-05-12 14:22 KST, "
            "CJ대한통운 배송완료\"); \"大概已送达\" (\"probably delivered\") is rejected (seed 002)."
        ),
        bad="The parcel was probably delivered last week.",
        good="The parcel was delivered on 2024-05-12 14:22 KST (CJ대한통운 배송완료).",
    ),
)

_BANG = re.compile(r"[!！]+")  # a leading literal class lets the engine skip text fast
# Starts with a character class so the engine skips lower-case text quickly;
# the word boundaries are checked on the (few) matches.
_CAPS_JOINER = re.compile(r"[ ,]{1,2}")
_CAPS = re.compile(r"[A-Z][A-Z'’]*[A-Z]")
_NOT_BEFORE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-/.@")
_NOT_AFTER = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-/@")


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
        if body[m.end() : m.end() + 1].isalnum():
            continue  # inside a token ("Yahoo!Mail"), not punctuation
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


def _shouting(inp: RuleInput):
    body = inp.body
    tone = inp.pack.tone
    acronyms = tone.acronyms
    words = list(_caps_words(body))
    i = 0
    while i < len(words):
        # Group consecutive capital words separated only by spaces/commas.
        j = i
        while j + 1 < len(words) and _CAPS_JOINER.fullmatch(body, words[j][1], words[j + 1][0]):
            j += 1
        run = words[i : j + 1]
        loud = [w for w in run if w[2].upper().strip("'’") not in acronyms]
        long_loud = [w for w in loud if len(w[2]) >= tone.min_shout_letters]
        if long_loud or len(loud) >= 3:
            start, end = run[0][0], run[-1][1]
            # Trim acronyms at the edges so the span is exactly the shouted words.
            while run and run[0][2] in acronyms:
                run = run[1:]
            while run and run[-1][2] in acronyms:
                run = run[:-1]
            if run:
                start, end = run[0][0], run[-1][1]
                text = body[start:end]
                yield inp.finding(
                    "TONE005",
                    start,
                    end,
                    f"'{text}' is in capitals, which reads as shouting",
                    suggestion=text.lower() if len(text) > 1 else None,
                )
        i = j + 1


def check(inp: RuleInput):
    yield from _exclamations(inp)
    yield from _shouting(inp)
