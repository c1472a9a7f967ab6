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
from .base import RuleInfo, RuleInput

RULES = (
    RuleInfo(
        code="TPL001",
        category="template",
        severity=Severity.ERROR,
        summary="The reply is (nearly) an auto-response template",
        why=(
            "Auto-responses such as \"Received, checking the logistics information\" do not replace a "
            "handled response: the platform still counts the message as unanswered (seed 000)."
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


def check(inp: RuleInput):
    body = inp.body
    longest, templates = _templates(inp)
    history = inp.context.sent_replies
    if len(body) > 2 * longest + 60 and not history:
        return  # far longer than any template and nothing sent before: cheap exit
    text = normalise(body)
    if not text:
        return
    start, end = _span(body)
    threshold = inp.pack.template_similarity
    for entry_id, norm in templates:
        if len(text) > 2 * len(norm) + 20:
            continue  # much longer than the template: it says more than the template does
        score = fuzz.ratio(text, norm)
        if score >= threshold:
            yield inp.finding(
                "TPL001",
                start,
                end,
                f"this is the auto-response template '{entry_id}' ({score:.0f}% alike): it does not count as a response",
                suggestion="answer the notice: facts with dates in KST, evidence, request",
            )
            break
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
