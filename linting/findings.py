"""The one place that knows what a finding is and how it is serialised."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import IntEnum

CATEGORIES: tuple[str, ...] = (
    "keyword",
    "language",
    "tone",
    "length",
    "term",
    "id",
    "time",
    "attachment",
    "template",
    "policy",
    "followup",
)


class Severity(IntEnum):
    """Ordered so that thresholds compare naturally (error > warning > info)."""

    INFO = 0
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> "Severity":
        try:
            return cls[value.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {value!r} (expected error, warning or info)"
            ) from None


@dataclass(frozen=True, slots=True)
class Fix:
    """A replacement of text[start:end] (offsets into the whole file).

    Safe fixes (glossary substitutions, punctuation) are applied by
    `lint --fix`; unsafe ones (putting this case's ID in place of another)
    change facts, so they need `--unsafe-fixes` or an operator's key press.
    """

    start: int
    end: int
    replacement: str
    safe: bool = True


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason the platform would reject or down-score the reply.

    `start`/`end` are character offsets into the whole file text (front
    matter included), so that positions map to the file's own lines.
    A finding about something missing has start == end at the body start.
    """

    rule: str
    category: str
    severity: Severity
    message: str
    start: int
    end: int
    suggestion: str | None = None
    fix: Fix | None = field(default=None, compare=False)

    def with_severity(self, severity: Severity) -> "Finding":
        return replace(self, severity=severity)

    def sort_key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.rule)


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    column: int
    end_line: int
    end_column: int


def finding_to_dict(finding: Finding, position: Position) -> dict:
    """The JSON schema of a finding, shared by every reporter and the TUI."""
    return {
        "rule": finding.rule,
        "category": finding.category,
        "severity": finding.severity.label,
        "message": finding.message,
        "line": position.line,
        "column": position.column,
        "end_line": position.end_line,
        "end_column": position.end_column,
        "suggestion": finding.suggestion,
    }
