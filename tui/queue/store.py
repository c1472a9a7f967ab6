"""A queue directory: load its cases, read and save drafts, change a case's status.

    QUEUE/
      cases/<id>.json      one case each (schema in README "Case files")
      drafts/<id>.txt      the reply being written; exactly what `replydesk lint` lints
      replydesk.toml       optional linter settings for this queue
      .locks/<id>.lock     who has the case open (see locks.py)
      .recovery/<id>.json  autosaved text not yet saved (see recovery.py)

Every write is atomic (atomic.py), so plain tools and a second operator
never see half a file. Every read refuses symlinks, FIFOs and devices
(safeio.py): the queue is shared, and a planted link must not pull another
user's file into the editor, nor a FIFO freeze the desk.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from stat import S_ISREG
from typing import Callable

from replydesk.linting.atomicfile import FileSnapshot
from replydesk.linting.config import Config, load_config
from replydesk.linting.loading import load_packs
from replydesk.linting.tomldata import DataFileError, file_kind

from .atomic import atomic_write_text
from .cases import Case, CaseFileError, case_from_mapping, checked_id, dump_case, load_case
from .index import CaseIndex, default_index_path
from .safeio import UnsafeFileError, read_regular, refuse_unless_regular
from .sharing import QueueModes
from . import workflow

CASES = "cases"
DRAFTS = "drafts"
LOCKS = ".locks"
RECOVERY = ".recovery"
WRITES_LOCK = ".case-writes"  # in .locks/: flock'ed around every read-change-write of a case file


def seller_role(pack) -> str:
    """The `who` the desk writes on the seller's sent messages: `seller` when the pack counts it as one."""
    roles = pack.history.seller_roles
    return "seller" if "seller" in roles or not roles else sorted(roles)[0]


def attachment_names(data: dict) -> list[str]:
    """The file names a case file lists under `attachments` (names, or tables with a name)."""
    out = []
    for item in data.get("attachments") or []:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            out.append(name)
    return out


class QueueError(Exception):
    """The queue as a whole cannot be opened (missing directory, broken config or pack)."""


class DraftConflict(Exception):
    """The draft on disk is not the one the editor loaded: someone else saved in between.

    `theirs` is the text now on disk ('' if the draft was removed) and
    `stamp` its stamp (None if removed); nothing has been written.
    """

    def __init__(self, path: Path, theirs: str, stamp: FileSnapshot | None):
        super().__init__(f"{path}: changed on disk since it was opened")
        self.path = path
        self.theirs = theirs
        self.stamp = stamp


UNCHECKED = object()  # save_draft(expected=UNCHECKED): write whatever is on disk (tools, tests)


@dataclass
class LoadReport:
    cases: list[Case] = field(default_factory=list)
    errors: list[CaseFileError] = field(default_factory=list)


