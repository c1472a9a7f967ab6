"""Which findings an `ignore` entry silences, and which entries silenced nothing. Pure.

An entry names a rule (or a code prefix) and, optionally, a quoted text of
the reply: without one it silences the rule in the whole draft; with one,
only the findings whose span lies inside an occurrence of that text. The
quote is matched with any run of white space standing for any other and
letter case ignored, so re-wrapping a paragraph or a quote copied with
different capitals still holds; a finding about something missing (it has
no span) is silenced only by a whole-rule entry.

Suppressed findings are kept, not dropped: `lint --show-ignored`, the
language server and the desk show what was silenced and why, and an entry
that silenced nothing (its quote was edited away) is reported as unused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .context import Suppression
from .findings import Finding


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A finding an `ignore` entry silenced, with the entry (its reason, who and when)."""

    finding: Finding
    by: Suppression


def quote_pattern(text: str) -> re.Pattern:
    """The quote as a pattern: its words literal, white space between them any white space.

    Linear by construction: literal runs joined by `\\s+`, and no literal
    starts or ends with white space, so no two repeats compete for a character.
    """
    words = text.split()
    return re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)


class Suppressor:
    """Built once per lint from the context's `ignore` and the text as written."""

    __slots__ = ("_whole", "_quoted", "_text", "_body_start", "_spans", "_used", "_rule_hits", "_kept", "_cap")

    def __init__(self, entries: tuple[Suppression, ...], text: str, body_start: int, cap: int = 1000):
        self._whole = tuple(e for e in entries if e.text is None)
        self._quoted = tuple(e for e in entries if e.text is not None)
        self._text = text
        self._body_start = body_start
        self._spans: dict[Suppression, list[tuple[int, int]]] = {}
        self._used: set[Suppression] = set()
        self._rule_hits: dict[str, Suppression | None] = {}  # rule → its whole-rule entry, if any
        self._kept: list[Suppressed] = []
        self._cap = cap  # a hostile draft may hold a million silenced findings: keep the first `cap`

    def match(self, finding: Finding) -> Suppression | None:
        """The entry that silences `finding` (on the text as written), or None; a silenced
        finding is kept for `suppressed()`."""
        entry = self._match(finding)
        if entry is not None:
            self._used.add(entry)
            if len(self._kept) < self._cap:
                self._kept.append(Suppressed(finding, entry))
        return entry

    def suppressed(self) -> list[Suppressed]:
        """The silenced findings, in text order."""
        return sorted(self._kept, key=lambda s: s.finding.sort_key())

    def _match(self, finding: Finding) -> Suppression | None:
        rule = finding.rule
        whole = self._rule_hits.get(rule, False)
        if whole is False:
            whole = self._rule_hits[rule] = next((e for e in self._whole if e.covers_rule(rule)), None)
        if whole is not None:
            return whole
        if finding.start == finding.end:
            return None
        for entry in self._quoted:
            if not entry.covers_rule(rule):
                continue
            for start, end in self._occurrences(entry):
                if start <= finding.start and finding.end <= end:
                    return entry
        return None

    def _occurrences(self, entry: Suppression) -> list[tuple[int, int]]:
        spans = self._spans.get(entry)
        if spans is None:
            pattern = quote_pattern(entry.text or "")
            spans = self._spans[entry] = [m.span() for m in pattern.finditer(self._text, self._body_start)]
        return spans

    def unused(self) -> tuple[Suppression, ...]:
        """The quoted entries that silenced nothing in this text (whole-rule ones
        are a standing choice and are not reported)."""
        return tuple(e for e in self._quoted if e not in self._used)
