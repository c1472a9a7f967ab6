"""Where each line of a text starts: the one scan behind `document.LineIndex` and the
language server's `lsp.encoding.LineMap` (which must not import document.py and its TOML
reader on the server's start-up path). Lines end at "\\n"; a "\\r" before it stays on its line."""
from __future__ import annotations


def line_starts(text: str) -> list[int]:
    """The offset of the first character of each line (a text without "\\n" is one line)."""
    starts = [0]
    find = text.find
    pos = find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = find("\n", pos + 1)
    return starts
