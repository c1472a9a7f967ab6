"""Which rules run and how severe they are: the part of config the core needs."""
from __future__ import annotations

from dataclasses import dataclass, field

from .findings import Severity


DEFAULT_MAX_FINDINGS_PER_RULE = 100


def _matches(code: str, selectors: frozenset[str]) -> bool:
    return "ALL" in selectors or any(code.startswith(s) for s in selectors)


@dataclass(frozen=True)
class Settings:
    """Rule selection like ruff's: codes or code prefixes (`TONE`, `ID001`, `ALL`)."""

    select: frozenset[str] = frozenset({"ALL"})
    ignore: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    # A draft of 990,000 full-width commas has 990,000 LANG004 findings: past
    # this many per rule per draft they are only counted ("… and N more"),
    # which keeps every output format and the desk's list a bounded size.
    # 0 turns the cap off.
    max_findings_per_rule: int = DEFAULT_MAX_FINDINGS_PER_RULE

    def enabled(self, code: str) -> bool:
        return _matches(code, self.select) and not (self.ignore and _matches(code, self.ignore))

    def severity_for(self, code: str, default: Severity) -> Severity:
        if not self.severity:
            return default
        # The longest matching selector wins (ID001 over ID).
        best = None
        for selector, sev in self.severity.items():
            if code.startswith(selector) and (best is None or len(selector) > len(best[0])):
                best = (selector, sev)
        return best[1] if best else default
