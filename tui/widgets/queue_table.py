"""The queue table: a line-API ScrollView that draws only the rows on screen.

DataTable needs ~1.4 s to take 10,000 rows and ~0.8 s to refill 5,000 per
filter keystroke; this view swaps its row list in O(1) and renders the
~20 visible lines on demand, so the once-a-second countdown repaint is
cheap too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Mapping

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from replydesk.linting.packs import Pack
from replydesk.tui.plain import shown
from replydesk.tui.queue.cases import Case
from replydesk.tui.queue.deadlines import Urgency, countdown, urgency
from replydesk.tui.queue.locks import LockInfo

# The STATUS column: wide, then narrow; a closed case shows its outcome instead.
STATUS_WORDS = {"under-review": ("review", "revw"), "closed": ("closed", "closd")}
STATUS_SHORT = {"new": "new", "drafting": "draft", "ready": "ready", "sent": "sent"}
OUTCOME_WORDS = {"reversed": ("reversed", "revrs"), "partial": ("partial", "part"), "denied": ("denied", "deny"), "accepted": ("accepted", "accpt")}
# The DUE column of an answered case: the next date after sending, marked F (follow-up) or R (result).
NEXT_MARKS = {"follow-up": "F", "result": "R"}
WIDE = 100  # from this width on, columns use full words


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int  # 0 = takes the rest


# key: (title, width) from WIDE columns on, and below; the ID column's width is the longest id within
# these bounds, and a width of 0 takes the rest of the line.
COLUMNS = {
    "due": (("DUE", 7), ("DUE", 7)),
    "platform": (("PLATFORM", 8), ("PLT", 3)),
    "kind": (("KIND", 19), ("KIND", 8)),
    "updated": (("", 1), ("", 1)),  # • = changed by someone else since this operator last opened it
    "id": (("ID", 18), ("ID", 14)),
    "status": (("STATUS", 8), ("STAT", 5)),
    "lint": (("E/W", 5), ("E/W", 5)),
    "assignee": (("ASSIGNEE", 10), ("WHO", 5)),
    "lock": (("LOCK", 12), ("LOCK", 6)),
    "subject": (("SUBJECT", 0), ("SUBJECT", 0)),
}
UPDATED_MARK = "•"


def layout_columns(width: int, id_width: int) -> list[Column]:
    """Column widths for a terminal width; 80 columns keep every column, abbreviated."""
    wide = width >= WIDE
    cols = []
    for key, (wide_form, narrow_form) in COLUMNS.items():
        title, size = wide_form if wide else narrow_form
        cols.append(Column(key, title, min(max(id_width, 8), size) if key == "id" else size))
    fixed = sum(c.width for c in cols) + len(cols) - 1
    rest = max(width - fixed, 8)
    return [Column(c.key, c.title, rest) if c.width == 0 else c for c in cols]


def status_cell(case: Case, wide: bool) -> str:
    """`ready`; a closed case's outcome (`denied`); short forms below 100 columns."""
    words = OUTCOME_WORDS.get(case.outcome) if case.status == "closed" and case.outcome else STATUS_WORDS.get(case.status)
    if words is not None:
        return words[0] if wide else words[1]
    return case.status if wide else STATUS_SHORT.get(case.status, case.status)


def due_cell(case: Case, now: datetime, width: int) -> str:
    """The countdown to the next date that matters: the deadline, or once sent `F 4d02h`
    (a follow-up due) or `R 6d` (the result expected); blank when closed."""
    upcoming = case.next_date(now)
    if upcoming is None:
        return "" if case.answered else countdown(None, now)
    label, moment = upcoming
    left = countdown(moment, now)
    if label == "due":
        return left
    mark = NEXT_MARKS.get(label, "?")
    text = f"{mark} {left}"
    if len(text) > width:  # `F -2d04h`: the days say enough
        text = f"{mark}{left}" if len(left) < width else f"{mark}{left.split('d')[0]}d"
    return text


def lint_cell(counts: tuple[int, int] | None) -> str:
    """`2/1` = two errors, one warning; `-` = no draft yet; `…` = not linted yet."""
    if counts is None:
        return "…"
    errors, warnings = counts
    if errors < 0:
        return "-"
    return f"{errors}/{warnings}"


