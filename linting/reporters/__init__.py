"""Output formats for lint results: text (ruff-like), json, sarif, github."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..document import Draft
from ..findings import Finding, Position

FORMATS = ("text", "json", "sarif", "github")


@dataclass
class FileReport:
    """One linted file: its findings (with the draft to place them) or the error that stopped it.

    `settle()` turns offsets into line/column positions and drops the draft
    text, so that a report crossing from a worker process is small.
    """

    path: str
    draft: Draft | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    error_line: int | None = None
    fixed: int = 0
    positions: dict[tuple[int, int], Position] | None = None

    def position(self, start: int, end: int) -> Position:
        if self.positions is not None:
            return self.positions[(start, end)]
        return self.draft.position(start, end)

    def settle(self) -> "FileReport":
        if self.draft is not None:
            spans = {(f.start, f.end) for f in self.findings}
            spans.update((f.fix.start, f.fix.end) for f in self.findings if f.fix is not None)
            self.positions = {span: self.draft.position(*span) for span in spans}
            self.draft = None
        return self


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
