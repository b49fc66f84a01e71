"""The app's clock: UTC instants and calendar days in the settings' time zone, given to handlers as the `clock`
dependency (credit.app.create_app), so a test can run the whole app on a fixed day instead of patching time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


class Clock:
    """What time it is. `now()` is a UTC instant; `today()` the calendar day where the regulators are."""

    def __init__(self, timezone: ZoneInfo) -> None:
        self.timezone = timezone

    def now(self) -> datetime:
        raise NotImplementedError

    def today(self) -> date:
        return self.now().astimezone(self.timezone).date()


class SystemClock(Clock):
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock(Clock):
    """A clock that stands still: at `at` (an aware instant), or at noon of `at` (a day) in `timezone`."""

    def __init__(self, at: date | datetime, timezone: ZoneInfo) -> None:
        super().__init__(timezone)
        if not isinstance(at, datetime):
            at = datetime.combine(at, time(12), tzinfo=timezone)
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime (or a date)")
        self.at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self.at

    def __repr__(self) -> str:
        return f"FixedClock({self.at.isoformat()})"
