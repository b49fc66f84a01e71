"""Which days may be published: the chain of disclosures only ever grows at its end, one day at a time.

A disclosure names the digest of the day before it, so the stored days must stay contiguous and in order:
- a day after today (Asia/Shanghai) is refused: nobody can publish tomorrow's snapshot today;
- a day before the last published one is refused unless it is already published (then it is a no-op):
  slotting it in would leave the next day naming the wrong previous digest;
- days missed between the last published one and the day asked for are published first, oldest first.
"""

from __future__ import annotations

from datetime import date, timedelta

from credit.errors import DomainError


class DayRefused(DomainError):
    """The disclosure of this day cannot be published (nothing was written)."""


class FutureDay(DayRefused):
    def __init__(self, day: date, today: date):
        self.day, self.today = day, today
        super().__init__(
            f"the disclosure of {day} cannot be published before that day: today is {today} (Asia/Shanghai)"
        )


class BehindTheChain(DayRefused):
    def __init__(self, day: date, latest: date):
        self.day, self.latest = day, latest
        super().__init__(
            f"the disclosure of {day} cannot be published: {latest} is already published and the "
            f"chain only grows at its end"
        )


class MissingDays(DayRefused):
    def __init__(self, day: date, latest: date):
        self.day, self.latest = day, latest
        super().__init__(
            f"the disclosure of {day} cannot be published before the days from "
            f"{latest + timedelta(days=1)} to {day - timedelta(days=1)}: publish them first "
            f"(the publish_disclosure job catches them up in order)"
        )


def refuse_future(day: date, today: date) -> None:
    if day > today:
        raise FutureDay(day, today)


def days_to_publish(day: date, latest: date | None) -> list[date]:
    """The days to publish, oldest first, so that `day` ends the chain with no hole before it.

    `latest` is the last published day (None before the first disclosure: the chain starts at `day`).
    Empty when `day` is already the end of the chain; raises BehindTheChain when it lies before it.
    """
    if latest is None:
        return [day]
    if day < latest:
        raise BehindTheChain(day, latest)
    return [latest + timedelta(days=n) for n in range(1, (day - latest).days + 1)]


def refuse_unless_next(day: date, latest: date | None) -> None:
    """`day` may be published only as the day right after the last published one (or as the first)."""
    if latest is None or day == latest + timedelta(days=1):
        return
    if day <= latest:
        raise BehindTheChain(day, latest)
    raise MissingDays(day, latest)
