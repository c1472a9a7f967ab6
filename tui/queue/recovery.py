"""The autosave journal: text typed but not yet saved survives a dropped SSH connection.

`.recovery/<id>.json` holds the editor's text, who wrote it and when. The
desk rewrites it atomically every few seconds while the text differs from
the saved draft, and on SIGHUP/SIGTERM; saving the draft removes it. The
next desk to open the case offers the recovered text. Discarding moves the
entry to `.recovery/discarded/` rather than deleting it: nothing typed is
ever lost, only set aside.

When the queue's journal cannot be written (disk full, quota, read-only
mount, the queue directory removed), the entry goes to the operator's own
data directory instead: `$XDG_DATA_HOME/replydesk/recovery/<queue>-<digest>/`
(default `~/.local/share/replydesk/recovery/...`), folders 0700 and files
0600 because only this operator's next desk needs it. `read` looks in both
places and offers the newer entry; `clear` and `discard` deal with both.
Journal files are read without following symlinks (safeio.py).
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from replydesk.linting.context import parse_datetime

from .atomic import atomic_write_text
from .sharing import QueueModes
from .cases import CaseFileError, checked_id
from .locks import Operator
from .safeio import UnsafeFileError, read_regular

DISCARDED = "discarded"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def user_recovery_root() -> Path:
    """`$XDG_DATA_HOME/replydesk/recovery`, or `~/.local/share/replydesk/recovery` (XDG's default)."""
    base = os.environ.get("XDG_DATA_HOME", "")
    if not os.path.isabs(base):  # the XDG spec: a relative value is ignored
        base = os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "replydesk" / "recovery"


def fallback_folder(queue_root: Path) -> Path:
    """This queue's folder under the operator's recovery root: readable name plus a digest of the path."""
    root = str(Path(queue_root))
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(root).name).strip("._") or "queue"
    digest = hashlib.sha256(root.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return user_recovery_root() / f"{name[:40]}-{digest}"


def describe_os_error(exc: BaseException) -> str:
    """'No space left on device (ENOSPC)' — the words and the errno name an operator can search for."""
    if isinstance(exc, OSError) and exc.errno:
        name = errno.errorcode.get(exc.errno, str(exc.errno))
        return f"{exc.strerror or os.strerror(exc.errno)} ({name})"
    return str(exc) or type(exc).__name__


class JournalWriteError(OSError):
    """Neither the queue's journal nor the operator's own recovery folder could be written."""

    def __init__(self, attempts: list[tuple[Path, BaseException]]):
        first = attempts[0][1]
        super().__init__(getattr(first, "errno", None) or errno.EIO, "; ".join(
            f"{path}: {describe_os_error(exc)}" for path, exc in attempts
        ))
        self.attempts = attempts

    def __str__(self) -> str:
        return self.strerror


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Recovered:
    case_id: str
    text: str
    who: str
    host: str
    saved_at: datetime | None
    base_digest: str  # digest of the saved draft the text was typed over
    path: Path | None = field(default=None, compare=False)  # where it was read (queue or private folder)

    def describe(self) -> str:
        from .deadlines import format_kst

        return f"{self.who}@{self.host}, autosaved {format_kst(self.saved_at, seconds=True)}"


class Journal:
    """The autosave journal of one queue, with a private fallback when the queue cannot be written.

    `fallback` is a folder of this operator's own (see `fallback_folder`);
    None means no fallback (tests of the plain journal, tools).
    """

    def __init__(
        self,
        folder: Path,
        operator: Operator,
        clock: Callable[[], datetime] | None = None,
        *,
        fallback: Path | None = None,
        queue: Path | None = None,
    ):
        self.folder = Path(folder)
        self.operator = operator
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.fallback = Path(fallback) if fallback is not None else None
        self.queue = str(queue) if queue is not None else str(self.folder.parent)
        # Journals hold draft text: the queue's group may read them (another desk offers to
        # recover a case), others never, whatever this operator's umask.
        self.modes = QueueModes.of(self.folder.parent)
        self.last_error: BaseException | None = None  # why the last write went to the fallback

    def path(self, case_id: str) -> Path:
        return self.folder / f"{checked_id(case_id)}.json"

    def fallback_path(self, case_id: str) -> Path | None:
        if self.fallback is None:
            return None
        return self.fallback / f"{checked_id(case_id)}.json"

    def _payload(self, case_id: str, text: str, base_text: str) -> str:
        data = {
            "case": case_id,
            "queue": self.queue,
            "who": self.operator.who,
            "host": self.operator.host,
            "pid": self.operator.pid,
            "saved_at": self.clock().isoformat(timespec="seconds"),
            "base_sha256": text_digest(base_text),
            "text": text,
        }
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"

    def write(self, case_id: str, text: str, base_text: str) -> Path:
        """Journal the text; returns where it landed. JournalWriteError only if no place took it.

        The queue's `.recovery/` first (any desk that opens the case next
        can offer it); on any OSError, the private fallback folder.
        """
        payload = self._payload(case_id, text, base_text)
        primary = self.path(case_id)
        try:
            self.modes.make_folder(self.folder, private=True)
            atomic_write_text(primary, payload, parents=False, new_mode=self.modes.private_file)
            self.last_error = None
            return primary
        except OSError as exc:
            attempts: list[tuple[Path, BaseException]] = [(primary, exc)]
        target = self.fallback_path(case_id)
        if target is not None:
            try:
                _private_dirs(target.parent)
                atomic_write_text(target, payload, mode=PRIVATE_FILE_MODE)
                self.last_error = attempts[0][1]
                return target
            except OSError as exc:
                attempts.append((target, exc))
        raise JournalWriteError(attempts)

    def _candidates(self, case_id: str) -> list[Path]:
        paths = [self.path(case_id)]
        other = self.fallback_path(case_id)
        if other is not None:
            paths.append(other)
        return paths

    def read(self, case_id: str) -> Recovered | None:
        """The newest entry in the queue's or the private folder, or None.

        A corrupt entry is set aside (never silently deleted). A symlink or
        special file in an entry's place raises CaseFileError naming it and
        is left where it is, unread.
        """
        found: list[Recovered] = []
        refused: CaseFileError | None = None
        for path in self._candidates(case_id):
            try:
                entry = self._read_one(case_id, path)
            except CaseFileError as exc:
                refused = exc
                continue
            if entry is not None:
                found.append(entry)
        if not found:
            if refused is not None:
                raise refused
            return None
        epoch = datetime.min.replace(tzinfo=timezone.utc)
        return max(found, key=lambda e: e.saved_at or epoch)

    def _read_one(self, case_id: str, path: Path) -> Recovered | None:
        try:
            raw_bytes, _st = read_regular(path)
            raw = raw_bytes.decode("utf-8")
        except FileNotFoundError:
            return None
        except UnsafeFileError as exc:
            raise CaseFileError(path, None, f"{exc.reason}; the recovered text there was not read") from None
        except (OSError, UnicodeDecodeError):
            self._set_aside(path, case_id, "corrupt")
            return None
        try:
            data = json.loads(raw)
            text = data["text"]
            if not isinstance(text, str):
                raise TypeError("text")
            saved_at = parse_datetime("saved_at", data["saved_at"]) if data.get("saved_at") else None
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):  # not a journal a desk wrote
            self._set_aside(path, case_id, "corrupt")
            return None
        return Recovered(
            case_id=case_id,
            text=text,
            who=str(data.get("who", "?")),
            host=str(data.get("host", "?")),
            saved_at=saved_at,
            base_digest=str(data.get("base_sha256", "")),
            path=path,
        )

    def clear(self, case_id: str) -> None:
        """After a successful save the journal's text is on disk as the draft: drop it (both places)."""
        errors = []
        for path in self._candidates(case_id):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            except OSError as exc:
                errors.append(exc)
        if errors:
            raise errors[0]

    def discard(self, case_id: str) -> Path | None:
        """The operator chose the saved draft over the recovered text: keep it aside, just in case."""
        kept = None
        for path in self._candidates(case_id):
            kept = self._set_aside(path, case_id, "discarded") or kept
        return kept

    def _set_aside(self, source: Path, case_id: str, why: str) -> Path | None:
        if not os.path.lexists(source):
            return None
        target_dir = source.parent / DISCARDED
        if self.fallback is not None and source.parent == self.fallback:
            _private_dirs(target_dir)
        else:
            self.modes.make_folder(target_dir, private=True)
        stamp = self.clock().strftime("%Y%m%dT%H%M%S")
        target = target_dir / f"{case_id}.{stamp}.{why}.json"
        n = 1
        while os.path.lexists(target):
            n += 1
            target = target_dir / f"{case_id}.{stamp}.{why}.{n}.json"
        os.replace(source, target)
        return target


def _private_dirs(folder: Path) -> None:
    """Create `folder` (and the recovery root above it) 0700; tighten them if they already exist."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    for path in (folder, folder.parent):
        try:
            st = os.lstat(path)
            if st.st_uid == os.getuid() and st.st_mode & 0o077:
                os.chmod(path, PRIVATE_DIR_MODE)
        except OSError:
            pass
