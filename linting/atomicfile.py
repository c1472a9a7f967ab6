"""Atomic file replacement, the one implementation every writer uses (lint --fix,
glossary add, the desk's drafts, cases, locks and journal).

A reader sees the old file or the new one, never half of either: write a
temp file in the same directory, fsync it, give it the old file's mode,
rename it over the target, fsync the directory so the rename is durable.
"""
from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

# mkstemp creates files 0600; a new file should get the mode any other new file
# gets (0666 less the umask) so that operators in one group can read each
# other's drafts and locks. Read once, at import, in the main thread.
_UMASK = os.umask(0)
os.umask(_UMASK)
NEW_FILE_MODE = 0o666 & ~_UMASK


class FileChangedError(Exception):
    """The file is no longer what was read: someone else wrote it, so it was not overwritten."""

    def __init__(self, path: Path):
        super().__init__(f"{path}: changed since it was read; not written")
        self.path = path


@dataclass(frozen=True, slots=True)
class FileSnapshot:
    """What a file was when it was read, to tell before replacing it whether anyone wrote it since.

    Size and mtime catch almost every change cheaply; the content hash
    catches a rewrite of the same size within one timestamp tick (coarse
    or restored mtimes), which would otherwise let read → change → rename
    silently drop the other writer's text.
    """

    size: int
    mtime_ns: int
    digest: bytes

    @classmethod
    def of(cls, path: Path | str, data: bytes, st: os.stat_result | None = None) -> "FileSnapshot":
        """The snapshot of `data` as read from `path` (`st`: its stat from before the read)."""
        st = st if st is not None else os.stat(path)
        return cls(st.st_size, st.st_mtime_ns, hashlib.sha256(data).digest())

    def check(self, path: Path | str) -> None:
        """Raise FileChangedError unless `path` is unchanged: pass as
        `atomic_write_*(..., before_replace=lambda: snapshot.check(path))`."""
        if not self.unchanged(path):
            raise FileChangedError(Path(path))

    def unchanged(self, path: Path | str) -> bool:
        """True when `path` is still a regular file with this size, mtime and content."""
        from .tomldata import read_regular_bytes

        try:
            data, st = read_regular_bytes(path)
        except OSError:
            return False
        return st.st_size == self.size and st.st_mtime_ns == self.mtime_ns and hashlib.sha256(data).digest() == self.digest


def atomic_write_bytes(
    path: Path,
    data: bytes,
    *,
    mode: int | None = None,
    new_mode: int | None = None,
    parents: bool = True,
    before_replace: Callable[[], None] | None = None,
) -> None:
    """Replace `path` with `data`, or leave it exactly as it was and raise.

    On any failure (ENOSPC, EDQUOT, EROFS, EIO, a signal) the temp file is
    removed, so a full disk never keeps a half-written hidden file around
    and the old file is untouched. `mode` forces the new file's mode (a
    private journal is 0600 whatever the old file was); otherwise the old
    regular file's mode is kept, and a new file gets `new_mode` (a shared
    queue's mode, see tui/queue/sharing.py) or 0666 less the umask. The old mode is read with lstat: a
    symlink's target is never looked at, and the rename replaces the link
    itself, never the file it points to. `parents=False` creates only the
    last directory: a queue someone removed is not silently re-created.
    `before_replace` runs when the new text is durable and just before the
    rename; if it raises, nothing is replaced (a writer re-checks there
    that nobody changed the file meanwhile, narrowing that race to
    microseconds).
    """
    path = Path(path)
    path.parent.mkdir(parents=parents, exist_ok=True)
    if mode is None:
        fresh = NEW_FILE_MODE if new_mode is None else new_mode
        try:
            st = os.lstat(path)
            mode = st.st_mode & 0o777 if stat.S_ISREG(st.st_mode) else fresh
        except FileNotFoundError:
            mode = fresh
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_directory(path.parent)


def atomic_write_text(
    path: Path,
    text: str,
    *,
    mode: int | None = None,
    new_mode: int | None = None,
    parents: bool = True,
    before_replace: Callable[[], None] | None = None,
) -> None:
    """Write UTF-8 text exactly as given (no newline translation)."""
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode, new_mode=new_mode, parents=parents, before_replace=before_replace)


def _fsync_directory(folder: Path) -> None:
    """Make the rename itself durable (a crash right after must not resurrect the old file)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
