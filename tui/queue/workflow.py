"""The work done on a case, as records in its history: assignment, status changes, sending, undo.

A case has one history (`history` in the case file, README "Case files"):
the notice and the messages, and, in the same time-ordered list, the
desk's records of what the team did. A record has an `event`; the linter
reads only the entries without one (`CaseContext.messages`).

    {"event": "assigned", "id": "…", "who": "op1", "when": "2026-12-01T14:02:05+09:00",
     "from": null, "to": "op2", "text": "op1 assigned the case to op2"}
    {"event": "status", "id": "…", "who": "op2", "when": "…", "from": "ready", "to": "sent",
     "text": "op2 marked the case sent (was ready)"}
    {"event": "undo", "id": "…", "who": "op2", "when": "…", "undoes": "<id>", "from": "sent",
     "to": "ready", "text": "op2 undid “marked sent” (back to ready)"}

Marking a case sent also appends the text that went to the platform as a
message of the seller (`who` = the pack's first seller role, `sent_by` the
operator, `record` the status record's id, `receipt` the platform's
confirmation ID when the operator has one, `attachments` the files that
went with it): the sent text is frozen in the history, and the repeat and
follow-up rules (TPL002, FUP001, FUP002) see it when a follow-up is drafted.

An operator who judges a finding a false alarm for this case records it
(`ignore_finding`): an entry in the case's `ignore` (the rule, the quoted
text it applies to, the reason, who and when; the linter then stays
quiet there) and an `ignored` record in the history saying the same:

    {"event": "ignored", "id": "…", "who": "op1", "when": "…", "rule": "TERM001",
     "quote": "invoice number", "reason": "the buyer's own words",
     "text": "op1 ignored TERM001 in “invoice number”: the buyer's own words"}

After sending, the platform's answer is recorded the same way: `under-review`,
then `closed` with an `outcome` (`reversed`, `partial`, `denied`,
`accepted`); the closing record carries `outcome` and the outcome it
replaced (`outcome_was`), so that undo restores both.

Pure: each function takes a case file's mapping and returns a new one;
the store writes it (store.update_case). Times are written in KST with
their offset, as every other time in a case file.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from replydesk.linting.casefile import ANSWERED, OUTCOMES

from .cases import KST, STATUSES

ASSIGNED = "assigned"
STATUS = "status"
UNDO = "undo"
IGNORED = "ignored"
EVENTS = (ASSIGNED, STATUS, UNDO, IGNORED)


class NothingToUndo(Exception):
    """No status change to undo, or the case's status moved on since the last recorded change."""


@dataclass(frozen=True)
class Undone:
    """What an undo did: the new mapping, the record it undid and, when it undid a send, the text sent."""

    data: dict
    record: dict
    sent_text: str | None


def when_text(moment: datetime) -> str:
    """A record's time: KST, to the second, with its offset (`2026-12-01T14:02:05+09:00`)."""
    return moment.astimezone(KST).replace(microsecond=0).isoformat()


def _history(data: dict) -> list:
    value = data.get("history")
    return list(value) if isinstance(value, list) else []


def _record(event: str, who: str, when: datetime, text: str, **fields) -> dict:
    return {"event": event, "id": uuid.uuid4().hex[:12], "who": who, "when": when_text(when), **fields, "text": text}


def records(data: dict) -> list[dict]:
    """The desk's records in a case mapping, in file order."""
    return [m for m in _history(data) if isinstance(m, dict) and m.get("event") in EVENTS]


def _set(data: dict, key: str, value, before, event: str, who: str, when: datetime, text: str) -> dict:
    """`data` with `key` = `value` and the record of the change (before → value) appended."""
    out = dict(data)
    out[key] = value
    out["history"] = _history(data) + [_record(event, who, when, text, **{"from": before, "to": value})]
    return out


def assign(data: dict, assignee: str | None, who: str, when: datetime) -> dict:
    """`assignee` (None: nobody) takes the case; recorded. Unchanged data when it is theirs already."""
    assignee = (assignee.strip() if isinstance(assignee, str) else None) or None
    before = data.get("assignee") or None
    if before == assignee:
        return data
    was = f" (was {before})" if before else ""
    if assignee is None:
        text = f"{who} unassigned the case{was}"
    elif assignee == who:
        text = f"{who} took the case{was}"
    else:
        text = f"{who} assigned the case to {assignee}{was}"
    return _set(data, "assignee", assignee, before, ASSIGNED, who, when, text)


