"""Applies safe fixes (glossary substitutions, punctuation) to a draft's text. Pure."""
from __future__ import annotations

from collections.abc import Iterable

from .findings import Finding


def apply_fixes(text: str, findings: Iterable[Finding], *, unsafe: bool = False) -> tuple[str, int]:
    """Apply every non-overlapping fix, left to right; returns (new text, fixes applied).

    Only safe fixes unless `unsafe` (see findings.Fix).

    Overlapping fixes are skipped (the next lint run offers them again),
    so the result never depends on the order findings were produced.
    """
    fixes = sorted(
        (f.fix for f in findings if f.fix is not None and (unsafe or f.fix.safe)),
        key=lambda x: (x.start, x.end),
    )
    out: list[str] = []
    pos = 0
    applied = 0
    for fix in fixes:
        if fix.start < pos or fix.end > len(text) or fix.start > fix.end:
            continue
        if text[fix.start : fix.end] == fix.replacement:
            continue
        out.append(text[pos : fix.start])
        out.append(fix.replacement)
        pos = fix.end
        applied += 1
    out.append(text[pos:])
    return "".join(out), applied
