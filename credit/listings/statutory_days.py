"""The statutory days off (法定节假日) of a year, known without the year's State Council notice.

Since the 2024 revision of the national holiday rules (国务院关于修改《全国年节及纪念日放假办法》的决定,
国务院令第795号, in force 2025-01-01, article 2) every citizen has 13 days off: New Year's Day (1 January);
Spring Festival eve to its third day (农历除夕、正月初一至初三); Qingming (清明, the solar term); Labour Day
(1 and 2 May); Dragon Boat (农历五月初五); Mid-Autumn (农历八月十五); National Day (1 to 3 October).
The notice of each year only moves days around them (调休), which is why a date counted from these days alone
stays unconfirmed until the notice is loaded.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import chinese_calendar
from lunar_python import Lunar


def _lunar(year: int, month: int, day: int) -> date:
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _qingming(year: int) -> date:
    terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
    return next(day for day, name in terms if name == "清明")


@functools.cache
def statutory_days_off(year: int) -> frozenset[date]:
    """The 13 statutory days off of `year` under the 2024 rules (whatever weekday they fall on)."""
    spring = _lunar(year, 1, 1)
    return frozenset(
        {
            date(year, 1, 1),
            *(spring + timedelta(days=n) for n in range(-1, 3)),  # eve (the day before the first) to day 3
            _qingming(year),
            date(year, 5, 1),
            date(year, 5, 2),
            _lunar(year, 5, 5),
            _lunar(year, 8, 15),
            date(year, 10, 1),
            date(year, 10, 2),
            date(year, 10, 3),
        }
    )
