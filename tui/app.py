"""The operator desk: a queue screen, a case screen per opened case, glossary and help.

Services (queue store, clock, operator, linter factory) are passed in, so
tests run the real app on a temporary queue with a stopped clock. Slow
work (building the linter, linting every saved draft for the queue's E/W
column) runs in thread workers after the first paint; workers never touch
widgets or desk state, they post messages (tui/desk.py) whose handlers,
here on the main thread, own the state and tell the screens.
"""
from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import Callable, Iterable

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import get_current_worker

from replydesk.linting.casefile import OUTCOMES
from replydesk.linting.context import KST
from replydesk.linting.findings import Finding
from replydesk.tui.clock import Clock, system_clock
from replydesk.tui.desk import DeskSettings, DiskChange, DraftCountsUpdated, LinterFailed, LinterReady, QueueChangedOnDisk
from replydesk.tui.linting_service import (
    NO_DRAFT,
    DeskLinter,
    DraftCounts,
    LinterFactory,
    build_queue_linter,
    count_findings,
    draft_counts,
)
from replydesk.tui.plain import shown
from replydesk.tui.queue.cases import Case, CaseFileError, load_case
from replydesk.tui.queue.locks import LockOutcome, Locks, Operator
from replydesk.tui.queue.recovery import Journal, describe_os_error, fallback_folder
from replydesk.tui.queue.store import QueueStore
from replydesk.tui.queue.view import QueueView
from replydesk.tui.queue.alarms import DeadlineAlarms, describe
from replydesk.tui.queue.seen import SeenCases, default_seen_path
from replydesk.tui.queue.watch import FolderWatch

# Seconds a signal or a lost terminal gives the orderly exit before the process ends regardless.
EXIT_GRACE_SECONDS = 2.5
WATCH_EVERY = 1.0  # seconds between looks at the queue's folders (other desks' changes show within ~2 s)
# Drafts the counting worker lints before it hands a batch of counts to the queue.
COUNTS_BATCH = 200


class ReplydeskApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses (tests, benchmarks) live elsewhere
    TITLE = "replydesk"
    PLACE = "Everywhere"

    BINDINGS = [
        Binding("question_mark,f1", "help", "Help", tooltip="Every key (this list)", id="app.help"),
        Binding("g", "glossary", "Glossary", tooltip="Search the term glossary (KO/EN/ZH)", id="app.glossary"),
        Binding("q", "quit_desk", "Quit", tooltip="Quit (asks if anything is unsaved)", id="app.quit"),
        Binding("ctrl+q", "quit_desk", "Quit", show=False, priority=True, tooltip="Quit, even while typing", id="app.quit-anywhere"),
        Binding("ctrl+g", "glossary", "Glossary", show=False, tooltip="Glossary, even while typing", id="app.glossary-anywhere"),
    ]

    def __init__(
        self,
        store: QueueStore,
        *,
        clock: Clock = system_clock,
        operator: Operator | None = None,
        linter_factory: LinterFactory | None = build_queue_linter,
        autosave_interval: float = 5.0,
        lint_delay: float = 0.15,
        cursor_blink: bool = True,
        count_drafts: bool = True,
        bell: bool = False,
        seen_path: Path | None | bool = True,
        glossary_dirs: Iterable[Path] | None = None,
        term_source: Callable[[], tuple[list, str | None]] | None = None,
    ):
        super().__init__()
        self.store = store
        self.clock = clock
        self.operator = operator or Operator.current()
        self.linter_factory = linter_factory
        self.settings = DeskSettings(
            autosave_interval=autosave_interval,
            lint_delay=lint_delay,
            cursor_blink=cursor_blink,
            count_drafts=count_drafts,
            bell=bell,
        )
        self.glossary_dirs = tuple(glossary_dirs) if glossary_dirs else None
        self.term_source = term_source
        self.locks = Locks(store.locks_dir, self.operator, clock)
        self.journal = Journal(
            store.recovery_dir, self.operator, clock, fallback=fallback_folder(store.root), queue=store.root
        )
        report = store.load()
        self.load_errors: list[CaseFileError] = report.errors
        self.view = QueueView(report.cases, me=self.operator.who)
        if seen_path is True:
            seen_path = default_seen_path(store.root) if store.index_path is not None else None
        self.seen = SeenCases(seen_path or None)
        self.alarms = DeadlineAlarms(self.operator.who)
        self.linter: DeskLinter | None = None
        self.linter_status = "Loading the linter…"
        self.draft_counts: dict[str, DraftCounts] = {}
        self._counts_generation = 0  # bumped when the counts are cleared: batches from before are dropped
        self.linter_ready: Signal[DeskLinter] = Signal(self, "linter-ready")
        self.counts_updated: Signal[None] = Signal(self, "counts-updated")
        self.cases_changed: Signal[None] = Signal(self, "cases-changed")
        self.disk_changed: Signal[DiskChange] = Signal(self, "disk-changed")
        # Other desks' and tools' changes, seen by folder mtimes (tui/queue/watch.py).
        self._watches = {
            "cases": FolderWatch(store.cases_dir, ".json"),
            "drafts": FolderWatch(store.drafts_dir, ".txt"),
            "locks": FolderWatch(store.locks_dir, ".lock"),
        }
        self._watching = threading.Lock()  # one look at a time; a slow one is not piled onto
        self._held_locks: set[str] = set()
        self._ending = threading.Event()  # set once: a signal or a lost terminal asked the desk to end
        self._journaled_for_exit = threading.Event()
        self._end_code = 0
        self._deadline_lock = threading.Lock()
        self._deadline_started = False
        self.terminal_gone = False
        self._quit_despite_failure = False

    def get_driver_class(self):
        """Textual's driver, except on Linux/macOS terminals: ours, which notices a hung-up terminal."""
        driver_class = super().get_driver_class()
        try:
            from textual.drivers.linux_driver import LinuxDriver
        except ImportError:  # Windows
            return driver_class
        if driver_class is LinuxDriver:
            from replydesk.tui.terminal import DeskDriver

            return DeskDriver
        return driver_class

    # --- notices -------------------------------------------------------------------------

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None, markup: bool = True) -> None:
        """Every notice is plain text, whoever raises it (screens' `self.notify` lands here too).

        The desk's notices carry data: file names and error messages that quote
        case values (`unknown platform '[/b]'`), lock owners, replaced draft
        text. Parsed as markup, `[/b]` crashes the desk and `[bold]` restyles
        it; written raw, an ESC in them reaches the terminal. So `markup` is
        ignored and control characters are made visible (tui/plain.py).
        """
        kwargs = {} if timeout is None else {"timeout": timeout}
        super().notify(shown(message, multiline=True), title=shown(title), severity=severity, markup=False, **kwargs)

    def action_help_quit(self) -> None:
        """ctrl+c: Textual's own hint is written in markup, which `notify` no longer parses."""
        self.notify("Press ctrl+q to quit replydesk.", title="Do you want to quit?")

    # --- start-up --------------------------------------------------------------------

    def on_mount(self) -> None:
        from replydesk.tui.screens.queue import QueueScreen

        self.push_screen(QueueScreen(self))
        self.install_signal_handlers()
        if self.load_errors:
            first = self.load_errors[0]
            more = f" (and {len(self.load_errors) - 1} more)" if len(self.load_errors) > 1 else ""
            self.notify(f"Skipped an unreadable case file: {first}{more}", severity="warning", timeout=8)

    def on_ready(self) -> None:
        # After the first frame: the queue is on screen before any heavy import starts.
        self.save_index()
        for watch in self._watches.values():
            watch.prime()
        self.set_interval(WATCH_EVERY, self.look_for_changes, name="queue-watch")
        self.set_interval(1.0, self.check_deadlines, name="deadline-alarms")
        self.check_deadlines()  # learns where things stand: nothing is told for cases already late
        self.tell_dead_letters()
        if self.linter_factory is not None:
            self.load_linter()
        else:
            self.linter_status = "Linting is off."

    def tell_dead_letters(self) -> None:
        """Deliveries `replydesk receive` rejected wait in the queue's dead-letter/: say so once at start,
        or nobody learns of the customer message a malformed push carried."""
        from replydesk.tui.inbound.deadletter import FOLDER, count

        letters, _newest = count(self.store.root)
        if letters:
            self.notify(
                f"{letters} deliver{'y' if letters == 1 else 'ies'} the webhook receiver rejected wait{'s' if letters == 1 else ''} "
                f"in {FOLDER}/: `replydesk doctor` says why and how to import them.",
                severity="warning", timeout=10, markup=False,
            )

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def save_index(self) -> None:
        self.store.save_index()

    # --- other desks' changes ------------------------------------------------------------

    def look_for_changes(self) -> None:
        if not self._watching.locked():
            self.read_changes(self.linter)
        marks = self.seen.snapshot()
        if marks is not None:
            self.write_seen(marks)

    @work(thread=True, group="seen", exit_on_error=False)
    def write_seen(self, text: str) -> None:
        self.seen.write(text)

    @work(thread=True, group="watch", exit_on_error=False)
    def read_changes(self, linter: DeskLinter | None) -> None:
        """A look at the queue's folders; re-reads only what moved, and posts it to the main thread."""
        if not self._watching.acquire(blocking=False):
            return
        try:
            cases = self._watches["cases"].changes()
            drafts = self._watches["drafts"].changes()
            locks = self._watches["locks"].changes()
            if cases is None and drafts is None and locks is None:
                return
            store = self.store
            changed_ids, removed_ids = set(), set()
            reread: list[Case] = []
            errors: list[CaseFileError] = []
            if cases is not None:
                changed, removed = cases
                removed_ids = {name[:-5] for name in removed}
                for name in sorted(changed):
                    try:
                        case = load_case(store.cases_dir / name, store.packs, thorough=False)
                    except CaseFileError as exc:
                        errors.append(exc)
                        continue
                    reread.append(case)
                    changed_ids.add(case.id)
            draft_ids: set[str] = set()
            if drafts is not None:
                draft_ids = {name[:-4] for name in drafts[0] | drafts[1] if "." not in name[:-4]}  # not <id>.<who>.<time>.txt
            counts: dict[str, DraftCounts] = {}
            if linter is not None and self.settings.count_drafts:
                by_id = {c.id: c for c in reread}
                for case_id in draft_ids | changed_ids:
                    case = by_id.get(case_id) or self.case_by_id(case_id)
                    if case is not None:
                        counts[case_id] = self._saved_draft_counts(linter, case)
            change = DiskChange(frozenset(changed_ids), frozenset(removed_ids), frozenset(draft_ids), locks is not None)
            self.post_message(QueueChangedOnDisk(change, reread, counts, errors))
        finally:
            self._watching.release()

    @on(QueueChangedOnDisk)
    def changed_on_disk(self, message: QueueChangedOnDisk) -> None:
        change = message.change
        if message.cases or change.removed:
            self.view.apply_changes(message.cases, change.removed)
            self.alarms.cases_changed()
            self.cases_changed.publish(None)
        if message.cases or change.removed or message.errors:
            self._update_load_errors(message)
        if message.counts:
            for case_id in change.removed:
                self.draft_counts.pop(case_id, None)
            self.draft_counts.update(message.counts)
            self.counts_updated.publish(None)
        if message.errors:
            self.notify(f"Skipped an unreadable case file: {message.errors[0]}", severity="warning", timeout=8)
        self.disk_changed.publish(change)

    def _update_load_errors(self, message: QueueChangedOnDisk) -> None:
        """The unreadable case files as the watch sees them now: fixed or removed ones leave the list."""
        cases_dir = self.store.cases_dir
        gone = {str(cases_dir / f"{case_id}.json") for case_id in message.change.removed}
        gone |= {str(case.path) for case in message.cases if case.path is not None}
        errors = {str(e.path): e for e in self.load_errors if str(e.path) not in gone}
        errors.update((str(e.path), e) for e in message.errors)
        self.load_errors = list(errors.values())

    # --- deadlines ----------------------------------------------------------------------

    def check_deadlines(self) -> None:
        """Once a second: a case of mine (or nobody's) that came within 2 h or passed its deadline,
        or whose follow-up date came without an answer, is told."""
        now = self.clock()
        crossings = self.alarms.check(self.view.cases, now)
        if not crossings:
            return
        message, severity = describe(crossings, now)
        title = "Follow-up" if all(c.follow_up for c in crossings) else "Deadline"
        self.notify(message, title=title, severity=severity, timeout=12)
        if self.settings.bell:
            self.bell()

    @work(thread=True, exclusive=True, group="linter", exit_on_error=False)
    def load_linter(self) -> None:
        try:
            linter = self.linter_factory(self.store)
        except Exception as exc:  # a broken pack or glossary file: report it, keep the desk usable
            self.post_message(LinterFailed(str(exc)))
            return
        self.post_message(LinterReady(linter))

    @on(LinterFailed)
    def linter_failed(self, message: LinterFailed) -> None:
        self.linter_status = f"The linter could not start: {message.error}"
        self.notify(self.linter_status, severity="error", timeout=10)

    @on(LinterReady)
    def linter_loaded(self, message: LinterReady) -> None:
        self.linter = message.linter
        self.linter_status = "Linter ready."
        self.linter_ready.publish(message.linter)
        if self.settings.count_drafts:
            pending = [c for c in self.view.rows if c.id not in self.draft_counts]
            self.count_all_drafts(self.linter, pending, self._counts_generation)

    # --- the E/W column ------------------------------------------------------------------

    def start_counting(self) -> None:
        """Forget every count and lint all saved drafts again (the queue was re-read)."""
        self.draft_counts.clear()
        self._counts_generation += 1
        self.count_all_drafts(self.linter, list(self.view.rows), self._counts_generation)

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def count_all_drafts(self, linter: DeskLinter, cases: list[Case], generation: int) -> None:
        worker = get_current_worker()
        batch: dict[str, DraftCounts] = {}
        for case in cases:
            if worker.is_cancelled:
                return
            batch[case.id] = self._saved_draft_counts(linter, case)
            if len(batch) >= COUNTS_BATCH:
                self.post_message(DraftCountsUpdated(batch, generation))
                batch = {}
        self.post_message(DraftCountsUpdated(batch, generation))

    def _saved_draft_counts(self, linter: DeskLinter, case: Case) -> DraftCounts:
        """Counts of the draft on disk; NO_DRAFT when it cannot be read or linted (the column shows '-')."""
        try:
            return draft_counts(linter, case, self.store.read_draft(case.id), self.clock())
        except Exception:
            return NO_DRAFT

    @on(DraftCountsUpdated)
    def counts_arrived(self, message: DraftCountsUpdated) -> None:
        if message.generation != self._counts_generation:
            return  # counted before the queue was reloaded
        self.draft_counts.update(message.counts)
        self.counts_updated.publish(None)

    def record_counts(self, case_id: str, findings: list[Finding], text: str) -> None:
        """A save with a lint result for exactly the saved text: no need to lint it again."""
        self.draft_counts[case_id] = NO_DRAFT if not text.strip() else count_findings(findings)
        self.counts_updated.publish(None)

    def recount(self, case_id: str) -> None:
        if self.linter is None:
            self.draft_counts.pop(case_id, None)
            return
        case = self.case_by_id(case_id)
        if case is not None:
            self.draft_counts[case_id] = self._saved_draft_counts(self.linter, case)
        self.counts_updated.publish(None)

    # --- cases ------------------------------------------------------------------------

    def case_by_id(self, case_id: str) -> Case | None:
        for case in self.view.cases:
            if case.id == case_id:
                return case
        return None

    def open_case(self, case_id: str) -> None:
        from replydesk.tui.screens.case import CaseScreen

        try:
            case = self.store.reload_case(case_id)  # the file may have changed since the queue loaded
        except CaseFileError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        self.case_changed(case)
        try:
            saved, stamp = self.store.read_draft_stamped(case_id)
        except CaseFileError as exc:
            self.notify(str(exc), severity="error", timeout=8, markup=False)
            return
        try:
            outcome = self.acquire_lock(case_id)
        except (CaseFileError, OSError) as exc:  # a planted lock file, a queue that went read-only
            self.notify(f"Cannot open {case_id}: {exc}", severity="error", timeout=8, markup=False)
            return
        screen = CaseScreen(
            self,
            case,
            saved_text=saved,
            lock_holder=None if outcome.acquired else outcome.holder,
            took_over=outcome.took_over,
            saved_stamp=stamp,
        )
        self.push_screen(screen)
        if outcome.acquired:
            try:
                recovered = self.journal.read(case_id)
            except (CaseFileError, OSError) as exc:
                self.notify(str(exc), severity="warning", timeout=8, markup=False)
                return
            if recovered is not None:
                if recovered.text == saved:
                    try:
                        self.journal.clear(case_id)
                    except OSError:
                        pass  # offered again next time; harmless
                else:
                    screen.offer_recovery(recovered)

    def acquire_lock(self, case_id: str) -> LockOutcome:
        """Take the case's lock, and remember it is ours to release on close and exit."""
        outcome = self.locks.acquire(case_id)
        if outcome.acquired:
            self._held_locks.add(case_id)
        return outcome

    def close_case(self, screen) -> None:
        self.release_case(screen.case.id)
        if self.screen is screen:
            self.pop_screen()

    def release_case(self, case_id: str) -> None:
        if case_id in self._held_locks:
            self._held_locks.discard(case_id)
            try:
                self.locks.release(case_id)
            except OSError as exc:  # .locks/ made read-only meanwhile: the lock stays, the desk goes on
                self.notify(
                    f"Could not remove your lock {self.locks.path(case_id)} ({describe_os_error(exc)}); "
                    "other desks see the case as yours until it is removed.",
                    severity="warning",
                    timeout=10,
                    markup=False,
                )

    def case_changed(self, case: Case) -> None:
        self.view.replace_case(case)
        self.seen.looked_at(case)  # this desk's own change is not news to its operator
        self.alarms.cases_changed()
        self.cases_changed.publish(None)

    # --- the team's work on a case: assignment, undo ------------------------------------------

    def assign_case(self, case_id: str, assignee: str | None) -> Case | None:
        """Assign (None: unassign) and say so; the record lands in the case's history."""
        who = self.operator.who
        try:
            case = self.store.assign(case_id, assignee, who, self.clock())
        except (CaseFileError, OSError) as exc:
            self.notify(f"Not assigned: {exc}", severity="error", timeout=8, markup=False)
            return None
        self.case_changed(case)
        if assignee is None:
            self.notify(f"{case_id}: assigned to nobody.", timeout=3)
        else:
            self.notify(f"{case_id}: assigned to {'you' if assignee == who else assignee}.", timeout=3)
        return case

    def undo_status(self, case_id: str, after: Callable[[Case], None] | None = None) -> None:
        """Undo the case's last status change; a send is undone only after a question, and not under another's lock."""
        from replydesk.tui.queue import workflow
        from replydesk.tui.screens.dialogs import confirm
        from replydesk.tui.screens.history import when_label

        try:
            case = self.store.reload_case(case_id)
        except CaseFileError as exc:
            self.notify(str(exc), severity="error", timeout=8, markup=False)
            return
        try:
            record = workflow.undoable(case.raw)
        except workflow.NothingToUndo as exc:
            self.notify(f"{case_id}: {exc}.", severity="warning", timeout=4, markup=False)
            return

        def undo() -> None:
            try:
                updated, undone = self.store.undo_status(case_id, self.operator.who, self.clock())
            except workflow.NothingToUndo as exc:
                self.notify(f"{case_id}: {exc}.", severity="warning", timeout=5, markup=False)
                return
            except (CaseFileError, OSError) as exc:
                self.notify(f"Not undone: {exc}", severity="error", timeout=8, markup=False)
                return
            self.case_changed(updated)
            self.recount(case_id)
            back = f"{case_id} is {updated.status} again"
            self.notify(back + (": the sent text is back in the draft." if undone.sent_text else "."), timeout=4)
            if after is not None:
                after(updated)

        if record.get("to") != "sent":
            undo()
            return
        try:
            holder = self.locks.read(case_id)
        except (CaseFileError, OSError):
            holder = None
        if holder is not None and not self.locks.is_mine(holder) and not self.locks.is_stale(holder):
            self.notify(f"{case_id} is open at {holder.describe()}: undo the send when they have closed it.", severity="warning", timeout=6, markup=False)
            return
        self.push_screen(
            confirm(
                "Undo the send?",
                f"{record.get('text', 'The case was marked sent')} at {when_label(record.get('when'))}. Undo it: the case goes back to "
                f"{record.get('from')} and the sent text back into the draft. Do this only if the reply did not reach the platform.",
                yes="Undo the send",
                no="Keep it sent",
            ),
            lambda answer: undo() if answer == "yes" else None,
        )

    def export_case(self, case_id: str) -> None:
        """Write the case's whole chain (notice, messages, sends with receipts, status changes) as one
        printable HTML file, where the operator says (default: ~/replydesk-exports/<id>-<time>.html)."""
        from replydesk.tui.screens.dialogs import AskText

        stamp = self.clock().astimezone(KST).strftime("%Y%m%d-%H%M%S")
        default = f"~/replydesk-exports/{case_id}-{stamp}.html"

        def answered(path: str | None) -> None:
            if path is None or not path.strip():
                return
            self.write_export(case_id, Path(path.strip()).expanduser())

        self.push_screen(
            AskText(f"Export {case_id}", "One self-contained HTML file with the whole chain, to print or attach to an appeal. Write it to:",
                    value=default, id="export-dialog"),
            answered,
        )

    def write_export(self, case_id: str, target: Path) -> Path | None:
        """The export itself, atomically; a folder named `replydesk-exports` is made when missing, no other."""
        from replydesk.tui.queue.atomic import atomic_write_text
        from replydesk.tui.queue.export import chain, to_html

        try:
            case = self.store.reload_case(case_id)
            page = to_html([chain(case, packs=self.store.packs)], title=f"replydesk export: {case_id}", generated=self.clock())
            if not target.parent.is_dir() and target.parent.name == "replydesk-exports":
                target.parent.mkdir(mode=0o700, parents=False, exist_ok=True)
            if not target.parent.is_dir():
                raise OSError(f"no such folder {target.parent}")
            atomic_write_text(target, page, parents=False)
        except CaseFileError as exc:
            self.notify(f"Not exported: {exc}", severity="error", timeout=8, markup=False)
            return None
        except OSError as exc:
            self.notify(f"Not exported to {target}: {describe_os_error(exc) if exc.errno else exc}", severity="error", timeout=8, markup=False)
            return None
        self.notify(f"{case_id} exported to {target}.", timeout=6, markup=False)
        return target

    def record_result(self, case_id: str, after: Callable[[Case], None] | None = None) -> None:
        """Ask what the platform answered a sent reply (under review, or closed with an outcome) and record it."""
        from replydesk.tui.queue.workflow import last_sent
        from replydesk.tui.screens.dialogs import Choice, ChoiceDialog
        from replydesk.tui.screens.history import when_label

        try:
            case = self.store.reload_case(case_id)
        except CaseFileError as exc:
            self.notify(str(exc), severity="error", timeout=8, markup=False)
            return
        if not case.answered:
            self.notify(f"{case_id} is {case.status}: record the platform's answer once the reply is sent (ctrl+t in the case).",
                        severity="warning", timeout=5, markup=False)
            return
        sent = last_sent(case.raw)
        said = ""
        if sent is not None:
            said = f"Sent {when_label(sent.get('when'))} by {sent.get('sent_by')}" + (f", receipt {sent['receipt']}" if sent.get("receipt") else "") + ". "
        now_is = case.status + (f" ({case.outcome})" if case.outcome else "")
        choices = [Choice("u", "Under review", "under-review", "primary")] + [
            Choice(outcome[0], f"Closed, {outcome}", outcome) for outcome in OUTCOMES
        ]

        def answered(value: str | None) -> None:
            if value is None:
                return
            status, outcome = ("under-review", None) if value == "under-review" else ("closed", value)
            try:
                updated = self.store.record_result(case_id, status, self.operator.who, self.clock(), outcome=outcome)
            except (CaseFileError, OSError, ValueError) as exc:
                self.notify(f"Not recorded: {exc}", severity="error", timeout=8, markup=False)
                return
            self.case_changed(updated)
            self.notify(f"{case_id}: {status}" + (f", {outcome}" if outcome else "") + " (recorded in its history; u undoes).", timeout=4)
            if after is not None:
                after(updated)

        self.push_screen(
            ChoiceDialog(
                "The platform's answer",
                f"{said}{case_id} is {now_is} now. What did the platform answer?",
                choices,
                id="result-dialog",
            ),
            answered,
        )

    def reload_queue(self) -> None:
        try:
            report = self.store.load()
        except OSError as exc:  # the queue directory itself went away or unreadable: keep what is shown
            self.notify(f"Could not re-read {self.store.root}: {describe_os_error(exc)}", severity="error", markup=False)
            return
        self.load_errors = report.errors
        self.view.set_cases(report.cases)
        self.alarms.cases_changed()
        if self.linter is not None and self.settings.count_drafts:
            self.start_counting()

    # --- screens ----------------------------------------------------------------------

    def action_help(self) -> None:
        from replydesk.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_glossary(self) -> None:
        from replydesk.tui.screens.glossary import GlossaryScreen

        if not isinstance(self.screen, GlossaryScreen):
            self.push_screen(GlossaryScreen(self))

    def glossary_rows(self):
        """(rows, problem) for the glossary screen; runs in a worker thread."""
        if self.term_source is not None:
            return self.term_source()
        from replydesk.tui.queue.terms import load_term_rows

        dirs = self.glossary_dirs
        if dirs is None:
            from replydesk.linting.loading import builtin_glossary_dir

            dirs = (builtin_glossary_dir(), *self.store.config.glossary_dirs)
        return load_term_rows(dirs)

    # --- quitting, signals ------------------------------------------------------------------

    def open_case_screens(self) -> list:
        from replydesk.tui.screens.case import CaseScreen

        return [s for s in self.screen_stack if isinstance(s, CaseScreen)]

    def action_quit_desk(self) -> None:
        from replydesk.tui.screens.dialogs import Choice, ChoiceDialog

        dirty = [s for s in self.open_case_screens() if not s.read_only and s.is_dirty()]
        if not dirty:
            self.shutdown()
            return

        def answered(answer: str | None) -> None:
            if answer == "save":
                if all(s.action_save() for s in dirty):
                    self.shutdown()
            elif answer == "keep":
                self.shutdown()

        names = ", ".join(s.case.id for s in dirty)
        self.push_screen(
            ChoiceDialog(
                "Quit replydesk?",
                f"Unsaved changes in {names}.",
                [
                    Choice("s", "Save and quit", "save", "primary"),
                    Choice("k", "Quit, keep for later", "keep"),
                    Choice("c", "Cancel", "cancel"),
                ],
                id="quit-dialog",
            ),
            answered,
        )

    async def action_quit(self) -> None:
        """ctrl+q and the palette's Quit ask about unsaved text too."""
        self.action_quit_desk()

    def shutdown(self, return_code: int = 0) -> None:
        """Journal whatever is unsaved, release our locks, exit.

        If some unsaved text could be journaled nowhere (queue and private
        folder both failing), the first quit does not exit: the text is still
        in the editor, and the operator is told where writing failed. Quitting
        again exits anyway.
        """
        failures = self.journal_unsaved()
        if failures and not self._quit_despite_failure:
            self._quit_despite_failure = True
            self.notify(
                "Unsaved text could not be kept anywhere: " + "; ".join(failures)
                + ". It is still in the editor: free some space and save (ctrl+s), copy it (y), or quit again to lose it.",
                severity="error",
                timeout=30,
                markup=False,
            )
            return  # the locks stay ours: the desk goes on editing
        self.release_all_locks()
        self.exit(return_code=return_code)

    def emergency_save(self) -> list[str]:
        """Journal every open case's unsaved text and release our locks; returns what failed (never raises)."""
        failures = self.journal_unsaved()
        self.release_all_locks()
        return failures

    def journal_unsaved(self) -> list[str]:
        """Journal every open case's unsaved text; returns what could be written nowhere (never raises)."""
        failures: list[str] = []
        for screen in self.open_case_screens():
            try:
                problem = screen.emergency_save()
            except Exception as exc:  # a journal that cannot be written must not stop the others
                problem = f"{screen.case.id}: {describe_os_error(exc)}"
            if problem:
                failures.append(problem)
        return failures

    def release_all_locks(self) -> None:
        for case_id in list(self._held_locks):
            try:
                self.release_case(case_id)
            except Exception:
                pass  # the queue may be gone; a lock we cannot remove is stale once we exit

    # --- the end of the process: signals, a lost terminal ------------------------------------

    def install_signal_handlers(self) -> None:
        """SIGHUP (dropped SSH) and SIGTERM (kill) journal unsaved text, release locks and end the process.

        Plain `signal.signal` handlers, not the event loop's: they run in the
        main thread even while the loop is stuck, and they start a deadline
        (`EXIT_GRACE_SECONDS`) after which the process ends whatever the
        orderly exit is waiting for (a terminal that is gone, a removed queue).
        """
        if self.is_headless or threading.current_thread() is not threading.main_thread():
            return  # Pilot tests: the test process's own signals stay its own
        self._start_deadline_thread()  # now, not in the handler: starting a thread there could deadlock
        try:
            for sig in (signal.SIGHUP, signal.SIGTERM):
                signal.signal(sig, self._on_signal)
        except (ValueError, OSError, AttributeError):
            pass  # no such signals on this platform

    def _on_signal(self, signum, frame) -> None:
        self.request_end(128 + int(signum))

    def on_terminate_signal(self, sig) -> None:
        """Kept for callers and tests that deliver a signal by hand."""
        self.request_end(128 + int(sig))

    def terminal_lost(self, why: str) -> None:
        """Called by the driver (from its thread) when the terminal hung up: end as on SIGHUP."""
        self.terminal_gone = True
        self.request_end(128 + int(signal.SIGHUP))

    def request_end(self, code: int) -> None:
        """End the desk: orderly on the event loop, and in any case within EXIT_GRACE_SECONDS.

        Safe from a signal handler or any thread. The second request is ignored.
        """
        if self._ending.is_set():
            return
        self._end_code = code
        self._ending.set()
        self._start_deadline_thread()
        try:
            loop = self._loop
            if loop is not None and not loop.is_closed():
                loop.call_soon_threadsafe(self._end_in_order, code)
        except (AttributeError, RuntimeError):
            pass  # no loop: the deadline ends the process

    def _end_in_order(self, code: int) -> None:
        try:
            self.emergency_save()
        finally:
            self._journaled_for_exit.set()
        self.exit(return_code=code)

    def _start_deadline_thread(self) -> None:
        with self._deadline_lock:
            if self._deadline_started:
                return
            self._deadline_started = True
        threading.Thread(target=self._deadline, name="replydesk-exit", daemon=True).start()

    def _deadline(self) -> None:
        """Its own thread, waiting for `request_end`; if the orderly exit then stalls, it finishes it here."""
        self._ending.wait()
        code = self._end_code
        if self._journaled_for_exit.wait(EXIT_GRACE_SECONDS):
            # Journal written; give the exit itself (restoring the terminal) the same time again.
            threading.Event().wait(EXIT_GRACE_SECONDS)
        else:
            try:
                self.emergency_save()  # best effort from this thread: the loop is stuck
            except BaseException:
                pass
        if self.is_headless:
            return  # in-process tests: never end the test runner
        os._exit(code)

    def on_unmount(self) -> None:
        self.emergency_save()
        marks = self.seen.snapshot()
        if marks is not None:
            self.seen.write(marks)
        for watch in self._watches.values():
            watch.close()  # inotify descriptors are a per-user resource (128 by default)

    # --- command palette --------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key binding of the current screen (and the app) as a palette command.

        The queue's facets, sorts and cases, and a case's statuses, come from
        the screens' own providers (tui/commands.py).
        """
        from replydesk.tui.screens.help import bindings_of, key_label, place_of

        seen: set[str] = set()
        owners: list = [screen]
        focused = screen.focused
        if focused is not None:
            owners.insert(0, focused)
        for owner in owners:
            for binding in bindings_of(type(owner)):
                if not binding.description or binding.action in seen:
                    continue
                if hasattr(owner, "check_action") and owner.check_action(binding.action, ()) is not True:
                    continue
                seen.add(binding.action)
                yield SystemCommand(
                    binding.description,
                    f"{place_of(owner)} · key {key_label(binding.key)}",
                    _runner(owner, binding.action),
                )
        for binding in bindings_of(type(self)):
            if binding.description and binding.action not in seen:
                seen.add(binding.action)
                yield SystemCommand(binding.description, f"{place_of(self)} · key {key_label(binding.key)}", _runner(self, binding.action))
        yield from super().get_system_commands(screen)


def _runner(owner, action: str):
    async def run() -> None:
        await owner.run_action(action)

    return run
