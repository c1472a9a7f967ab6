"""The one loader for TOML data files (packs, glossaries, config, front matter).

Every error names the file and line: syntax errors come from the parser,
shape errors from `positions.TextPositions`, which finds the line where a
key path is defined so that "glossaries/coupang.toml:41: entry.avoid must
be a list" points at the right place.
"""
from __future__ import annotations

import errno
import os
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on 3.10
    import tomli as tomllib


class TomlSyntaxError(ValueError):
    def __init__(self, message: str, line: int | None, column: int | None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class DataFileError(ValueError):
    """A data file (pack, glossary, config, case) that is broken; printable as path:line: message."""

    def __init__(self, path: str | Path, line: int | None, message: str, column: int | None = None):
        super().__init__(message)
        self.path = str(path)
        self.line = line
        self.column = column
        self.message = message

    def __str__(self) -> str:
        return f"{location(self.path, self.line, self.column)}: {self.message}"


def location(path: str, line: int | None, column: int | None = None) -> str:
    """`path:line:col`, leaving out what is unknown: how every data-file error is placed."""
    where = str(path)
    if line:
        where += f":{line}"
        if column:
            where += f":{column}"
    return where


_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$|\s*\(at end of document\)$")


# Strings, comments and line ends are skipped whole so that brackets inside them do not count.
_TOML_NESTING = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}\n]')
_JSON_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}\n]')


def nesting_too_deep(text: str, syntax: str = "toml") -> tuple[str, int]:
    """(message, line) for a document the parser gave up on with RecursionError.

    tomllib and json recurse once per level of `[`/`{`, so a few thousand
    levels (which no pack, case or front matter needs) exhaust the stack.
    Only called after that has happened, so a good document costs nothing;
    the line is where the deepest level is first reached.
    """
    depth = deepest = 0
    line = deepest_line = 1
    for m in (_TOML_NESTING if syntax == "toml" else _JSON_NESTING).finditer(text):
        token = m.group()
        if token == "\n":
            line += 1
        elif token in "[{":
            depth += 1
            if depth > deepest:
                deepest, deepest_line = depth, line
        elif token in "]}":
            depth -= 1
        else:
            line += token.count("\n")
    return f"values nested {deepest:,} levels deep: too deep to read", deepest_line


def loads_toml(text: str) -> dict:
    try:
        return tomllib.loads(text)
    except RecursionError:
        message, line = nesting_too_deep(text, "toml")
        raise TomlSyntaxError(message, line, None) from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _AT.search(msg)
        line = col = None
        if m:
            if m.group(1):
                line, col = int(m.group(1)), int(m.group(2))
            else:
                line = text.count("\n") + 1
            msg = msg[: m.start()]
        raise TomlSyntaxError(msg, line, col) from None


# --- front matter fast path ------------------------------------------------
# Draft front matter is a handful of `key = "text"` / `key = ["a", "b"]` lines.
# tomllib (pure Python) spends ~20 µs on that; this reads exactly that subset
# with one regex per line and returns None for anything else (escapes,
# comments after values, dates, tables, multi-line arrays, duplicate keys), so
# tomllib still parses, and reports errors for, every other document.
_STR_CHARS = r"[^\"\\\x00-\x08\x0a-\x1f\x7f]*"  # a basic string without escapes
_LIT_CHARS = r"[^'\x00-\x08\x0a-\x1f\x7f]*"
_WS_ = r"[ \t]*"
_SIMPLE_LINE = re.compile(
    rf"{_WS_}(?P<key>[A-Za-z0-9_-]+){_WS_}={_WS_}(?:"
    rf"\"(?P<basic>{_STR_CHARS})\"|'(?P<literal>{_LIT_CHARS})'"
    rf"|\[(?P<array>{_WS_}(?:\"{_STR_CHARS}\"{_WS_},{_WS_})*(?:\"{_STR_CHARS}\"{_WS_},?{_WS_})?)\]"
    rf"|(?P<int>-?(?:0|[1-9][0-9]{{0,15}}))|(?P<bool>true|false)){_WS_}\r?"
)
_COMMENT_OR_BLANK = re.compile(rf"{_WS_}(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?\r?")
_ARRAY_ITEM = re.compile(rf"\"({_STR_CHARS})\"")


