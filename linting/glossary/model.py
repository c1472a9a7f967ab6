"""What a glossary file holds once validated: files, entries, avoided forms, self-tests, hits."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..findings import Severity
from ..tomldata import location

LANGUAGES = ("ko", "en", "zh")
USES = ("terms", "words", "templates")
TERM_RULE = "TERM001"
NEAR_MISS_RULE = "TERM002"


class TermHit(NamedTuple):
    """One glossary hit; offsets index the scanned text.

    A NamedTuple rather than a frozen dataclass: immutable all the same, and
    about five times cheaper to create, which counts at several hits a draft.
    """

    start: int
    end: int
    rule: str
    message: str
    suggestion: str | None = None
    replacement: str | None = None
    severity: Severity | None = None
    entry: str = ""  # qualified entry id, "coupang:shipping-delay"
    near_miss: bool = False
    # When the fix must cover more than the flagged term (a Korean particle
    # whose shape changes: 센터을 → 물류센터를), the span it replaces.
    fix_start: int | None = None
    fix_end: int | None = None


class AvoidForm(NamedTuple):
    """A form to flag: a mistranslation, a calque, a word-list phrase or a regex."""

    form: str
    lang: str
    reason: str = ""
    source: str = ""
    pattern: bool = False
    requires: str = ""  # pattern only: a literal the text must contain before the regex runs
    keys: tuple = ()  # key path in its file, for file:line:col
    severity: Severity | None = None  # this form's own severity (an ordinary phrase that is only sometimes wrong: info)


@dataclass(frozen=True)
class FlagTest:
    """Text that must be flagged by this entry, exactly on the [marked] spans."""

    text: str  # as written, with [ ] markers
    suggestion: str | None = None
    fixed: str | None = None  # the text once this entry's fixes are applied
    platform: str | None = None
    kind: str | None = None
    keys: tuple = ()

    @property
    def plain(self) -> str:
        return self.text.replace("[", "").replace("]", "")

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Offsets of the marked spans in `plain`."""
        spans, removed, start = [], 0, None
        for i, ch in enumerate(self.text):
            if ch == "[":
                start = i - removed
                removed += 1
            elif ch == "]" and start is not None:
                spans.append((start, i - removed))
                removed += 1
                start = None
        return spans


@dataclass(frozen=True)
class PassTest:
    """Text this entry must not flag."""

    text: str
    platform: str | None = None
    kind: str | None = None
    keys: tuple = ()


@dataclass(eq=False)
class Entry:
    id: str
    file: "GlossaryFile"
    index: int  # position among the file's [[entry]] tables
    preferred: dict[str, tuple[str, ...]]
    avoid: tuple[AvoidForm, ...] = ()
    reason: str = ""
    message: str = ""
    suggestion: str = ""
    notes: str = ""
    sources: tuple[str, ...] = ()
    platforms: frozenset[str] | None = None  # None: every platform
    kinds: frozenset[str] | None = None  # None: every kind
    case_sensitive: bool = False
    lemmas: bool | str = False  # True: inflect each form's last word; "all": every word
    rule: str = TERM_RULE
    severity: Severity | None = None
    near_miss: bool = True
    must_flag: tuple[FlagTest, ...] = ()
    must_pass: tuple[PassTest, ...] = ()
    # A hit counts only when its sentence has a phrase of each group and none of `sentence_without`.
    sentence_with: tuple[tuple[str, ...], ...] = ()
    sentence_without: tuple[str, ...] = ()

    @property
    def qualified_id(self) -> str:
        return f"{self.file.stem}:{self.id}"

    @property
    def keys(self) -> tuple:
        return ("entry", self.index)

    @property
    def use(self) -> str:
        return self.file.use

    def in_scope(self, platform: str, kind: str) -> bool:
        return (self.platforms is None or platform in self.platforms) and (self.kinds is None or kind in self.kinds)

    def preferred_in(self, lang: str) -> tuple[str, ...]:
        return self.preferred.get(lang, ())

    def all_preferred(self) -> list[tuple[str, str]]:
        return [(lang, form) for lang in LANGUAGES for form in self.preferred.get(lang, ())]

    def default_platform(self) -> str:
        return sorted(self.platforms)[0] if self.platforms else "general"

    def default_kind(self) -> str:
        return sorted(self.kinds)[0] if self.kinds else "general"

    @property
    def line(self) -> int | None:
        return self.file.entry_line(self.index)


@dataclass(eq=False)
class GlossaryFile:
    path: Path
    stem: str
    text: str
    title: str = ""
    platforms: frozenset[str] | None = None
    languages: tuple[str, ...] = ()
    maintainer: str = ""
    version: str = ""
    use: str = "terms"
    rule: str = TERM_RULE
    entries: list[Entry] = field(default_factory=list)
    entry_lines: list[int] = field(default_factory=list)
    _positions: object = field(default=None, repr=False)

    def entry_line(self, index: int) -> int | None:
        return self.entry_lines[index] if 0 <= index < len(self.entry_lines) else None

    def locate(self, keys: tuple) -> tuple[int | None, int | None]:
        """(line, column) of a key path in this file."""
        if self._positions is None:
            from ..positions import TextPositions

            self._positions = TextPositions(self.text)
        return self._positions.locate(keys)


@dataclass(frozen=True)
class Problem:
    """Something wrong in a glossary file, printable as path:line:col: severity check: message."""

    path: str
    line: int | None
    column: int | None
    message: str
    check: str = "schema"  # schema, duplicate, conflict, regex, self-test, scope, rule
    severity: str = "error"  # error or warning
    entry: str = ""

    def __str__(self) -> str:
        return f"{location(self.path, self.line, self.column)}: {self.severity} {self.check}: {self.message}"

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "check": self.check,
            "entry": self.entry or None,
            "message": self.message,
        }
