"""What every check shares: the rule record and the check's input."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..context import CaseContext
from ..document import Draft
from ..findings import Finding, Fix, Severity
from ..packs import KindRules, Pack
from ..schema import SchemaError, key
from ..scripts import lower_same_length

if TYPE_CHECKING:
    from ..resources import Resources


_CODE = re.compile(r"[A-Z]+\d{3}")
# The check types: modules of linting/rules/ that a record's `check` may name.
CHECKS = ("keyword", "language", "tone", "length", "words", "ids", "time", "attachment", "template", "followup")


def _code(code: str) -> str | None:
    return None if _CODE.fullmatch(code) else f"rule code {code!r} must be capitals and three digits (TONE001)"


def _severity(label: str) -> Severity:
    try:
        return Severity.parse(label)
    except ValueError as exc:
        raise SchemaError((), str(exc)) from None


def _references(refs) -> str | None:
    from ..registry import reference_names

    for ref in refs:
        if not (ref.startswith("https://") or ref in reference_names()):
            return f"reference {ref!r} is neither an https:// address nor a page in linting/references/"
    return None


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """A rule: a stable code, its documentation and the check that reports it.

    The schema of a `[[rule]]` record in `linting/rules/<category>.toml`
    (decoded by `schema.decode`; the category is the file), read by
    `registry`, the one home of every rule fact; shown by `rules` and
    `explain`.
    """

    code: str = key(required=True, check=_code)
    category: str = key("", derived=True)
    severity: Severity = key(Severity.WARNING, accepts=str, convert=_severity, required=True)
    summary: str = key(required=True)
    why: str = key(required=True)
    check: str = key(required=True, check=lambda name: None if name in CHECKS else f"unknown check {name!r} (known: {', '.join(CHECKS)})")
    references: tuple[str, ...] = key((), check=_references, doc="https:// addresses or names of pages in linting/references/")
    fixable: bool = False


@dataclass(slots=True)
class RuleInput:
    """Everything a rule may look at. Offsets a rule reports are body offsets."""

    draft: Draft
    context: CaseContext
    pack: Pack
    kind: KindRules
    resources: "Resources"
    info: dict[str, RuleInfo]
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def body(self) -> str:
        body = self.cache.get("body")
        if body is None:
            body = self.cache["body"] = self.draft.body
        return body

    @property
    def lower(self) -> str:
        """The body lower-cased once per draft, shared by every rule that matches phrases."""
        low = self.cache.get("lower")
        if low is None:
            low = self.cache["lower"] = lower_same_length(self.body)
        return low

    @property
    def body_start(self) -> int:
        return self.draft.body_start

    @property
    def reply_span(self) -> tuple[int, int]:
        """(start, end) of the reply's text, blank space around it left out: the span of a
        finding about the reply as written as a whole (a template, a repeat, a follow-up)."""
        body = self.body
        return len(body) - len(body.lstrip()), len(body.rstrip())

    def finding(
        self,
        code: str,
        start: int,
        end: int,
        message: str,
        suggestion: str | None = None,
        replacement: str | None = None,
        severity: Severity | None = None,
        safe: bool = True,
    ) -> Finding:
        """Build a finding from body offsets; `replacement` makes it fixable."""
        info = self.info[code]
        base = self.body_start
        fix = Fix(base + start, base + end, replacement, safe) if replacement is not None else None
        return Finding(
            rule=code,
            category=info.category,
            severity=severity if severity is not None else info.severity,
            message=message,
            start=base + start,
            end=base + end,
            suggestion=suggestion,
            fix=fix,
        )

    def whole_reply(self, code: str, message: str, suggestion: str | None = None) -> Finding:
        """A finding about the reply as a whole (something missing): zero-width at the body start."""
        return self.finding(code, 0, 0, message, suggestion)
