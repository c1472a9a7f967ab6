"""Deadline alarms: tell the operator when a case comes within two hours of its deadline, or passes it.

A countdown on screen is easy to miss in a queue of hundreds; the
cancellation appeal's window is two hours in all. The desk checks once a
second, but the work is done only when something can have crossed: the
time of the next crossing is kept, and the cases are scanned again only
when it has come or the cases changed. A scan of 10,000 cases takes a few
milliseconds.

Which cases ring: those assigned to this operator and those assigned to
nobody (a colleague's cases are theirs to answer), that are not sent. The
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
        return not case.answered and case.deadline is not None and case.assignee in (None, self.operator)

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
            level = urgency(case.deadline, now)
            levels[case.id] = level
            before = self._levels.get(case.id)
            if before is None and case.id in known:
                before = level  # watched again (a send undone, reassigned): the operator did that, no alarm
            if self._primed and _RANK[level] > _RANK[before or Urgency.NORMAL]:
                crossings.append(Crossing(case, level))
            known.add(case.id)
            boundary = case.deadline - SOON if level is Urgency.NORMAL else case.deadline if level is Urgency.SOON else None
            if boundary is not None and (upcoming is None or boundary < upcoming):
                upcoming = boundary
        self._levels = levels
        self._next = upcoming
        self._primed = True
        return crossings


def describe(crossings: list[Crossing], now: datetime) -> tuple[str, str]:
    """(message, severity) for one notification about these crossings."""
    from .deadlines import countdown, format_kst

    overdue = [c for c in crossings if c.level is Urgency.OVERDUE]
    severity = "error" if overdue else "warning"
    if len(crossings) == 1:
        c = crossings[0]
        if c.level is Urgency.OVERDUE:
            return f"{c.case.id} is overdue: its deadline was {format_kst(c.case.deadline)}.", severity
        return f"{c.case.id} is due within 2 h: {countdown(c.case.deadline, now)} left (deadline {format_kst(c.case.deadline)}).", severity
    soon = len(crossings) - len(overdue)
    parts = ([f"{len(overdue)} overdue"] if overdue else []) + ([f"{soon} due within 2 h"] if soon else [])
    ids = ", ".join(c.case.id for c in crossings[:4]) + (", …" if len(crossings) > 4 else "")
    return f"{' and '.join(parts)}: {ids}. n goes to the next one.", severity
