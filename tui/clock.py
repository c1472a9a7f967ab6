"""The desk's only source of "now": injected, so tests and snapshots can stop time.

freezegun hangs a Textual app (it patches the monotonic clock the event
loop runs on); passing a clock in leaves the loop alone.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Callable

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Aware UTC now; screens convert to KST for display."""
    return datetime.now(timezone.utc)


class FixedClock:
    """A clock that stands still until told to move (tests, snapshots, benchmarks)."""

    def __init__(self, moment: datetime):
        if moment.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)
