"""Which rules run and how severe they are: the part of config the core needs."""
from __future__ import annotations

from dataclasses import dataclass, field

from .findings import Severity


def _matches(code: str, selectors: frozenset[str]) -> bool:
    return "ALL" in selectors or any(code.startswith(s) for s in selectors)


@dataclass(frozen=True)
class Settings:
    """Rule selection like ruff's: codes or code prefixes (`TONE`, `ID001`, `ALL`)."""

    select: frozenset[str] = frozenset({"ALL"})
    ignore: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR

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
