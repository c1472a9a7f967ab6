"""One case file: the JSON object a queue keeps per case, `lint --case` reads and the importer writes.

There is one reader and one validator for it, so the three users cannot
disagree: a time without an offset is KST everywhere (`context.parse_datetime`),
the linter fields become a `CaseContext` once (`Case.context`), and errors
are `path:line: message` (`CaseFileError`, a `DataFileError`).

Two levels of strictness:
- `load_case_context` (`lint --case FILE`): only the linter's fields are
  validated; any other key is left alone, and none is required.
- `load_case` / `case_from_mapping` (the desk and the importer): a queue
  case also needs `REQUIRED_KEYS`, a known platform and kind (from the
  packs), a status and a priority; its deadline comes from the pack's
  window when the file has none.

Pure apart from `load_case`/`load_case_context`, which read one file.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping

from .context import ID_FIELDS, CaseContext, ContextError, context_from_mapping, parse_datetime
from .packs import PRIORITIES
from .schema import SchemaError, decode, key
from .tomldata import (
    DataFileError,
    NotRegularFile,
    location,
    nesting_too_deep,
    over_limit,
    read_regular_bytes,
    read_regular_file,
)

# A case's life: drafted, ready, sent; then the platform reviews it and closes it with an outcome.
STATUSES = ("new", "drafting", "ready", "sent", "under-review", "closed")
# The statuses of a case whose reply has gone to the platform: its deadline no longer runs.
ANSWERED = frozenset({"sent", "under-review", "closed"})
# What the platform decided when it closed the case (the seeds' Claim Reversed, Partial Recovery, Review Denied; accepted: an appeal or reply taken).
OUTCOMES = ("reversed", "partial", "denied", "accepted")
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
# The times a queue case keeps; the desk reads them itself (`Case.received_at`, `Case.deadline`).
_TIME_KEYS = ("received_at", "deadline")


def _case_id(value) -> str | None:
    if isinstance(value, str) and ID_PATTERN.fullmatch(value):
        return None
    return f"id must be 1-80 letters, digits, '.', '_' or '-', got {value!r}"


def _text(name: str):
    def check(value) -> str | None:
        return None if isinstance(value, str) and value.strip() else f"{name} must be a non-empty string"
    return check


def _operator(value) -> str | None:
    if value is None or (isinstance(value, str) and 0 < len(value.strip()) <= 64 and value.isprintable()):
        return None
    return f"assignee must be an operator's name (1-64 printable characters) or null, got {value!r}"


def _one_of(name: str, choices: tuple[str, ...]):
    def check(value) -> str | None:
        return None if value in choices else f"{name} must be one of {', '.join(choices)}, got {value!r}"
    return check


def _time(name: str):
    def convert(value) -> datetime:
        try:
            return parse_datetime(name, value)
        except ContextError as exc:
            raise SchemaError((), str(exc)) from None
    return convert


@dataclass(frozen=True)
class QueueFields:
    """The keys a queue case has besides the linter's (`CaseContext`): its schema for the desk.

    A new case field (an assignee, a receipt) is a field here: decoded,
    checked, allowed in front matter and listed in the README from this
    one declaration. Any other key is kept untouched when the desk
    rewrites the file.
    """

    id: str = key(required=True, accepts=Any, check=_case_id, doc="letters, digits, `.`, `_`, `-` (≤ 80); must equal the file name")
    subject: str = key(required=True, accepts=Any, check=_text("subject"), convert=str.strip, doc="one line for the queue")
    received_at: datetime = key(required=True, accepts=Any, convert=_time("received_at"), doc="when the notice arrived; a time without an offset is KST")
    deadline: datetime | None = key(None, accepts=Any, convert=_time("deadline"), doc="when the answer is due; none: the pack's `window` for the kind, if it has one")
    priority: str | None = key(None, accepts=Any, check=_one_of("priority", PRIORITIES), doc="`high`, `normal` or `low`; none: the pack kind's")
    status: str = key("new", accepts=Any, check=_one_of("status", STATUSES), doc="`new`, `drafting`, `ready`, `sent`, `under-review` or `closed`; saving a non-empty draft moves `new` (or an answered case: a follow-up) to `drafting`; `ctrl+r` sets `ready`, `ctrl+t` `sent`, `v` `under-review` or `closed`; `import` and `receive` follow the platform's status where sources.toml says what it means; each change is a record in `history`")
    outcome: str | None = key(None, accepts=Any, check=lambda v: None if v is None else _one_of("outcome", OUTCOMES)(v), doc="what the platform decided, set when the case is closed: `reversed`, `partial`, `denied` or `accepted`")
    assignee: str | None = key(None, accepts=Any, check=_operator, convert=lambda v: v.strip() if isinstance(v, str) else v, doc="the operator the case is assigned to (`a`/`A` in the desk; recorded in `history`)")
    source_id: str | None = key(None, accepts=Any, doc="the platform ID the case was imported from, exactly as exported")
    platform_status: str | None = key(None, accepts=Any, doc="the platform's own status for it, as its last event said (`SELLER_DISPUTE`, `RETURNS_UNCHECKED`); set by `import` and `receive`")
    platform_ids: Any = key(None, accepts=Any, doc="the platform's other IDs for it (shop, seller, item), as strings; set by `import` and `receive`")
    source_events: Any = key(None, accepts=Any, doc="the platform events the case was made from: `id`, `source`, `at` and the original `payload` (the latest 100, within 1 Mi characters), for audit and so that no event is applied twice; never linted")
    notes: Any = key(None, accepts=Any, doc="free text for the team, kept untouched")
    language: Any = key(None, accepts=Any, doc="kept untouched")
    lock: Any = key(None, accepts=Any, doc="kept untouched")


# What a queue case must give: its own required keys and the linter's platform and kind.
REQUIRED_KEYS = ("id", "platform", "kind", "subject", "received_at")


class CaseFileError(DataFileError):
    """A case that cannot be used; prints as `path:line: message` like every data-file error.

    `path` may be None for a record that has no file yet (an import being
    validated); it then prints as `<case>`.
    """

    def __init__(self, path: Path | str | None, line: int | None, message: str):
        super().__init__("<case>" if path is None else path, line, message)
        self.path = path

    def __str__(self) -> str:
        return f"{location('<case>' if self.path is None else str(self.path), self.line)}: {self.message}"


def json_key_line(text: str | None, key: str) -> int | None:
    """The line of the first `"key":` in a JSON text (good enough to point an operator at it)."""
    if not text:
        return None
    match = re.search(r'"' + re.escape(key) + r'"\s*:', text)
    if match is None:
        return None
    return text.count("\n", 0, match.start()) + 1


def parse_case_json(path: Path | str | None, raw: bytes) -> tuple[object, str]:
    """(the parsed JSON, its text) of a case file's bytes, or CaseFileError naming the line."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise CaseFileError(path, line, "not UTF-8 text") from None
    try:
        return json.loads(text), text
    except json.JSONDecodeError as exc:
        raise CaseFileError(path, exc.lineno, f"invalid JSON: {exc.msg}") from None
    except RecursionError:
        message, line = nesting_too_deep(text, "json")
        raise CaseFileError(path, line, f"invalid JSON: {message}") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise CaseFileError(path, None, f"invalid JSON: {exc}") from None


