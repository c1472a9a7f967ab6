"""Case locks: one operator edits a case, everyone else sees who and reads it only.

A lock is `.locks/<id>.lock`, a small JSON file {who, host, pid, since,
token}. It is created complete or not at all (written to a temp file,
then hard-linked into place, which fails if a lock exists). A lock whose
pid is dead on this host is stale and is taken over, with a notice. Locks
from another host cannot be checked and count as live.
"""
from __future__ import annotations

import getpass
import json
import os
import socket
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from replydesk.linting.context import parse_datetime

from .cases import CaseFileError, checked_id
from .safeio import UnsafeFileError, read_regular
from .sharing import QueueModes

SUFFIX = ".lock"
UNREADABLE_GRACE_SECONDS = 10.0  # a lock file being written right now may be briefly empty


@dataclass(frozen=True)
class Operator:
    """Who this desk is: name, host, process and a per-session token (two desks in one process differ)."""

    who: str
    host: str
    pid: int
    token: str

    @classmethod
    def current(cls, who: str | None = None) -> "Operator":
        name = who or os.environ.get("REPLYDESK_OPERATOR") or _login_name()
        return cls(who=name, host=socket.gethostname(), pid=os.getpid(), token=uuid.uuid4().hex)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return f"uid{os.getuid()}"


@dataclass(frozen=True)
class LockInfo:
    case_id: str
    who: str
    host: str
    pid: int
    since: datetime | None
    token: str

    @property
    def label(self) -> str:
        return f"{self.who}@{self.host}"

    def describe(self) -> str:
        from .deadlines import format_kst

        return f"{self.who}@{self.host} (pid {self.pid}) since {format_kst(self.since)}"


@dataclass(frozen=True)
class LockOutcome:
    """`acquired` or not; `holder` is the live owner when not; `took_over` the stale lock replaced."""

    acquired: bool
    holder: LockInfo | None = None
    took_over: LockInfo | None = None


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, belongs to someone else
    except OSError:
        return False
    return True


class Locks:
    """The lock directory of one queue, seen by one operator session."""

    def __init__(self, folder: Path, operator: Operator, clock: Callable[[], datetime] | None = None):
        self.folder = Path(folder)
        self.operator = operator
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.modes = QueueModes.of(self.folder.parent)  # the queue's: every desk must read every lock

    def path(self, case_id: str) -> Path:
        return self.folder / f"{checked_id(case_id)}{SUFFIX}"

    def _payload(self, case_id: str) -> bytes:
        op = self.operator
        data = {
            "case": case_id,
            "who": op.who,
            "host": op.host,
            "pid": op.pid,
            "since": self.clock().isoformat(timespec="seconds"),
            "token": op.token,
        }
        return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")

    def _write_temp(self, case_id: str) -> str:
        checked_id(case_id)  # the temp name carries the id too
        self.modes.make_folder(self.folder)  # not parents: a queue someone removed is not re-created
        fd, tmp = tempfile.mkstemp(prefix=f".{case_id}.", suffix=".tmp", dir=self.folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(self._payload(case_id))
            handle.flush()
            # mkstemp makes 0600 files: other operators' desks must read who holds the lock
            # (the queue's mode, whatever this operator's umask).
            self.modes.fix_file(handle.fileno())
            os.fsync(handle.fileno())
        return tmp

    def read(self, case_id: str) -> LockInfo | None:
        """The lock on a case, or None. A half-written or corrupt file reads as an unknown holder.

        A symlink, FIFO or device in the lock's place is not a lock any desk
        wrote: CaseFileError naming it, never followed or read (safeio.py).
        """
        path = self.path(case_id)
        try:
            raw, _st = read_regular(path, limit=64 * 1024)
        except FileNotFoundError:
            return None
        except UnsafeFileError as exc:
            raise CaseFileError(path, None, f"{exc.reason} (not a lock a desk wrote; remove it to use the case)") from None
        except OSError:
            # Unreadable (another operator's umask, a permission mistake): someone holds it, and
            # nothing here proves their desk is gone, so it is never stale (host unknown).
            return LockInfo(case_id, "?", "?", 0, None, "")
        try:
            data = json.loads(raw.decode("utf-8"))
            since = parse_datetime("since", data["since"]) if data.get("since") else None
            return LockInfo(
                case_id=case_id,
                who=str(data.get("who", "?")),
                host=str(data.get("host", "?")),
                pid=int(data.get("pid", 0)),
                since=since,
                token=str(data.get("token", "")),
            )
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError, UnicodeDecodeError):  # not a lock a desk wrote
            try:
                age = time.time() - path.stat().st_mtime
            except OSError:
                return None
            if age < UNREADABLE_GRACE_SECONDS:
                return LockInfo(case_id, "?", "?", 0, None, "")
            # An old unreadable lock: treat it as left behind by a dead desk on this host.
            return LockInfo(case_id, "?", self.operator.host, 0, None, "")

    def is_mine(self, info: LockInfo | None) -> bool:
        return info is not None and info.token == self.operator.token

    def is_stale(self, info: LockInfo) -> bool:
        """Only provable on this host: the pid that holds it no longer exists."""
        return info.host == self.operator.host and info.pid != self.operator.pid and not pid_alive(info.pid)

    def acquire(self, case_id: str) -> LockOutcome:
        tmp = self._write_temp(case_id)
        try:
            for _attempt in range(3):
                try:
                    os.link(tmp, self.path(case_id))
                    return LockOutcome(True)
                except FileExistsError:
                    pass
                info = self.read(case_id)
                if info is None:
                    continue  # released meanwhile: try again
                if self.is_mine(info):
                    return LockOutcome(True)
                if not self.is_stale(info):
                    return LockOutcome(False, holder=info)
                os.replace(tmp, self.path(case_id))
                tmp = None
                # Two desks may take over at once; whoever's token is in the file won.
                now = self.read(case_id)
                if self.is_mine(now):
                    return LockOutcome(True, took_over=info)
                return LockOutcome(False, holder=now)
            return LockOutcome(False, holder=self.read(case_id))
        finally:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except FileNotFoundError:
                    pass

    def release(self, case_id: str) -> bool:
        """Remove the lock if it is ours (never someone else's, never a planted file)."""
        try:
            info = self.read(case_id)
        except CaseFileError:
            return False
        if not self.is_mine(info):
            return False
        try:
            os.unlink(self.path(case_id))
        except FileNotFoundError:
            return False
        return True

    def all(self) -> dict[str, LockInfo]:
        """Every lock in the queue, by case id (for the queue's lock column)."""
        out: dict[str, LockInfo] = {}
        try:
            entries = list(os.scandir(self.folder))
        except FileNotFoundError:
            return out
        for entry in entries:
            if entry.name.endswith(SUFFIX) and not entry.name.startswith("."):
                case_id = entry.name[: -len(SUFFIX)]
                try:
                    info = self.read(case_id)
                except CaseFileError:
                    continue  # not a lock this desk could have written
                if info is not None:
                    out[case_id] = info
        return out
