"""The evidence checklist pane: each item the reply must carry, the attachment that covers it, ✓/✗.

The core decides what covers what (`linting/evidence.py`, the same reading
as ATT008), so a ✗ here is the error `lint` reports when the notice itself
lists the evidence; for the kind's usual list it is a reminder, worded so.
"""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from replydesk.linting.evidence import Checklist
from replydesk.tui.plain import shown

COVERED, MISSING = "✓", "✗"


def checklist_text(found: Checklist, kind_title: str) -> Text:
    """`✓ proof of delivery  Evidence_POD_….pdf` / `✗ the photos  no attachment named for it`."""
    text = Text()
    source = "the notice's list" if found.demanded else f"usual for a {kind_title}"
    text.append("Evidence", "bold underline")
    text.append(f" ({len(found.items) - len(found.missing)}/{len(found.items)} covered; {source})\n")
    for item in found.items:
        if item.covered:
            text.append(f" {COVERED} ", "bold green")
            text.append(shown(item.title))
            text.append("  " + shown(", ".join(item.covered_by)) + "\n", "dim")
        else:
            text.append(f" {MISSING} ", "bold red" if found.demanded else "bold yellow")
            text.append(shown(item.title), "bold" if found.demanded else "")
            text.append("  no attachment named for it\n", "dim")
    if found.demanded:
        for name in found.unrelated:
            text.append(" ? ", "bold yellow")
            text.append(shown(name))
            text.append("  covers nothing the notice asks for\n", "dim")
    return text


class EvidenceChecklist(Static):
    """Shown above the case details when the notice or the kind lists evidence; hidden otherwise."""

    DEFAULT_CSS = """
    EvidenceChecklist { margin-bottom: 1; }
    """

    def show(self, found: Checklist | None, kind_title: str) -> None:
        self.display = found is not None and bool(found.items)
        if self.display:
            self.update(checklist_text(found, kind_title))
