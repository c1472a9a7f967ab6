"""A queue directory: load its cases, read and save drafts, change a case's status.

    QUEUE/
      cases/<id>.json      one case each (schema in README "Case files")
      drafts/<id>.txt      the reply being written; exactly what `replydesk lint` lints
      replydesk.toml       optional linter settings for this queue
      .locks/<id>.lock     who has the case open (see locks.py)
      .recovery/<id>.json  autosaved text not yet saved (see recovery.py)

Every write is atomic (atomic.py), so plain tools and a second operator
never see half a file.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from replydesk.linting.config import Config, load_config
from replydesk.linting.loading import load_packs
from replydesk.linting.tomldata import DataFileError

from .atomic import atomic_write_text
from .cases import Case, CaseFileError, case_from_mapping, checked_id, dump_case, load_case
from .index import CaseIndex, default_index_path

CASES = "cases"
DRAFTS = "drafts"
LOCKS = ".locks"
RECOVERY = ".recovery"


class QueueError(Exception):
    """The queue as a whole cannot be opened (missing directory, broken config or pack)."""


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
        self.cases_dir = self.root / CASES
        self.drafts_dir = self.root / DRAFTS
        self.locks_dir = self.root / LOCKS
        self.recovery_dir = self.root / RECOVERY
        if index_path is True:
            index_path = default_index_path(self.root)
        self._index = CaseIndex(index_path or None, self.root)
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
        with os.scandir(self.cases_dir) as entries:
            items = sorted(
                (e.name, e.stat()) for e in entries if e.name.endswith(".json") and not e.name.startswith(".")
            )
        folder = self.cases_dir
        packs = self.packs
        for name, stat in items:
            path = folder / name
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
        self.cases_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, text)
        return case

    def set_status(self, case: Case, status: str) -> Case:
        """Re-read the file first so another tool's edits to other keys are not overwritten."""
        current = self.reload_case(case.id)
        return self.write_case(current.with_status(status))

    # --- drafts ------------------------------------------------------------

    def draft_path(self, case_id: str) -> Path:
        return self.drafts_dir / f"{checked_id(case_id)}.txt"

    def read_draft(self, case_id: str) -> str:
        """The saved draft ('' when none yet). Newlines are kept as they are on disk."""
        path = self.draft_path(case_id)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return ""
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise CaseFileError(path, line, "draft is not UTF-8 text") from None

    def save_draft(self, case_id: str, text: str) -> None:
        atomic_write_text(self.draft_path(case_id), text)

    def draft_exists(self, case_id: str) -> bool:
        return self.draft_path(case_id).exists()