def loads_simple_toml(text: str) -> dict | None:
    """`text` parsed when it is only simple key = value lines (see above), else None."""
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return None  # a bare CR (not part of CRLF) is an error tomllib must report
    out: dict = {}
    line_match = _SIMPLE_LINE.fullmatch
    for line in text.split("\n"):
        m = line_match(line)
        if m is None:
            if _COMMENT_OR_BLANK.fullmatch(line):
                continue
            return None
        key = m.group("key")
        if key in out:
            return None
        basic, literal, array, integer = m.group("basic", "literal", "array", "int")
        if basic is not None:
            out[key] = basic
        elif literal is not None:
            out[key] = literal
        elif array is not None:
            out[key] = _ARRAY_ITEM.findall(array)
        elif integer is not None:
            out[key] = int(integer)
        else:
            out[key] = m.group("bool") == "true"
    return out


class NotRegularFile(OSError):
    """Opened, and found not to be a regular file (or a symlink where none may be followed);
    `kind` says what it is in words ("a FIFO (named pipe)", "a symbolic link", ...)."""

    def __init__(self, path: str | Path, kind: str):
        super().__init__(errno.EPERM, kind, str(path))
        self.kind = kind

    @property
    def refusal(self) -> str:
        """Why a reader of shared files (queue cases, drafts, locks) leaves it unread, in words."""
        if self.kind == "a symbolic link":
            return "is a symbolic link; refusing to follow it"
        if self.kind == "not a regular file":
            return "is not a regular file; refusing to read it"
        return f"is {self.kind}, not a regular file; refusing to read it"


def over_limit(st: os.stat_result, data: bytes, limit: int) -> str | None:
    """Why a file read with `read_regular_bytes(path, limit)` is too big to use, or None."""
    if st.st_size > limit:
        return f"is {st.st_size} bytes, more than the {limit} a queue file may have"
    if len(data) > limit:  # grew while being read
        return f"is more than the {limit} bytes a queue file may have"
    return None


