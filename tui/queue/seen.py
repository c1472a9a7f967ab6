"""What this operator last saw of each case, so the queue can mark "updated since I last looked".

A team works one queue: while an operator is elsewhere, a colleague
changes a status, assigns the case, or a new buyer message is imported.
The queue marks such a case (•) for every operator who had looked at it
before, until they open it again; cases never opened carry no mark (their
status, `new`, says it already).

A case's revision is what changes when someone works on it: the number of
history entries (messages and the desk's records), the newest entry's
time, the status and the assignee. It is cheap (no file read) and a
desk's own changes are recorded as seen (`looked_at`) as they are made.

The marks are per user, in the user's cache folder beside the case index
(never in the shared queue), plain JSON written atomically; losing the
file loses the marks, nothing else.
"""
from __future__ import annotations

import json
from pathlib import Path

from .atomic import atomic_write_text
from .cases import Case
from .index import user_queue_file

FORMAT = 1


def default_seen_path(queue_root: Path) -> Path:
    return user_queue_file(queue_root, "seen")


def revision(case: Case) -> str:
    history = case.raw.get("history")
    entries = history if isinstance(history, list) else []
    newest = entries[-1].get("when") if entries and isinstance(entries[-1], dict) else None
    return f"{len(entries)}|{newest}|{case.status}|{case.assignee or ''}"


class SeenCases:
    """case id → the revision this operator last saw."""

    def __init__(self, path: Path | None):
        self.path = path
        self.marks: dict[str, str] = {}
        self.dirty = False
        if path is not None:
            self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # no marks yet, or a damaged file: start over
        if isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("seen"), dict):
            self.marks = {k: v for k, v in data["seen"].items() if isinstance(k, str) and isinstance(v, str)}

    def looked_at(self, case: Case) -> None:
        rev = revision(case)
        if self.marks.get(case.id) != rev:
            self.marks[case.id] = rev
            self.dirty = True

    def is_updated(self, case: Case) -> bool:
        seen = self.marks.get(case.id)
        return seen is not None and seen != revision(case)

    def snapshot(self) -> str | None:
        """The file's text when it needs writing (then no longer dirty); None otherwise."""
        if not self.dirty or self.path is None:
            return None
        self.dirty = False
        return json.dumps({"format": FORMAT, "seen": self.marks}, ensure_ascii=False, sort_keys=True)

    def write(self, text: str) -> None:
        """Write a snapshot (off the UI thread); a cache folder that cannot be written costs only the marks."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, text, parents=False, new_mode=0o600)
        except OSError:
            pass
