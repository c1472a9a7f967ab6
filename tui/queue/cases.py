"""One case file (`cases/<id>.json`): its schema, validation and rewrite.

The same keys serve the linter (`context_from_mapping(strict=False)`
reads platform, kind, IDs, keywords, attachments and history from the
raw mapping), so a case file is also a valid `replydesk lint --case`.
Unknown keys are kept untouched when the desk rewrites a file.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Mapping

from replydesk.linting.context import ContextError, context_from_mapping
from replydesk.linting.tomldata import nesting_too_deep

STATUSES = ("new", "drafting", "ready", "sent")
PRIORITIES = ("high", "normal", "low")
KST = timezone(timedelta(hours=9), "KST")
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
REQUIRED_KEYS = ("id", "platform", "kind", "subject", "received_at")


class CaseFileError(ValueError):
    """A case that cannot be used; prints as `path:line: message` like every data-file error."""

    def __init__(self, path: Path | str | None, line: int | None, message: str):
        self.path = path
        self.line = line
        self.message = message
        where = str(path) if path is not None else "<case>"
        if line:
            where += f":{line}"
        super().__init__(f"{where}: {message}")


def checked_id(case_id) -> str:
    """The id itself when it is safe to put in a file name; else a CaseFileError.

    Every path the queue builds from an id (case, draft, lock, journal)
    goes through this, so `../x`, `/etc/passwd` or a NUL can never name a
    file outside the queue directory, whatever the caller forgot to check.
    """
    if not isinstance(case_id, str) or not ID_PATTERN.fullmatch(case_id):
        raise CaseFileError(
            None, None, f"refusing case id {case_id!r}: ids are 1-80 letters, digits, '.', '_' or '-' (no paths)"
        )
    return case_id


@dataclass(eq=False)
class Case:
    """A case as the desk shows it. `raw` is the file's own mapping (the source of truth)."""

    id: str
    platform: str
    kind: str
    subject: str
    received_at: datetime
    deadline: datetime | None
    deadline_computed: bool
    priority: str
    status: str
    raw: dict
    path: Path | None = None
    search_text: str = field(default="", repr=False)

    @property
    def order_ids(self) -> tuple[str, ...]:
        return _strings(self.raw.get("order_ids"))

    @property
    def claim_ids(self) -> tuple[str, ...]:
        return _strings(self.raw.get("claim_ids"))

    @property
    def case_ids(self) -> tuple[str, ...]:
        return _strings(self.raw.get("case_ids"))

    @property
    def asins(self) -> tuple[str, ...]:
        return _strings(self.raw.get("asins"))

    @property
    def history(self) -> list[dict]:
        value = self.raw.get("history") or []
        return [m for m in value if isinstance(m, dict)]

    @property
    def attachments(self) -> list[dict]:
        out = []
        for item in self.raw.get("attachments") or []:
            out.append({"name": item} if isinstance(item, str) else item)
        return [a for a in out if isinstance(a, dict)]

    def lint_mapping(self) -> dict:
        """The mapping handed to `context_from_mapping`: the file plus the computed deadline."""
        data = dict(self.raw)
        if self.deadline is not None:
            data["deadline"] = self.deadline.isoformat()
        return data

    def with_status(self, status: str) -> dict:
        """The raw mapping with a new status (the caller writes it atomically)."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r} (known: {', '.join(STATUSES)})")
        data = dict(self.raw)
        data["status"] = status
        return data


def _strings(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return (str(value),)
    return tuple(str(v) for v in value if isinstance(v, (str, int)) and not isinstance(v, bool))


def key_line(text: str | None, key: str) -> int | None:
    """The line of the first `"key":` in a JSON text (good enough to point an operator at it)."""
    if not text:
        return None
    match = re.search(r'"' + re.escape(key) + r'"\s*:', text)
    if match is None:
        return None
    return text.count("\n", 0, match.start()) + 1


def parse_time(value, key: str) -> datetime:
    """ISO 8601; a time without an offset is read as KST, the clock every platform counts in."""
    if not isinstance(value, str):
        raise ValueError(f"{key}: expected an ISO 8601 date-time string, got {type(value).__name__}")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{key}: not an ISO 8601 date-time: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=KST)
    return parsed


def case_from_mapping(
    data: Mapping,
    packs: Mapping,
    *,
    path: Path | None = None,
    text: str | None = None,
    thorough: bool = True,
) -> Case:
    """Validate one case mapping; the deadline comes from the pack window when the file has none.

    `thorough=False` (the queue's bulk load) skips the linter-field and
    history checks, which are most of the cost; they run when the case is
    opened, imported or rewritten.
    """

    def fail(key: str | None, message: str) -> CaseFileError:
        return CaseFileError(path, key_line(text, key) if key else None, message)

    if not isinstance(data, Mapping):
        raise fail(None, "a case file must hold one JSON object")
    for key in REQUIRED_KEYS:
        if key not in data:
            raise fail(None, f"missing required key '{key}'")
    case_id = data["id"]
    if not isinstance(case_id, str) or not ID_PATTERN.fullmatch(case_id):
        raise fail("id", f"id must be 1-80 letters, digits, '.', '_' or '-', got {case_id!r}")
    if path is not None and path.stem != case_id:
        raise fail("id", f"id {case_id!r} does not match the file name {path.name!r}")
    for key in ("platform", "kind", "subject"):
        if not isinstance(data[key], str) or not data[key].strip():
            raise fail(key, f"{key} must be a non-empty string")
    platform = data["platform"].strip().lower()
    kind = data["kind"].strip().lower()
    if platform not in packs:
        raise fail("platform", f"unknown platform {platform!r} (known: {', '.join(sorted(packs))})")
    pack = packs[platform]
    if kind not in pack.kinds:
        raise fail("kind", f"unknown kind {kind!r} for {platform} (known: {', '.join(sorted(pack.kinds))})")
    try:
        received_at = parse_time(data["received_at"], "received_at")
    except ValueError as exc:
        raise fail("received_at", str(exc)) from None
    deadline_computed = False
    if data.get("deadline") is not None:
        try:
            deadline = parse_time(data["deadline"], "deadline")
        except ValueError as exc:
            raise fail("deadline", str(exc)) from None
    else:
        window = pack.kind(kind).window
        try:
            deadline = window.deadline(received_at, pack.tz) if window is not None else None
        except (OverflowError, ValueError):  # received_at near 9999-12-31: its window ends past the calendar
            raise fail("received_at", f"received_at {data['received_at']!r}: date out of range: its reply window ends past the year 9999") from None
        deadline_computed = deadline is not None
    status = data.get("status", "new")
    if status not in STATUSES:
        raise fail("status", f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    priority = data.get("priority") or pack.kind(kind).priority
    if priority not in PRIORITIES:
        raise fail("priority", f"priority must be one of {', '.join(PRIORITIES)}, got {priority!r}")
    if thorough:
        try:
            context_from_mapping({k: v for k, v in data.items() if k not in ("received_at", "deadline")}, strict=False)
        except ContextError as exc:
            raise fail(exc.key.split("[")[0], str(exc)) from None
        for i, message in enumerate(data.get("history") or []):
            if isinstance(message, dict) and message.get("when") is not None:
                try:
                    parse_time(message["when"], f"history[{i + 1}].when")
                except ValueError as exc:
                    raise fail("history", str(exc)) from None
    raw = dict(data)
    raw["platform"], raw["kind"] = platform, kind
    case = Case(
        id=case_id,
        platform=platform,
        kind=kind,
        subject=data["subject"].strip(),
        received_at=received_at,
        deadline=deadline,
        deadline_computed=deadline_computed,
        priority=priority,
        status=status,
        raw=raw,
        path=path,
    )
    case.search_text = search_text(case)
    return case


def search_text(case: Case) -> str:
    """What `/` matches against: everything an operator might remember about a case."""
    parts = [case.id, case.platform, case.kind, case.status, case.subject]
    raw = case.raw
    for key in ("order_ids", "claim_ids", "case_ids", "asins"):
        value = raw.get(key)
        if isinstance(value, list):
            parts.extend(str(v) for v in value)
        elif value:
            parts.append(str(value))
    return " ".join(parts).lower()


def load_case(path: Path, packs: Mapping, *, thorough: bool = True) -> Case:
    """Read and validate `cases/<id>.json`. Raises CaseFileError naming file and line.

    A symlink, FIFO or device in a case's place is refused unread (safeio.py).
    """
    from .safeio import UnsafeFileError, read_regular

    try:
        raw_bytes, _st = read_regular(path)
    except UnsafeFileError as exc:
        raise CaseFileError(path, None, exc.reason) from None
    except OSError as exc:
        raise CaseFileError(path, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw_bytes.count(b"\n", 0, exc.start) + 1
        raise CaseFileError(path, line, "not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CaseFileError(path, exc.lineno, f"invalid JSON: {exc.msg}") from None
    except RecursionError:
        message, line = nesting_too_deep(text, "json")
        raise CaseFileError(path, line, f"invalid JSON: {message}") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise CaseFileError(path, None, f"invalid JSON: {exc}") from None
    return case_from_mapping(data, packs, path=path, text=text, thorough=thorough)


def dump_case(data: Mapping) -> str:
    """The on-disk form: pretty, UTF-8 (Korean and Chinese stay readable), trailing newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
