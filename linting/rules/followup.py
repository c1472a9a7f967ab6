"""Follow-ups: what a reply drafted after one was sent may do (FUP001, FUP002).

A draft on a case whose latest message is the seller's own is a follow-up:
nothing new came from the platform or the buyer since the last reply.
(When the platform wrote back, "Evidence Requested", the draft answers that
message, and neither rule applies.) The pack's `[kinds.<kind>.after_sending]`
says how many replies a claim accepts (an A-to-z review request: one, ever)
and when a follow-up becomes due (Amazon: after 5 business days without an
answer, on the same case; seeds 001, 003, 004). Times are the case history's;
"now" is the context's `drafted_at`, which the caller sets from its clock.
"""
from __future__ import annotations

from datetime import datetime

from ..context import HistoryMessage, time_or_none
from .base import RuleInput


def _sent_at(message: HistoryMessage) -> datetime | None:
    return time_or_none(message.when)  # a bad time is the case file's problem, reported where the file is read


def _kst(inp: RuleInput, moment: datetime) -> str:
    return moment.astimezone(inp.pack.tz).strftime("%Y-%m-%d %H:%M ") + inp.pack.time.zone


def check(inp: RuleInput):
    after = inp.kind.after_sending
    if after.review_requests is None and after.follow_up is None:
        return
    messages = inp.context.messages()
    if not messages or not inp.body.strip():
        return
    roles = inp.pack.history.seller_roles
    last = messages[-1]
    if last.who not in roles:
        return  # the draft answers what the platform or the buyer wrote last
    sent = [m for m in messages if m.who in roles]
    start, end = inp.reply_span
    sent_at = _sent_at(last)
    when = f" on {_kst(inp, sent_at)}" if sent_at else ""
    if after.review_requests is not None and len(sent) >= after.review_requests:
        allowed = after.review_requests
        yield inp.finding(
            "FUP001",
            start,
            end,
            f"this claim accepts {allowed} review request{'s' if allowed > 1 else ''}, ever, and "
            f"{'it was' if len(sent) == 1 else f'{len(sent)} were'} sent (the last{when}); another request is refused",
            suggestion="do not send: follow the claim's result on the platform; answer only if it asks for more",
        )
        return
    if after.follow_up is None or sent_at is None or inp.context.drafted_at is None:
        return
    due = after.follow_up.deadline(sent_at, inp.pack.tz, inp.pack.business_calendar)
    if due is not None and inp.context.drafted_at < due:
        yield inp.finding(
            "FUP002",
            start,
            end,
            f"a follow-up before {_kst(inp, due)} is too early: the reply sent{when} has "
            f"{after.follow_up.describe()} for an answer" + (f" ({after.follow_up.note})" if after.follow_up.note else ""),
            suggestion=f"wait until {_kst(inp, due)}, then follow up on the same case with what is new",
        )
