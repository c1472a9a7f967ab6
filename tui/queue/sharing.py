"""The modes of what the desk creates inside a queue: taken from the queue directory, not the umask.

A team's queue is one directory of one group, setgid and group-writable
(`chmod 2770`), worked by operators whose umask is 022 or 077. Created
with the umask, a lock would be 0600 (another desk cannot read who holds
it), `.locks/` 0700 (another desk cannot lock at all), a draft 0644 (the
next operator cannot save it). So every file and folder the desk makes in
a queue gets the queue directory's permission bits instead, its group by
the setgid bit (the kernel gives new entries the directory's group), and
a folder keeps the setgid bit so that what is created below it inherits
the group too. Recovery journals hold draft text: the queue's group may
read them, others never.

A personal queue (0755 or 0700) gives what it always gave: 0644 or 0600
files. Pure policy plus two small helpers that apply it.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class QueueModes:
    """The modes new entries of one queue get (`file` for cases, drafts and locks)."""

    file: int
    folder: int
    private_file: int  # recovery journals: never readable by others
    private_folder: int

    @classmethod
    def of(cls, root: Path | str) -> "QueueModes":
        """The modes a queue directory implies; a queue that cannot be looked at implies 0600/0700."""
        try:
            st = os.stat(root)
        except OSError:
            return cls(0o600, 0o700, 0o600, 0o700)
        bits = st.st_mode & 0o777
        setgid = st.st_mode & stat.S_ISGID
        file = (bits & 0o666) | 0o600  # the owner can always read and rewrite what it made
        folder = bits | 0o700 | setgid
        return cls(file=file, folder=folder, private_file=file & ~0o007, private_folder=folder & ~0o007)

    def make_folder(self, path: Path, *, private: bool = False, parents: bool = False) -> None:
        """Create `path` (if missing) with the queue's folder mode, whatever the umask.

        Only a folder this process created is chmod'ed: an existing one
        belongs to whoever made it, and its mode is theirs to set.
        """
        mode = self.private_folder if private else self.folder
        path = Path(path)
        if parents and not path.parent.exists():
            self.make_folder(path.parent, private=private, parents=True)
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            return
        os.chmod(path, mode)

    def fix_file(self, fd_or_path, *, private: bool = False) -> None:
        """Give a file this process just created the queue's file mode (fchmod when given a descriptor)."""
        mode = self.private_file if private else self.file
        if isinstance(fd_or_path, int):
            os.fchmod(fd_or_path, mode)
        else:
            os.chmod(fd_or_path, mode)
