"""Reading queue files that anyone with write access to the queue could have planted.

A queue is shared: `drafts/<id>.txt` can be a symbolic link to another
user's `~/.ssh/id_rsa` (read into the editor, then autosaved into a
journal the whole group can read), and a FIFO or a device in its place
blocks `open()` or `read()` forever, freezing the desk. So drafts, cases,
locks and journals are opened with O_NOFOLLOW (a symlink is refused, never
followed), O_NONBLOCK (opening a FIFO does not wait for a writer) and
O_NOCTTY, checked with fstat to be a regular file before a byte is read,
and read up to a size limit only.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from replydesk.linting.casefile import QUEUE_FILE_LIMIT
from replydesk.linting.tomldata import NotRegularFile, file_kind, over_limit, read_regular_bytes

# A draft or case file is a few KB; the linter refuses drafts far smaller than this.
DEFAULT_LIMIT = QUEUE_FILE_LIMIT



class UnsafeFileError(OSError):
    """A queue file that is not read: a symlink, a FIFO, a device, a directory, or too big.

    An OSError so that every caller that already copes with an unreadable
    file copes with this one; `reason` says in words what was found.
    """

    def __init__(self, path: Path | str, reason: str):
        super().__init__(errno.EPERM, reason, str(path))
        self.path = str(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def refuse_unless_regular(path: Path | str, *, missing_ok: bool = True) -> os.stat_result | None:
    """lstat the path: None when missing (if allowed), its stat when a regular file, else UnsafeFileError.

    Writers call this before replacing a file: an atomic rename over a
    symlink would not write through it, but silently swapping a planted
    link for a file hides the plant; the operator is told instead.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if missing_ok:
            return None
        raise
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeFileError(path, f"is {file_kind(st.st_mode)}, not a regular file; refusing to use it")
    return st


def read_regular(path: Path | str, *, limit: int = DEFAULT_LIMIT) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file (at most `limit`) and its fstat; never follows a symlink, never blocks.

    FileNotFoundError passes through unchanged (a missing draft is normal).
    """
    try:
        data, st = read_regular_bytes(path, limit, follow_symlinks=False)
    except NotRegularFile as exc:
        raise UnsafeFileError(path, exc.refusal) from None
    too_big = over_limit(st, data, limit)
    if too_big:
        raise UnsafeFileError(path, too_big)
    return data, st
