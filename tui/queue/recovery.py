"""The autosave journal: text typed but not yet saved survives a dropped SSH connection.

`.recovery/<id>.json` holds the editor's text, who wrote it and when. The
desk rewrites it atomically every few seconds while the text differs from
the saved draft, and on SIGHUP/SIGTERM; saving the draft removes it. The
next desk to open the case offers the recovered text. Discarding moves the
entry to `.recovery/discarded/` rather than deleting it: nothing typed is
ever lost, only set aside.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from .atomic import atomic_write_text
from .cases import checked_id, parse_time
from .locks import Operator

DISCARDED = "discarded"


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

    def describe(self) -> str:
        from .deadlines import format_kst

        return f"{self.who}@{self.host}, autosaved {format_kst(self.saved_at, seconds=True)}"


class Journal:
    def __init__(self, folder: Path, operator: Operator, clock: Callable[[], datetime] | None = None):
        self.folder = Path(folder)
        self.operator = operator
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def path(self, case_id: str) -> Path:
        return self.folder / f"{checked_id(case_id)}.json"

    def write(self, case_id: str, text: str, base_text: str) -> None:
        data = {
            "case": case_id,
            "who": self.operator.who,
            "host": self.operator.host,
            "pid": self.operator.pid,
            "saved_at": self.clock().isoformat(timespec="seconds"),
            "base_sha256": text_digest(base_text),
            "text": text,
        }
        atomic_write_text(self.path(case_id), json.dumps(data, ensure_ascii=False, indent=1) + "\n")

    def read(self, case_id: str) -> Recovered | None:
        """The journal entry, or None. A corrupt entry is set aside (never silently deleted)."""
        path = self.path(case_id)
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError):
            self._set_aside(case_id, "corrupt")
            return None
        try:
            data = json.loads(raw)
            text = data["text"]
            if not isinstance(text, str):
                raise TypeError("text")
            saved_at = parse_time(data["saved_at"], "saved_at") if data.get("saved_at") else None
        except (ValueError, KeyError, TypeError):
            self._set_aside(case_id, "corrupt")
            return None
        return Recovered(
            case_id=case_id,
            text=text,
            who=str(data.get("who", "?")),
            host=str(data.get("host", "?")),
            saved_at=saved_at,
            base_digest=str(data.get("base_sha256", "")),
        )

    def clear(self, case_id: str) -> None:
        """After a successful save the journal's text is on disk as the draft: drop it."""
        try:
            os.unlink(self.path(case_id))
        except FileNotFoundError:
            pass

    def discard(self, case_id: str) -> Path | None:
        """The operator chose the saved draft over the recovered text: keep it aside, just in case."""
        return self._set_aside(case_id, "discarded")

    def _set_aside(self, case_id: str, why: str) -> Path | None:
        source = self.path(case_id)
        if not source.exists():
            return None
        target_dir = self.folder / DISCARDED
        target_dir.mkdir(parents=True, exist_ok=True)
        stamp = self.clock().strftime("%Y%m%dT%H%M%S")
        target = target_dir / f"{case_id}.{stamp}.{why}.json"
        n = 1
        while target.exists():
            n += 1
            target = target_dir / f"{case_id}.{stamp}.{why}.{n}.json"
        os.replace(source, target)
        return target
