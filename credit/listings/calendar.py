"""China's working days (官方工作日): chinese-calendar, extra years from TOML data, Mon-Fri fallback."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar

CALENDAR_DIR = Path(__file__).resolve().parents[2] / "scoring" / "calendars"


@dataclass(frozen=True, slots=True)
class WorkingDay:
    day: date
    confirmed: bool  # False when some day counted was in a year without official data


@dataclass(frozen=True, slots=True)
class YearData:
    holidays: frozenset[date]
    workdays: frozenset[date]  # make-up working days (调休上班) on weekends


def load_extra_years(directory: Path = CALENDAR_DIR) -> dict[int, YearData]:
    """Years an operator added as `calendars/<year>.toml` (holidays = [...], workdays = [...])."""
    years: dict[int, YearData] = {}
    for path in sorted(directory.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        years[int(data["year"])] = YearData(frozenset(data.get("holidays", [])), frozenset(data.get("workdays", [])))
    return years


class WorkingCalendar:
    def __init__(self, extra_years: dict[int, YearData] | None = None):
        self.extra_years = load_extra_years() if extra_years is None else extra_years

    def is_working_day(self, day: date) -> tuple[bool, bool]:
        """Return (is a working day, whether official data covered the day)."""
        extra = self.extra_years.get(day.year)
        if extra is not None:
            if day in extra.workdays:
                return True, True
            return day.weekday() < 5 and day not in extra.holidays, True
        try:
            return chinese_calendar.is_workday(day), True
        except NotImplementedError:
            return day.weekday() < 5, False

    def add_working_days(self, start: date, count: int) -> WorkingDay:
        """The `count`-th working day after `start` (start itself not counted)."""
        day, left, confirmed = start, count, True
        while left > 0:
            day += timedelta(days=1)
            working, covered = self.is_working_day(day)
            confirmed &= covered
            if working:
                left -= 1
        return WorkingDay(day, confirmed)
