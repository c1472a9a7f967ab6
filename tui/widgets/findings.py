"""The findings panel: one option per finding, worst first within position order.

Severity is spelled out (ERR/WRN/INF), never shown by colour alone, so the
panel reads the same under NO_COLOR and on a plain xterm.
"""
from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from replydesk.linting.document import Draft
from replydesk.linting.findings import Finding
from replydesk.tui.plain import plain, shown

SEVERITY_TAG = {2: ("ERR", "bold red"), 1: ("WRN", "bold yellow"), 0: ("INF", "bold cyan")}


def finding_label(finding: Finding, draft: Draft | None) -> Text:
    """Rule, message and suggestion come from packs and quote the draft: shown literally (tui/plain.py)."""
    tag, style = SEVERITY_TAG.get(int(finding.severity), ("INF", "bold"))
    text = Text()
    text.append(tag, style)
    if draft is not None and finding.end > finding.start:
        pos = draft.position(finding.start, finding.end)
        text.append(f" {pos.line}:{pos.column}")
    else:
        text.append(" reply")
    text.append(f" {shown(finding.rule)} ", "bold")
    text.append(shown(finding.message))
    if finding.fix is not None:
        text.append("  [fix: ctrl+o; all: ctrl+f]", "italic")
    if finding.suggestion:
        text.append("\n    → " + shown(finding.suggestion), "dim")
    return text


class FindingsList(OptionList):
    """Findings for the current text; enter jumps to one, n/N walk them."""

    PLACE = "Findings panel"

    BINDINGS = [
        Binding("enter", "select", "Jump", id="findings.jump", show=False),
        Binding("j", "cursor_down", "Down", show=False, id="findings.down"),
        Binding("k", "cursor_up", "Up", show=False, id="findings.up"),
    ]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.findings: list[Finding] = []

    def show(self, findings: list[Finding], draft: Draft | None, *, keep: int | None = None) -> None:
        previous = self.highlighted
        self.findings = list(findings)
        self.clear_options()
        if findings:
            self.add_options([Option(finding_label(f, draft), id=str(i)) for i, f in enumerate(findings)])
            target = keep if keep is not None else previous
            self.highlighted = min(target or 0, len(findings) - 1)

    def show_message(self, message: str) -> None:
        """A line that is not a finding (linter loading, front-matter error, all clear); never markup."""
        self.findings = []
        self.clear_options()
        self.add_option(Option(plain(message, "italic", multiline=True), disabled=True))

    @property
    def current(self) -> Finding | None:
        index = self.highlighted
        if index is None or not (0 <= index < len(self.findings)):
            return None
        return self.findings[index]
