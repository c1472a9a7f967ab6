"""GitHub Actions workflow commands, so findings show as annotations on the diff."""
from __future__ import annotations

from ..findings import Severity

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


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
    return "\n".join(lines)


def assemble(reports, pieces: list[str], tally, rules: dict, *, color: bool = False, summary: bool = True) -> str:
    return "\n".join(p for p in pieces if p)
