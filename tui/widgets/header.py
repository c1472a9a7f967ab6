"""The top line: what the desk is showing, and the time in KST (the clock every deadline uses)."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from rich.text import Text
from textual.widget import Widget

from replydesk.tui.plain import plain
from replydesk.tui.queue.deadlines import kst


class DeskHeader(Widget):
    """One line; `tick()` once a second repaints only this line."""

    DEFAULT_CSS = """
    DeskHeader { height: 1; dock: top; }
    """

    def __init__(self, title: str, now: Callable[[], datetime], **kwargs):
        super().__init__(**kwargs)
        self.title_text = title
        self.now = now

    def set_title(self, title: str) -> None:
        self.title_text = title
        self.refresh()

    def tick(self) -> None:
        self.refresh()

    def render(self) -> Text:
        clock = kst(self.now()).strftime("%Y-%m-%d %H:%M:%S KST")
        width = self.size.width
        title = self.title_text
        room = max(width - len(clock) - 2, 0)
        text = Text(" ")
        title_text = plain(title)  # a case id or the queue directory's name
        title_text.truncate(max(room - 1, 0), overflow="ellipsis")
        text.append_text(title_text)
        pad = max(width - text.cell_len - len(clock) - 1, 1)
        text.append(" " * pad)
        text.append(clock, "bold")
        return text
