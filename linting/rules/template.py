"""Templates: an auto-response or a resubmitted reply does not count as a response.

Seed 000: auto-replies ("已收到，正在核查物流信息") are still counted as "no
response", and resubmitting the same text is flagged "non-responsive".
Template texts come from the glossary word lists; similarity thresholds
from the pack. rapidfuzz compares normalised text, so spacing,
punctuation and case do not hide a copy.
"""
from __future__ import annotations

import re

from rapidfuzz import fuzz

from ..context import ID_FIELDS
from ..glossary.nearmiss import english_words
from ..normalise import meant
from ..phrases import PhraseSet
from ..scripts import HAN_CHARS, HANGUL_CHARS, sentence_spans
from .base import RuleInput


_NOISE = re.compile(r"[\W_]+", re.UNICODE)
_ANY_NUMBER = re.compile(r"\d{2,}")
_CJK_RUN = re.compile(f"[{HANGUL_CHARS}{HAN_CHARS}]+")
_LATIN_WORD = re.compile(r"[a-z]+")
_FRAME = 50  # a first or last line shorter than this is a greeting or a signature


def normalise(text: str) -> str:
    return _NOISE.sub(" ", text.lower()).strip()


def _units(text: str) -> list[str]:
    """What template wording is compared by: English words (names such as a store's do not count
    either way), and character pairs of Korean and Chinese."""
    low = text.lower()
    lexicon = english_words()
    units = [w for w in _LATIN_WORD.findall(low) if w in lexicon or len(w) < 3]
    for run in _CJK_RUN.findall(low):
        units.extend(run[i : i + 2] for i in range(len(run) - 1)) if len(run) > 1 else units.append(run)
    return units


class _Templates:
    """The auto-response wording in scope: its vocabulary, and the longest template."""

    def __init__(self, texts: list[str]):
        self.vocabulary = frozenset(u for t in texts for u in _units(t))
        self.longest = max((len(t) for t in texts), default=0)

    def coverage(self, units: list[str]) -> float:
        return 100 * sum(u in self.vocabulary for u in units) / len(units) if units else 100.0


def _templates(inp: RuleInput) -> _Templates:
    key = ("templates", inp.context.platform, inp.context.kind)
    return inp.resources.compiled(
        key, lambda: _Templates([t for _, t in inp.resources.glossary.templates(platform=inp.context.platform, kind=inp.context.kind)])
    )


def _content(body: str) -> str:
    """The reply without its greeting line and signature lines."""
    lines = [line.strip() for line in body.strip().splitlines() if line.strip()]
    inner = lines[1:] if len(lines) > 1 and len(lines[0]) < _FRAME else lines
    while len(inner) > 1 and len(inner[-1]) < _FRAME:
        inner = inner[:-1]
    return "\n".join(inner or lines)


def _without_case_ids(inp: RuleInput, content: str) -> str:
    for field in ID_FIELDS:
        for ident in inp.context.ids_of(field):
            content = content.replace(ident, " ")
    return content


def _figures(durations: tuple[str, ...]) -> re.Pattern:
    """Figures that are facts: not the durations every auto-reply promises ("within 24-48 hours",
    the pack's time.duration_words)."""
    words = "|".join(r"\s+".join(map(re.escape, w.lower().split())) for w in sorted(durations, key=len, reverse=True))
    return re.compile(rf"\d{{2,}}(?!\s*(?:[-–~]\s*\d+\s*)?(?:{words}))" if words else r"\d{2,}")


def _says_something(inp: RuleInput, content: str) -> bool:
    """Facts that no auto-response has: a date, a time, a tracking or amount figure, or an evidence word."""
    if _ANY_NUMBER.search(content):
        figures = inp.resources.compiled(("figures", inp.pack.name), lambda: _figures(inp.pack.time.duration_words))
        if figures.search(content.lower()):
            return True
    words = inp.resources.compiled(("evidence-words", inp.pack.name), lambda: PhraseSet(inp.pack.similarity.evidence_words))
    return next(words.finditer(content), None) is not None


def check(inp: RuleInput):
    body = inp.body
    templates = _templates(inp)
    history = inp.context.sent_replies(inp.pack.history.seller_roles)
    if len(body) > 3 * templates.longest + 200 and not history:
        return  # far longer than any template and nothing sent before: cheap exit
    if not body.strip():
        return
    start, end = inp.reply_span
    # Greeting and signature lines are left out before asking whether the reply states a fact:
    # a phone number in the signature ("Tel 1588-1234") is not a fact about the case.
    content = ""
    if templates.vocabulary and len(body) <= 3 * templates.longest + 200:
        content = _without_case_ids(inp, _content(body))
    if content and len(content) <= 2 * templates.longest + 120 and not _says_something(inp, content):
        sentences = [u for u in (_units(content[a:b]) for a, b in sentence_spans(content)) if u]
        overall = templates.coverage([u for units in sentences for u in units])
        similarity = inp.pack.similarity
        if sentences and overall >= similarity.template and min(map(templates.coverage, sentences)) >= similarity.sentence_own_words:
            yield inp.finding(
                "TPL001",
                start,
                end,
                f"this reads as an auto-response: {overall:.0f}% of its wording is template wording and it "
                "states no fact, so it does not count as a response",
                suggestion="answer the notice: facts with dates in KST, evidence, request",
            )
    if not history:
        return
    text = normalise(body)  # only to compare with replies already sent: it costs more than the rest
    if not text:
        return
    threshold = inp.pack.similarity.repeat
    for i, sent in enumerate(history, start=1):
        norm = normalise(meant(sent))
        if not norm:
            continue
        score = fuzz.ratio(text, norm)
        if score >= threshold:
            yield inp.finding(
                "TPL002",
                start,
                end,
                f"repeats reply {i} already sent in this case ({score:.0f}% alike): the platform flags it as non-responsive",
                suggestion="add what is new since the last reply (evidence, facts) instead of resending it",
            )
            break
