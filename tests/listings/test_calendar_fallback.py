"""Working days for a year without the State Council notice, and calendar files checked at load."""

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from credit.listings.calendar import CalendarFileError, WorkingCalendar, load_extra_years, read_year_file
from credit.listings.statutory_days import statutory_days_off

NO_DATA = WorkingCalendar(extra_years={})


def test_new_year_2027_is_no_longer_a_working_day():
    # 国务院关于修改《全国年节及纪念日放假办法》的决定 (2024), art. 2: 1 January is a day off.
    assert NO_DATA.is_working_day(date(2027, 1, 1)) == (False, False)
    result = NO_DATA.add_working_days(date(2026, 12, 31), 1)  # Thursday -> skips Fri 1 Jan and the weekend
    assert result.day == date(2027, 1, 4) and not result.confirmed


def test_the_fallback_knows_the_thirteen_days_off_of_2027():
    # 2024 revision, art. 2: New Year 1, Spring Festival 4 (eve to day 3), Qingming 1, Labour 2,
    # Dragon Boat 1, Mid-Autumn 1, National Day 3 = 13 days. Lunar 2027: new year 6 Feb, 5/5 = 9 Jun,
    # 8/15 = 15 Sep; Qingming 5 Apr.
    assert statutory_days_off(2027) == {
        date(2027, 1, 1),
        date(2027, 2, 5),
        date(2027, 2, 6),
        date(2027, 2, 7),
        date(2027, 2, 8),
        date(2027, 4, 5),
        date(2027, 5, 1),
        date(2027, 5, 2),
        date(2027, 6, 9),
        date(2027, 9, 15),
        date(2027, 10, 1),
        date(2027, 10, 2),
        date(2027, 10, 3),
    }


def test_the_fallback_matches_the_statutory_days_the_library_knows_for_2026():
    # chinese-calendar 1.11 ships the 2026 notice; every 2024-rule day off is a holiday there too.
    import chinese_calendar

    for day in statutory_days_off(2026):
        assert chinese_calendar.is_holiday(day), day


def test_a_deadline_across_the_2027_spring_festival_skips_the_days_off():
    # Notified Thu 4 Feb 2027; Fri 5 Feb (eve) and Mon 8 Feb (day 3) are off: 5 working days are 9-12 and 15 Feb.
    result = NO_DATA.add_working_days(date(2027, 2, 4), 5)
    assert result.day == date(2027, 2, 15) and not result.confirmed


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2027, 1, 1), max_value=date(2099, 12, 31)), st.integers(min_value=1, max_value=15))
def test_fallback_working_days_are_never_a_weekend_or_a_statutory_day_off(start, count):
    # Invariant of the 2024 rules: the fallback counts Monday-Friday minus the statutory days off.
    result = NO_DATA.add_working_days(start, count)
    assert not result.confirmed
    assert result.day.weekday() < 5 and result.day not in statutory_days_off(result.day.year)
    counted = sum(NO_DATA.is_working_day(start + timedelta(days=n))[0] for n in range(1, (result.day - start).days + 1))
    assert counted == count


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_loads_and_confirms_the_year(tmp_path):
    write(tmp_path, "2031.toml", "year = 2031\nholidays = [2031-01-01, 2031-01-03]\nworkdays = [2031-01-04]\n")
    calendar = WorkingCalendar(extra_years=load_extra_years(tmp_path))
    assert calendar.add_working_days(date(2031, 1, 1), 2) == calendar.add_working_days(date(2031, 1, 1), 2)
    assert calendar.add_working_days(date(2031, 1, 1), 2).day == date(2031, 1, 4)
    assert calendar.add_working_days(date(2031, 1, 1), 2).confirmed


@pytest.mark.parametrize(
    "name, text, line, reason",
    [
        ("2031.toml", 'year = 2031\nholidays = [\n  2031-01-01,\n  "2031-01-02",\n]\n', 4, "is not a TOML date"),
        ("2031.toml", "year = 2030\nholidays = [2030-01-01]\n", 1, "named 2031.toml"),
        (
            "2031.toml",
            "year = 2031\nholidays = [2031-01-01,\n  2031-02-01]\nworkdays = [2031-02-01]\n",
            3,
            "both a holiday and a working day",
        ),
        ("2031.toml", "year = 2031\nholidays = [2031-01-01\n", 2, "invalid TOML"),
        ("2031.toml", "year = 2031\nholidays = [2032-01-01]\n", 2, "is not in 2031"),
        ("2031.toml", "year = 2031\nholiday = [2031-01-01]\n", 2, "unknown key"),
    ],
)
def test_a_bad_file_is_refused_with_its_line(tmp_path, name, text, line, reason):
    path = write(tmp_path, name, text)
    with pytest.raises(CalendarFileError) as refused:
        read_year_file(path)
    assert refused.value.line == line and reason in refused.value.reason
    assert str(refused.value).startswith(f"{path}:{line}: ")


def test_a_bad_file_stops_the_cli_with_the_file_and_line_and_no_traceback(tmp_path):
    write(tmp_path, "2031.toml", "year = 2031\nholidays = [2031-01-01]\nworkdays = [2031-01-01]\n")
    env = {
        **os.environ,
        "CALENDAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "ELDERCREDIT_DATA_DIR": str(tmp_path),
        "COLUMNS": "300",
    }
    done = subprocess.run(
        [sys.executable, "-m", "credit.cli", "migrate"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert f"{tmp_path / '2031.toml'}:2: 2031-01-01 is both a holiday and a working day" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_bad_file_stops_the_app_factory(tmp_path, monkeypatch):
    from credit import settings as configuration
    from credit.app import create_app

    write(tmp_path, "2031.toml", "year = 2031\nholidays = [2031-13-01]\n")
    monkeypatch.setattr(
        configuration,
        "settings",
        configuration.Settings(
            **{
                **{f: getattr(configuration.settings, f) for f in configuration.Settings.__dataclass_fields__},
                "calendar_dir": tmp_path,
            }
        ),
    )
    with pytest.raises(CalendarFileError, match="2031.toml:2"):
        create_app()
