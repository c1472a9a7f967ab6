"""Output formats for lint results: text (ruff-like), json, sarif, github.

Every format is split the same way: `piece(report)` renders one file (in
the process that linted it, so a forked worker sends back a string, not
thousands of Finding objects) and `assemble(pieces, tally)` joins the
pieces and adds what needs the whole run (the summary line, the SARIF
rule table). A `Tally` carries the counts the summary, `--statistics` and
the exit code need.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from ..display import DEL_AND_C1
from ..document import Draft
from ..findings import Finding, Position, Severity

FORMATS = ("text", "json", "sarif", "github")
_MODULES = {"text": "text", "json": "json_report", "sarif": "sarif", "github": "github"}


@dataclass(slots=True)
class Tally:
    """Counts over findings: per severity, per rule (with how many are fixable), the worst severity."""

    severities: list[int] = field(default_factory=lambda: [0, 0, 0])  # indexed by Severity
    safe_fixable: int = 0
    rules: dict[str, list[int]] = field(default_factory=dict)  # code → [findings, with a fix]
    omitted: int = 0  # findings past the per-rule cap: counted, not shown

    def add_omitted(self, rule: str, n: int) -> None:
        """`n` more findings of `rule` that the cap kept out of the report (counted per rule, shown as a total)."""
        self.omitted += n
        counts = self.rules.get(rule)
        if counts is None:
            counts = self.rules[rule] = [0, 0]
        counts[0] += n

    def add(self, finding: Finding) -> None:
        self.severities[finding.severity] += 1
        fix = finding.fix
        if fix is not None and fix.safe:
            self.safe_fixable += 1
        counts = self.rules.get(finding.rule)
        if counts is None:
            counts = self.rules[finding.rule] = [0, 0]
        counts[0] += 1
        if fix is not None:
            counts[1] += 1

    def merge(self, other: "Tally") -> None:
        for sev, n in enumerate(other.severities):
            self.severities[sev] += n
        self.safe_fixable += other.safe_fixable
        self.omitted += other.omitted
        for code, (n, fixable) in other.rules.items():
            counts = self.rules.get(code)
            if counts is None:
                self.rules[code] = [n, fixable]
            else:
                counts[0] += n
                counts[1] += fixable

    @property
    def total(self) -> int:
        return sum(self.severities)

    @property
    def worst(self) -> Severity | None:
        for sev in (Severity.ERROR, Severity.WARNING, Severity.INFO):
            if self.severities[sev]:
                return sev
        return None


@dataclass
class FileReport:
    """One linted file: its findings (with the draft to place them) or the error that stopped it.

    `settle()` renders the file in the requested format and keeps only that
    piece and a Tally, so a report crossing from a worker process is small.
    """

    path: str
    draft: Draft | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    error_line: int | None = None
    fixed: int = 0
    omitted: dict[str, int] = field(default_factory=dict)  # rule → findings past the cap (engine.lint_counted)
    # With --show-ignored: what the draft's or case's `ignore` silenced (suppress.Suppressed), the
    # quoted entries that silenced nothing, and which entries the draft's own front matter holds.
    suppressed: list = field(default_factory=list)
    suppressed_omitted: dict = field(default_factory=dict)  # rule → silenced findings past the cap
    unused_ignores: tuple = ()
    ignores_in_draft: frozenset = frozenset()
    tally: Tally | None = None
    piece: Any = None
    piece_format: tuple | None = None  # (format, color) the piece was rendered for

    def position(self, start: int, end: int) -> Position:
        return self.draft.position(start, end)

    def settle(self, fmt: str, rules: dict, *, color: bool = False) -> "FileReport":
        """Render this file's piece, count its findings, drop the draft and findings."""
        if self.piece_format != (fmt, color):
            self.piece = _module(fmt).piece(self, rules, color=color)
            self.piece_format = (fmt, color)
        if self.tally is None:
            tally = Tally()
            for f in self.findings:
                tally.add(f)
            for rule, n in self.omitted.items():
                tally.add_omitted(rule, n)
            self.tally = tally
        self.draft = None
        self.findings = []
        self.suppressed = []
        return self


def ignored_note(entry) -> str:
    """How every format gives the reason of a silenced finding."""
    parts = [entry.reason or "no reason given"]
    if entry.by or entry.when:
        parts.append(" ".join(p for p in (f"by {entry.by}" if entry.by else "", f"at {entry.when}" if entry.when else "") if p))
    return "; ".join(parts)


def unused_message(entry) -> str:
    """How every format says that a quoted `ignore` entry silenced nothing."""
    return f"ignore entry {entry.rule} for \u201c{entry.text}\u201d silenced nothing (the text or the finding is gone: remove the entry)"


def omitted_message(rule: str, n: int, *, ignored: bool = False) -> str:
    """How every format says that the cap left findings (or, `ignored`, silenced ones) out."""
    return f"… and {n:,} more {'ignored ' if ignored else ''}{rule} findings (not shown: max_findings_per_rule)"


# json.dumps escapes C0 controls (\u001b) but writes DEL and C1 (\x9b is CSI to
# some terminals) raw; these can only occur inside JSON strings, so escaping
# them in the dumped text keeps the data exact and the bytes inert.
_RAW_IN_JSON = DEL_AND_C1


def dumps(value, **kwargs) -> str:
    """json.dumps for output a terminal or CI may read: UTF-8 kept, every control escaped."""
    text = json.dumps(value, ensure_ascii=False, **kwargs)
    if _RAW_IN_JSON.search(text) is None:
        return text
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _module(fmt: str):
    try:
        return import_module(f".{_MODULES[fmt]}", __name__)
    except KeyError:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})") from None


def tally_of(reports: list[FileReport]) -> Tally:
    """The counts over every report (settling, with the text format, any that are not yet)."""
    total = Tally()
    for rep in reports:
        if rep.tally is None:
            rep.settle("text", {})
        total.merge(rep.tally)
    return total


def render(fmt: str, reports: list[FileReport], rules: dict, *, color: bool = False, summary: bool = True) -> str:
    """The whole output of a run in `fmt`; reports not yet settled for it are rendered here."""
    module = _module(fmt)
    pieces = []
    for rep in reports:
        if rep.piece_format != (fmt, color):
            if rep.draft is None and rep.findings == [] and rep.error is None and rep.piece_format is not None:
                raise ValueError(f"{rep.path}: settled as {rep.piece_format[0]}, cannot render as {fmt}")
            rep.settle(fmt, rules, color=color)
        pieces.append(rep.piece)
    return module.assemble(reports, pieces, tally_of(reports), rules, color=color, summary=summary)
