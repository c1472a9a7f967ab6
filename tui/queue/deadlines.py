"""Countdowns in KST: how long is left, and how loudly to say it."""
from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum

from .cases import KST

SOON = timedelta(hours=2)


class Urgency(Enum):
    NONE = "none"  # no deadline known
    NORMAL = "normal"
    SOON = "soon"  # at most two hours left
    OVERDUE = "overdue"


def urgency(deadline: datetime | None, now: datetime) -> Urgency:
    if deadline is None:
        return Urgency.NONE
    left = deadline - now
    if left < timedelta(0):
        return Urgency.OVERDUE
    if left <= SOON:
        return Urgency.SOON
    return Urgency.NORMAL


def countdown(deadline: datetime | None, now: datetime) -> str:
    """At most 7 characters: `2d04h`, `3h12m`, `12m05s`; overdue ones start with `-`."""
    if deadline is None:
        return "--"
    seconds = int((deadline - now).total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days >= 100:
        return f"{sign}{days}d"
    if days:
        return f"{sign}{days}d{hours:02d}h"
    if hours:
        return f"{sign}{hours}h{minutes:02d}m"
    return f"{sign}{minutes}m{secs:02d}s"


def kst(moment: datetime) -> datetime:
    return moment.astimezone(KST)


def format_kst(moment: datetime | None, *, seconds: bool = False) -> str:
    """`2024-05-20 14:22 KST`, the form DOMAIN.md asks replies to use as well."""
    if moment is None:
        return "--"
    return kst(moment).strftime("%Y-%m-%d %H:%M:%S KST" if seconds else "%Y-%m-%d %H:%M KST")
