"""Typed modal questions: each dialog returns a value through `dismiss`, never a global flag."""
from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from replydesk.tui.plain import plain


@dataclass(frozen=True)
class Choice:
    key: str  # a single key that picks it
    label: str
    value: str
    variant: str = "default"


class ChoiceDialog(ModalScreen[str | None]):
    """A question with a few answers, each on its own key; escape answers None (cancel).

    Title and message are plain text, never markup: messages quote case
    ids, finding messages and journal owners (tui/plain.py). A dialog that
    shows more than its message (conflict.py's diff) adds it in
    `compose_details` and may answer some choices itself in `choose`.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, message: str, choices: list[Choice], *, id: str | None = None):
        super().__init__(id=id)
        self.title_text = title
        self.message = message
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.title_text), classes="dialog-title")
            yield Static(plain(self.message, multiline=True), classes="dialog-message")
            yield from self.compose_details()
            with Horizontal(classes="dialog-buttons"):
                for choice in self.choices:
                    # A Text label: "[y]" must not be read as markup.
                    label = Text(f"[{choice.key}] {choice.label}")
                    yield Button(label, id=f"choice-{choice.value}", variant=choice.variant)

    def compose_details(self) -> ComposeResult:
        """Widgets between the message and the buttons; none by default."""
        return iter(())

    def choose(self, value: str) -> None:
        """A key or a button picked `value`: answer it."""
        self.dismiss(value)

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    def on_key(self, event: events.Key) -> None:
        for choice in self.choices:
            if event.key == choice.key or event.character == choice.key:
                event.stop()
                self.choose(choice.value)
                return

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.choose((event.button.id or "").removeprefix("choice-"))

    def action_cancel(self) -> None:
        self.dismiss(None)


def confirm(title: str, message: str, yes: str = "Yes", no: str = "No") -> ChoiceDialog:
    """Yes (y) / No (n); escape means no."""
    return ChoiceDialog(title, message, [Choice("y", yes, "yes", "primary"), Choice("n", no, "no")])


class AskText(ModalScreen[str | None]):
    """One line of text (enter answers it, escape answers None); completes from `suggestions`."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ask.cancel")]

    def __init__(self, title: str, message: str, *, value: str = "", suggestions: list[str] = (), id: str | None = None):
        super().__init__(id=id)
        self.title_text = title
        self.message = message
        self.value = value
        self.suggestions = list(suggestions)

    def compose(self) -> ComposeResult:
        from textual.suggester import SuggestFromList
        from textual.widgets import Input

        with Vertical(classes="dialog"):
            yield Static(plain(self.title_text), classes="dialog-title")
            yield Static(plain(self.message, multiline=True), classes="dialog-message")
            yield Input(self.value, suggester=SuggestFromList(self.suggestions, case_sensitive=False), id="ask-input")
            yield Static(plain("enter: done · right arrow: complete · esc: cancel"), classes="dialog-message")

    def on_mount(self) -> None:
        self.query_one("#ask-input").focus()

    def on_input_submitted(self, event) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ListDialog(ModalScreen[None]):
    """Lines to read (each plain text, control characters shown); any of esc, enter or q closes it."""

    BINDINGS = [
        Binding("escape,enter,q", "close", "Close", id="list.close"),
    ]

    def __init__(self, title: str, message: str, lines: list[str], *, id: str | None = None):
        super().__init__(id=id)
        self.title_text = title
        self.message = message
        self.lines = lines

    def compose(self) -> ComposeResult:
        from textual.containers import VerticalScroll

        with Vertical(classes="dialog"):
            yield Static(plain(self.title_text), classes="dialog-title")
            yield Static(plain(self.message, multiline=True), classes="dialog-message")
            with VerticalScroll(classes="dialog-list", can_focus=True):
                for line in self.lines:
                    yield Static(plain(line, multiline=True))
            yield Static(plain("esc, enter or q: close"), classes="dialog-message")

    def on_mount(self) -> None:
        self.query_one(".dialog-list").focus()

    def action_close(self) -> None:
        self.dismiss(None)
