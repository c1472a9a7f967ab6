"""A case's history on its own screen: oldest first, searchable, readable at 80×24.

The details pane shows the history under the case's facts, in a column
that is a third of an 80-column terminal. Here it has the whole screen: a
search line on top (every word must appear, case and width ignored, in the
text, who or the time), the matching entries below with the matches
marked, and the count of matches. Desk records (assignments, status
changes) are entries too, so "who marked it sent, and when" is a search.
"""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from replydesk.linting.context import parse_datetime
from replydesk.tui.plain import shown
from replydesk.tui.queue.cases import Case
from replydesk.tui.queue.deadlines import format_kst


def when_label(when) -> str:
    """A history time as KST for the operator; as written when it is not a time."""
    if not when:
        return ""
    try:
        return format_kst(parse_datetime("when", when))
    except ValueError:
        return str(when)


def in_time_order(history: list[dict]) -> list[dict]:
    """The history oldest first (file order among equal or unreadable times: a stable sort)."""

    def moment(entry: dict):
        try:
            return parse_datetime("when", entry.get("when")).timestamp() if entry.get("when") else float("-inf")
        except ValueError:
            return float("-inf")

    return sorted(history, key=moment)


def append_entry(text: Text, entry: dict) -> None:
    """One history entry: who and when, then the message; a desk record is one dim line."""
    who = str(entry.get("who", "?"))
    if entry.get("event"):
        text.append(f"• {shown(when_label(entry.get('when')))}  ", "dim")
        text.append(shown(str(entry.get("text", ""))) + "\n\n", "dim italic")
        return
    text.append(shown(who), "bold")
    if entry.get("sent_by"):
        text.append(f" (sent by {shown(str(entry['sent_by']))})", "bold")
    text.append(f"  {shown(when_label(entry.get('when')))}\n", "dim")
    if entry.get("sent_by"):  # what an audit asks of a submission: its receipt and what went with it
        receipt = entry.get("receipt")
        files = [str(name) for name in entry.get("attachments") or [] if isinstance(name, (str, int))]
        text.append(f"receipt {shown(str(receipt))}" if receipt else "no receipt recorded", "dim")
        text.append((" · attached: " + shown(", ".join(files))) if files else " · nothing attached", "dim")
        text.append("\n")
    text.append(shown(str(entry.get("text", "")), multiline=True) + "\n\n")


def entry_words(entry: dict, when: str) -> str:
    """What a search looks in: the time as shown, who, the operator who sent it, and the text."""
    parts = [when, str(entry.get("who", "")), str(entry.get("sent_by", "")), str(entry.get("event", "")), str(entry.get("text", ""))]
    return " ".join(parts).casefold()


def matching(entries: list[tuple[dict, str]], query: str) -> list[int]:
    """Indexes of the entries that hold every word of the query."""
    words = query.casefold().split()
    if not words:
        return list(range(len(entries)))
    return [i for i, (entry, when) in enumerate(entries) if all(w in entry_words(entry, when) for w in words)]


def render_entries(entries: list[tuple[dict, str]], shown_indexes: list[int], query: str) -> Text:
    text = Text()
    for i in shown_indexes:
        append_entry(text, entries[i][0])
    for word in query.split():
        text.highlight_words([word], "reverse", case_sensitive=False)
    if not shown_indexes:
        text.append("No entry holds every word of the search." if query.strip() else "No history yet.", "italic")
    return text


class HistoryScreen(ModalScreen[None]):
    """The whole history of one case; `/` searches, esc or q goes back."""

    HELP = "A case's history, oldest first: messages and the desk's records. Type to search."
    PLACE = "Case history (h)"

    BINDINGS = [
        Binding("escape", "close", "Back", tooltip="Back to the case", id="history.back"),
        Binding("q", "close", "Back", show=False, tooltip="Back to the case (outside the search line)", id="history.q-back"),
        Binding("slash", "search", "Search", tooltip="Search the history (every word must appear)", id="history.search"),
        Binding("j,down", "scroll('down')", "Down", show=False, id="history.down"),
        Binding("k,up", "scroll('up')", "Up", show=False, id="history.up"),
        Binding("g,home", "scroll('home')", "Top", show=False, tooltip="The oldest entry", id="history.top"),
        Binding("G,end", "scroll('end')", "End", show=False, tooltip="The newest entry", id="history.end"),
    ]

    DEFAULT_CSS = """
    HistoryScreen { background: $background; }
    HistoryScreen #history-title { height: 1; padding: 0 1; text-style: bold; }
    HistoryScreen #history-search { height: 3; }
    HistoryScreen #history-scroll { height: 1fr; padding: 0 1; }
    """

    def __init__(self, case: Case) -> None:
        super().__init__(id="history-screen")
        self.case = case
        self.entries = [(entry, when_label(entry.get("when"))) for entry in in_time_order(case.history)]
        self.shown = list(range(len(self.entries)))

    def compose(self) -> ComposeResult:
        yield Static(self.title_text(""), id="history-title")
        yield Input(placeholder="/ search the history: words from a message, who, a date…", id="history-search")
        with VerticalScroll(id="history-scroll", can_focus=True):
            yield Static(render_entries(self.entries, self.shown, ""), id="history-entries")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#history-scroll").focus()

    def title_text(self, query: str) -> Text:
        text = Text(f"History of {shown(self.case.id)}: ")
        if query.strip():
            text.append(f"{len(self.shown)} of {len(self.entries)} entries match")
        else:
            text.append(f"{len(self.entries)} {'entry' if len(self.entries) == 1 else 'entries'}, oldest first")
        return text

    @on(Input.Changed, "#history-search")
    def search_changed(self, event: Input.Changed) -> None:
        query = event.value
        self.shown = matching(self.entries, query)
        self.query_one("#history-title", Static).update(self.title_text(query))
        self.query_one("#history-entries", Static).update(render_entries(self.entries, self.shown, query))

    @on(Input.Submitted, "#history-search")
    def search_done(self) -> None:
        self.query_one("#history-scroll").focus()

    def action_search(self) -> None:
        self.query_one("#history-search", Input).focus()

    def action_scroll(self, where: str) -> None:
        scroll = self.query_one("#history-scroll", VerticalScroll)
        {"down": scroll.scroll_down, "up": scroll.scroll_up, "home": scroll.scroll_home, "end": scroll.scroll_end}[where]()

    def action_close(self) -> None:
        self.dismiss(None)
