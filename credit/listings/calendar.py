"""China's working days (官方工作日): chinese-calendar, extra years from TOML data, and for a year with
neither, Monday-Friday minus the statutory days off (unconfirmed until the year's notice is loaded)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar

from credit.listings.statutory_days import statutory_days_off

CALENDAR_DIR = Path(__file__).resolve().parents[2] / "scoring" / "calendars"
FILE_KEYS = ("year", "holidays", "workdays")


class CalendarFileError(ValueError):
    """A calendar file is malformed: the file, the line and what is wrong."""

    def __init__(self, path: Path, line: int, reason: str) -> None:
        self.path, self.line, self.reason = path, line, reason
        super().__init__(f"{path}:{line}: {reason}")


@dataclass(frozen=True, slots=True)
class WorkingDay:
    day: date
    confirmed: bool  # False when some day counted was in a year without official data


@dataclass(frozen=True, slots=True)
class YearData:
    holidays: frozenset[date]
    workdays: frozenset[date]  # make-up working days (调休上班) on weekends


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line.split("#", 1)[0]:
            return number
    return 1


def _dates(path: Path, text: str, data: dict[str, Any], key: str, year: int) -> frozenset[date]:
    values = data.get(key, [])
    if not isinstance(values, list):
        raise CalendarFileError(path, _line_of(text, key), f"{key} must be an array of dates (YYYY-MM-DD)")
    for value in values:
        if isinstance(value, datetime) or not isinstance(value, date):
            line = _line_of(text, str(value)) if isinstance(value, (str, int)) else _line_of(text, key)
            raise CalendarFileError(path, line, f"{key}: {value!r} is not a TOML date (write it bare: 2027-01-01)")
        if value.year != year:
            raise CalendarFileError(
                path, _line_of(text, value.isoformat()), f"{key}: {value.isoformat()} is not in {year}"
            )
    return frozenset(values)


def read_year_file(path: Path) -> tuple[int, YearData]:
    """Read and check one `<year>.toml`. Raises CalendarFileError naming the file and line."""
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        line = int(found.group(1)) if found else max(1, len(text.splitlines()))  # "at end of document"
        raise CalendarFileError(path, line, f"invalid TOML: {error}") from None
    for key in data:
        if key not in FILE_KEYS:
            raise CalendarFileError(path, _line_of(text, key), f"unknown key {key!r} (known: {', '.join(FILE_KEYS)})")
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise CalendarFileError(path, _line_of(text, "year"), "year must be an integer, e.g. year = 2027")
    if path.stem != str(year):
        raise CalendarFileError(
            path, _line_of(text, "year"), f"the file says year = {year} but is named {path.name}; name it {year}.toml"
        )
    holidays = _dates(path, text, data, "holidays", year)
    workdays = _dates(path, text, data, "workdays", year)
    both = sorted(holidays & workdays)
    if both:
        raise CalendarFileError(
            path, _line_of(text, both[0].isoformat()), f"{both[0].isoformat()} is both a holiday and a working day"
        )
    return year, YearData(holidays, workdays)


def load_extra_years(directory: Path | None = None) -> dict[int, YearData]:
    """Years an operator added as `calendars/<year>.toml` (holidays = [...], workdays = [...]), from
    `directory`, else the CALENDAR_DIR setting, else scoring/calendars. Raises CalendarFileError on the
    first malformed file."""
    from credit import settings as configuration

    directory = directory or configuration.settings.calendar_dir or CALENDAR_DIR
    years: dict[int, YearData] = {}
    for path in sorted(directory.glob("*.toml")):
        year, data = read_year_file(path)
        years[year] = data
    return years


def fallback_is_working_day(day: date) -> bool:
    """Without the year's notice: Monday-Friday and not a statutory day off (2024 rules)."""
    return day.weekday() < 5 and day not in statutory_days_off(day.year)


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
            return fallback_is_working_day(day), False

    def is_confirmed(self, day: date) -> bool:
        """Whether official data (the library or a calendar file) covers the day."""
        return self.is_working_day(day)[1]

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

    def working_days_between(self, after: date, until: date) -> int:
        """How many working days lie in (after, until]."""
        count, day = 0, after
        while day < until:
            day += timedelta(days=1)
            count += self.is_working_day(day)[0]
        return count
