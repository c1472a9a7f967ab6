"""The glossary browser: search the established terms across Korean, English and Chinese. Read-only."""
from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from replydesk.tui.desk import Desk
from replydesk.tui.plain import plain, shown
from replydesk.tui.queue.terms import TermRow, search_terms
from replydesk.tui.widgets.header import DeskHeader


def term_label(row: TermRow) -> Text:
    """Glossary strings come from data files: shown literally (tui/plain.py)."""
    text = Text()
    text.append(shown(row.en or "—"), "bold")
    text.append("  ")
    text.append(shown(row.ko or "—"))
    text.append("  ")
    text.append(shown(row.zh or "—"))
    if row.avoid:
        text.append("\n  not: ", "italic")
        text.append(shown(row.avoid), "italic")
    return text


def term_detail(row: TermRow | None) -> Text:
    if row is None:
        return Text("")
    text = Text()
    for label, value in (("English", row.en), ("Korean", row.ko), ("Chinese", row.zh), ("Avoid", row.avoid), ("Note", row.note), ("Source", row.source)):
        if value:
            text.append(f"{label:<8}", "bold")
            text.append(shown(value, multiline=True) + "\n")
    return text


class GlossaryScreen(Screen):
    HELP = "Search terms in Korean, English or Chinese (fuzzy). Read-only."
    PLACE = "Glossary"

    BINDINGS = [
        Binding("escape", "back", "Back", id="glossary.back"),
        Binding("slash", "search", "Search", id="glossary.search"),
        Binding("down", "to_list", "Results", show=False, id="glossary.list"),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__(id="glossary-screen")
        self.desk = desk
        self.rows: list[TermRow] = []
        self.shown: list[TermRow] = []

    def compose(self) -> ComposeResult:
        yield DeskHeader("replydesk · glossary", self.desk.clock, id="header")
        yield Input(placeholder="search KO / EN / ZH (fuzzy)", id="glossary-search")
        yield OptionList(id="glossary-results")
        yield Static(id="glossary-detail")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.query_one(OptionList).add_option(Option(Text("loading the glossary…", "italic"), disabled=True))
        self.load_terms()

    @work(thread=True, exclusive=True, group="glossary", exit_on_error=False)
    def load_terms(self) -> None:
        rows, problem = self.desk.glossary_rows()
        self.app.call_from_thread(self.terms_loaded, rows, problem)

    def terms_loaded(self, rows: list[TermRow], problem: str | None) -> None:
        self.rows = rows
        if problem and not rows:
            results = self.query_one(OptionList)
            results.clear_options()
            results.add_option(Option(plain(problem, "italic", multiline=True), disabled=True))
            return
        self.show(self.query_one(Input).value)

    def show(self, query: str) -> None:
        self.shown = search_terms(query, self.rows)
        results = self.query_one(OptionList)
        results.clear_options()
        if not self.shown:
            results.add_option(Option(Text("no matching terms", "italic"), disabled=True))
            self.query_one("#glossary-detail", Static).update("")
            return
        results.add_options([Option(term_label(r)) for r in self.shown])
        results.highlighted = 0
        self.query_one("#glossary-detail", Static).update(term_detail(self.shown[0]))
        results.border_title = f"{len(self.shown)} of {len(self.rows)} terms"

    @on(Input.Changed, "#glossary-search")
    def search_changed(self, event: Input.Changed) -> None:
        if self.rows:
            self.show(event.value)

    @on(Input.Submitted, "#glossary-search")
    def search_submitted(self) -> None:
        self.action_to_list()

    @on(OptionList.OptionHighlighted, "#glossary-results")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        index = event.option_index
        if 0 <= index < len(self.shown):
            self.query_one("#glossary-detail", Static).update(term_detail(self.shown[index]))

    def action_search(self) -> None:
        self.query_one(Input).focus()

    def action_to_list(self) -> None:
        self.query_one(OptionList).focus()

    def action_back(self) -> None:
        if self.focused is self.query_one(Input) and self.query_one(Input).value:
            self.query_one(Input).value = ""
            return
        self.dismiss()
