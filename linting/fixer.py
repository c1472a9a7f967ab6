"""Applies safe fixes (glossary substitutions, punctuation) to a draft's text. Pure."""
from __future__ import annotations

from collections.abc import Iterable

from .findings import Finding, Fix


def chosen_fixes(text: str, findings: Iterable[Finding], *, unsafe: bool = False) -> list[Fix]:
    """The fixes `apply_fixes` makes, left to right: non-overlapping, each changing something.

    Only safe fixes unless `unsafe` (see findings.Fix). Overlapping fixes
    are skipped (the next lint run offers them again), so the result never
    depends on the order findings were produced. The language server sends
    these as one edit each.
    """
    fixes = sorted(
        (f.fix for f in findings if f.fix is not None and (unsafe or f.fix.safe)),
        key=lambda x: (x.start, x.end),
    )
    out: list[Fix] = []
    pos = 0
    for fix in fixes:
        if fix.start < pos or fix.end > len(text) or fix.start > fix.end:
            continue
        if text[fix.start : fix.end] == fix.replacement:
            continue
        out.append(fix)
        pos = fix.end
    return out


def apply_fixes(text: str, findings: Iterable[Finding], *, unsafe: bool = False) -> tuple[str, int]:
    """Apply every fix `chosen_fixes` picks; returns (new text, fixes applied)."""
    out: list[str] = []
    pos = 0
    fixes = chosen_fixes(text, findings, unsafe=unsafe)
    for fix in fixes:
        out.append(text[pos : fix.start])
        out.append(fix.replacement)
        pos = fix.end
    out.append(text[pos:])
    return "".join(out), len(fixes)
