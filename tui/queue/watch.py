"""Seeing other operators' changes without re-reading the queue: folder mtimes, then a diff of names.

Every writer of a queue (this desk, other desks, `replydesk import`) replaces
files by renaming a temp file into place, and a rename changes the
folder's mtime. So a look costs one `stat` per folder; only when a
folder's mtime moved is it listed, and only the entries whose (mtime, size)
changed are read again. A full listing also runs every `full_every` looks,
for tools that edit a file in place (its folder's mtime stays put). On a
10,000-case queue that is three stats a second while nothing changes.
Pure file-system reads; the desk decides what to do with the names.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class FolderWatch:
    """The entries of one folder ending in `suffix`, as last seen: name → (mtime_ns, size)."""

    folder: Path
    suffix: str = ""
    full_every: int = 10
    _folder_mtime: int | None = None
    _seen: dict[str, tuple[int, int]] = field(default_factory=dict)
    _looks: int = 0

    def prime(self) -> None:
        """Take the current state as the baseline (at start-up: nothing has changed yet)."""
        self._folder_mtime = self._mtime()
        self._seen = self._listing()

    def changes(self) -> tuple[set[str], set[str]] | None:
        """(added or changed names, removed names) since the last look, or None when nothing moved."""
        self._looks += 1
        mtime = self._mtime()
        if mtime == self._folder_mtime and self._looks % self.full_every:
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
