"""Seeing other operators' changes without re-reading the queue: a change signal, then a diff of names.

The signal is inotify where the kernel has it (Linux: one non-blocking
read per look, no file-system access while nothing happens; every desk of
a team runs on the one shared host, so every write is seen), else the
folder's mtime: every writer of a queue (this desk, other desks, `replydesk
import`) replaces files by renaming a temp file into place, and a rename
changes the folder's mtime, so a look costs one `stat`. Only when the
signal fires is the folder listed, and only the entries whose (mtime, size)
changed are read again. A full listing also runs every `full_every` looks,
for what neither signal catches (a tool editing in place on a file system
without inotify). Pure file-system reads; the desk decides what to do with
the names.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path

# inotify(7): what changes a folder's listing or a file's content.
_IN_MODIFY, _IN_ATTRIB, _IN_CLOSE_WRITE = 0x002, 0x004, 0x008
_IN_MOVED_FROM, _IN_MOVED_TO, _IN_CREATE, _IN_DELETE = 0x040, 0x080, 0x100, 0x200
_IN_DELETE_SELF, _IN_MOVE_SELF = 0x400, 0x800
_MASK = (_IN_MODIFY | _IN_ATTRIB | _IN_CLOSE_WRITE | _IN_MOVED_FROM | _IN_MOVED_TO | _IN_CREATE | _IN_DELETE
         | _IN_DELETE_SELF | _IN_MOVE_SELF)
_IN_NONBLOCK, _IN_CLOEXEC = os.O_NONBLOCK, 0o2000000
_libc = None


def _inotify():
    """libc's inotify functions, or None (not Linux, or no libc to be found)."""
    global _libc
    if _libc is None:
        try:
            # libc.so.6 by name first: find_library runs ldconfig in a subprocess, on the desk's start path.
            try:
                lib = ctypes.CDLL("libc.so.6", use_errno=True)
            except OSError:
                lib = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            lib.inotify_init1  # noqa: B018 - raises AttributeError where there is none
            lib.inotify_add_watch.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32)
            _libc = lib
        except (OSError, AttributeError):
            _libc = False
    return _libc or None


class _Notifier:
    """An inotify descriptor on one folder: `fired()` says whether anything happened since the last call."""

    def __init__(self, folder: Path):
        lib = _inotify()
        self.fd = -1
        if lib is None:
            return
        fd = lib.inotify_init1(_IN_NONBLOCK | _IN_CLOEXEC)
        if fd < 0:
            return
        if lib.inotify_add_watch(fd, os.fsencode(folder), _MASK) < 0:  # the folder is not there (yet)
            os.close(fd)
            return
        self.fd = fd

    @property
    def active(self) -> bool:
        return self.fd >= 0

    def fired(self) -> bool:
        fired = False
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return fired
            except OSError:
                self.close()
                return True  # the watch broke: let the caller look
            if not data:
                return fired
            fired = True
            offset = 0
            while offset + 16 <= len(data):  # struct inotify_event: wd, mask, cookie, len, name[len]
                _wd, mask, _cookie, size = struct.unpack_from("iIII", data, offset)
                if mask & (_IN_DELETE_SELF | _IN_MOVE_SELF):
                    self.close()  # the folder itself went away: fall back to stat
                offset += 16 + size

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


@dataclass
class FolderWatch:
    """The entries of one folder ending in `suffix`, as last seen: name → (mtime_ns, size)."""

    folder: Path
    suffix: str = ""
    full_every: int = 30
    use_inotify: bool = True
    _folder_mtime: int | None = None
    _seen: dict[str, tuple[int, int]] = field(default_factory=dict)
    _looks: int = 0
    _notifier: _Notifier | None = None

    def prime(self) -> None:
        """Take the current state as the baseline (at start-up: nothing has changed yet)."""
        if self.use_inotify and self._notifier is None:
            self._notifier = _Notifier(self.folder)
        self._folder_mtime = self._mtime()
        self._seen = self._listing()

    def close(self) -> None:
        """Give back the inotify descriptor (the desk does on exit; tests start many desks)."""
        if self._notifier is not None:
            self._notifier.close()
            self._notifier = None

    @property
    def signal(self) -> str:
        """What tells this watch that something changed: "inotify" or "mtime"."""
        return "inotify" if self._notifier is not None and self._notifier.active else "mtime"

    def changes(self) -> tuple[set[str], set[str]] | None:
        """(added or changed names, removed names) since the last look, or None when nothing moved."""
        self._looks += 1
        due = self._looks % self.full_every == 0
        notifier = self._notifier
        if notifier is not None and notifier.active:
            if not notifier.fired() and not due:
                return None
        else:
            if self.use_inotify and self._looks % 10 == 0:  # a folder created since: watch it properly
                self._notifier = _Notifier(self.folder)
            mtime = self._mtime()
            if mtime == self._folder_mtime and not due:
                return None
            self._folder_mtime = mtime
        now = self._listing()
        changed = {name for name, seen in now.items() if self._seen.get(name) != seen}
        removed = set(self._seen) - set(now)
        self._seen = now
        return (changed, removed) if changed or removed else None

    def _mtime(self) -> int | None:
        try:
            return os.stat(self.folder).st_mtime_ns
        except OSError:
            return None

    def _listing(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        try:
            with os.scandir(self.folder) as entries:
                for entry in entries:
                    name = entry.name
                    if name.startswith(".") or not name.endswith(self.suffix):
                        continue  # temp files (.x.tmp) are a write in progress
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue  # gone since it was listed
                    out[name] = (st.st_mtime_ns, st.st_size)
        except OSError:
            pass  # a folder that is not there (yet) has no entries
        return out
