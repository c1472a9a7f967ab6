"""What the desk needs from a linter, and the real one behind it.

The desk lints one draft at a time against its case context and counts
errors and warnings for the queue's E/W column; nothing else. Naming that
here (`DeskLinter`) lets the tests' fake and the real `Linter` be checked
against the same contract, and keeps the core (`linting/`) unaware of the desk.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Callable, Iterable, Protocol, runtime_checkable

from replydesk.linting.findings import Finding, Severity

if TYPE_CHECKING:
    from replydesk.linting.context import CaseContext
    from replydesk.linting.engine import LintResult
    from replydesk.tui.queue.cases import Case
    from replydesk.tui.queue.store import QueueStore

# (errors, warnings) of a saved draft; NO_DRAFT when there is no text to count.
DraftCounts = tuple[int, int]
NO_DRAFT: DraftCounts = (-1, 0)


@runtime_checkable
class DeskLinter(Protocol):
    """A linter as the desk uses it: thread-safe, raising DraftError or ContextError on bad input."""

    def lint_text(self, text: str, overrides: CaseContext | None = None) -> LintResult: ...


LinterFactory = Callable[["QueueStore"], DeskLinter]


def build_queue_linter(store: QueueStore) -> DeskLinter:
    """The real linter with this queue's replydesk.toml, warmed so the first keystroke is not the slow one.

    Runs in a worker thread after the first paint; the imports are here so
    that the desk starts without loading the rule families.
    """
    from replydesk.linting.loading import build_linter

    linter = build_linter(store.config)
    try:
        linter.warm()
    except Exception:
        pass  # warming is an optimisation; a real lint will report real problems
    return linter


def count_findings(findings: Iterable[Finding]) -> DraftCounts:
    errors = warnings = 0
    for finding in findings:
        if finding.severity == Severity.ERROR:
            errors += 1
        elif finding.severity == Severity.WARNING:
            warnings += 1
    return errors, warnings


def draft_counts(linter: DeskLinter, case: Case, text: str, now: datetime | None = None) -> DraftCounts:
    """(errors, warnings) of `text` as the draft of `case`; NO_DRAFT when the text is blank.

    `now` is the desk's clock, the follow-up rules' "now" (as in the case screen).

    The case's context was validated when the case was read (`Case.context`);
    a broken linter field raises CaseFileError here, which the caller counts as unknown.
    """
    if not text.strip():
        return NO_DRAFT
    context = case.context if now is None else case.context.drafted(now)
    return count_findings(linter.lint_text(text, overrides=context).findings)
