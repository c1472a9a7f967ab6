"""Atomic file replacement, the one implementation every writer uses (lint --fix,
glossary add, the desk's drafts, cases, locks and journal).

A reader sees the old file or the new one, never half of either: write a
temp file in the same directory, fsync it, give it the old file's mode,
rename it over the target, fsync the directory so the rename is durable.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

# mkstemp creates files 0600; a new file should get the mode any other new file
# gets (0666 less the umask) so that operators in one group can read each
# other's drafts and locks. Read once, at import, in the main thread.
_UMASK = os.umask(0)
os.umask(_UMASK)
NEW_FILE_MODE = 0o666 & ~_UMASK


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        mode = NEW_FILE_MODE
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_directory(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 text exactly as given (no newline translation)."""
    atomic_write_bytes(path, text.encode("utf-8"))


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