def file_kind(mode: int) -> str:
    """What a stat mode that is not a regular file is, in words."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def _open_checked(path: str | Path, follow_symlinks: bool) -> tuple[int, os.stat_result]:
    """A descriptor of `path`, opened non-blocking and checked through fstat to be a regular file."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow_symlinks:  # O_NOFOLLOW on a symlink
            raise NotRegularFile(path, "a symbolic link") from None
        if exc.errno in (errno.ENXIO, errno.EWOULDBLOCK):  # a socket, a FIFO without a reader, ...
            raise NotRegularFile(path, "not a regular file") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(path, file_kind(st.st_mode))
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def open_regular(path: str | Path, *, follow_symlinks: bool = True):
    """A binary file object for streaming a regular file, with the checks of `read_regular_bytes`."""
    fd, _st = _open_checked(path, follow_symlinks)
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def read_regular_bytes(path: str | Path, max_bytes: int | None = None, *, follow_symlinks: bool = True):
    """(bytes, fstat) of a regular file, at most `max_bytes` + 1 bytes; the one reader of untrusted files.

    Opened non-blocking (a FIFO does not wait for a writer) and without
    becoming a controlling terminal, checked through the descriptor to be a
    regular file before a byte is read, and read only to one byte past
    `max_bytes`, so a caller can tell "too large" without holding a file of
    any size in memory. `follow_symlinks=False` adds O_NOFOLLOW (queue
    files that others could have planted). Raises NotRegularFile, or the
    OSError of open/read (FileNotFoundError for a missing file). Plain os
    calls: a third of the cost of Path.read_bytes, which matters when a
    batch reads thousands of drafts.
    """
    fd, st = _open_checked(path, follow_symlinks)
    try:
        limit = None if max_bytes is None else max_bytes + 1
        step = st.st_size + 1 if st.st_size else 1 << 16
        chunks: list[bytes] = []
        got = 0
        # One read and one at EOF for a file of the size fstat said; more if it grows, never past the limit.
        while limit is None or got < limit:
            chunk = os.read(fd, step if limit is None else min(step, limit - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        return (chunks[0] if len(chunks) == 1 else b"".join(chunks)), st
    finally:
        os.close(fd)


def read_regular_file(path: str | Path, max_bytes: int | None = None) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file (at most `max_bytes` + 1 of them) and its stat, or DataFileError.

    Anything but a regular file is refused before a byte is read: /dev/zero
    and /dev/urandom never end, a FIFO blocks until someone writes to it,
    and a tape or terminal device may act on being opened. The stat is
    taken first so such a file is not even opened, and again through the
    descriptor (`read_regular_bytes`) to be sure it is the file we read.
    """
    try:
        st = os.stat(path)
    except PermissionError as exc:  # only a directory on the way that cannot be searched stops a stat
        raise DataFileError(path, None, f"cannot read directory: {exc.strerror}") from None
    except FileNotFoundError:
        raise DataFileError(path, None, "no such file") from None
    except OSError as exc:
        raise DataFileError(path, None, f"cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise DataFileError(path, None, "is a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file")
    try:
        return read_regular_bytes(path, max_bytes)
    except NotRegularFile:  # swapped for something else since the stat above
        raise DataFileError(path, None, "not a regular file") from None
    except FileNotFoundError:
        raise DataFileError(path, None, "no such file") from None
    except OSError as exc:
        raise DataFileError(path, None, f"cannot read: {exc.strerror or exc}") from None


def utf8_text(path: str | Path, raw: bytes) -> str:
    """The UTF-8 text of a file's bytes, as they are (a BOM kept), or DataFileError naming the line.

    A file that is not UTF-8 and has NUL bytes near its start is called a
    binary file, which is what it is (an image saved as .txt), rather than
    "invalid UTF-8 at offset 0". Drafts go through this and then
    `document.parse_draft`, the one home of a draft's BOM, NUL and size rules.
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if b"\x00" in raw[:8192]:
            raise DataFileError(path, None, "binary file (contains NUL bytes), not UTF-8 text") from None
        line = raw[: exc.start].count(b"\n") + 1
        raise DataFileError(path, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})") from None


def decode_text(path: str | Path, raw: bytes) -> str:
    """UTF-8 text of a data file's bytes (packs, glossaries, config), without a BOM, or DataFileError."""
    if b"\x00" in raw[:8192]:
        raise DataFileError(path, None, "binary file (contains NUL bytes), not UTF-8 text")
    text = utf8_text(path, raw)
    return text[1:] if text.startswith("\ufeff") else text


def read_text_file(path: str | Path) -> str:
    """Read a UTF-8 text file (a regular file only) or raise DataFileError saying why not."""
    return decode_text(path, read_regular_file(path)[0])


@dataclass
class TomlDocument:
    path: Path
    text: str
    data: dict

    def locate(self, *keys: str | int, exact: bool = False) -> int | None:
        """The line that defines a key path such as ("kinds", "chargeback", "window") or ("ids", 2, "pattern")
        (`exact`: only if this file writes it; else the closest enclosing table's line)."""
        from .positions import TextPositions

        return TextPositions(self.text).locate(keys, exact=exact)[0]

    def error(self, keys: tuple, message: str) -> DataFileError:
        return DataFileError(self.path, self.locate(*keys), message)


def load_toml_file(path: Path) -> TomlDocument:
    text = read_text_file(path)
    try:
        data = loads_toml(text)
    except TomlSyntaxError as exc:
        raise DataFileError(path, exc.line, exc.message, exc.column) from None
    return TomlDocument(path, text, data)
