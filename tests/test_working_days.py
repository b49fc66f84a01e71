"""Working days follow China's official calendar, with a flagged Monday-Friday fallback."""

from datetime import date

import pytest

from credit.listings.calendar import WorkingCalendar, YearData


@pytest.mark.parametrize(
    "start, days, expected",
    [
        # National Day 2025: Oct 1-8 off, Sunday Sep 28 and Saturday Oct 11 are make-up working days.
        (date(2025, 9, 26), 5, date(2025, 10, 10)),  # Sep 28 counts, Oct 1-8 do not
        (date(2025, 9, 30), 1, date(2025, 10, 9)),
        (date(2025, 10, 9), 2, date(2025, 10, 11)),  # the make-up Saturday counts
        # Spring Festival 2026: Feb 15-23 off, Saturday Feb 14 and Saturday Feb 28 are make-up days.
        (date(2026, 2, 12), 5, date(2026, 2, 26)),
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
    ],
)
def test_deadlines_skip_official_holidays_and_count_make_up_days(start, days, expected):
    result = WorkingCalendar(extra_years={}).add_working_days(start, days)
    assert result.day == expected and result.confirmed


def test_a_year_without_data_falls_back_to_weekdays_and_is_unconfirmed():
    result = WorkingCalendar(extra_years={}).add_working_days(date(2031, 1, 2), 5)
    assert result.day == date(2031, 1, 9) and not result.confirmed


def test_a_year_added_as_data_is_used_and_confirmed():
    extra = {2031: YearData(holidays=frozenset({date(2031, 1, 3)}), workdays=frozenset({date(2031, 1, 4)}))}
    result = WorkingCalendar(extra_years=extra).add_working_days(date(2031, 1, 2), 2)
    assert result.day == date(2031, 1, 6) and result.confirmed