def change_status(data: dict, status: str, who: str, when: datetime, *, note: str = "") -> dict:
    """A new status, recorded with who and when; unchanged data when it is that status already."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r} (known: {', '.join(STATUSES)})")
    before = data.get("status") or "new"
    if before == status:
        return data
    text = f"{who} marked the case {status} (was {before})" + (f": {note}" if note else "")
    return _set(data, "status", status, before, STATUS, who, when, text)


def mark_sent(
    data: dict,
    sent_text: str,
    who: str,
    when: datetime,
    *,
    seller_role: str = "seller",
    receipt: str | None = None,
    attachments: tuple[str, ...] | list[str] = (),
) -> dict:
    """Status `sent`, and the text that went to the platform kept in the history as the seller's message.

    `receipt`: the submission's confirmation ID as the platform showed it
    (the seeds' "Timestamped Submission Receipt"); `attachments`: the file
    names that went with the reply. Both are kept on the message, for audit.
    """
    if not sent_text.strip():
        raise ValueError("nothing to send: the draft is empty")
    receipt = (receipt or "").strip() or None
    out = change_status(data, "sent", who, when, note=f"receipt {receipt}" if receipt else "")
    if out is data:
        raise ValueError("the case is marked sent already")
    history = out["history"]
    record = history[-1]
    message = {"who": seller_role, "when": record["when"], "text": sent_text, "sent_by": who, "record": record["id"],
               "receipt": receipt, "attachments": list(attachments)}
    out["history"] = history[:-1] + [message, record]
    return out


def record_result(data: dict, status: str, who: str, when: datetime, *, outcome: str | None = None, note: str = "") -> dict:
    """The platform's answer to a sent reply: `under-review`, or `closed` with its `outcome`; recorded.

    Only an answered case (sent, under review, closed) takes one: a case
    whose reply has not gone cannot be under review. Re-closing with
    another outcome is a change too (the platform reversed itself).
    """
    current = data.get("status") or "new"
    if current not in ANSWERED:
        raise ValueError(f"the case is {current}: only a case whose reply was sent can be {status}")
    if status == "under-review":
        if outcome is not None:
            raise ValueError("an outcome goes with closing the case, not with under-review")
        out = change_status(data, status, who, when, note=note)
        if out is not data and data.get("outcome"):
            out["outcome"] = None
            out["history"][-1]["outcome_was"] = data.get("outcome")
        return out
    if status != "closed":
        raise ValueError(f"a result is under-review or closed, not {status!r}")
    if outcome not in OUTCOMES:
        raise ValueError(f"closing a case needs its outcome: one of {', '.join(OUTCOMES)}, got {outcome!r}")
    before_outcome = data.get("outcome") or None
    if current == "closed" and before_outcome == outcome:
        return data
    text = f"{who} closed the case: {outcome} (was {current}" + (f", {before_outcome}" if before_outcome else "") + ")"
    text += f": {note}" if note else ""
    out = dict(data)
    out["status"], out["outcome"] = "closed", outcome
    out["history"] = _history(data) + [
        _record(STATUS, who, when, text, **{"from": current, "to": "closed"}, outcome=outcome, outcome_was=before_outcome)
    ]
    return out


def ignore_finding(data: dict, rule: str, quote: str | None, reason: str, who: str, when: datetime) -> dict:
    """Silence `rule` in this case (only inside `quote` when given), with the operator's reason.

    A reason is required: the next operator, the reviewer and the export
    must see why the linter was overruled. Ignoring what is ignored
    already (the same rule and quote) changes nothing.
    """
    rule = rule.strip().upper()
    reason = reason.strip()
    quote = quote.strip() if quote and quote.strip() else None
    if not rule:
        raise ValueError("which rule? (no rule code)")
    if not reason:
        raise ValueError("a reason is needed: say why this finding is a false alarm here")
    current = data.get("ignore")
    entries = [current] if isinstance(current, str) else list(current) if isinstance(current, list) else []
    for entry in entries:
        same = entry.strip().upper() == rule if isinstance(entry, str) else (
            isinstance(entry, dict) and str(entry.get("rule", "")).strip().upper() == rule and (entry.get("text") or None) == quote)
        if same and (quote is None or not isinstance(entry, str)):
            return data
    stamp = when_text(when)
    entry = {"rule": rule, **({"text": quote} if quote else {}), "reason": reason, "by": who, "when": stamp}
    out = dict(data)
    out["ignore"] = entries + [entry]
    where = f" in \u201c{quote}\u201d" if quote else " in this case"
    out["history"] = _history(data) + [
        _record(IGNORED, who, when, f"{who} ignored {rule}{where}: {reason}", rule=rule, quote=quote, reason=reason)
    ]
    return out


def last_status_change(data: dict) -> dict | None:
    """The latest status record that no undo has undone (None: nothing to undo)."""
    undone = {r.get("undoes") for r in records(data) if r.get("event") == UNDO}
    for record in reversed(records(data)):
        if record.get("event") == STATUS and record.get("id") not in undone:
            return record
    return None


def undoable(data: dict) -> dict:
    """The status record an undo would undo, or NothingToUndo saying why there is none."""
    record = last_status_change(data)
    if record is None:
        raise NothingToUndo("no status change to undo")
    status = data.get("status") or "new"
    if record.get("to") != status:
        raise NothingToUndo(
            f"the case is {status} now, not {record.get('to')} as its last recorded change left it; set the status instead"
        )
    if record.get("from") not in STATUSES:
        raise NothingToUndo(f"the last status change has no previous status to go back to ({record.get('from')!r})")
    return record


def undo_last_status_change(data: dict, who: str, when: datetime) -> Undone:
    """Put the status back to what the latest (not yet undone) change found; recorded as an undo.

    Undoing "sent" takes the sent text out of the messages (it is returned
    so that the draft can hold it again): the reply was not sent after all.
    """
    record = undoable(data)
    status, back = record["to"], record["from"]
    history = _history(data)
    sent_text = None
    if status == "sent":
        kept = []
        for entry in history:
            if isinstance(entry, dict) and entry.get("record") == record.get("id") and entry.get("sent_by"):
                sent_text = str(entry.get("text", ""))
                continue
            kept.append(entry)
        history = kept
    text = f"{who} undid “{record.get('text', 'a status change')}” (back to {back})"
    undo = _record(UNDO, who, when, text, undoes=record.get("id"), **{"from": status, "to": back})
    out = dict(data)
    out["status"] = back
    if "outcome_was" in record:  # a close, or a reopening that cleared an outcome: the outcome goes back too
        out["outcome"] = record.get("outcome_was")
    out["history"] = history + [undo]
    return Undone(out, record, sent_text)


def last_sent(data: dict) -> dict | None:
    """The latest message the desk recorded as sent (None when the case was never marked sent)."""
    for entry in reversed(_history(data)):
        if isinstance(entry, dict) and entry.get("sent_by") and "event" not in entry:
            return entry
    return None
