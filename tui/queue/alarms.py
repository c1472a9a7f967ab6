"""Deadline alarms: tell the operator when a case comes within two hours of its deadline, or passes it.

A countdown on screen is easy to miss in a queue of hundreds; the
cancellation appeal's window is two hours in all. The desk checks once a
second, but the work is done only when something can have crossed: the
time of the next crossing is kept, and the cases are scanned again only
when it has come or the cases changed. A scan of 10,000 cases takes a few
milliseconds.

Which cases ring: those assigned to this operator and those assigned to
nobody (a colleague's cases are theirs to answer), that are not sent; and,
once sent, when the pack's follow-up date passes without the case being
closed (the platform has not answered: Amazon's 5 business days), once. The
first scan at start-up only learns where things stand: a desk that has
just opened says nothing about cases that were already late. A new case
that arrives already within two hours rings; a known case that becomes
watched again (a send undone, a case taken) does not: someone just did
that on purpose.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from .cases import Case
from .deadlines import SOON, Urgency, urgency

_RANK = {Urgency.NONE: 0, Urgency.NORMAL: 0, Urgency.SOON: 1, Urgency.OVERDUE: 2}


@dataclass(frozen=True)
class Crossing:
    case: Case
    level: Urgency  # SOON or OVERDUE
    follow_up: bool = False  # a sent case whose follow-up date has come (level OVERDUE)


def watched_moment(case: Case) -> tuple[datetime, bool] | None:
    """(the moment that rings, whether it is a follow-up date): the deadline before sending;
    once sent and not closed, the pack's follow-up date, if the kind has one."""
    if not case.answered:
        return (case.deadline, False) if case.deadline is not None else None
    follow_up = case.after_sending.get("follow-up")
    return (follow_up, True) if follow_up is not None and case.status != "closed" else None


class DeadlineAlarms:
    def __init__(self, operator: str):
        self.operator = operator
        self._levels: dict[str, Urgency] = {}  # the watched cases' levels at the last scan
        self._known: set[str] = set()  # every case id scanned so far, watched or not
        self._next: datetime | None = None
        self._primed = False
        self._stale = True  # the cases changed: scan at the next check

    def cases_changed(self) -> None:
        self._stale = True

    def watches(self, case: Case) -> bool:
        return case.assignee in (None, self.operator) and watched_moment(case) is not None

    def check(self, cases: Iterable[Case], now: datetime) -> list[Crossing]:
        """The cases that became due within 2 h or overdue since the last check (none on the first)."""
        if not self._stale and (self._next is None or now < self._next):
            return []
        self._stale = False
        crossings: list[Crossing] = []
        levels: dict[str, Urgency] = {}
        upcoming: datetime | None = None
        known = self._known
        for case in cases:
            if not self.watches(case):
                known.add(case.id)
                continue
            moment, follow_up = watched_moment(case)
            # A follow-up date has no "soon": it is due, or not yet.
            level = (Urgency.OVERDUE if moment <= now else Urgency.NORMAL) if follow_up else urgency(moment, now)
            levels[case.id] = level
            before = self._levels.get(case.id)
            if before is None and case.id in known:
                before = level  # watched again (a send undone, reassigned): the operator did that, no alarm
            if self._primed and _RANK[level] > _RANK[before or Urgency.NORMAL]:
                crossings.append(Crossing(case, level, follow_up))
            known.add(case.id)
            if follow_up:
                boundary = moment if level is Urgency.NORMAL else None
            else:
                boundary = moment - SOON if level is Urgency.NORMAL else moment if level is Urgency.SOON else None
            if boundary is not None and (upcoming is None or boundary < upcoming):
                upcoming = boundary
        self._levels = levels
        self._next = upcoming
        self._primed = True
        return crossings


def describe(crossings: list[Crossing], now: datetime) -> tuple[str, str]:
    """(message, severity) for one notification about these crossings."""
    from .deadlines import countdown, format_kst

    follow_ups = [c for c in crossings if c.follow_up]
    crossings = [c for c in crossings if not c.follow_up]
    overdue = [c for c in crossings if c.level is Urgency.OVERDUE]
    severity = "error" if overdue else "warning"
    if follow_ups and not crossings:
        if len(follow_ups) == 1:
            c = follow_ups[0]
            return (f"{c.case.id}: a follow-up is due (no answer since the reply; due {format_kst(c.case.after_sending['follow-up'])}). "
                    "Follow up on the same case, with what is new.", "warning")
        ids = ", ".join(c.case.id for c in follow_ups[:4]) + (", …" if len(follow_ups) > 4 else "")
        return f"{len(follow_ups)} follow-ups are due: {ids}.", "warning"
    if len(crossings) == 1 and not follow_ups:
        c = crossings[0]
        if c.level is Urgency.OVERDUE:
            return f"{c.case.id} is overdue: its deadline was {format_kst(c.case.deadline)}.", severity
        return f"{c.case.id} is due within 2 h: {countdown(c.case.deadline, now)} left (deadline {format_kst(c.case.deadline)}).", severity
    soon = len(crossings) - len(overdue)
    parts = ([f"{len(overdue)} overdue"] if overdue else []) + ([f"{soon} due within 2 h"] if soon else [])
    parts += [f"{len(follow_ups)} follow-up{'s' if len(follow_ups) > 1 else ''} due"] if follow_ups else []
    crossings = crossings + follow_ups
    ids = ", ".join(c.case.id for c in crossings[:4]) + (", …" if len(crossings) > 4 else "")
    return f"{' and '.join(parts)}: {ids}. n goes to the next one.", severity
