"""What every check shares: the rule record and the check's input."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..context import CaseContext
from ..document import Draft
from ..findings import Finding, Fix, Severity
from ..packs import KindRules, Pack
from ..scripts import lower_same_length

if TYPE_CHECKING:
    from ..resources import Resources


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """A rule: a stable code, its documentation and the check that reports it.

    Read from `linting/rules/<category>.toml` by `registry` (the one home
    of every rule fact); shown by `rules` and `explain`. `references` are
    https:// addresses or names of pages in `linting/references/`.
    """

    code: str
    category: str
    severity: Severity
    summary: str
    why: str
    check: str
    references: tuple[str, ...] = ()
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
