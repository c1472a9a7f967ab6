"""Help (`?`): every key, read from the same BINDINGS the footer and palette use.

Nothing here is typed twice: a key added to a screen's BINDINGS shows up
in this list, in the footer (when `show`) and in the command palette.
"""
from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "escape": "esc",
    "enter": "enter",
    "pagedown": "pgdn",
    "pageup": "pgup",
}

EDITOR_KEYS = [
    ("ctrl+z / ctrl+y", "Undo / redo"),
    ("shift+arrows", "Select text"),
    ("ctrl+x / ctrl+c / ctrl+v", "Cut / copy / paste (within the desk)"),
    ("ctrl+w / ctrl+k / ctrl+u", "Delete word left / to line end / to line start"),
    ("home / end", "Line start / end"),
    ("tab", "Leave the editor (next pane)"),
]


def key_label(keys: str) -> str:
    parts = []
    for key in keys.split(","):
        key = key.strip()
        parts.append(KEY_NAMES.get(key, key))
    return " / ".join(parts)


def bindings_of(cls) -> list[Binding]:
    out = []
    for item in getattr(cls, "BINDINGS", []):
        if isinstance(item, Binding):
            out.append(item)
        elif isinstance(item, tuple):
            out.append(Binding(*item))
    return out


def place_of(owner) -> str:
    """Where a key works, in the operator's words (the help's section titles, the palette's help text).

    Each screen and widget with keys names itself in `PLACE`; never the
    class name ("QueueScreen: key c" told an operator nothing).
    """
    cls = owner if isinstance(owner, type) else type(owner)
    return getattr(cls, "PLACE", None) or "This screen"


def help_sections():
    """(title, [(keys, description)]) for every screen and widget that has keys."""
    from replydesk.tui.app import ReplydeskApp
    from replydesk.tui.screens.case import CaseInfo, CaseScreen
    from replydesk.tui.screens.glossary import GlossaryScreen
    from replydesk.tui.screens.queue import FilterInput, QueueScreen
    from replydesk.tui.widgets.draft_editor import DraftEditor
    from replydesk.tui.widgets.findings import FindingsList
    from replydesk.tui.widgets.queue_table import QueueTable

    def rows(*classes) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for cls in classes:
            for binding in bindings_of(cls):
                if binding.action in ("help_quit",):
                    continue
                label = key_label(binding.key)
                seen.setdefault(label, binding.tooltip or binding.description or binding.action)
        return list(seen.items())

    from replydesk.tui.screens.history import HistoryScreen

    return [
        (place_of(ReplydeskApp), rows(ReplydeskApp) + [("ctrl+p", "Command palette: every action by name")]),
        (place_of(QueueScreen), rows(QueueTable, QueueScreen)),
        (place_of(FilterInput), rows(FilterInput) + [("enter", "Keep the filter, back to the table")]),
        (place_of(CaseScreen), rows(CaseScreen)),
        (place_of(DraftEditor), rows(DraftEditor) + EDITOR_KEYS),
        (place_of(FindingsList), rows(FindingsList) + [("up / down", "Move"), ("n / N", "Next / previous finding")]),
        (place_of(CaseInfo), rows(CaseInfo) + [("up / down / pgup / pgdn", "Scroll")]),
        (place_of(HistoryScreen), rows(HistoryScreen) + [("type", "In the search line: every word must appear")]),
        (place_of(GlossaryScreen), rows(GlossaryScreen)),
        ("Dialogs", [("y / n, letter in [ ]", "Choose an answer"), ("tab / enter", "Move between / press buttons"), ("esc", "Cancel")]),
    ]


def help_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for title, entries in help_sections():
        table.add_row(Text(title, style="bold underline"), "")
        for keys, description in entries:
            table.add_row(keys, description)
        table.add_row("", "")
    return table


INTRO = (
    "replydesk works without a mouse. Keys shown in the footer act on the focused pane; "
    "ctrl-keys in a case work even while typing. Times are KST (UTC+9)."
)


class HelpScreen(Screen):
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
        Binding("j,down", "scroll('down')", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll('up')", "Up", show=False, id="help.up"),
    ]

    def __init__(self) -> None:
        super().__init__(id="help-screen")

    def compose(self) -> ComposeResult:
        yield Static(" replydesk · help", id="help-title")
        with VerticalScroll(id="help-body"):
            yield Static(INTRO, id="help-intro")
            yield Static(help_table(), id="help-keys")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        if direction == "down":
            body.scroll_down(animate=False)
        else:
            body.scroll_up(animate=False)

    def action_close(self) -> None:
        self.dismiss()
