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
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from replydesk.tui.plain import plain, shown

CHOICES = (
    ("m", "Keep mine as a copy", "mine", "primary"),
    ("t", "Load theirs", "theirs", "default"),
    ("d", "Compare", "compare", "default"),
    ("c", "Cancel", "cancel", "default"),
)


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


class ConflictDialog(ModalScreen[str | None]):
    """Answers 'mine', 'theirs' or None (cancel); 'Compare' shows the diff in place and asks again."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="conflict.cancel")]

    def __init__(self, title: str, message: str, theirs: str, mine: str):
        super().__init__(id="conflict-dialog")
        self.title_text = title
        self.message = message
        self.theirs = theirs
        self.mine = mine

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.title_text), classes="dialog-title")
            yield Static(plain(self.message, multiline=True), classes="dialog-message")
            diff = VerticalScroll(Static(diff_text(self.theirs, self.mine), id="conflict-diff-text"), id="conflict-diff")
            diff.display = False
            diff.styles.max_height = 16
            yield diff
            with Horizontal(classes="dialog-buttons"):
                for key, label, value, variant in CHOICES:
                    yield Button(Text(f"[{key}] {label}"), id=f"choice-{value}", variant=variant)

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    @property
    def showing_diff(self) -> bool:
        return bool(self.query_one("#conflict-diff").display)

    def choose(self, value: str) -> None:
        if value == "compare":
            self.query_one("#conflict-diff").display = True
            return
        self.dismiss(None if value == "cancel" else value)

    def on_key(self, event: events.Key) -> None:
        for key, _label, value, _variant in CHOICES:
            if event.key == key or event.character == key:
                event.stop()
                self.choose(value)
                return

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.choose((event.button.id or "").removeprefix("choice-"))

    def action_cancel(self) -> None:
        self.dismiss(None)
