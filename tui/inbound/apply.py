"""A `Notice` into the queue: a new case, or an update of the case it belongs to. Once.

Shared by `replydesk import` and `replydesk receive`, so a payload means the
same whichever way it came.

- **Which case**: the platform, the kind and the platform's own ID for the
  case (`Notice.key`: its return, order, inquiry) name it, as every import
  does (`importer.case_name_text`, `safe_id`): a later event about the same
  return finds the same file.
- **Idempotent**: the case keeps the IDs of the events it has seen
  (`source_events`, with the original payloads for audit); an event seen
  before changes nothing (`duplicate`). Messages carry their platform
  message ID (`source_message`) and are appended once, whatever event
  brings them again.
- **Never under an operator**: the read-change-write happens under the
  queue's one-writer lock (`QueueStore.writing`), the same the desk takes,
  so the desk's status changes, assignments and sends are never lost; the
  draft and the recovery journal are not touched at all. What the platform
  owns (its messages, its status, the deadline it sets) is merged in. What
  the operator owns - the case's status - changes only when no live desk
  has the case open; otherwise the platform's word is written in the
  history for the operator to act on.
- **Durable**: each case is written atomically (temp file, fsync, rename,
  fsync of the folder) before `apply` returns, so the receiver can answer
  2xx after it and a kill -9 leaves the old file or the new one.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from replydesk.linting.casefile import ANSWERED
from replydesk.linting.context import time_or_none

from ..queue import workflow
from ..queue.cases import CaseFileError, case_from_mapping, dump_case
from ..queue.importer import case_name_text, read_existing_case, safe_id, same_case
from ..queue.locks import Locks, Operator
from ..queue.workflow import when_text
from .notice import Ignored, Notice, PayloadError

KEEP_PAYLOADS = 100
KEEP_PAYLOAD_CHARS = 1 << 20
"""Original payloads kept per case: the latest 100, and no more than 1 Mi characters of them (the
newest is always kept). Older events keep their ID and times only, so a case polled every minute
for a month stays small - far under what the desk and the importer read (4 MiB) - and still knows
every event it has seen."""
PLATFORM_EVENT = "platform"  # a history record of what the platform changed (not a message: not linted)


@dataclass(frozen=True)
class Applied:
    outcome: str  # "created", "updated", "duplicate" or "ignored"
    case_id: str | None
    detail: str = ""


def case_id_of(notice: Notice, packs) -> str:
    return safe_id(case_name_text(notice.platform, notice.kind, notice.key, packs))


def apply(store, item: Notice | Ignored, *, actor: str, now: datetime) -> Applied:
    """Write what `item` says into `store`'s queue; PayloadError when it cannot (nothing written)."""
    if isinstance(item, Ignored):
        return Applied("ignored", None, item.reason)
    notice = item
    if notice.platform not in store.packs:
        raise PayloadError(f"no pack for platform {notice.platform!r} (sources.toml {notice.source})")
    if notice.kind not in store.packs[notice.platform].kinds:
        raise PayloadError(f"the {notice.platform} pack has no kind {notice.kind!r} (sources.toml {notice.source})")
    case_id = case_id_of(notice, store.packs)
    path = store.case_path(case_id)
    said_by = store.packs[notice.platform].title  # "TikTok Shop": how the history names the platform
    with store.writing():
        old = read_existing_case(path)
        if old is None:
            if not notice.create:
                return Applied("ignored", None, f"no case for {notice.key} in the queue: {notice.summary}")
            data, outcome, detail = new_case(case_id, notice, now, actor, said_by), "created", notice.summary
        else:
            if isinstance(old, str):
                raise PayloadError(f"{path} exists but cannot be read ({old}); not updated")
            probe = {"id": case_id, "platform": notice.platform, "kind": notice.kind, "source_id": notice.key}
            if not same_case(probe, old):
                raise PayloadError(f"id {case_id} is taken by {path.name}, which is not {notice.key}'s case; not written")
            if notice.event_id in event_ids(old):
                return Applied("duplicate", case_id, "event already in the case")
            holder = _live_holder(store, case_id, actor)
            data, detail = merged(old, notice, now, actor, holder, said_by)
            outcome = "updated"
        try:
            case_from_mapping(data, store.packs, path=path, text=None)
        except CaseFileError as exc:
            raise PayloadError(exc.message) from None
        except OverflowError:
            raise PayloadError("a date is out of range (after 9999-12-31 with the kind's window)") from None
        from ..queue.atomic import atomic_write_bytes

        text = dump_case(data)
        try:
            raw = text.encode("utf-8")
        except UnicodeEncodeError as exc:  # JSON's "\ud83d" alone: no character, and no UTF-8 for it
            bad = text[exc.start : exc.end].encode("unicode_escape").decode()
            raise PayloadError(f"contains an unpaired surrogate {bad} (not Unicode text)") from None
        store.modes.make_folder(store.cases_dir)
        atomic_write_bytes(path, raw, new_mode=store.modes.file)
    return Applied(outcome, case_id, detail)


