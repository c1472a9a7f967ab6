"""What a screen may use of the desk, and the messages the desk's workers send it.

Screens receive the desk as a `Desk` (this Protocol), not as "the App":
what a screen depends on is written here, and a type checker holds the App
to it. The App implements it (tui/app.py).

Workers never write desk state. They post a message (`LinterReady`,
`LinterFailed`, `DraftCountsUpdated`) to the App; its handler, on the
main thread, owns the state and publishes a signal that the screens
subscribed to (Textual's `Signal`), so the App does not need to know
which screens care.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Mapping, Protocol

from textual.message import Message
from textual.signal import Signal

from replydesk.linting.findings import Finding
from replydesk.tui.clock import Clock
from replydesk.tui.linting_service import DeskLinter, DraftCounts
from replydesk.tui.queue.cases import Case, CaseFileError
from replydesk.tui.queue.locks import LockOutcome, Locks, Operator
from replydesk.tui.queue.recovery import Journal
from replydesk.tui.queue.store import QueueStore
from replydesk.tui.queue.view import QueueView

if TYPE_CHECKING:
    from replydesk.tui.queue.seen import SeenCases
    from replydesk.tui.queue.terms import TermRow
    from replydesk.tui.screens.case import CaseScreen


@dataclass(frozen=True)
class DeskSettings:
    """How the desk paces itself; tests shorten the delays and stop the cursor blinking."""

    autosave_interval: float = 5.0  # seconds between journal writes of unsaved text
    lint_delay: float = 0.15  # seconds of no typing before the draft is linted
    cursor_blink: bool = True
    count_drafts: bool = True  # lint every saved draft for the queue's E/W column
    bell: bool = False  # ring the terminal bell with a deadline alarm (`replydesk --bell`)


class Desk(Protocol):
    """The services and shared state of one desk, as the screens use them."""

    store: QueueStore
    clock: Clock
    operator: Operator
    locks: Locks
    journal: Journal
    settings: DeskSettings
    view: QueueView
    seen: "SeenCases"  # what this operator last saw of each case ("updated since I last looked")
    load_errors: list[CaseFileError]
    linter: DeskLinter | None  # None until the worker has built it (or when it failed)
    linter_status: str  # what to show instead of findings while `linter` is None
    draft_counts: Mapping[str, DraftCounts]  # case id → E/W of its saved draft
    linter_ready: Signal[DeskLinter]
    counts_updated: Signal[None]
    cases_changed: Signal[None]  # a case or the whole queue was re-read: rows may have moved
    disk_changed: Signal["DiskChange"]  # another desk or tool changed cases, drafts or locks

    def open_case(self, case_id: str) -> None: ...

    def close_case(self, screen: CaseScreen) -> None: ...

    def acquire_lock(self, case_id: str) -> LockOutcome: ...

    def case_changed(self, case: Case) -> None: ...

    def case_by_id(self, case_id: str) -> Case | None: ...

    def record_result(self, case_id: str, after=None) -> None: ...

    def export_case(self, case_id: str) -> None: ...

    def assign_case(self, case_id: str, assignee: str | None) -> Case | None: ...

    def undo_status(self, case_id: str, after: Callable[[Case], None] | None = None) -> None: ...

    def reload_queue(self) -> None: ...

    def record_counts(self, case_id: str, findings: list[Finding], text: str) -> None: ...

    def recount(self, case_id: str) -> None: ...

    def glossary_rows(self) -> tuple[list[TermRow], str | None]: ...


class LinterReady(Message):
    """The linter worker built the linter."""

    def __init__(self, linter: DeskLinter) -> None:
        super().__init__()
        self.linter = linter


class LinterFailed(Message):
    """The linter worker could not build it (a broken pack or glossary file): the desk goes on without."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class DraftCountsUpdated(Message):
    """A batch of E/W counts from the counting worker; `generation` drops batches of a queue since reloaded."""

    def __init__(self, counts: dict[str, DraftCounts], generation: int) -> None:
        super().__init__()
        self.counts = counts
        self.generation = generation


@dataclass(frozen=True)
class DiskChange:
    """What the watch saw change in the queue since its last look (ids of cases)."""

    cases: frozenset[str] = frozenset()  # case files added or rewritten
    removed: frozenset[str] = frozenset()  # case files gone
    drafts: frozenset[str] = frozenset()  # saved drafts added, rewritten or removed
    locks: bool = False  # a lock was taken or released


class QueueChangedOnDisk(Message):
    """The watch worker's findings: re-read cases, lost ones, re-counted drafts (applied by the App)."""

    def __init__(self, change: DiskChange, cases: list[Case], counts: dict[str, DraftCounts], errors: list[CaseFileError]) -> None:
        super().__init__()
        self.change = change
        self.cases = cases
        self.counts = counts
        self.errors = errors
