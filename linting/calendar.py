"""Business days: weekends and the country's public holidays are not counted.

"3–5 business days" (a Coupang chargeback) or "follow up after 5 business
days" (Amazon) skip Korean public holidays too: Seollal and Chuseok (lunar
dates, three days each), their substitute holidays, election days, and the
temporary holidays the government declares at a few weeks' notice. Those
dates are not a formula one should keep by hand: the `holidays` library
(python-holidays, maintained, with a KR calendar that carries the lunar
dates, the substitute-holiday rules and the declared temporary holidays and
election days) knows them. A holiday declared after the installed release
goes in the queue's one-off file (`packs/calendars/<COUNTRY>.toml`, read by
loading.py) until the library has it.

Windows in calendar days or hours stay calendar time: DOMAIN.md says
holidays do not stop those clocks (a Notice of Action's 3–7 days).

Pure: the library computes, nothing is read here; it is imported on the
first business-day question, not at start-up.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Mapping


@lru_cache(maxsize=64)
def _national(country: str, year: int) -> dict[date, str]:
    import holidays

    return dict(holidays.country_holidays(country, years=year))


@dataclass(frozen=True)
class BusinessCalendar:
    """Monday to Friday, less the public holidays of `country` (ISO 3166, e.g. KR) and `extra`."""

    country: str = ""  # "" = weekends only
    extra: Mapping[date, str] = field(default_factory=dict)

    def holiday(self, day: date) -> str | None:
        """The holiday's name when `day` is one (a one-off from `extra` first), else None."""
        if day in self.extra:
            return self.extra[day]
        if self.country:
            return _national(self.country, day.year).get(day)
        return None

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday(day) is None

    def add_business_days(self, start: datetime, days: int) -> datetime:
        """The same time of day, `days` business days after `start` (its own day is not counted)."""
        end, left = start, days
        while left > 0:
            end += timedelta(days=1)
            if self.is_business_day(end.date()):
                left -= 1
        return end

    def business_days_between(self, start: date, end: date) -> int:
        """Business days after `start` up to and including `end` (0 when end ≤ start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_business_day(day):
                count += 1
        return count


WEEKENDS_ONLY = BusinessCalendar()