def event_ids(data: dict) -> set[str]:
    return {e.get("id") for e in data.get("source_events") or [] if isinstance(e, dict)}


def _live_holder(store, case_id: str, actor: str) -> str | None:
    """Who has the case open in a live desk, if anyone (a stale lock of a dead desk does not count)."""
    locks = Locks(store.locks_dir, Operator.current(actor))
    try:
        info = locks.read(case_id)
    except (OSError, CaseFileError):
        return "someone"  # an unreadable lock: assume a desk has it
    if info is None or locks.is_stale(info):
        return None
    return info.who


def _event(notice: Notice, now: datetime) -> dict:
    entry = {"id": notice.event_id, "source": notice.source, "at": when_text(now)}
    if notice.as_of is not None:
        entry["as_of"] = when_text(notice.as_of)
    entry["payload"] = notice.payload
    return entry


def trimmed(events: list[dict]) -> list[dict]:
    """The events with payloads only on the latest KEEP_PAYLOADS, within KEEP_PAYLOAD_CHARS."""
    out, kept, chars = [], 0, 0
    for event in reversed(events):
        if "payload" in event:
            size = len(json.dumps(event["payload"], ensure_ascii=False))
            if kept and (kept >= KEEP_PAYLOADS or chars + size > KEEP_PAYLOAD_CHARS):
                event = {k: v for k, v in event.items() if k != "payload"}
            else:
                kept, chars = kept + 1, chars + size
        out.append(event)
    return out[::-1]


def newest_news(data: dict) -> datetime | None:
    """The latest `as_of` among the events a case has applied: what the platform said last."""
    times = [time_or_none(e.get("as_of")) for e in data.get("source_events") or [] if isinstance(e, dict)]
    return max((t for t in times if t is not None), default=None)


def _message(m, notice: Notice) -> dict:
    return {"who": m.who, "when": when_text(m.when), "text": m.text, "source_message": m.source_message}


def new_case(case_id: str, notice: Notice, now: datetime, actor: str, said_by: str) -> dict:
    data: dict = {
        "id": case_id,
        "platform": notice.platform,
        "kind": notice.kind,
        "subject": (notice.subject or notice.summary).replace("\n", " ")[:200],
        "received_at": when_text(notice.received_at),
        "status": "new",
        "source_id": notice.key,
    }
    if notice.deadline is not None:
        data["deadline"] = when_text(notice.deadline)
    for name, values in notice.ids.items():
        if values:
            data[name] = list(dict.fromkeys(values))
    if notice.platform_status:
        data["platform_status"] = notice.platform_status
    if notice.platform_ids:
        data["platform_ids"] = dict(notice.platform_ids)
    history = [{"who": "platform", "when": when_text(notice.received_at), "text": notice.summary, "source_event": notice.event_id}]
    history += [_message(m, notice) for m in sorted(notice.messages, key=lambda m: m.when) if m.text]
    data["history"] = history
    data["source_events"] = [_event(notice, now)]
    messages = [m for m in notice.messages if m.text]
    if messages and max(messages, key=lambda m: m.when).who == "seller":
        # Answered on the platform before it reached the queue: not a question waiting for us.
        data = workflow.change_status(data, "sent", actor, now, note=f"answered on {said_by} before import")
    return data


