"""ruff-style text: `path:line:col: CODE [*] message`, then the suggestion."""
from __future__ import annotations

from collections import Counter

from ..findings import Severity
from . import FileReport

_COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def render_text(reports: list[FileReport], *, color: bool = False) -> str:
    def c(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    lines: list[str] = []
    counts: Counter = Counter()
    fixable = 0
    for rep in reports:
        if rep.error:
            where = f"{rep.path}:{rep.error_line}" if rep.error_line else rep.path
            lines.append(f"{c(_BOLD, where)}: {c(_COLORS[Severity.ERROR], 'error')}: {rep.error}")
            counts["file errors"] += 1
            continue
        for f in rep.findings:
            pos = rep.position(f.start, f.end)
            safe = f.fix is not None and f.fix.safe
            mark = " [*]" if safe else ""
            fixable += safe
            counts[f.severity] += 1
            lines.append(
                f"{c(_BOLD, f'{rep.path}:{pos.line}:{pos.column}')}: "
                f"{c(_COLORS[f.severity] + _BOLD, f.rule)}{mark} {f.message}"
            )
            if f.suggestion:
                lines.append(f"  {c(_DIM, '→')} {f.suggestion}")
    total = sum(v for k, v in counts.items() if isinstance(k, Severity))
    fixed = sum(r.fixed for r in reports)
    if total or counts["file errors"]:
        parts = [f"{counts[s]} {s.label}{'s' if counts[s] != 1 else ''}" for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]]
        summary = f"Found {total} problem{'s' if total != 1 else ''}"
        if parts:
            summary += f" ({', '.join(parts)})"
        if counts["file errors"]:
            summary += f"; {counts['file errors']} file{'s' if counts['file errors'] != 1 else ''} could not be linted"
        summary += "."
        if fixable:
            summary += f" {fixable} fixable with --fix."
        lines.append(summary)
    elif reports:
        lines.append(f"All checks passed ({len(reports)} file{'s' if len(reports) != 1 else ''}).")
    if fixed:
        lines.append(f"Fixed {fixed} problem{'s' if fixed != 1 else ''}.")
    return "\n".join(lines)
