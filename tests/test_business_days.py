"""Business days skip Korean public holidays (linting/calendar.py, the `holidays` library's KR calendar).

The dates below are the published ones (the Korean government's
공휴일 lists for 2025-2027): Seollal and Chuseok three days each, their
substitute holidays (대체공휴일), the 2025-01-27 temporary holiday
(임시공휴일) and the 2025-06-03 presidential election day.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from replydesk.linting.calendar import WEEKENDS_ONLY, BusinessCalendar
from replydesk.linting.loading import load_one_off_holidays, load_packs
from replydesk.linting.packs import Window
from replydesk.linting.tomldata import DataFileError

KST = timezone(timedelta(hours=9))
KR = BusinessCalendar("KR")

PUBLISHED = {
    # Seollal (설날) and Chuseok (추석), each with the day before and after.
    "seollal-2025": ["2025-01-28", "2025-01-29", "2025-01-30"],
    "chuseok-2025": ["2025-10-05", "2025-10-06", "2025-10-07"],
    "seollal-2026": ["2026-02-16", "2026-02-17", "2026-02-18"],
    "chuseok-2026": ["2026-09-24", "2026-09-25", "2026-09-26"],
    "seollal-2027": ["2027-02-06", "2027-02-07", "2027-02-08"],
    "chuseok-2027": ["2027-09-14", "2027-09-15", "2027-09-16"],
    # 대체공휴일: Chuseok 2025 met a Sunday (10-05), Seollal 2027 a Saturday and a Sunday.
    "substitute": ["2025-10-08", "2027-02-09"],
    "temporary-2025": ["2025-01-27"],
    "election-2025": ["2025-06-03"],
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_korean_holidays_are_not_business_days(name):
    for text in PUBLISHED[name]:
        day = date.fromisoformat(text)
        assert KR.holiday(day), f"{text} ({name}) is a public holiday"
        assert not KR.is_business_day(day)
        assert WEEKENDS_ONLY.is_business_day(day) == (day.weekday() < 5)


def test_ordinary_weekdays_around_the_holidays_are_business_days():
    for text in ("2025-01-24", "2025-01-31", "2025-10-10", "2026-02-19", "2026-09-28", "2027-02-10", "2027-09-17"):
        assert KR.is_business_day(date.fromisoformat(text)), text


def test_three_business_days_across_seollal_2025():
    # Friday 24 Jan 2025: the 27th (temporary) and 28-30 (Seollal) are holidays, so day 1 is
    # Friday the 31st, day 2 Monday 3 Feb, day 3 Tuesday 4 Feb.
    received = datetime(2025, 1, 24, 15, 0, tzinfo=KST)
    window = Window(business_days=3)
    assert window.deadline(received, KST, KR) == datetime(2025, 2, 4, 15, 0, tzinfo=KST)
    assert window.deadline(received, KST) == datetime(2025, 1, 29, 15, 0, tzinfo=KST)  # weekends only


def test_five_business_days_across_chuseok_2025_and_its_substitute_day():
    # Thursday 2 Oct 2025: 3 Oct (National Foundation Day), 5-7 Chuseok, 8 substitute, 9 Hangul Day.
    received = datetime(2025, 10, 2, 9, 0, tzinfo=KST)
    assert KR.add_business_days(received, 5) == datetime(2025, 10, 16, 9, 0, tzinfo=KST)
    assert KR.business_days_between(date(2025, 10, 2), date(2025, 10, 16)) == 5


def test_calendar_day_and_hour_windows_run_through_holidays():
    received = datetime(2025, 1, 27, 10, 0, tzinfo=KST)
    assert Window(days=3).deadline(received, KST, KR) == datetime(2025, 1, 30, 10, 0, tzinfo=KST)
    assert Window(hours=48).deadline(received, KST, KR) == datetime(2025, 1, 29, 10, 0, tzinfo=KST)


def test_the_coupang_pack_counts_korean_holidays_and_its_case_deadlines_follow():
    from replydesk.linting.casefile import case_from_mapping

    packs = load_packs()
    assert packs["coupang"].business_calendar.country == "KR"
    window = packs["coupang"].kind("chargeback").window
    assert window.business_days is not None
    case = case_from_mapping(
        {"id": "CP-CB-1", "platform": "coupang", "kind": "chargeback", "subject": "Chargeback", "received_at": "2025-01-24T15:00:00"},
        packs,
    )
    expected = KR.add_business_days(datetime(2025, 1, 24, 15, 0, tzinfo=KST), window.business_days)
    assert case.deadline == expected and case.deadline.date() > date(2025, 1, 30)


def test_a_one_off_holiday_file_adds_a_day_the_library_does_not_know(tmp_path):
    folder = tmp_path / "packs" / "calendars"
    folder.mkdir(parents=True)
    (folder / "KR.toml").write_text('[holidays]\n"2026-12-03" = "임시공휴일 (example)"\n', encoding="utf-8")
    extra = load_one_off_holidays([tmp_path / "packs"])
    calendar = BusinessCalendar("KR", extra["KR"])
    assert not calendar.is_business_day(date(2026, 12, 3)) and KR.is_business_day(date(2026, 12, 3))
    packs = load_packs((tmp_path / "packs",))
    assert packs["coupang"].business_calendar.holiday(date(2026, 12, 3)) == "임시공휴일 (example)"
    assert packs["amazon"].business_calendar.holiday(date(2026, 12, 3)) is None  # not a KR pack


@pytest.mark.parametrize(
    "text, message",
    [
        ('[holidays]\n"2026-13-01" = "x"\n', "'2026-13-01' is not a date"),
        ('[holidays]\n"2026-12-03" = ""\n', "needs a name"),
        ('[holiday]\n"2026-12-03" = "x"\n', "unknown table 'holiday'"),
    ],
)
def test_a_broken_holiday_file_names_the_file_and_line(tmp_path, text, message):
    folder = tmp_path / "calendars"
    folder.mkdir()
    (folder / "KR.toml").write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match=message) as info:
        load_one_off_holidays([tmp_path])
    assert "KR.toml" in str(info.value)
