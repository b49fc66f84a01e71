"""Calendar-month arithmetic shared by the scoring rules."""

from __future__ import annotations

from calendar import isleap
from datetime import date, timedelta

_ONE_DAY = timedelta(days=1)
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(day: date, months: int) -> date:
    """Return `day` moved by `months` calendar months (negative moves back).

    The day of the month is clamped to the target month's last day, so
    2023-01-31 + 1 month is 2023-02-28 and 2024-01-31 + 1 month is 2024-02-29.
    Raises OverflowError/ValueError outside the years 1..9999.
    """
    years, month0 = divmod(day.month - 1 + months, 12)
    year = day.year + years
    mday = day.day
    if mday > 28:  # only the 29th to the 31st can be past the target month's end (hot: no calendar call)
        last = 29 if month0 == 1 and isleap(year) else _MONTH_DAYS[month0]
        mday = min(mday, last)
    return date(year, month0 + 1, mday)


def last_start_ending_by(end: date, months: int) -> date:
    """Return the latest start date whose `months`-month period is over by `end`.

    That is the largest `s` with `add_months(s, months) <= end`, so that for any
    date `d`: `end < add_months(d, months)` exactly when `d > last_start_ending_by(end, months)`.
    The batch scorer uses it to turn one month addition per record into one comparison.
    """
    start = add_months(end, -months)
    # add_months is monotone but not injective near month ends: walk to the exact edge.
    if add_months(start, months) <= end:
        while add_months(start + _ONE_DAY, months) <= end:
            start += _ONE_DAY
    else:
        while add_months(start, months) > end:
            start -= _ONE_DAY
    return start
