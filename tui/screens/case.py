"""The case screen: details and history, the draft editor, and findings that follow the typing.

Linting runs after a 150 ms pause in typing, in a thread, and its result is
dropped if the text changed meanwhile (the `version` check), so keystrokes
never wait for the linter. The case lock is taken on open and released on
close; without it the draft is read-only. An autosave journal keeps
unsaved text (see queue/recovery.py).

Saving never loses text and never overwrites someone else's: a save
checks that the draft on disk is still the one the editor loaded (stamp:
mtime, size, SHA-256) and that the lock is still this desk's, else asks
(conflict.py). A save or autosave that fails (disk full, quota, read-only
mount) keeps the text in the editor, journals it where it can (the
queue's journal, else the operator's own recovery folder) and says what
failed and where; the autosave timer never raises.
"""
from __future__ import annotations

import asyncio

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static, TextArea

from replydesk.linting.context import ID_FIELDS, ContextError
from replydesk.linting.document import DraftError
from replydesk.linting.evidence import checklist
from replydesk.linting.findings import Finding, Severity
from replydesk.linting.fixer import apply_fixes
from replydesk.tui.desk import Desk
from replydesk.tui.linting_service import DeskLinter, count_findings
from replydesk.tui.queue.cases import Case, CaseFileError
from replydesk.tui.queue.deadlines import Urgency, countdown, format_kst, urgency
from replydesk.tui.queue.locks import LockInfo
from replydesk.tui.plain import plain, shown
from replydesk.tui.queue.recovery import describe_os_error
from replydesk.tui.queue.store import UNCHECKED, DraftConflict, attachment_names
from replydesk.tui.queue.workflow import last_sent
from replydesk.tui.screens.history import append_entry, in_time_order, when_label
from replydesk.tui.screens.dialogs import AskText, Choice, ChoiceDialog, confirm
from replydesk.tui.widgets.draft_editor import DraftEditor, line_starts_of, offset_to_location
from replydesk.tui.widgets.evidence import EvidenceChecklist
from replydesk.tui.widgets.findings import FindingsList
from replydesk.tui.widgets.header import DeskHeader


class CaseInfo(VerticalScroll, can_focus=True):
    """Case details, attachments and message history; scrolls with the arrow keys."""

    PLACE = "Case details"

    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False, id="info.down"),
        Binding("k", "scroll_up", "Up", show=False, id="info.up"),
    ]


def case_details(case: Case, now) -> Text:
    """Everything the case file says, as written: each value goes through `shown` (tui/plain.py)."""
    text = Text()

    def row(label: str, value: str, style: str = "") -> None:
        text.append(f"{label:<10}", "bold")
        text.append(shown(value) + "\n", style)

    row("Subject", case.subject)
    platform = case.platform
    platform_status = case.raw.get("platform_status")
    if isinstance(platform_status, str) and platform_status:
        # What the platform's last event said (import / receive), beside the case's own status.
        events = case.raw.get("source_events")
        count = len(events) if isinstance(events, list) else 0
        platform += f" · {platform_status}" + (f" ({count} event{'s' if count != 1 else ''})" if count else "")
    row("Platform", platform)
    row("Kind", case.kind)
    row("Priority", case.priority)
    row("Assigned", case.assignee or "nobody")
    row("Received", format_kst(case.received_at))
    if case.deadline is not None:
        left = countdown(case.deadline, now)
        source = " (from the pack window)" if case.deadline_computed else ""
        level = urgency(case.deadline, now)
        style = "bold reverse" if level is Urgency.OVERDUE else "bold underline" if level is Urgency.SOON else ""
        row("Deadline", f"{format_kst(case.deadline)} ({left}){source}", style)
    else:
        row("Deadline", "none given")
    for field_name, label in ID_FIELDS.items():
        values = case.ids(field_name)
        if values:
            row(label, ", ".join(values))
    keywords = case.raw.get("required_keywords")
    if keywords:
        row("Keywords", ", ".join(str(k) for k in keywords))
    attachments = case.attachments
    text.append("\nAttachments", "bold underline")
    text.append(f" ({len(attachments)})\n")
    for item in attachments:
        size = item.get("bytes") or item.get("size")
        extra = []
        if isinstance(size, int):
            extra.append(f"{size / 1_000_000:.1f} MB")
        if item.get("width") and item.get("height"):
            extra.append(shown(f"{item['width']}×{item['height']}"))
        text.append(f"  • {shown(item.get('name', '?'))}")
        text.append(f"  {' '.join(extra)}\n" if extra else "\n", "dim")
    sent = last_sent(case.raw)
    if sent is not None:
        row("Sent", f"{when_label(sent.get('when'))} by {sent.get('sent_by')}" + (f", receipt {sent['receipt']}" if sent.get("receipt") else ""), "bold")
    if case.status == "closed" and case.outcome:
        row("Outcome", case.outcome, "bold")
    history = in_time_order(case.history)
    text.append("\nHistory", "bold underline")
    text.append(f" ({len(history)}, oldest first; h: search)\n")
    for entry in history:
        append_entry(text, entry)
    return text


def _commands():
    from replydesk.tui.commands import CaseCommands  # the palette's import, not start-up's

    return CaseCommands