def context_of(data, *, path: Path | str | None = None, text: str | None = None) -> CaseContext:
    """The linter's view of a case mapping (extra keys allowed), or CaseFileError at the key's line."""
    try:
        return context_from_mapping(data, strict=False)
    except ContextError as exc:
        line = json_key_line(text, exc.key.split("[")[0].split(".")[0]) if exc.key != "(root)" else None
        raise CaseFileError(path, line, exc.message if exc.key == "(root)" else str(exc)) from None


def load_case_context(path: Path | str) -> CaseContext:
    """`lint --case FILE`: the linter fields of any case-shaped JSON file (symlinks followed)."""
    raw, _st = read_regular_file(path)
    data, text = parse_case_json(path, raw)
    return context_of(data, path=path, text=text)


@dataclass(eq=False)
class Case:
    """A queue case. `raw` is the file's own mapping (the source of truth; unknown keys kept)."""

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
    assignee: str | None = None
    outcome: str | None = None
    # Once answered: the pack's dates after the last reply sent ({"follow-up": …, "result": …}).
    after_sending: dict[str, datetime] = field(default_factory=dict)
    path: Path | None = None
    search_text: str = field(default="", repr=False)
    _context: CaseContext | None = field(default=None, repr=False)

    @property
    def context(self) -> CaseContext:
        """What the linter knows of the case (validated once; the desk's own times, the computed deadline).

        A bulk-loaded case (`thorough=False`) is validated here, the first
        time it is linted; a broken field then raises CaseFileError.
        """
        if self._context is None:
            data = {k: v for k, v in self.raw.items() if k not in _TIME_KEYS}
            self._context = self._with_times(context_of(data, path=self.path))
        return self._context

    def _with_times(self, ctx: CaseContext) -> CaseContext:
        """The context with the desk's own reading of the times (a computed deadline included)."""
        times = {"received_at": self.received_at, "deadline": self.deadline}
        given = (ctx.given or frozenset()) | {name for name, value in times.items() if value is not None}
        return replace(ctx, **times, given=given)

    @property
    def answered(self) -> bool:
        """The reply has gone to the platform (sent, under review or closed): its deadline no longer runs."""
        return self.status in ANSWERED

    def next_date(self, now: datetime) -> tuple[str, datetime] | None:
        """The next date that matters, with what it is: `due` (the deadline) before sending;
        once sent, `follow-up` or `result` (the earliest still ahead, else the earliest,
        now past); None for a closed case or one with no such date."""
        if not self.answered:
            return ("due", self.deadline) if self.deadline is not None else None
        if self.status == "closed" or not self.after_sending:
            return None
        dates = sorted(self.after_sending.items(), key=lambda item: item[1])
        ahead = [item for item in dates if item[1] >= now]
        return (ahead or dates)[0]

    def ids(self, field_name: str) -> tuple[str, ...]:
        """The IDs the file lists under one of `ID_FIELDS` (strings; odd items dropped)."""
        return _strings(self.raw.get(field_name))

    @property
    def order_ids(self) -> tuple[str, ...]:
        return self.ids("order_ids")

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


