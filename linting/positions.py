"""Line and column of a key path in a TOML data file (pack, glossary, config), down to items of inline arrays.

The one locator behind every `file:line` of a data-file error. A line of
`avoid = [` is not enough: a maintainer fixing the third avoided form needs
the line of that form, which may sit five lines lower. This walks the TOML
text itself: table headers, `key =` lines, then array items and
inline-table keys inside the value, skipping strings and comments.
"""
from __future__ import annotations

import bisect
import re

_HEADER = re.compile(r"^[ \t]*(\[\[?)[ \t]*([A-Za-z0-9_.\-\"' ]+?)[ \t]*\]\]?[ \t]*(?:#.*)?$", re.M)
_BARE_KEY = re.compile(r"[A-Za-z0-9_\-]+|\"(?:[^\"\\]|\\.)*\"|'[^']*'")


class TextPositions:
    """Resolves key paths such as ("entry", 3, "avoid", 1, "reason") to (line, column), 1-based."""

    def __init__(self, text: str):
        self.text = text
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        # (offset of header, offset after header line, table path with array indices)
        self._tables: list[tuple[int, int, tuple]] = []
        counters: dict[tuple, int] = {}
        for m in _HEADER.finditer(text):
            if self._in_string_or_comment(m.start()):
                continue
            names = tuple(_unquote(p) for p in m.group(2).split("."))
            if m.group(1) == "[[":
                idx = counters.get(names, -1) + 1
                counters[names] = idx
                for k in [k for k in counters if len(k) > len(names) and k[: len(names)] == names]:
                    del counters[k]
                path = names + (idx,)
            else:
                # A sub-table of the latest array element: [entry.scope] after [[entry]].
                path = names
                if len(names) > 1 and names[:1] in counters:
                    path = (names[0], counters[names[:1]]) + names[1:]
            self._tables.append((m.start(), m.end(), path))
        # Indexes, so that one look-up costs the same in a 100,000-entry file as in a small one
        # (`glossary check` locates every finding; a scan of all tables each time made it quadratic).
        self._by_path: dict[tuple, tuple[int, int, tuple]] = {}
        for table in self._tables:
            self._by_path[table[2]] = table  # the last header of a path wins, as before
        self._starts = [start for start, _, _ in self._tables]

    def line_col(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._line_starts, offset) - 1
        return i + 1, offset - self._line_starts[i] + 1

    def locate(self, keys: tuple, *, exact: bool = False) -> tuple[int | None, int | None]:
        """(line, column) of `keys`; without `exact`, of the closest enclosing table when the key
        itself is not written here. `exact` answers "does this file define it?" (an inherited pack
        key is reported in the base pack, where it is written)."""
        offset = self.offset_of(keys, exact=exact)
        if offset is None:
            return None, None
        return self.line_col(offset)

    def offset_of(self, keys: tuple, *, exact: bool = False) -> int | None:
        """Offset of the deepest part of `keys` that can be found (its key, or its array item).

        `exact`: None unless the table, or the key line holding the value, is written here.
        """
        keys = tuple(keys)
        best_table = None
        for n in range(len(keys), 0, -1):  # the longest table path that `keys` starts with
            try:
                best_table = self._by_path.get(keys[:n])
            except TypeError:  # an unhashable key part: no table has it
                continue
            if best_table is not None:
                break
        if best_table is None:
            region_start, region_end, rest = 0, self._next_table_start(0), keys
            found = None
        else:
            start, end, path = best_table
            region_start, region_end, rest = end, self._next_table_start(end), keys[len(path):]
            found = start + len(self.text[start:end]) - len(self.text[start:end].lstrip())
        if not rest:
            return found
        key = rest[0]
        if not isinstance(key, str):
            return None if exact else found
        m = re.compile(r"^[ \t]*(" + re.escape(key) + r"|\"" + re.escape(key) + r"\")[ \t]*=", re.M).search(
            self.text, region_start, region_end
        )
        if not m:
            return None if exact else found
        offset = m.start(1)
        value = self._skip_space(m.end())
        return self._descend(value, rest[1:], offset)

    # -- inline values -------------------------------------------------

    def _descend(self, value: int, rest: tuple, fallback: int) -> int:
        text = self.text
        if not rest or value >= len(text):
            return fallback if not rest else fallback
        key = rest[0]
        if isinstance(key, int) and text[value] == "[":
            item = self._array_item(value, key)
            if item is None:
                return fallback
            return self._descend(item, rest[1:], item)
        if isinstance(key, str) and text[value] == "{":
            found = self._inline_key(value, key)
            if found is None:
                return fallback
            key_offset, value_offset = found
            return self._descend(value_offset, rest[1:], key_offset)
        return fallback

    def _array_item(self, open_offset: int, index: int) -> int | None:
        text = self.text
        i = self._skip_space(open_offset + 1)
        count = 0
        while i < len(text) and text[i] != "]":
            if count == index:
                return i
            i = self._skip_value(i)
            i = self._skip_space(i)
            if i < len(text) and text[i] == ",":
                i = self._skip_space(i + 1)
            count += 1
        return None

    def _inline_key(self, open_offset: int, key: str) -> tuple[int, int] | None:
        text = self.text
        i = self._skip_space(open_offset + 1)
        while i < len(text) and text[i] != "}":
            m = _BARE_KEY.match(text, i)
            if not m:
                return None
            name = _unquote(m.group())
            j = self._skip_space(m.end())
            if j >= len(text) or text[j] != "=":
                return None
            value = self._skip_space(j + 1)
            if name == key:
                return i, value
            i = self._skip_space(self._skip_value(value))
            if i < len(text) and text[i] == ",":
                i = self._skip_space(i + 1)
        return None

    def _skip_space(self, i: int) -> int:
        """Skip whitespace, newlines and comments."""
        text, n = self.text, len(self.text)
        while i < n:
            c = text[i]
            if c in " \t\r\n":
                i += 1
            elif c == "#":
                nl = text.find("\n", i)
                i = n if nl == -1 else nl + 1
            else:
                break
        return i

    def _skip_value(self, i: int) -> int:
        """Offset just after the value starting at `i` (string, array, inline table or scalar)."""
        text, n = self.text, len(self.text)
        if i >= n:
            return n
        c = text[i]
        if text.startswith('"""', i) or text.startswith("'''", i):
            q = text[i : i + 3]
            j = i + 3
            while j < n:
                if q == '"""' and text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(q, j):
                    return j + 3
                j += 1
            return n
        if c == '"':
            j = i + 1
            while j < n and text[j] not in '"\n':
                j += 2 if text[j] == "\\" else 1
            return min(j + 1, n)
        if c == "'":
            j = text.find("'", i + 1)
            return n if j == -1 else j + 1
        if c in "[{":
            close = "]" if c == "[" else "}"
            j = self._skip_space(i + 1)
            while j < n and text[j] != close:
                if c == "{":
                    m = _BARE_KEY.match(text, j)
                    if m:
                        j = self._skip_space(m.end())
                        if j < n and text[j] == "=":
                            j = self._skip_space(j + 1)
                before = j
                j = self._skip_space(self._skip_value(j))
                if j < n and text[j] == ",":
                    j = self._skip_space(j + 1)
                if j == before:  # malformed: give up rather than loop
                    return n
            return min(j + 1, n)
        j = i
        while j < n and text[j] not in ",]}\n#":
            j += 1
        return j

    def _next_table_start(self, offset: int) -> int:
        i = bisect.bisect_left(self._starts, offset)
        return self._starts[i] if i < len(self._starts) else len(self.text)

    def _in_string_or_comment(self, offset: int) -> bool:
        # Headers are only recognised at line starts; a line inside a
        # multi-line string is rare in glossary files and ignored here.
        line_start = self.text.rfind("\n", 0, offset) + 1
        return "#" in self.text[line_start:offset]


def _unquote(name: str) -> str:
    name = name.strip()
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'":
        return name[1:-1]
    return name
