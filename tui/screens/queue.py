"""The queue screen: every case by deadline, a live filter, and facet/sort keys."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from replydesk.tui.desk import Desk
from replydesk.tui.queue.deadlines import Urgency, urgency
from replydesk.tui.queue.view import QueueView
from replydesk.tui.widgets.header import DeskHeader
from replydesk.tui.widgets.queue_table import QueueTable

LOCK_SCAN_EVERY = 3  # seconds between looks at .locks/
STATUS_EVERY = 5  # seconds between recounts of overdue / due-soon cases


def _commands():
    from replydesk.tui.commands import QueueCommands  # the palette's import, not start-up's

    return QueueCommands


class FilterInput(Input):
    PLACE = "Queue filter (/)"
    BINDINGS = [
        Binding("escape", "clear_and_leave", "Clear filter", id="filter.clear"),
        Binding("down", "leave", "To table", show=False, id="filter.leave"),
    ]

    def action_clear_and_leave(self) -> None:
        self.value = ""
        self.screen.query_one(QueueTable).focus()

    def action_leave(self) -> None:
        self.screen.query_one(QueueTable).focus()


class QueueScreen(Screen):
    """Sorted by deadline (sent cases sink); `/` filters as you type."""

    HELP = "The queue: every case, most urgent first. Countdowns run in KST."
    PLACE = "Queue"
    COMMANDS = {_commands}

    BINDINGS = [
        Binding("slash", "filter", "Filter", tooltip="Filter as you type (fuzzy; IDs match exactly)", id="queue.filter"),
        Binding("p", "facet('platform')", "Platform", tooltip="Show one platform, the next, ... then all", id="queue.platform"),
        Binding("t", "facet('kind')", "Kind", tooltip="Show one kind of case, the next, ... then all", id="queue.kind"),
        Binding("s", "facet('status')", "Status", tooltip="Show one status (new, drafting, ready, sent, under-review, closed), ... then all", id="queue.status"),
        Binding("o", "cycle_sort", "Sort", tooltip="Sort by deadline, priority, received, platform, status, id", id="queue.sort"),
        Binding("r", "reverse_sort", "Reverse", show=False, tooltip="Reverse the sort order", id="queue.reverse"),
        Binding("c", "clear_filters", "Clear", show=False, tooltip="Clear the filter and every facet", id="queue.clear"),
        Binding("escape", "clear_filters", "Clear filters", show=False, tooltip="Clear the filter and every facet", id="queue.escape"),
        Binding("R", "reload", "Reload", show=False, tooltip="Re-read the queue directory", id="queue.reload"),
        Binding("n", "next_urgent(1)", "Next urgent", tooltip="Next overdue case; when none, next due within 2 h", id="queue.next-urgent"),
        Binding("N", "next_urgent(-1)", "Previous urgent", show=False, tooltip="Previous overdue (or due within 2 h) case", id="queue.previous-urgent"),
        Binding("a", "assign_me", "Take", tooltip="Assign the case to me (again: to nobody)", id="queue.assign-me"),
        Binding("A", "assign_to", "Assign", show=False, tooltip="Assign the case to a named operator", id="queue.assign"),
        Binding("m", "mine", "Mine", tooltip="Only the cases assigned to me (again: everyone's)", id="queue.mine"),
        Binding("u", "undo_status", "Undo", show=False, tooltip="Undo the case's last status change (a send asks first)", id="queue.undo"),
        Binding("S", "stats", "Stats", show=False, tooltip="The team's figures: response rate, on time, overdue, median answer, outcomes, the last weeks", id="queue.stats"),
        Binding("x", "export", "Export", show=False, tooltip="Export the highlighted case's whole chain as one printable HTML file", id="queue.export"),
        Binding("v", "record_result", "Result", show=False, tooltip="Record the platform's answer to a sent reply: under review, or closed with its outcome", id="queue.result"),
        Binding("E", "unreadable", "Unreadable", show=False, tooltip="List the case files that could not be read, and why", id="queue.unreadable"),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__(id="queue-screen")
        self.desk = desk
        self.view: QueueView = desk.view
        self._ticks = 0
        self._status_timer = None

    def compose(self) -> ComposeResult:
        desk = self.desk
        yield DeskHeader(f"replydesk · {desk.store.root.name}", desk.clock, id="header")
        yield FilterInput(placeholder="/ to filter: id, order, subject, platform… (fuzzy)", id="filter")
        yield QueueTable(desk.clock, desk.store.packs, id="queue-table")
        yield Static(id="queue-status")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        desk = self.desk
        table = self.table
        table.counts = desk.draft_counts
        table.my_token = desk.operator.token
        table.me = desk.operator.who
        table.is_updated = desk.seen.is_updated
        self.refresh_locks()
        table.fit_ids(self.view.cases)
        table.set_rows(self.view.rows)
        table.focus()
        self.update_status()
        self._timer = self.set_interval(1.0, self.tick, name="queue-clock")
        desk.counts_updated.subscribe(self, self.counts_changed, immediate=True)
        desk.cases_changed.subscribe(self, self.cases_changed, immediate=True)
        desk.disk_changed.subscribe(self, self.disk_changed, immediate=True)

    @property
    def table(self) -> QueueTable:
        return self.query_one(QueueTable)

    # --- the once-a-second tick ---------------------------------------------------

    def tick(self) -> None:
        self._ticks += 1
        self.query_one(DeskHeader).tick()
        if self._ticks % LOCK_SCAN_EVERY == 0:
            self.refresh_locks()
        self.table.refresh()
        if self._ticks % STATUS_EVERY == 0:
            self.update_status()  # counts every row: cheap, but not needed every second on 10k cases

    def on_screen_suspend(self) -> None:
        self._timer.pause()

    def on_screen_resume(self) -> None:
        self._timer.resume()
        self.refresh_locks()
        self.table.counts = self.desk.draft_counts
        self.table.set_rows(self.view.rows, keep=self.current_id)
        self.update_status()

    def refresh_locks(self) -> None:
        locks = self.desk.locks
        held = locks.all()
        self.table.locks = held
        self.table.stale_locks = frozenset(case_id for case_id, info in held.items() if locks.is_stale(info))
        self.table.refresh()

    @property
    def current_id(self) -> str | None:
        case = self.table.current
        return case.id if case else None

    def update_status(self) -> None:
        view = self.view
        now = self.desk.clock()
        overdue = soon = 0
        for case in view.rows:
            if case.answered:
                continue
            level = urgency(case.deadline, now)
            if level is Urgency.OVERDUE:
                overdue += 1
            elif level is Urgency.SOON:
                soon += 1
        text = Text(" ")
        text.append(f"{len(view.rows)}/{view.total} cases")
        if overdue:
            text.append(f" · {overdue} overdue", "bold")
        if soon:
            text.append(f" · {soon} due ≤2h", "bold")
        text.append(f" · sort: {view.sort}{' (reversed)' if view.reverse else ''}")
        facets = view.facets.describe()
        if facets:
            text.append(f" · {facets}", "italic")
        if view.query.strip():
            text.append(f" · /{view.query}", "italic")
        errors = self.desk.load_errors
        if errors:
            text.append(f" · {len(errors)} unreadable case file(s) (E lists them)", "bold")
        self.query_one("#queue-status", Static).update(text)

    # --- data changes ------------------------------------------------------------

    def rows_changed(self, keep: str | None = None) -> None:
        self.table.set_rows(self.view.rows, keep=keep if keep is not None else self.current_id)
        # The status line counts every shown row; while typing a filter, count once typing pauses.
        if self._status_timer is not None:
            self._status_timer.stop()
        self._status_timer = self.set_timer(0.1, self.update_status, name="queue-status")

    def counts_changed(self, _: None = None) -> None:
        self.table.refresh()

    def cases_changed(self, _: None = None) -> None:
        self.rows_changed()

    def disk_changed(self, change) -> None:
        """Another desk took or released a lock: the LOCK column shows it now, not at the next scan."""
        if change.locks:
            self.refresh_locks()

    def show_facet(self, facet: str, value: str | None) -> None:
        """Show only cases whose `facet` is `value` (None: all); the palette's "Show …" commands."""
        self.view.set_facet(facet, value)
        self.rows_changed()

    def sort_by(self, sort: str) -> None:
        self.view.set_sort(sort)
        self.rows_changed()

    # --- actions -----------------------------------------------------------------------

    def action_filter(self) -> None:
        self.query_one(FilterInput).focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        keep = self.current_id
        self.view.set_query(event.value)
        self.rows_changed(keep)

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.table.focus()

    def action_facet(self, facet: str) -> None:
        value = self.view.cycle_facet(facet)
        self.rows_changed()
        self.notify(f"{facet}: {value or 'all'}", timeout=1.5)

    def action_cycle_sort(self) -> None:
        sort = self.view.cycle_sort()
        self.rows_changed()
        self.notify(f"sorted by {sort}", timeout=1.5)

    def action_reverse_sort(self) -> None:
        self.view.toggle_reverse()
        self.rows_changed()

    def action_clear_filters(self) -> None:
        self.view.clear_filters()
        filter_input = self.query_one(FilterInput)
        with filter_input.prevent(Input.Changed):
            filter_input.value = ""
        self.rows_changed()

    def action_reload(self) -> None:
        self.desk.reload_queue()
        self.table.fit_ids(self.view.cases)
        self.rows_changed()

    def action_next_urgent(self, direction: int = 1) -> None:
        table = self.table
        index = self.view.next_urgent(table.cursor, self.desk.clock(), direction)
        if index is None:
            self.notify("No shown case is overdue or due within 2 h.", timeout=2)
            return
        table.set_cursor(index)

    def action_assign_me(self) -> None:
        case = self.table.current
        if case is None:
            return
        me = self.desk.operator.who
        self.desk.assign_case(case.id, None if case.assignee == me else me)

    def action_assign_to(self) -> None:
        from replydesk.tui.screens.dialogs import AskText

        case = self.table.current
        if case is None:
            return
        known = sorted({c.assignee for c in self.view.cases if c.assignee} | {info.who for info in self.table.locks.values()} | {self.desk.operator.who})

        def answered(name: str | None) -> None:
            if name is not None:
                self.desk.assign_case(case.id, name.strip() or None)

        self.app.push_screen(
            AskText(
                f"Assign {case.id}",
                "To whom? An operator's name (empty: nobody). Known: " + ", ".join(known),
                value=case.assignee or "",
                suggestions=known,
                id="assign-dialog",
            ),
            answered,
        )

    def action_mine(self) -> None:
        mine = self.view.toggle_mine()
        self.rows_changed()
        self.notify("assigned to me" if mine else "everyone's cases", timeout=1.5)

    def action_undo_status(self) -> None:
        case = self.table.current
        if case is not None:
            self.desk.undo_status(case.id)

    def action_stats(self) -> None:
        from replydesk.tui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen(self.desk))

    def action_export(self) -> None:
        case = self.table.current
        if case is not None:
            self.desk.export_case(case.id)

    def action_record_result(self) -> None:
        case = self.table.current
        if case is not None:
            self.desk.record_result(case.id)

    def action_unreadable(self) -> None:
        from replydesk.tui.screens.dialogs import ListDialog

        errors = self.desk.load_errors
        if not errors:
            self.notify("Every case file in the queue was read.", timeout=2)
            return
        self.app.push_screen(
            ListDialog(
                f"{len(errors)} unreadable case file(s)",
                "These files are not in the queue until they are fixed (replydesk doctor QUEUE checks permissions):",
                [str(e) for e in errors],
                id="unreadable-dialog",
            )
        )

    @on(QueueTable.Opened)
    def open_case(self, event: QueueTable.Opened) -> None:
        self.desk.open_case(event.case_id)