class CaseScreen(Screen):
    """One case: read it, write the reply, fix what the linter finds, save, mark ready."""

    HELP = "A case: details and history on the left, the draft and its findings on the right."
    PLACE = "Case"
    COMMANDS = {_commands}

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", tooltip="Save the draft (atomically) to drafts/<id>.txt", id="case.save"),
        Binding("ctrl+r", "mark_ready", "Ready", tooltip="Save and mark the case ready (asks while errors remain)", id="case.ready"),
        Binding("ctrl+t", "mark_sent", "Sent", tooltip="Mark sent: the saved draft is what went to the platform; it is kept in the history (asks while errors remain)", id="case.sent"),
        Binding("ctrl+f", "fix_all", "Fix all", tooltip="Apply every finding whose suggestion is a concrete replacement (ctrl+z undoes)", id="case.fix-all"),
        Binding("ctrl+o", "apply_fix", "Fix one", show=False, tooltip="Apply the fix of the finding at the cursor (or highlighted)", id="case.fix"),
        Binding("f", "apply_fix", "Fix one", show=False, tooltip="Apply the fix of the highlighted finding (outside the editor)", id="case.fix-here"),
        Binding("ctrl+n", "next_finding", "Next", tooltip="Next finding: select its span in the editor", id="case.next-finding"),
        Binding("ctrl+b", "previous_finding", "Prev", show=False, tooltip="Previous finding", id="case.previous-finding"),
        Binding("n", "next_finding", "Next", show=False, tooltip="Next finding (outside the editor)", id="case.next"),
        Binding("N", "previous_finding", "Prev", show=False, tooltip="Previous finding (outside the editor)", id="case.previous"),
        Binding("e", "edit", "Edit", tooltip="Into the editor (a case opens with the cursor outside it)", id="case.edit"),
        Binding("h", "history", "History", tooltip="The case's history, oldest first, searchable", id="case.history"),
        Binding("u", "undo_status", "Undo status", show=False, tooltip="Undo the last status change (outside the editor)", id="case.undo"),
        Binding("x", "export", "Export", show=False, tooltip="Export the case's whole chain as one printable HTML file (outside the editor)", id="case.export"),
        Binding("d", "ignore_finding", "Ignore here", show=False, tooltip="Ignore the highlighted finding in this case, with a reason: kept in the case file, its history and the export (outside the editor)", id="case.ignore"),
        Binding("v", "record_result", "Result", show=False, tooltip="Record the platform's answer to the sent reply: under review, or closed with its outcome (outside the editor)", id="case.result"),
        Binding("i", "focus_info", "Info", show=False, tooltip="Case details and history pane", id="case.info"),
        Binding("y", "copy", "Copy", tooltip="Copy the draft to your own clipboard over SSH (OSC 52)", id="case.copy"),
        Binding("q", "close", "Back", show=False, tooltip="Back to the queue (outside the editor; asks if unsaved)", id="case.q-back"),
        Binding("escape", "close", "Back", tooltip="Back to the queue (asks if unsaved)", id="case.back"),
    ]

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(
        self,
        desk: Desk,
        case: Case,
        *,
        saved_text: str,
        lock_holder: LockInfo | None,
        took_over: LockInfo | None,
        saved_stamp=UNCHECKED,
    ):
        """`saved_stamp`: the FileSnapshot of `saved_text` as read (None: no draft file yet)."""
        super().__init__(id="case-screen")
        self.desk = desk
        self.case = case
        self.saved_text = saved_text
        self.saved_stamp = saved_stamp
        self._journal_notice: str | None = None  # the last journal problem told, so a 5 s timer does not repeat it
        self.read_only = lock_holder is not None
        self.lock_holder = lock_holder
        self.took_over = took_over
        self.version = 0
        self.result = None  # last LintResult for the current text (or None)
        self.result_version = -1
        self.context = None
        self.context_error: str | None = None
        self._journaled_text: str | None = None
        self._closing = False
        self._offered_take = False  # a "take the case?" dialog is open (read-only view)

    # --- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        desk = self.desk
        yield DeskHeader(f"replydesk · {self.case.id}", desk.clock, id="header")
        yield Static(self.title_line(), id="case-title")
        banner = Static(self.banner_text(), id="lock-banner")
        banner.display = bool(self.read_only)
        yield banner
        with Horizontal(id="case-body"):
            with CaseInfo(id="case-info"):
                yield EvidenceChecklist(id="evidence-checklist")
                yield Static(case_details(self.case, desk.clock()), id="case-details")
            with Vertical(id="draft-pane"):
                yield DraftEditor(self.saved_text, id="editor", read_only=self.read_only, placeholder=Content(self.placeholder()))
                yield FindingsList(id="findings")
        yield Footer(compact=True, show_command_palette=False)

    def placeholder(self) -> str:
        sent = last_sent(self.case.raw)
        if sent is not None and self.case.answered:
            return shown(f"Sent {when_label(sent.get('when'))} by {sent.get('sent_by')} (in the history, h). What you write here is a follow-up.")
        return "" if self.read_only else "Empty draft: press e to write."

    def refresh_case(self) -> None:
        """The case file changed (a status, an assignment, a new message): show it."""
        self.query_one("#case-title", Static).update(self.title_line())
        self.query_one("#case-details", Static).update(case_details(self.case, self.desk.clock()))
        self.show_checklist()
        self.editor.placeholder = Content(self.placeholder())

    def show_checklist(self) -> None:
        """The evidence checklist of the case as its file stands (hidden without a list, or a broken file)."""
        pack = self.desk.store.packs.get(self.case.platform)
        found = None
        if pack is not None and self.context is not None:
            kind = pack.kind(self.case.kind)
            found = checklist(pack, kind, self.context)
            title = kind.title
        self.query_one("#evidence-checklist", EvidenceChecklist).show(found, title if found else "")

    def title_line(self) -> Text:
        case = self.case
        now = self.desk.clock()
        text = Text(" ")
        text.append(shown(case.id), "bold")
        text.append(f" · {shown(case.platform)} · {shown(case.kind)} · ")
        text.append(shown(case.status), "bold")
        if case.assignee:
            text.append(f" · {shown(case.assignee)}")
        if case.outcome and case.status == "closed":
            text.append(f" · {shown(case.outcome)}", "bold")
        upcoming = case.next_date(now)
        if upcoming is not None:
            label, moment = upcoming
            level = urgency(moment, now)
            style = "bold reverse" if level is Urgency.OVERDUE else "bold underline" if level is Urgency.SOON else "bold"
            text.append(f" · {label} ")
            text.append(f"{countdown(moment, now)}", style)
        if self.is_dirty():
            text.append(" · modified", "italic")
        if self.read_only:
            text.append(" · read-only", "bold")
        return text

    # --- following the owner (read-only) --------------------------------------------------

    def disk_changed(self, change) -> None:
        """The case file changed on disk: show it. Read-only: the owner's saves too, and when they leave, offer the case."""
        if self.case.id in change.cases:
            fresh = self.desk.case_by_id(self.case.id)
            if fresh is not None and fresh is not self.case:
                self.case = fresh
                self.build_context()
                self.refresh_case()
                self.request_lint(immediate=True)
        if not self.read_only or self._offered_take:
            return
        if self.case.id in change.drafts:
            try:
                text, stamp = self.desk.store.read_draft_stamped(self.case.id)
            except CaseFileError:
                text = None
            if text is not None and text != self.saved_text:
                self._show_disk_text(text, stamp)
                self.request_lint(immediate=True)
                self.notify(f"{self.lock_holder.who if self.lock_holder else 'The owner'} saved {self.case.id}.", timeout=3)
        if change.locks:
            try:
                holder = self.desk.locks.read(self.case.id)
            except CaseFileError:
                return
            if holder is None:
                self.offer_take()

    def offer_take(self) -> None:
        """The lock was released: the case may be taken (re-opened for editing) or kept read-only."""
        self._offered_take = True
        who = self.lock_holder.who if self.lock_holder else "The owner"

        async def take() -> None:  # once the dialog is gone: this read-only screen closes, an editable one opens
            desk, case_id = self.desk, self.case.id  # a read-only view holds no lock: nothing to release
            if self.app.screen is self:
                await self.app.pop_screen()
            desk.open_case(case_id)

        def answered(answer: str | None) -> None:
            if answer == "take":
                self.app.call_later(take)
            else:
                self._offered_take = False  # asked again when the lock next changes

        self.app.push_screen(
            ChoiceDialog(
                "The case is free",
                f"{who} has closed {self.case.id}. Take it (lock it and edit), or stay read-only?",
                [Choice("t", "Take the case", "take", "primary"), Choice("s", "Stay read-only", "stay")],
                id="take-dialog",
            ),
            answered,
        )

    def banner_text(self) -> Text:
        if self.lock_holder is not None:
            return plain(f"Read-only: {self.lock_holder.describe()} has this case open.")
        return Text()

    def on_mount(self) -> None:
        editor = self.editor
        editor.cursor_blink = self.desk.settings.cursor_blink
        self.build_context()
        # Outside the editor: the notice is read first, and `q` or esc goes back instead of typing (e edits).
        self.query_one(CaseInfo).focus()
        if self.took_over is not None:
            self.notify(f"Took over a stale lock from {self.took_over.describe()} (process gone).", timeout=6)
        self._clock = self.set_interval(1.0, self.tick, name="case-clock")
        if not self.read_only:
            self._autosave = self.set_interval(self.desk.settings.autosave_interval, self.autosave, name="autosave")
        self.desk.linter_ready.subscribe(self, self.linter_ready, immediate=True)
        self.desk.disk_changed.subscribe(self, self.disk_changed, immediate=True)
        self.request_lint(immediate=True)

    def on_screen_resume(self) -> None:
        self._clock.resume()

    def on_screen_suspend(self) -> None:
        self._clock.pause()

    def tick(self) -> None:
        self.query_one(DeskHeader).tick()
        self.query_one("#case-title", Static).update(self.title_line())
        # The details pane counts down too (it froze at the time the case was opened).
        self.query_one("#case-details", Static).update(case_details(self.case, self.desk.clock()))

    @property
    def editor(self) -> DraftEditor:
        return self.query_one(DraftEditor)

    @property
    def findings(self) -> FindingsList:
        return self.query_one(FindingsList)

    def is_dirty(self) -> bool:
        try:
            return self.editor.text != self.saved_text
        except Exception:
            return False

    def check_action(self, action: str, parameters) -> bool | None:
        if self.read_only and action in ("save", "apply_fix", "fix_all", "mark_ready", "mark_sent", "undo_status", "record_result", "edit", "ignore_finding"):
            return False  # hidden from the footer: a read-only case cannot be changed
        return True

    # --- linting --------------------------------------------------------------------

    def build_context(self) -> None:
        try:
            self.context = self.case.context
            self.context_error = None
        except CaseFileError as exc:
            self.context = None
            self.context_error = f"case file: {exc.message}"
        self.show_checklist()

    @on(TextArea.Changed, "#editor")
    def text_changed(self) -> None:
        self.version += 1
        self.query_one("#case-title", Static).update(self.title_line())
        self.request_lint()

    def request_lint(self, immediate: bool = False) -> None:
        if self.desk.linter is None:
            self.findings.show_message(self.desk.linter_status)
            return
        if self.context_error:
            self.findings.show_message(self.context_error)
            return
        self.findings.border_subtitle = "linting…"
        self.lint_later(0.0 if immediate else self.desk.settings.lint_delay)

    @work(exclusive=True, group="lint", exit_on_error=False)
    async def lint_later(self, delay: float) -> None:
        """Debounce: the next keystroke cancels this worker while it sleeps."""
        if delay:
            await asyncio.sleep(delay)
        version, text = self.version, self.editor.text
        linter = self.desk.linter
        outcome = await asyncio.to_thread(self.lint_text, linter, text)
        if version == self.version:
            self.show_result(text, outcome)

    def lint_text(self, linter: DeskLinter, text: str):
        """Runs in a thread; touches no widget."""
        try:
            context = self.context.drafted(self.desk.clock()) if self.context is not None else None  # the follow-up rules' "now"
            return linter.lint_text(text, overrides=context)
        except (DraftError, ContextError) as exc:
            return exc

    def lint_now(self):
        """Synchronous lint of the current text (mark ready, fix on stale findings): ~ms."""
        text = self.editor.text
        outcome = self.lint_text(self.desk.linter, text)
        self.show_result(text, outcome)
        return outcome

    def show_result(self, text: str, outcome) -> None:
        findings_list = self.findings
        findings_list.border_subtitle = ""
        if isinstance(outcome, Exception):
            self.result = None
            line = getattr(outcome, "line", None)
            where = f"line {line}: " if line else ""
            findings_list.show_message(f"Cannot lint: {where}{getattr(outcome, 'message', outcome)}")
            self.editor.set_findings(text, [])
            self.result_version = self.version
            return
        self.result = outcome
        self.result_version = self.version
        findings = outcome.findings
        errors, warnings = count_findings(findings)
        findings_list.border_title = f"Findings: {errors} error(s), {warnings} warning(s)"
        silenced = len(getattr(outcome, "suppressed", ()) or ())
        if silenced:  # overruled in this case (d) or the draft: say so, so nothing is hidden unseen
            findings_list.border_subtitle = f"{silenced} ignored here (history: h)"
        if findings:
            findings_list.show(findings, outcome.draft)
        else:
            findings_list.show_message("No findings." if text.strip() else "Empty draft: start typing (e).")
        self.editor.set_findings(text, findings)

    def linter_ready(self, _linter: DeskLinter) -> None:
        self.request_lint(immediate=True)

    def current_findings(self) -> list[Finding]:
        if self.result is None or self.result_version != self.version:
            if self.desk.linter is None:
                return []
            outcome = self.lint_now()
            if isinstance(outcome, Exception):
                return []
        return list(self.result.findings) if self.result is not None else []

    # --- finding navigation and fixes -----------------------------------------------------

    def _jump(self, finding: Finding, index: int) -> None:
        editor = self.editor
        findings = self.findings
        if finding.end > finding.start:
            editor.select_span(editor.text, finding.start, finding.end)
        if findings.option_count and index < findings.option_count:
            findings.highlighted = index

    def action_next_finding(self) -> None:
        self._step(+1)

    def action_previous_finding(self) -> None:
        self._step(-1)

    def _step(self, direction: int) -> None:
        findings = self.current_findings()
        located = [(i, f) for i, f in enumerate(findings) if f.end > f.start]
        if not located:
            self.notify("No findings with a place in the text.", timeout=2)
            return
        offset = self.editor.cursor_offset()
        selection_start = min(self.editor.selection.start, self.editor.selection.end)
        if direction > 0:
            after = [(i, f) for i, f in located if f.start > offset or (f.start >= offset and f.end > offset)]
            choice = after[0] if after else located[0]
        else:
            start_row, start_col = selection_start
            start_offset = line_starts_of(self.editor.text)[start_row] + start_col
            before = [(i, f) for i, f in located if f.start < start_offset]
            choice = before[-1] if before else located[-1]
        self._jump(choice[1], choice[0])

    @on(OptionList.OptionSelected, "#findings")
    def finding_selected(self, event: OptionList.OptionSelected) -> None:
        findings = self.findings.findings
        index = event.option_index
        if 0 <= index < len(findings):
            self._jump(findings[index], index)
            if not self.read_only:
                self.editor.focus()

    def finding_at_cursor(self) -> Finding | None:
        if self.focused is self.findings and self.findings.current is not None:
            # A fix chosen in the list: refresh in case the text moved on since.
            chosen = self.findings.current
            for f in self.current_findings():
                if f.rule == chosen.rule and f.start == chosen.start and f.end == chosen.end:
                    return f
            return None
        offset = self.editor.cursor_offset()
        candidates = [f for f in self.current_findings() if f.fix is not None and f.start <= offset <= f.end]
        if not candidates:
            return None
        return min(candidates, key=lambda f: (f.end - f.start, -int(f.severity)))

    def action_apply_fix(self) -> None:
        if self.desk.linter is None:
            self.notify("The linter is still loading.", severity="warning", timeout=2)
            return
        finding = self.finding_at_cursor()
        if finding is None or finding.fix is None:
            self.notify("No fixable finding at the cursor (n/ctrl+n moves to the next finding).", timeout=3)
            return
        fix = finding.fix
        editor = self.editor
        text = editor.text
        starts = line_starts_of(text)
        editor.replace(fix.replacement, offset_to_location(text, starts, fix.start), offset_to_location(text, starts, fix.end))
        self.notify(f"{finding.rule}: replaced {text[fix.start:fix.end]!r} with {fix.replacement!r}", timeout=3)
        self.lint_now()
        if not self.read_only:
            editor.focus()

    def action_fix_all(self) -> None:
        """Every concrete replacement at once (safe and unsafe: the operator asked), as one edit ctrl+z undoes."""
        if self.desk.linter is None:
            self.notify("The linter is still loading.", severity="warning", timeout=2)
            return
        findings = [f for f in self.current_findings() if f.fix is not None]
        editor = self.editor
        text = editor.text
        fixed, applied = apply_fixes(text, findings, unsafe=True)
        if not applied:
            self.notify("No finding has a concrete replacement (the rest need your words).", timeout=3)
            return
        cursor = editor.cursor_location
        editor.replace(fixed, (0, 0), editor.document.end)
        rows = fixed.count("\n")
        editor.move_cursor((min(cursor[0], rows), cursor[1]))
        rules = sorted({f.rule for f in findings})
        self.notify(f"Applied {applied} fix(es): {', '.join(rules)}. ctrl+z undoes them.", timeout=4)
        self.lint_now()

    # --- save, ready, sent, copy ------------------------------------------------------------

    def action_save(self) -> bool:
        """Save the draft; False when it was not written (failure told, or a conflict being asked)."""
        if self.read_only:
            return False
        text = self.editor.text
        desk = self.desk
        lock_problem = self.lock_problem()
        if lock_problem is not None:
            self.ask_conflict(text, lock_problem)
            return False
        try:
            stamp = desk.store.save_draft(self.case.id, text, expected=self.saved_stamp)
        except DraftConflict:
            self.ask_conflict(text, "the draft on disk changed since you opened it")
            return False
        except (OSError, CaseFileError) as exc:
            self.save_failed(exc, text)
            return False
        self.saved_text = text
        self.saved_stamp = stamp
        try:
            desk.journal.clear(self.case.id)
        except OSError:
            pass  # the draft is saved; a leftover journal equal to it is cleared on the next open
        self._journaled_text = None
        self._journal_notice = None
        if (self.case.status == "new" or self.case.answered) and text.strip():
            # A draft on an answered case is a follow-up: the case needs an answer again.
            self.set_status("drafting", quiet=True, note="a follow-up" if self.case.answered else "")
        if self.result is not None and self.result_version == self.version:
            desk.record_counts(self.case.id, self.result.findings, text)
        else:
            desk.recount(self.case.id)
        self.query_one("#case-title", Static).update(self.title_line())
        self.notify(f"Saved drafts/{self.case.id}.txt", timeout=2)
        return True

    def save_failed(self, exc: BaseException, text: str) -> None:
        """Say what failed and where, and where the text is now (the editor, and a journal if one took it)."""
        path = self.desk.store.draft_path(self.case.id)
        why = str(exc) if isinstance(exc, CaseFileError) else f"{path}: {describe_os_error(exc)}"
        where, problem = self._journal_text(text)
        if where is not None:
            kept = f"Your text is still in the editor, and journaled in {where}."
        else:
            kept = f"Your text is still in the editor only: the journal failed too ({problem})."
        self.notify(f"Save failed: {why}. {kept}", severity="error", timeout=15, markup=False)

    def lock_problem(self) -> str | None:
        """None while the lock is this desk's (re-taken if it was removed); else who or what holds it."""
        desk = self.desk
        try:
            info = desk.locks.read(self.case.id)
            if desk.locks.is_mine(info):
                return None
            if info is None:  # removed behind our back: take it again if nobody else has
                outcome = desk.acquire_lock(self.case.id)
                if outcome.acquired:
                    return None
                info = outcome.holder
        except (CaseFileError, OSError) as exc:
            return f"the case's lock is not this desk's any more ({exc})"
        holder = info.describe() if info is not None else "someone else"
        return f"{holder} holds this case's lock now"

    def ask_conflict(self, mine: str, reason: str) -> None:
        """Ask before anything overwrites the draft on disk; meanwhile the text is journaled."""
        from replydesk.tui.screens.conflict import ConflictDialog

        store = self.desk.store
        self._journal_text(mine)  # if the desk dies while the question is open, nothing is lost
        try:
            theirs, _stamp = store.read_draft_stamped(self.case.id)
        except CaseFileError as exc:
            self.save_failed(exc, mine)
            return

        def answered(answer: str | None) -> None:
            if answer == "mine":
                self.keep_mine_as_copy(mine)
            elif answer == "theirs":
                self.load_theirs(mine)
            # None: nothing written; the editor keeps this text, the journal has it.

        self.app.push_screen(
            ConflictDialog(
                f"Not saved: {reason}",
                f"drafts/{self.case.id}.txt on disk is not the text this desk opened. Nothing has been written.\n"
                "Keep yours as a separate copy beside it, load theirs into the editor (yours is set aside in the "
                "journal), or compare the two first.",
                theirs,
                mine,
            ),
            answered,
        )

    def keep_mine_as_copy(self, mine: str) -> None:
        desk = self.desk
        try:
            copy = desk.store.save_draft_copy(self.case.id, mine, desk.operator.who, desk.clock())
            theirs, stamp = desk.store.read_draft_stamped(self.case.id)
        except (OSError, CaseFileError) as exc:
            self.save_failed(exc, mine)
            return
        self._show_disk_text(theirs, stamp)
        try:
            desk.journal.clear(self.case.id)  # the copy holds it now
        except OSError:
            pass
        self.notify(f"Your text is in {copy}; the editor now shows the draft on disk.", timeout=8, markup=False)

    def load_theirs(self, mine: str) -> None:
        desk = self.desk
        try:
            theirs, stamp = desk.store.read_draft_stamped(self.case.id)
            desk.journal.write(self.case.id, mine, self.saved_text)
            kept = desk.journal.discard(self.case.id)
        except (OSError, CaseFileError) as exc:
            self.notify(
                f"Did not load theirs: your text could not be set aside first ({describe_os_error(exc)}). "
                "It is still in the editor.",
                severity="error",
                timeout=15,
                markup=False,
            )
            return
        self._show_disk_text(theirs, stamp)
        self.notify(f"Loaded the draft on disk; your text was set aside in {kept}.", timeout=8, markup=False)

    def _show_disk_text(self, text: str, stamp) -> None:
        self.saved_text = text
        self.saved_stamp = stamp
        self._journaled_text = None
        self.editor.load_text(text)
        self.query_one("#case-title", Static).update(self.title_line())

    def set_status(self, status: str, quiet: bool = False, note: str = "") -> None:
        desk = self.desk
        try:
            self.case = desk.store.set_status(self.case.id, status, desk.operator.who, desk.clock(), note=note)
        except (CaseFileError, OSError) as exc:
            self.notify(f"Could not update the case file: {exc}", severity="error")
            return
        desk.case_changed(self.case)
        self.refresh_case()
        if not quiet:
            self.notify(f"{self.case.id} marked {status} (u undoes).", timeout=3)

    def action_mark_ready(self) -> None:
        self.guarded("ready", lambda: self.set_status("ready"))

    def action_mark_sent(self) -> None:
        self.guarded("sent", self.mark_sent)

    def guarded(self, status: str, then) -> None:
        """Save, lint, and ask before `status` while errors remain; then `then()`."""
        if self.read_only:
            return
        if self.is_dirty() and not self.action_save():
            return
        if self.desk.linter is None:
            self.notify("The linter is still loading; try again in a moment.", severity="warning")
            return
        findings = self.current_findings()
        errors = [f for f in findings if f.severity == Severity.ERROR]
        if not self.saved_text.strip():
            self.notify("The draft is empty.", severity="warning")
            return
        if not errors:
            then()
            return

        def answered(answer: str | None) -> None:
            if answer == "yes":
                then()

        self.app.push_screen(
            confirm(
                "Errors remain",
                f"{len(errors)} error(s) remain in this draft (first: {errors[0].rule} {errors[0].message}).\n"
                f"Mark it {status} anyway?",
                yes=f"Mark {status}",
                no="Keep editing",
            ),
            answered,
        )

    def mark_sent(self) -> None:
        """Ask for the platform's receipt (optional), then record the send (`send_with_receipt`)."""
        attachments = attachment_names(self.case.raw)  # what the store records with the send
        lines = [f"{len(self.saved_text)} characters"
                 + (f" with {len(attachments)} attachment(s): {', '.join(attachments)}" if attachments else ", no attachments") + "."]
        pack = self.desk.store.packs.get(self.case.platform)
        if pack is not None and self.context is not None:
            found = checklist(pack, pack.kind(self.case.kind), self.context)
            if found.items:
                missing = ", ".join(i.title for i in found.missing)
                lines.append(f"Evidence: {len(found.items) - len(found.missing)}/{len(found.items)} covered" + (f"; missing: {missing}." if missing else "."))
        lines.append("The platform's receipt or confirmation ID, as its page shows it (optional: enter on an empty line goes on without).")

        def answered(receipt: str | None) -> None:
            if receipt is not None:  # esc: not sent after all
                self.send_with_receipt(receipt.strip() or None)

        self.app.push_screen(AskText("Mark sent", "\n".join(lines), id="receipt-dialog"), answered)

    def send_with_receipt(self, receipt: str | None) -> None:
        """The saved draft is what went out: frozen in the history with its receipt and attachments;
        the case closes, and the lock is released."""
        desk = self.desk
        now = desk.clock()
        try:
            self.case = desk.store.mark_sent(self.case.id, self.saved_text, desk.operator.who, now, receipt=receipt)
        except (CaseFileError, OSError, ValueError) as exc:
            self.notify(f"Not marked sent: {exc}", severity="error", timeout=8, markup=False)
            return
        desk.case_changed(self.case)
        desk.recount(self.case.id)
        try:
            desk.journal.clear(self.case.id)
        except OSError:
            pass
        self.notify(
            f"{self.case.id} marked sent by {desk.operator.who} at {format_kst(now)}"
            + (f", receipt {receipt}" if receipt else "") + "; the text is in its history. u (in the queue) undoes.",
            timeout=6,
        )
        desk.close_case(self)

    def finding_to_ignore(self) -> Finding | None:
        """The finding highlighted in the findings panel, else the narrowest one at the editor's cursor."""
        if self.focused is self.findings and self.findings.current is not None:
            chosen = self.findings.current
            return next((f for f in self.current_findings()
                         if f.rule == chosen.rule and f.start == chosen.start and f.end == chosen.end), None)
        offset = self.editor.cursor_offset()
        here = [f for f in self.current_findings() if f.start <= offset <= f.end]
        return min(here, key=lambda f: (f.end - f.start, -int(f.severity))) if here else None

    def action_ignore_finding(self) -> None:
        """A false alarm for this case: ask why, then record it in the case (workflow.ignore_finding).

        A finding with a span is ignored only inside the text it covers (the
        reply is not changed; see context.Suppression); one about something
        missing, for the whole case.
        """
        if self.read_only:
            return
        if self.desk.linter is None:
            self.notify("The linter is still loading.", severity="warning", timeout=2)
            return
        finding = self.finding_to_ignore()
        if finding is None:
            self.notify("No finding at the cursor or highlighted (n/ctrl+n moves to the next finding).", timeout=3)
            return
        # The finding's own text is the quote (line breaks match any white space); one about
        # something missing has none, and so has a span too long to be worth quoting.
        linted = self.result.draft.text if self.result is not None else self.editor.text  # the text the offsets are in
        quote = linted[finding.start:finding.end].strip() or None
        if quote is not None and len(quote) > 300:
            quote = None
        where = f"in \u201c{quote}\u201d" if quote else "in this whole case"
        message = (f"{finding.rule}: {finding.message}\n\nIgnore it {where}? The case file, its history and the export "
                   "keep your reason. Why is it a false alarm here?")
        desk = self.desk

        def answered(reason: str | None) -> None:
            if reason is None:
                return
            if not reason.strip():
                self.notify("Not ignored: a reason is needed.", severity="warning", timeout=4)
                return
            try:
                self.case = desk.store.ignore_finding(self.case.id, finding.rule, quote, reason, desk.operator.who, desk.clock())
            except (CaseFileError, OSError, ValueError) as exc:
                self.notify(f"Not ignored: {exc}", severity="error", timeout=8, markup=False)
                return
            desk.case_changed(self.case)
            self.build_context()
            self.refresh_case()
            self.lint_now()
            desk.recount(self.case.id)
            self.notify(shown(f"{finding.rule} ignored {where} for {self.case.id}; the reason is in its history."), timeout=5, markup=False)

        self.app.push_screen(AskText(f"Ignore {finding.rule} here", message, id="ignore-dialog"), answered)

    def action_export(self) -> None:
        self.desk.export_case(self.case.id)

    def action_record_result(self) -> None:
        if self.read_only:
            return

        def recorded(case: Case) -> None:
            self.case = case
            self.build_context()
            self.refresh_case()

        self.desk.record_result(self.case.id, after=recorded)

    def action_undo_status(self) -> None:
        if self.read_only:
            return
        self.desk.undo_status(self.case.id, after=self._after_undo)

    def _after_undo(self, case: Case) -> None:
        self.case = case
        self.refresh_case()
        if not self.is_dirty():
            try:
                text, stamp = self.desk.store.read_draft_stamped(case.id)
            except CaseFileError:
                return
            if text != self.saved_text:
                self._show_disk_text(text, stamp)
                self.request_lint(immediate=True)

    def action_history(self) -> None:
        from replydesk.tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.case))

    def action_copy(self) -> None:
        text = self.editor.text
        self.app.copy_to_clipboard(text)
        self.notify(
            f"Copied {len(text)} characters to your terminal's clipboard (OSC 52; in tmux: set -g set-clipboard on).",
            timeout=4,
        )

    def action_edit(self) -> None:
        if not self.read_only:
            self.editor.focus()

    def action_focus_info(self) -> None:
        self.query_one(CaseInfo).focus()

    # --- journal (autosave) -------------------------------------------------------------------

    def autosave(self, force: bool = False) -> None:
        """The 5 s timer: journal the text when it differs from the saved draft and the last journal.

        Never raises (a timer that raises ends the desk and the text with it).
        """
        self._autosave_now(force)

    def _autosave_now(self, force: bool) -> str | None:
        """Journal if needed; returns what failed (None when the text is safe somewhere)."""
        if self.read_only:
            return None
        try:
            text = self.editor.text
        except Exception:
            return None
        if text == self.saved_text:
            if self._journaled_text is not None:
                try:
                    self.desk.journal.clear(self.case.id)
                    self._journaled_text = None
                except OSError:
                    pass
            return None
        if text == self._journaled_text and not force:
            return None
        return self._journal_text(text)[1]

    def _journal_text(self, text: str):
        """(where it was journaled, None) or (None, what failed); tells the operator once per new problem."""
        journal = self.desk.journal
        try:
            where = journal.write(self.case.id, text, self.saved_text)
        except Exception as exc:
            problem = f"{self.case.id}: {describe_os_error(exc)}"
            self._tell_journal_problem(
                f"Autosave failed ({describe_os_error(exc)}): the unsaved text of {self.case.id} is only in the editor."
            )
            return None, problem
        self._journaled_text = text
        if journal.last_error is not None:
            self._tell_journal_problem(
                f"The queue's journal could not be written ({describe_os_error(journal.last_error)}); "
                f"unsaved text of {self.case.id} is journaled in {where} instead."
            )
        else:
            self._journal_notice = None
        return where, None

    def _tell_journal_problem(self, message: str) -> None:
        if message == self._journal_notice:
            return
        self._journal_notice = message
        try:
            self.notify(message, severity="warning", timeout=12, markup=False)
        except Exception:
            pass  # called from the exit deadline's thread: the file system state is what matters

    def offer_recovery(self, recovered) -> None:
        def answered(answer: str | None) -> None:
            if answer == "restore":
                self.editor.load_text(recovered.text)
                self.editor.move_cursor(self.editor.document.end)
                self._journaled_text = recovered.text
                self.notify("Recovered text restored; ctrl+s saves it as the draft.", timeout=4)
            elif answer == "discard":
                try:
                    kept = self.desk.journal.discard(self.case.id)
                except OSError as exc:
                    self.notify(
                        f"Could not set the recovered text aside ({describe_os_error(exc)}); it is offered again next time.",
                        severity="warning",
                        markup=False,
                    )
                    return
                self.notify(f"Kept the saved draft; the recovered text was set aside in {kept}.", timeout=5)
            # None (escape): decide later; the journal stays and is offered again next time.

        lines = recovered.text.count("\n") + 1
        self.app.push_screen(
            ChoiceDialog(
                "Recovered unsaved text",
                f"{self.case.id} has text that was never saved ({recovered.describe()}): "
                f"{len(recovered.text)} characters, {lines} line(s), different from the saved draft.\n"
                "Restore it into the editor, or keep the saved draft (the recovered text is set aside, not deleted)?",
                [Choice("r", "Restore", "restore", "primary"), Choice("k", "Keep saved draft", "discard")],
                id="recovery-dialog",
            ),
            answered,
        )

    # --- closing ----------------------------------------------------------------------------------

    def action_close(self) -> None:
        if not self.is_dirty() or self.read_only:
            self.desk.close_case(self)
            return

        def answered(answer: str | None) -> None:
            if answer == "save":
                if self.action_save():
                    self.desk.close_case(self)
            elif answer == "keep":
                if self._autosave_now(force=True) is None:
                    self.desk.close_case(self)
                # else: the journal failed (told); the text stays open in the editor rather than be lost
            elif answer == "discard":
                self.discard_changes()

        self.app.push_screen(
            ChoiceDialog(
                "Unsaved changes",
                f"The draft of {self.case.id} has unsaved changes.",
                [
                    Choice("s", "Save", "save", "primary"),
                    Choice("k", "Keep for later", "keep"),
                    Choice("d", "Discard", "discard"),
                    Choice("c", "Cancel", "cancel"),
                ],
                id="unsaved-dialog",
            ),
            answered,
        )

    def discard_changes(self) -> None:
        """Back to the saved draft; the unsaved text is set aside in .recovery/discarded/, not deleted."""
        desk = self.desk
        text = self.editor.text
        try:
            desk.journal.write(self.case.id, text, self.saved_text)
            kept = desk.journal.discard(self.case.id)
        except OSError as exc:
            self.notify(
                f"Not discarded: the text could not be set aside first ({describe_os_error(exc)}). It is still in the editor.",
                severity="error",
                timeout=12,
                markup=False,
            )
            return
        self._journaled_text = None
        self.editor.load_text(self.saved_text)
        self.notify(f"Discarded the changes to {self.case.id}; the text was set aside in {kept}.", timeout=5, markup=False)
        desk.close_case(self)

    def emergency_save(self) -> str | None:
        """SIGHUP/SIGTERM or quit without saving: whatever was typed goes to the journal; returns what failed."""
        if not self.read_only and self.is_dirty():
            return self._autosave_now(force=True)
        return None
