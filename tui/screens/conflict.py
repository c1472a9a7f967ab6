"""The question a save asks when the draft on disk is no longer the one the editor loaded.

Someone else (another operator who took the lock over, `lint --fix`, an
editor on the host) saved `drafts/<id>.txt` after this desk opened it, or
took the case's lock. Overwriting would lose their text unseen, so the
save stops and asks: keep mine as a copy beside the draft, load theirs
into the editor (mine is set aside in the journal), or compare the two
first. Escape writes nothing and leaves both texts where they are.

Every string here is shown as plain text (rich Text), never as markup:
the texts are other people's.
"""
from __future__ import annotations

import difflib

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from replydesk.tui.plain import shown
from replydesk.tui.screens.dialogs import Choice, ChoiceDialog

CHOICES = [
    Choice("m", "Keep mine as a copy", "mine", "primary"),
    Choice("t", "Load theirs", "theirs"),
    Choice("d", "Compare", "compare"),
    Choice("c", "Cancel", "cancel"),
]


def diff_text(theirs: str, mine: str, *, max_lines: int = 2000) -> Text:
    """A unified diff, theirs (on disk) → mine (the editor), coloured -/+; long diffs are cut, and say so."""
    lines = list(
        difflib.unified_diff(
            theirs.splitlines(), mine.splitlines(), fromfile="theirs (on disk)", tofile="mine (editor)", lineterm=""
        )
    )
    out = Text()
    if not lines:
        out.append("The two texts differ only in line endings or trailing newlines.\n")
    for line in lines[:max_lines]:
        style = "green" if line.startswith("+") else "red" if line.startswith("-") else "bold" if line.startswith("@@") else ""
        out.append(shown(line) + "\n", style)  # either draft may hold ESC sequences
    if len(lines) > max_lines:
        out.append(f"… {len(lines) - max_lines} more diff lines not shown\n", "italic")
    return out


class ConflictDialog(ChoiceDialog):
    """Answers 'mine', 'theirs' or None (cancel); 'Compare' shows the diff in place and asks again."""

    def __init__(self, title: str, message: str, theirs: str, mine: str):
        super().__init__(title, message, CHOICES, id="conflict-dialog")
        self.theirs = theirs
        self.mine = mine

    def compose_details(self) -> ComposeResult:
        diff = VerticalScroll(Static(diff_text(self.theirs, self.mine), id="conflict-diff-text"), id="conflict-diff")
        diff.display = False
        diff.styles.max_height = 16
        yield diff

    @property
    def showing_diff(self) -> bool:
        return bool(self.query_one("#conflict-diff").display)

    def choose(self, value: str) -> None:
        if value == "compare":
            self.query_one("#conflict-diff").display = True
            return
        self.dismiss(None if value == "cancel" else value)
