"""PLACEHOLDER until the glossary subsystem lands (owned by the glossary work)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TermHit:
    start: int
    end: int
    rule: str
    message: str
    suggestion: str | None = None
    replacement: str | None = None
    severity: object | None = None


class GlossarySet:
    def scan(self, text: str, *, platform: str, kind: str) -> list[TermHit]:
        return []

    def templates(self, *, platform: str, kind: str) -> list[tuple[str, str]]:
        return []


def load_glossary_set(dirs, platforms=()) -> GlossarySet:
    return GlossarySet()
