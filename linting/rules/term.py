"""Glossary terms and word lists: every glossary hit becomes a finding.

The glossaries (glossaries/*.toml) carry both the term files (TERM001,
TERM002) and the word lists of other families (TONE…, POL…): each file or
entry names its rule code, so this module reports codes it does not own
(`REPORTS_FOREIGN_CODES`) and the engine filters them by selection.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding, Fix, Severity
from .base import RuleInfo, RuleInput

REPORTS_FOREIGN_CODES = True

RULES = (
    RuleInfo(
        code="TERM001",
        category="term",
        severity=Severity.WARNING,
        summary="A term the platform does not use (glossary: avoided form)",
        why=(
            "Platforms check replies for their own terms. Machine translation picks plausible "
            "synonyms that miss them: 배송지연 is a \"shipping delay\" on Coupang, not a \"delivery "
            "delay\"; 송장번호 is the waybill number, not an \"invoice number\". The glossary files "
            "say which form is expected for each concept, per platform and language."
        ),
        bad="We apologise for the delivery delay; the invoice number is 340010913442.",
        good="We apologise for the shipping delay; the waybill number is 340010913442.",
        fixable=True,
    ),
    RuleInfo(
        code="TERM002",
        category="term",
        severity=Severity.INFO,
        summary="A near miss: a misspelling of a glossary term",
        why=(
            "A misspelt term (\"delivary delay\", \"waybil number\") is as invisible to the "
            "platform's keyword checks as a wrong one. Only words that are not English dictionary "
            "words are compared, so the rule stays quiet on ordinary text."
        ),
        bad="Please find the waybil number attached.",
        good="Please find the waybill number attached.",
    ),
)

def check(inp: RuleInput) -> Iterator[Finding]:
    glossary = inp.resources.glossary
    hits = glossary.scan(inp.body, platform=inp.context.platform, kind=inp.kind.name, lowered=inp.lower)
    base = inp.body_start
    for hit in hits:
        info = inp.info.get(hit.rule)
        if info is None:
            # An unregistered code; `replydesk glossary check` warns about it.
            continue
        severity = hit.severity if hit.severity is not None else info.severity
        fix = None
        if hit.replacement is not None:
            start = hit.fix_start if hit.fix_start is not None else hit.start
            end = hit.fix_end if hit.fix_end is not None else hit.end
            # A hint (info: the phrase is right in another sense) is never fixed without the operator.
            fix = Fix(base + start, base + end, hit.replacement, safe=severity > Severity.INFO)
        yield Finding(
            rule=hit.rule,
            category=info.category,
            severity=severity,
            message=hit.message,
            start=base + hit.start,
            end=base + hit.end,
            suggestion=hit.suggestion,
            fix=fix,
        )
