"""ruff-style text: `path:line:col: CODE [*] message`, then the suggestion.

Paths, messages and suggestions quote file names, attachment names and
spans of the draft, all written by someone else: each goes through
`visible_controls` so that an ESC sequence or a newline followed by
`::error` is shown, not obeyed by the terminal or the CI log.
"""
from __future__ import annotations

from ..display import visible_controls
from ..findings import Severity
from . import ignored_note, omitted_message, unused_message

_COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def _paint(code: str, text: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


def piece(rep, rules: dict, *, color: bool = False) -> str:
    """One file's lines (no trailing newline; "" when the file is clean)."""
    path = visible_controls(rep.path)
    if rep.error:
        where = f"{path}:{rep.error_line}" if rep.error_line else path
        return f"{_paint(_BOLD, where, color)}: {_paint(_COLORS[Severity.ERROR], 'error', color)}: {visible_controls(rep.error)}"
    lines: list[str] = []
    line_col = rep.draft.line_col if rep.findings else None
    for f in rep.findings:
        line, col = line_col(f.start)
        mark = " [*]" if f.fix is not None and f.fix.safe else ""
        message = visible_controls(f.message)
        suggestion = visible_controls(f.suggestion) if f.suggestion else None
        if color:
            lines.append(
                f"{_BOLD}{path}:{line}:{col}{_RESET}: {_COLORS[f.severity]}{_BOLD}{f.rule}{_RESET}{mark} {message}"
            )
            if suggestion:
                lines.append(f"  {_DIM}→{_RESET} {suggestion}")
        else:
            lines.append(f"{path}:{line}:{col}: {f.rule}{mark} {message}")
            if suggestion:
                lines.append(f"  → {suggestion}")
    for rule, n in sorted(rep.omitted.items()):
        lines.append(f"{_paint(_BOLD, path, color)}: {_paint(_DIM, omitted_message(rule, n), color)}")
    if rep.suppressed:
        line_col = rep.draft.line_col
        for s in rep.suppressed:
            f = s.finding
            line, col = line_col(f.start)
            where = _paint(_BOLD, f"{path}:{line}:{col}", color)
            lines.append(f"{where}: {_paint(_DIM, f'{f.rule} (ignored) {visible_controls(f.message)}', color)}")
            lines.append(f"  {_paint(_DIM, '⊘', color)} {visible_controls(ignored_note(s.by))}")
    for rule, n in sorted(rep.suppressed_omitted.items()):
        lines.append(f"{_paint(_BOLD, path, color)}: {_paint(_DIM, omitted_message(rule, n, ignored=True), color)}")
    for entry in rep.unused_ignores:
        lines.append(f"{_paint(_BOLD, path, color)}: {_paint(_DIM, visible_controls(unused_message(entry)), color)}")
    return "\n".join(lines)


def assemble(reports, pieces: list[str], tally, rules: dict, *, color: bool = False, summary: bool = True) -> str:
    lines = [p for p in pieces if p]
    if not summary:
        return "\n".join(lines)
    errors = sum(1 for r in reports if r.error)
    fixed = sum(r.fixed for r in reports)
    total = tally.total
    if total or errors:
        parts = [
            f"{n} {s.label}{'s' if n != 1 else ''}"
            for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
            if (n := tally.severities[s])
        ]
        text = f"Found {total} problem{'s' if total != 1 else ''}"
        if parts:
            text += f" ({', '.join(parts)})"
        if tally.omitted:
            text += f"; {tally.omitted:,} more past the cap of findings per rule per draft"
        if errors:
            text += f"; {errors} file{'s' if errors != 1 else ''} could not be linted"
        text += "."
        if tally.safe_fixable:
            text += f" {tally.safe_fixable} fixable with --fix."
        lines.append(text)
    elif reports:
        lines.append(f"All checks passed ({len(reports)} file{'s' if len(reports) != 1 else ''}).")
    if fixed:
        lines.append(f"Fixed {fixed} problem{'s' if fixed != 1 else ''}.")
    return "\n".join(lines)
