"""Character offsets (Python string indices) ↔ LSP positions (line, column in the client's units).

LSP counts columns in UTF-16 code units unless client and server agree
on UTF-8 or UTF-32; Python counts code points. Korean and Chinese are one
unit either way, but an emoji is two UTF-16 units and four UTF-8 bytes, so
every range the server sends or reads goes through here. Lines end at
"\\n" (a "\\r" before it stays on its line, as the linter counts them).
"""
from __future__ import annotations

import bisect

from ..lines import line_starts


class LineMap:
    """One text's line starts, and conversions in one encoding ("utf-16", "utf-8" or "utf-32")."""

    __slots__ = ("text", "starts", "encoding")

    def __init__(self, text: str, encoding: str = "utf-16"):
        self.text = text
        self.encoding = encoding
        self.starts = line_starts(text)

    def _units(self, s: str) -> int:
        if self.encoding == "utf-32":
            return len(s)
        if self.encoding == "utf-8":
            return len(s.encode("utf-8", "surrogatepass"))
        return len(s) + sum(1 for c in s if ord(c) > 0xFFFF)

    def position(self, offset: int) -> tuple[int, int]:
        """(0-based line, column in units) of a character offset (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        return line, self._units(self.text[start:offset])

    def offset(self, line: int, column: int) -> int:
        """The character offset of a (0-based line, column in units); past the end is clamped."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        start = self.starts[line]
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.text)
        if self.encoding == "utf-32":
            return min(start + max(column, 0), end)
        units = 0
        for i in range(start, end):
            if units >= column:
                return i
            c = self.text[i]
            units += (4 if ord(c) > 0xFFFF else 3 if ord(c) > 0x7FF else 2 if ord(c) > 0x7F else 1) if self.encoding == "utf-8" \
                else (2 if ord(c) > 0xFFFF else 1)
        return end
