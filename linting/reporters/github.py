"""GitHub Actions workflow commands, so findings show as annotations on the diff."""
from __future__ import annotations

from ..display import visible_controls
from ..findings import Severity
from . import ignored_note, omitted_message, unused_message

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape(text: str) -> str:
    """Workflow-command data: controls made visible (ESC must not reach the log viewer),
    then GitHub's own escapes, so a newline cannot start a second command."""
    return visible_controls(text, keep_newlines=True).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _escape(text).replace(":", "%3A").replace(",", "%2C")


def piece(rep, rules: dict, *, color: bool = False) -> str:
    if rep.error:
        line = f",line={rep.error_line}" if rep.error_line else ""
        return f"::error file={_prop(rep.path)}{line},title=replydesk::{_escape(rep.error)}"
    lines = []
    for f in rep.findings:
        p = rep.position(f.start, f.end)
        msg = f.message + (f" (suggestion: {f.suggestion})" if f.suggestion else "")
        lines.append(
            f"::{_LEVEL[f.severity]} file={_prop(rep.path)},line={p.line},col={p.column},"
            f"endLine={p.end_line},endColumn={p.end_column},title={_prop(f.rule)}::{_escape(msg)}"
        )
    for rule, n in sorted(rep.omitted.items()):
        lines.append(f"::notice file={_prop(rep.path)},title={_prop(rule)}::{_escape(omitted_message(rule, n))}")
    for s in rep.suppressed:  # --show-ignored: as notices, so a review sees what was silenced
        p = rep.position(s.finding.start, s.finding.end)
        lines.append(
            f"::notice file={_prop(rep.path)},line={p.line},col={p.column},title={_prop(s.finding.rule + ' (ignored)')}::"
            f"{_escape(s.finding.message + ' (ignored: ' + ignored_note(s.by) + ')')}"
        )
    for entry in rep.unused_ignores:
        lines.append(f"::warning file={_prop(rep.path)},title=replydesk::{_escape(unused_message(entry))}")
    return "\n".join(lines)


def assemble(reports, pieces: list[str], tally, rules: dict, *, color: bool = False, summary: bool = True) -> str:
    return "\n".join(p for p in pieces if p)
