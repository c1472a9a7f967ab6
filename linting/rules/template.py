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

from ..findings import Severity
from ..phrases import PhraseSet
from ..scripts import HAN_CHARS, HANGUL_CHARS
from .base import RuleInfo, RuleInput

RULES = (
    RuleInfo(
        code="TPL001",
        category="template",
        severity=Severity.ERROR,
        summary="The reply is (nearly) an auto-response template",
        why=(
            "Auto-responses such as \"Received, checking the logistics information\" do not replace a "
            "handled response: the platform still counts the message as unanswered (seed 000). A reply is "
            "a template when, greeting and signature aside, it is (nearly) one of the templates in "
            "glossaries/templates.toml and states no fact: no date, time, figure or evidence word (the "
            "pack's `evidence_words`); the case's own IDs do not make it a response."
        ),
        bad="Received, we are checking the logistics information.",
        good="Order 22000009546234 was delivered on 2024-05-12 14:22 KST (CJ대한통운 배송완료); POD attached.",
    ),
    RuleInfo(
        code="TPL002",
        category="template",
        severity=Severity.ERROR,
        summary="The reply repeats one already sent in this case",
        why=(
            "Resubmitting the same text or evidence is flagged as non-responsive (seed 000), and a "
            "follow-up must bring something new (seed 001: \"不可更换证据\"; seed 004: follow up, do not repeat)."
        ),
        bad="(the same text as the previous reply in the case history)",
        good="(a follow-up that adds the new evidence and refers to the earlier reply)",
    ),
)

_NOISE = re.compile(r"[\W_]+", re.UNICODE)
_NUMBER = re.compile(r"\d{2,}")
_CJK = re.compile(f"[{HANGUL_CHARS}{HAN_CHARS}]")
_FRAME = 50  # a first or last line shorter than this is a greeting or a signature


def normalise(text: str) -> str:
    return _NOISE.sub(" ", text.lower()).strip()


def _span(body: str) -> tuple[int, int]:
    lead = len(body) - len(body.lstrip())
    return lead, len(body.rstrip())


def _templates(inp: RuleInput) -> tuple[int, list[tuple[str, str]]]:
    """Normalised templates in scope, and the longest one's length (a draft far longer is no template)."""
    key = ("templates", inp.context.platform, inp.context.kind)

    def build():
        items = [(eid, normalise(t)) for eid, t in inp.resources.glossary.templates(platform=inp.context.platform, kind=inp.context.kind)]
        items = [(eid, t) for eid, t in items if t]
        return max((len(t) for _, t in items), default=0), items

    return inp.resources.compiled(key, build)


def _content(body: str) -> str:
    """The reply without its greeting line and signature lines."""
    lines = [line.strip() for line in body.strip().splitlines() if line.strip()]
    inner = lines[1:] if len(lines) > 1 and len(lines[0]) < _FRAME else lines
    while len(inner) > 1 and len(inner[-1]) < _FRAME:
        inner = inner[:-1]
    return " ".join(inner or lines)


def _says_something(inp: RuleInput, content: str) -> bool:
    """Facts that no auto-response has: a date, a time, a tracking or amount figure, or an evidence word.

    The case's own IDs do not count: "we are checking order 22000009546234" is still a template.
    """
    for field in ("order_ids", "claim_ids", "case_ids", "asins"):
        for ident in inp.context.ids_of(field):
            content = content.replace(ident, " ")
    if _NUMBER.search(content):
        return True
    words = inp.resources.compiled(("evidence-words", inp.pack.name), lambda: PhraseSet(inp.pack.evidence_words))
    return next(words.finditer(content), None) is not None


def _likeness(text: str, template: str) -> float:
    """How much of a template the reply's content is: word sets for Latin text, characters for Korean and Chinese."""
    if _CJK.search(template):
        return fuzz.partial_ratio(template.replace(" ", ""), text.replace(" ", "")) if len(template) <= len(text) else fuzz.ratio(
            template.replace(" ", ""), text.replace(" ", "")
        )
    return fuzz.token_set_ratio(text, template)


def check(inp: RuleInput):
    body = inp.body
    longest, templates = _templates(inp)
    history = inp.context.sent_replies
    if len(body) > 3 * longest + 200 and not history:
        return  # far longer than any template and nothing sent before: cheap exit
    text = normalise(body)
    if not text:
        return
    start, end = _span(body)
    threshold = inp.pack.template_similarity
    content = _content(body)
    if templates and len(content) <= 2 * longest + 120 and not _says_something(inp, content):
        norm = normalise(_NUMBER.sub(" ", content))
        scored = max(((_likeness(norm, t), eid) for eid, t in templates if t), default=(0, ""))
        if norm and scored[0] >= threshold:
            yield inp.finding(
                "TPL001",
                start,
                end,
                f"this is the auto-response template '{scored[1]}' ({scored[0]:.0f}% alike) and states no fact: it does not count as a response",
                suggestion="answer the notice: facts with dates in KST, evidence, request",
            )
    threshold = inp.pack.repeat_similarity
    for i, sent in enumerate(history, start=1):
        norm = normalise(sent)
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