def merged(old: dict, notice: Notice, now: datetime, actor: str, holder: str | None, said_by: str) -> tuple[dict, str]:
    """`old` with what the notice adds; (data, what changed in words)."""
    data = dict(old)
    history = list(old.get("history") or [])
    known = {m.get("source_message") for m in history if isinstance(m, dict) and m.get("source_message")}
    fresh = [m for m in sorted(notice.messages, key=lambda m: m.when) if m.text and m.source_message not in known]
    history += [_message(m, notice) for m in fresh]
    changes = []
    if fresh:
        changes.append(f"{len(fresh)} new message(s)")
    newest = newest_news(old)
    if notice.as_of is not None and newest is not None and notice.as_of < newest:
        # A late retry or an old poll: its messages count, its status and deadline are history.
        said = ", ".join(x for x in (notice.platform_status and f"status {notice.platform_status}",
                                     notice.deadline and f"deadline {when_text(notice.deadline)}") if x)
        if said:
            history.append(_record(notice, now, f"{said_by}: an older event (as of {when_text(notice.as_of)}) "
                                                f"said {said}; not applied, the case has newer news (as of {when_text(newest)})"))
        notice = replace(notice, platform_status=None, deadline=None, result=None)
    if notice.platform_status and notice.platform_status != old.get("platform_status"):
        was = old.get("platform_status")
        changes.append(f"status {notice.platform_status}" + (f" (was {was})" if was else ""))
        data["platform_status"] = notice.platform_status
    if notice.deadline is not None and time_or_none(old.get("deadline")) != notice.deadline:
        changes.append(f"deadline {when_text(notice.deadline)}")
        data["deadline"] = when_text(notice.deadline)
    for name, values in notice.ids.items():
        current = [str(v) for v in old.get(name) or []] if isinstance(old.get(name), list) else []
        added = [v for v in values if v not in current]
        if added:
            data[name] = current + added
            changes.append(f"{name[:-1].replace('_', ' ')} {', '.join(added)}")
    if notice.platform_ids:
        ids = dict(old.get("platform_ids") or {}) if isinstance(old.get("platform_ids"), dict) else {}
        if any(ids.get(k) != v for k, v in notice.platform_ids.items()):
            data["platform_ids"] = {**ids, **notice.platform_ids}
    words = "; ".join(changes) if changes else "nothing new"
    if changes and (len(changes) > 1 or not fresh):
        history.append(_record(notice, now, f"{said_by}: {words}"))
    data["history"] = history
    events = [e for e in old.get("source_events") or [] if isinstance(e, dict)] + [_event(notice, now)]
    data["source_events"] = trimmed(events)
    data = _status_follows(data, notice, fresh, now, actor, holder, said_by)
    return data, words


def _status_follows(data: dict, notice: Notice, fresh: list, now: datetime, actor: str, holder: str | None, said_by: str) -> dict:
    """What the platform's news means for the case's own status, applied unless a desk has it open."""
    wanted: tuple[str, str | None] | None = None
    if notice.result and (data.get("status") or "new") in ANSWERED:
        status, _, outcome = notice.result.partition(":")
        wanted = (status, outcome or None)
    elif fresh and fresh[-1].who == "seller" and (data.get("status") or "new") not in ANSWERED:
        wanted = ("sent", None)
    if wanted is None:
        return data
    status, outcome = wanted
    what = status + (f" ({outcome})" if outcome else "")
    if holder is not None:
        out = dict(data)
        out["history"] = list(data["history"]) + [
            _record(notice, now, f"{said_by} says the case is {what}: not applied, {holder} has it open")
        ]
        return out
    try:
        if status == "sent":
            return workflow.change_status(data, "sent", actor, now, note=f"answered on {said_by}")
        return workflow.record_result(data, status, actor, now, outcome=outcome, note=f"{said_by} {notice.platform_status}")
    except ValueError as exc:
        out = dict(data)
        out["history"] = list(data["history"]) + [_record(notice, now, f"{said_by} says {what}: not applied ({exc})")]
        return out


def _record(notice: Notice, now: datetime, text: str) -> dict:
    return {"event": PLATFORM_EVENT, "id": uuid.uuid4().hex[:12], "who": notice.platform, "when": when_text(now),
            "text": text, "source_event": notice.event_id}
