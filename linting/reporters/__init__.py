"""Output formats for lint results: text (ruff-like), json, sarif, github."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..document import Draft
from ..findings import Finding

FORMATS = ("text", "json", "sarif", "github")


@dataclass
class FileReport:
    """One linted file: its findings (with the draft to place them) or the error that stopped it."""

    path: str
    draft: Draft | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    error_line: int | None = None
    fixed: int = 0


def render(fmt: str, reports: list[FileReport], rules: dict, *, color: bool = False, show_fixes: bool = True) -> str:
    if fmt == "text":
        from .text import render_text

        return render_text(reports, color=color)
    if fmt == "json":
        from .json_report import render_json

        return render_json(reports)
    if fmt == "sarif":
        from .sarif import render_sarif

        return render_sarif(reports, rules)
    if fmt == "github":
        from .github import render_github

        return render_github(reports)
    raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
