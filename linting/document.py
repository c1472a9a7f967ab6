"""A draft reply as the linter sees it: the file text, its front matter and a line index.

Front matter is TOML between two `+++` lines at the top of the file; it is
case context, not reply text, so the rules see only the body while every
position still refers to the file's own lines and columns.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .findings import Position
from .lines import line_starts
from .tomldata import TomlSyntaxError, loads_simple_toml, loads_toml

FENCE = "+++"
MAX_DRAFT_CHARS = 1_000_000
# UTF-8 takes at most 4 bytes a character, so every draft within the limit fits
# in this many bytes; readers stop one byte past it (a file or stdin may never end).
MAX_DRAFT_BYTES = 4 * MAX_DRAFT_CHARS
_SCAN_LIMIT = 8_192  # up to this length, line_col scans instead of building a LineIndex


class DraftError(ValueError):
    """A draft that cannot be linted; carries the 1-based line it concerns."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


class LineIndex:
    """Maps character offsets to 1-based (line, column) and back, in O(log n)."""

    __slots__ = ("_starts", "_length")

    def __init__(self, text: str):
        self._starts = line_starts(text)
        self._length = len(text)

    @property
    def starts(self) -> list[int]:
        """Offset of the first character of each line (shared; do not modify)."""
        return self._starts

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        return self._starts[line - 1]

    def line_col(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, self._length))
        i = bisect.bisect_right(self._starts, offset) - 1
        return i + 1, offset - self._starts[i] + 1

    def offset(self, line: int, column: int) -> int:
        return self._starts[line - 1] + column - 1

    def position(self, start: int, end: int) -> Position:
        line, col = self.line_col(start)
        end_line, end_col = self.line_col(end)
        return Position(line, col, end_line, end_col)


@dataclass(slots=True)
class Draft:
    """The reply text plus where its body begins and what its front matter said."""

    text: str
    body_start: int = 0
    front_matter: dict = field(default_factory=dict)
    _index: LineIndex | None = None

    @property
    def body(self) -> str:
        return self.text[self.body_start :]

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex(self.text)
        return self._index

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset. A typical draft is placed by two
        C-level scans (count, rfind), cheaper than building the line index."""
        if self._index is None and len(self.text) <= _SCAN_LIMIT:
            text = self.text
            offset = max(0, min(offset, len(text)))
            return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
        return self.index.line_col(offset)

    def position(self, start: int, end: int) -> Position:
        line, col = self.line_col(start)
        end_line, end_col = self.line_col(end)
        return Position(line, col, end_line, end_col)


def too_long(size: str) -> str:
    """The one wording of "over the draft size limit", given the size found (in characters or bytes)."""
    return f"draft is {size}; the limit is {MAX_DRAFT_CHARS:,} characters (is this really a reply?)"


_TOML_LINE = re.compile(r"at line (\d+)")


def parse_draft(text: str) -> Draft:
    """Split front matter from the body. Raises DraftError with the file line on bad input."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if len(text) > MAX_DRAFT_CHARS:
        raise DraftError(too_long(f"{len(text):,} characters"))
    if "\x00" in text:
        raise DraftError("draft contains NUL bytes (binary file?)", text.count("\n", 0, text.index("\x00")) + 1)
    first_nl = text.find("\n")
    first_line = text if first_nl == -1 else text[:first_nl]
    if first_line.rstrip("\r \t") != FENCE:
        return Draft(text)
    # Find the closing fence.
    pos = first_nl + 1
    line_no = 2
    while True:
        nl = text.find("\n", pos)
        line = text[pos:] if nl == -1 else text[pos:nl]
        if line.rstrip("\r \t") == FENCE:
            break
        if nl == -1:
            raise DraftError("front matter opened with '+++' on line 1 is never closed", 1)
        pos = nl + 1
        line_no += 1
    toml_text = text[first_nl + 1 : pos]
    data = loads_simple_toml(toml_text)
    try:
        if data is None:
            data = loads_toml(toml_text)
    except TomlSyntaxError as exc:
        line = exc.line + 1 if exc.line else 1
        raise DraftError(f"front matter: {exc.message}", line) from None
    body_start = len(text) if nl == -1 else nl + 1
    return Draft(text, body_start=body_start, front_matter=data)
