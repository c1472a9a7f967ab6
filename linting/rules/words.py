"""The `words` check: every hit of a glossary term file or word list becomes a finding.

The glossaries (glossaries/*.toml) hold the term files (TERM001, TERM002)
and the word lists (TONE001, POL001, ...); each file or entry names the
code it reports. The rules themselves are records in
`linting/rules/<category>.toml` that name this check (`check = "words"`);
a hit whose code has no record is dropped (`replydesk glossary check`
warns about it).
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding, Fix, Severity
from .base import RuleInput


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