class QueueStore:
    """The files of one queue. Cheap to construct; `load()` reads the cases."""

    def __init__(
        self,
        root: Path,
        *,
        config: Config | None = None,
        packs: dict | None = None,
        index_path: Path | None | bool = True,
    ):
        """`index_path`: True = the per-user cache (index.py), a path, or False/None = no cache."""
        self.root = Path(root).expanduser().resolve()
        if not self.root.is_dir():
            raise QueueError(f"{self.root}: no such queue directory")
        try:
            self.config = config if config is not None else load_config(start=self.root)
            self.packs = packs if packs is not None else load_packs(self.config.pack_dirs)
        except DataFileError as exc:
            raise QueueError(str(exc)) from None
        # What the desk creates here gets the queue directory's group and mode, not the umask's.
        self.modes = QueueModes.of(self.root)
        self.cases_dir = self.root / CASES
        self.drafts_dir = self.root / DRAFTS
        self.locks_dir = self.root / LOCKS
        self.recovery_dir = self.root / RECOVERY
        if index_path is True:
            index_path = default_index_path(self.root)
        self.index_path: Path | None = index_path or None  # None: this store keeps nothing in the user's cache
        self._index = CaseIndex(self.index_path, self.root)
        self._index_loaded = False

    # --- cases -------------------------------------------------------------

    def case_path(self, case_id: str) -> Path:
        return self.cases_dir / f"{checked_id(case_id)}.json"

    def load(self) -> LoadReport:
        """Every readable case; unreadable ones are reported (file:line), not fatal.

        Unchanged files come from the per-user index (same name, mtime and
        size), so only new or edited files are opened and parsed.
        """
        report = LoadReport()
        if not self.cases_dir.is_dir():
            return report
        index = self._index
        if not self._index_loaded:
            index.load()
            self._index_loaded = True
        folder = self.cases_dir
        try:
            with os.scandir(folder) as entries:
                names = sorted(e.name for e in entries if e.name.endswith(".json") and not e.name.startswith("."))
        except OSError as exc:  # shown like any unreadable case file: the desk opens and says why
            report.errors.append(CaseFileError(folder, None, f"cannot list the case files: {exc.strerror or exc}"))
            return report
        items = []
        for name in names:
            try:
                items.append((name, os.lstat(folder / name)))
            except FileNotFoundError:
                continue  # removed since it was listed
            except OSError as exc:
                report.errors.append(CaseFileError(folder / name, None, f"cannot read: {exc.strerror or exc}"))
        packs = self.packs
        for name, stat in items:
            path = folder / name
            if not S_ISREG(stat.st_mode):  # a planted symlink or FIFO: reported, never opened
                report.errors.append(CaseFileError(path, None, f"is {file_kind(stat.st_mode)}, not a regular file; refusing to use it"))
                continue
            raw = index.get(name, stat.st_mtime_ns, stat.st_size)
            if raw is not None:
                try:
                    report.cases.append(case_from_mapping(raw, packs, path=path, thorough=False))
                    continue
                except CaseFileError:
                    pass  # packs changed since: read the file itself for a proper file:line error
            try:
                case = load_case(path, packs, thorough=False)
            except CaseFileError as exc:
                report.errors.append(exc)
                continue
            report.cases.append(case)
            index.put(name, stat.st_mtime_ns, stat.st_size, case.raw)
        index.keep_only({name for name, _stat in items})
        return report

    def save_index(self) -> None:
        """Write the per-user case index if the last load changed it (call off the UI thread)."""
        self._index.save()

    def reload_case(self, case_id: str) -> Case:
        return load_case(self.case_path(case_id), self.packs)

    def write_case(self, data: dict) -> Case:
        """Validate, then atomically replace the case file; returns the re-read case."""
        path = self.case_path(data["id"])
        text = dump_case(data)
        case = case_from_mapping(data, self.packs, path=path, text=text)
        try:
            refuse_unless_regular(path)
        except UnsafeFileError as exc:
            raise CaseFileError(path, None, exc.reason) from None
        atomic_write_text(path, text, parents=False, new_mode=self.modes.file)
        return case

    def update_case(self, case_id: str, change: Callable[[dict], dict]) -> Case:
        """Re-read the case, apply `change` to its mapping, write it; one writer at a time.

        Two desks that change the same case at once (one assigns it while
        the other marks it sent) must not lose either change: the re-read,
        change and write happen under an exclusive `flock` on
        `.locks/.case-writes`, which every desk on the host takes. Another
        tool's edits to other keys are kept (the file is re-read first).
        """
        with self._one_writer():
            current = self.reload_case(case_id)
            data = change(current.raw)
            if data is current.raw:
                return current
            return self.write_case(data)

    def writing(self):
        """The one-writer lock every read-change-write of a case file takes (the desk's, the
        importer's, the receiver's): `with store.writing(): ...`."""
        return self._one_writer()

    @contextmanager
    def _one_writer(self):
        try:
            self.modes.make_folder(self.locks_dir)
            fd = os.open(self.locks_dir / WRITES_LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, self.modes.file)
        except OSError:
            yield  # a read-only .locks: the write itself says what is wrong
            return
        try:
            try:
                self.modes.fix_file(fd)
            except OSError:
                pass  # someone else's file: its mode is theirs to keep
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the flock

    def set_status(self, case_id: str, status: str, who: str, when: datetime, *, note: str = "") -> Case:
        """A status change, recorded in the case's history with who and when (workflow.py)."""
        return self.update_case(case_id, lambda data: workflow.change_status(data, status, who, when, note=note))

    def assign(self, case_id: str, assignee: str | None, who: str, when: datetime) -> Case:
        return self.update_case(case_id, lambda data: workflow.assign(data, assignee, who, when))

    def mark_sent(self, case_id: str, text: str, who: str, when: datetime, *, receipt: str | None = None) -> Case:
        """Record the text as sent (frozen in the history, with the receipt and the case's
        attachments as they are now), then clear the draft: what is written next is a follow-up.

        The draft file is removed only while it still holds exactly the sent
        text; anything else there is someone's newer work and stays.
        """
        updated = self.update_case(
            case_id,
            lambda data: workflow.mark_sent(
                data, text, who, when, seller_role=seller_role(self.packs[data["platform"]]),
                receipt=receipt, attachments=attachment_names(data),
            ),
        )
        self._remove_draft_holding(case_id, text)
        return updated

    def ignore_finding(self, case_id: str, rule: str, quote: str | None, reason: str, who: str, when: datetime) -> Case:
        """A finding judged a false alarm for this case, with the reason (workflow.ignore_finding)."""
        return self.update_case(case_id, lambda data: workflow.ignore_finding(data, rule, quote, reason, who, when))

    def record_result(self, case_id: str, status: str, who: str, when: datetime, *, outcome: str | None = None) -> Case:
        """The platform's answer: `under-review`, or `closed` with an outcome (workflow.record_result)."""
        return self.update_case(case_id, lambda data: workflow.record_result(data, status, who, when, outcome=outcome))

    def undo_status(self, case_id: str, who: str, when: datetime) -> tuple[Case, workflow.Undone]:
        """Undo the last status change (workflow.NothingToUndo when there is none to undo).

        Undoing a send puts the sent text back into the draft when the draft is
        empty, so the reply can be edited and sent again; nothing is lost either way
        (the undo record keeps which record it undid, the text is in the draft).
        """
        outcome: list[workflow.Undone] = []

        def change(data: dict) -> dict:
            undone = workflow.undo_last_status_change(data, who, when)
            outcome.append(undone)
            return undone.data

        updated = self.update_case(case_id, change)
        undone = outcome[-1]
        if undone.sent_text:
            current, stamp = self.read_draft_stamped(case_id)
            if not current.strip():
                self.save_draft(case_id, undone.sent_text, expected=stamp)
        return updated, undone

    def _remove_draft_holding(self, case_id: str, text: str) -> None:
        path = self.draft_path(case_id)
        try:
            current, _stamp = self.read_draft_stamped(case_id)
        except CaseFileError:
            return
        if current == text:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass

    # --- drafts ------------------------------------------------------------

    def draft_path(self, case_id: str) -> Path:
        return self.drafts_dir / f"{checked_id(case_id)}.txt"

    def read_draft(self, case_id: str) -> str:
        """The saved draft ('' when none yet). Newlines are kept as they are on disk."""
        return self.read_draft_stamped(case_id)[0]

    def read_draft_stamped(self, case_id: str) -> tuple[str, FileSnapshot | None]:
        """The saved draft and its stamp (None when there is no draft yet).

        A symlink, FIFO, device or directory in its place, an unreadable
        or oversized file: CaseFileError naming the file, nothing read.
        A leading byte-order mark (some Windows editors write one) is not
        part of the reply and is dropped: the linter's offsets start after
        it, so with it in the editor every mark, jump and fix was one
        character off.
        """
        path = self.draft_path(case_id)
        try:
            data, st = read_regular(path)
        except FileNotFoundError:
            return "", None
        except UnsafeFileError as exc:
            raise CaseFileError(path, None, exc.reason) from None
        except OSError as exc:
            raise CaseFileError(path, None, f"cannot read: {exc.strerror or exc}") from None
        try:
            text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise CaseFileError(path, line, "draft is not UTF-8 text") from None
        return text, FileSnapshot.of(path, data, st)

    def draft_stamp(self, case_id: str) -> FileSnapshot | None:
        return self.read_draft_stamped(case_id)[1]

    def save_draft(self, case_id: str, text: str, *, expected=UNCHECKED) -> FileSnapshot:
        """Atomically replace the draft; returns the new stamp.

        With `expected` (the stamp the editor loaded, None for "there was no
        draft"), a draft that changed on disk since raises DraftConflict and
        nothing is written: another operator's or tool's newer text is never
        overwritten unseen. A touched but identical file is not a conflict.
        A symlink or special file in the draft's place raises CaseFileError.
        """
        path = self.draft_path(case_id)
        check: Callable[[], None] | None = None
        if expected is not UNCHECKED:

            def unchanged_since_loaded() -> None:
                theirs, now = self.read_draft_stamped(case_id)
                if now != expected and (now is None or expected is None or now.digest != expected.digest):
                    raise DraftConflict(path, theirs, now)

            check = unchanged_since_loaded
            check()  # before writing anything: the usual case costs no temp file
        else:
            try:
                refuse_unless_regular(path)
            except UnsafeFileError as exc:
                raise CaseFileError(path, None, exc.reason) from None
        data = text.encode("utf-8")
        # Checked again just before the rename: a save that lands while ours is written is not lost.
        atomic_write_text(path, text, parents=False, new_mode=self.modes.file, before_replace=check)
        try:
            return FileSnapshot.of(path, data, os.lstat(path))
        except OSError:
            return FileSnapshot(len(data), 0, hashlib.sha256(data).digest())

    def save_draft_copy(self, case_id: str, text: str, who: str, when: datetime) -> Path:
        """Keep the operator's text beside the draft: `drafts/<id>.<who>.<YYYYmmddTHHMMSS>.txt`.

        Used when a save would have overwritten someone else's newer draft.
        The copy is a new file (never replaces one), named so that its owner
        and time are plain; `who` is reduced to file-name-safe characters.
        """
        checked_id(case_id)
        safe_who = re.sub(r"[^A-Za-z0-9_-]+", "_", who).strip("_")[:32] or "operator"
        stamp = when.strftime("%Y%m%dT%H%M%S")
        base = f"{case_id}.{safe_who}.{stamp}"
        n = 1
        path = self.drafts_dir / f"{base}.txt"
        while os.path.lexists(path):
            n += 1
            path = self.drafts_dir / f"{base}.{n}.txt"
        atomic_write_text(path, text, parents=False, new_mode=self.modes.file)
        return path

    def draft_exists(self, case_id: str) -> bool:
        return self.draft_path(case_id).exists()