def _strings(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return (str(value),)
    if not isinstance(value, list):
        return ()  # not IDs at all; `Case.context` says so when the case is linted
    return tuple(str(v) for v in value if isinstance(v, (str, int)) and not isinstance(v, bool))


def case_from_mapping(
    data: Mapping,
    packs: Mapping,
    *,
    path: Path | None = None,
    text: str | None = None,
    thorough: bool = True,
) -> Case:
    """Validate one queue case; the deadline comes from the pack window when the file has none.

    `thorough=False` (the queue's bulk load) leaves the linter fields and
    history times until the case is linted (`Case.context`), which is most
    of the cost; they are checked here when a case is opened, imported or
    rewritten.
    """

    def fail(key: str | None, message: str) -> CaseFileError:
        return CaseFileError(path, json_key_line(text, key) if key else None, message)

    if not isinstance(data, Mapping):
        raise fail(None, "a case file must hold one JSON object")
    for name in REQUIRED_KEYS:
        if name not in data:
            raise fail(None, f"missing required key '{name}'")
    try:
        fields = decode(QueueFields, data, allow_extra=True)
    except SchemaError as exc:
        raise fail(str(exc.keys[0]) if exc.keys else None, exc.message) from None
    case_id = fields.id
    if path is not None and path.stem != case_id:
        raise fail("id", f"id {case_id!r} does not match the file name {path.name!r}")
    for name in ("platform", "kind"):
        problem = _text(name)(data[name])
        if problem:
            raise fail(name, problem)
    platform = data["platform"].strip().lower()
    kind = data["kind"].strip().lower()
    if platform not in packs:
        raise fail("platform", f"unknown platform {platform!r} (known: {', '.join(sorted(packs))})")
    pack = packs[platform]
    if kind not in pack.kinds:
        raise fail("kind", f"unknown kind {kind!r} for {platform} (known: {', '.join(sorted(pack.kinds))})")
    received_at = fields.received_at
    deadline_computed = False
    deadline = fields.deadline
    if deadline is None:
        window = pack.kind(kind).window
        try:
            deadline = window.deadline(received_at, pack.tz, pack.business_calendar) if window is not None else None
        except (OverflowError, ValueError):  # received_at near 9999-12-31: its window ends past the calendar
            raise fail("received_at", f"received_at {data['received_at']!r}: date out of range: its reply window ends past the year 9999") from None
        deadline_computed = deadline is not None
    status = fields.status
    priority = fields.priority or pack.kind(kind).priority
    after_sending = _dates_after_sending(data.get("history"), pack, kind) if status in ANSWERED else {}
    raw = dict(data)
    raw["platform"], raw["kind"] = platform, kind
    case = Case(
        id=case_id,
        platform=platform,
        kind=kind,
        subject=fields.subject,
        received_at=received_at,
        deadline=deadline,
        deadline_computed=deadline_computed,
        priority=priority,
        status=status,
        raw=raw,
        path=path,
        assignee=fields.assignee or None,
        outcome=fields.outcome,
        after_sending=after_sending,
    )
    if thorough:
        case._context = case._with_times(context_of({k: v for k, v in raw.items() if k not in _TIME_KEYS}, path=path, text=text))
        for i, message in enumerate(data.get("history") or []):
            if isinstance(message, dict) and message.get("when") is not None:
                try:
                    parse_datetime(f"history[{i + 1}].when", message["when"])
                except ContextError as exc:
                    raise fail("history", str(exc)) from None
    case.search_text = search_text(case)
    return case


def _dates_after_sending(history, pack, kind: str) -> dict[str, datetime]:
    """The kind's `after_sending` dates, counted from the seller's last message in the history."""
    after = pack.kind(kind).after_sending
    if after.follow_up is None and after.result is None or not isinstance(history, list):
        return {}
    roles = pack.history.seller_roles
    for entry in reversed(history):
        if isinstance(entry, dict) and "event" not in entry and str(entry.get("who", "")).strip().lower() in roles:
            try:
                sent_at = parse_datetime("when", entry.get("when"))
                return after.next_dates(sent_at, pack.tz, pack.business_calendar)
            except (ContextError, OverflowError, ValueError):
                return {}  # a broken time is reported when the case is linted
    return {}


def search_text(case: Case) -> str:
    """What `/` matches against: everything an operator might remember about a case."""
    parts = [case.id, case.platform, case.kind, case.status, case.outcome or "", case.subject, case.assignee or ""]
    for field_name in ID_FIELDS:
        parts.extend(case.ids(field_name))
    return " ".join(parts).lower()


QUEUE_FILE_LIMIT = 16 * 1024 * 1024  # a case file is a few KB; this only stops a planted giant


def load_case(path: Path, packs: Mapping, *, thorough: bool = True, limit: int = QUEUE_FILE_LIMIT) -> Case:
    """Read and validate `cases/<id>.json`. Raises CaseFileError naming file and line.

    A queue is shared: a symlink, FIFO or device in a case's place is
    refused unread (never followed, never waited on), and a file over
    `limit` bytes is not read whole.
    """
    try:
        raw, st = read_regular_bytes(path, limit, follow_symlinks=False)
    except NotRegularFile as exc:
        raise CaseFileError(path, None, exc.refusal) from None
    except OSError as exc:
        raise CaseFileError(path, None, f"cannot read: {exc.strerror or exc}") from None
    too_big = over_limit(st, raw, limit)
    if too_big:
        raise CaseFileError(path, None, too_big)
    data, text = parse_case_json(path, raw)
    return case_from_mapping(data, packs, path=path, text=text, thorough=thorough)


def dump_case(data: Mapping) -> str:
    """The on-disk form: pretty, UTF-8 (Korean and Chinese stay readable), trailing newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