class QueueTable(ScrollView, can_focus=True):
    """Rows of cases sorted by deadline; the cursor follows a case id across re-filtering."""

    PLACE = "Queue"

    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="queue.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="queue.up"),
        Binding("pagedown,ctrl+d", "page_down", "Page down", show=False, id="queue.page-down"),
        Binding("pageup,ctrl+u", "page_up", "Page up", show=False, id="queue.page-up"),
        Binding("home", "first", "First", show=False, id="queue.first"),
        Binding("end,G", "last", "Last", show=False, id="queue.last"),
        Binding("enter", "open", "Open", id="queue.open"),
    ]

    COMPONENT_CLASSES = {
        "queue-table--header",
        "queue-table--cursor",
        "queue-table--overdue",
        "queue-table--soon",
        "queue-table--errors",
        "queue-table--locked",
        "queue-table--sent",
        "queue-table--empty",
    }

    DEFAULT_CSS = """
    QueueTable { height: 1fr; }
    """

    cursor: reactive[int] = reactive(0, repaint=False)

    class Opened(Message):
        """The operator asked to open the case under the cursor."""

        def __init__(self, case_id: str):
            super().__init__()
            self.case_id = case_id

    class CursorMoved(Message):
        def __init__(self, case_id: str | None):
            super().__init__()
            self.case_id = case_id

    def __init__(self, now: Callable[[], datetime], packs: Mapping[str, Pack], *, name=None, id=None, classes=None):
        super().__init__(name=name, id=id, classes=classes)
        self.now = now
        self.packs = packs  # the platforms' and kinds' short labels (`short` in the packs)
        self.rows: list[Case] = []
        self.counts: dict[str, tuple[int, int]] = {}
        self.locks: dict[str, LockInfo] = {}
        self.stale_locks: frozenset[str] = frozenset()  # case ids whose lock's process is gone (this host)
        self.my_token: str = ""
        self.me: str = ""  # this operator's name: their own cases show "me" in the assignee column
        self.is_updated: Callable[[Case], bool] = lambda case: False
        self.empty_message = "No cases."
        self._id_width = 8

    # --- data -----------------------------------------------------------------

    def set_rows(self, rows: list[Case], keep: str | None = None) -> None:
        """Swap the row list (O(1)); keep the cursor on case `keep` when it is still shown."""
        self.rows = rows
        index = 0
        if keep is not None:
            for i, case in enumerate(rows):
                if case.id == keep:
                    index = i
                    break
        self._update_virtual_size()
        self.set_cursor(index, force=True)
        self.refresh()

    def fit_ids(self, cases: list[Case]) -> None:
        """Size the ID column for every case in the queue (once per load, not per keystroke)."""
        if cases:
            self._id_width = max(8, max(len(c.id) for c in cases))

    @property
    def current(self) -> Case | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)

    def on_resize(self) -> None:
        self._update_virtual_size()
        self._scroll_cursor_into_view()
        self.refresh()

    # --- cursor ---------------------------------------------------------------

    def set_cursor(self, index: int, *, force: bool = False) -> None:
        if not self.rows:
            index = 0
        else:
            index = max(0, min(index, len(self.rows) - 1))
        changed = index != self.cursor
        self.cursor = index
        self._scroll_cursor_into_view()
        if changed or force:
            self.refresh()
            case = self.current
            self.post_message(self.CursorMoved(case.id if case else None))

    def _body_height(self) -> int:
        return max(self.size.height - 1, 1)

    def _scroll_cursor_into_view(self) -> None:
        top = int(self.scroll_offset.y)
        height = self._body_height()
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self.set_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.set_cursor(self.cursor - 1)

    def action_page_down(self) -> None:
        self.set_cursor(self.cursor + self._body_height())

    def action_page_up(self) -> None:
        self.set_cursor(self.cursor - self._body_height())

    def action_first(self) -> None:
        self.set_cursor(0)

    def action_last(self) -> None:
        self.set_cursor(len(self.rows) - 1)

    def action_open(self) -> None:
        case = self.current
        if case is not None:
            self.post_message(self.Opened(case.id))

    def on_click(self, event) -> None:
        row = int(self.scroll_offset.y) + event.y - 1
        if event.y >= 1 and 0 <= row < len(self.rows):
            self.set_cursor(row)
            if event.chain >= 2:
                self.action_open()

    # --- rendering ------------------------------------------------------------

    def _short_platform(self, platform: str) -> str:
        pack = self.packs.get(platform)
        return pack.short if pack is not None else platform[:3].upper()

    def _short_kind(self, platform: str, kind: str) -> str:
        pack = self.packs.get(platform)
        rules = pack.kinds.get(kind) if pack is not None else None
        return (rules.short or kind) if rules is not None else kind

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        columns = layout_columns(width, self._id_width)
        if y == 0:
            return self._render_header(columns, width)
        index = int(self.scroll_offset.y) + y - 1
        if not self.rows:
            if y == 1:
                style = self.get_component_rich_style("queue-table--empty")
                return Strip([Segment(set_cell_size(" " + self.empty_message, width), style)], width)
            return Strip.blank(width, self.rich_style)
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        return self._render_row(self.rows[index], index == self.cursor, columns, width)

    def _render_header(self, columns: list[Column], width: int) -> Strip:
        style = self.get_component_rich_style("queue-table--header")
        text = " ".join(set_cell_size(c.title, c.width) for c in columns)
        return Strip([Segment(set_cell_size(text, width), style)], width)

    def _render_row(self, case: Case, is_cursor: bool, columns: list[Column], width: int) -> Strip:
        base = self.rich_style
        get = self.get_component_rich_style
        now = self.now()
        due_style: Style | None = None
        upcoming = case.next_date(now)
        level = urgency(upcoming[1] if upcoming else None, now)
        if level is Urgency.OVERDUE:
            due_style = get("queue-table--overdue")
        elif level is Urgency.SOON and not case.answered:
            due_style = get("queue-table--soon")
        row_style = base + get("queue-table--sent") if case.answered else base
        wide = width >= WIDE
        counts = self.counts.get(case.id)
        lock = self.locks.get(case.id)
        segments: list[Segment] = []
        for i, col in enumerate(columns):
            style = row_style
            if col.key == "due":
                value = due_cell(case, now, col.width).rjust(col.width)
                if due_style is not None:
                    style = row_style + due_style
            elif col.key == "platform":
                value = case.platform if wide else self._short_platform(case.platform)
            elif col.key == "kind":
                value = case.kind if wide else self._short_kind(case.platform, case.kind)
            elif col.key == "id":
                value = case.id
                if cell_len(value) > col.width:  # a cut ID looks like another valid ID: show that it is cut
                    value = value[: max(col.width - 1, 0)] + "…"
            elif col.key == "status":
                value = status_cell(case, wide)
            elif col.key == "lint":
                value = lint_cell(counts)
                if counts is not None and counts[0] > 0:
                    style = row_style + get("queue-table--errors")
            elif col.key == "updated":
                value = UPDATED_MARK if self.is_updated(case) else " "
            elif col.key == "assignee":
                value = "" if not case.assignee else "me" if case.assignee == self.me else case.assignee
                if cell_len(value) > col.width:
                    value = value[: max(col.width - 1, 0)] + "…"
            elif col.key == "lock":
                value = ""
                if lock is not None:
                    value = "me" if lock.token == self.my_token else lock.who
                    if case.id in self.stale_locks:  # its desk's process is gone: the next to open it takes it over
                        value = f"stale {value}" if wide else "stale"
                    style = row_style + get("queue-table--locked")
            else:
                value = case.subject
            value = shown(value)  # Segments go to the terminal as they are: no raw control character
            cell = set_cell_size(value, col.width) if cell_len(value) != col.width else value
            segments.append(Segment(cell, style))
            if i < len(columns) - 1:
                segments.append(Segment(" ", row_style))
        strip = Strip(segments)
        strip = strip.crop(0, width)
        if strip.cell_length < width:
            strip = strip.extend_cell_length(width, row_style)
        if is_cursor:
            cursor_style = get("queue-table--cursor")
            strip = Strip([Segment(seg.text, (seg.style or Style()) + cursor_style) for seg in strip], width)
        return strip
