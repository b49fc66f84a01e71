"""What is public of citizen feedback (投诉与意见, issue 18): monthly counts, never the content.

Per home and per district, for each of the last MONTHS months (by the month a report was received) with any
report: how many were received, how many were closed as substantiated (查实), and how many were answered (closed
or transferred) by their due date. No text, reference, name or phone number ever leaves here. The home's counts
go into its profile document (credit.public.projection), so the profile stays one read; the district counts
into the daily disclosure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from credit.feedback.tables import Feedback

MONTHS = 12


def first_month(on: date) -> date:
    """The first day of the oldest month shown on `on`."""
    months = on.year * 12 + on.month - 1 - (MONTHS - 1)
    return date(months // 12, months % 12 + 1, 1)


def _counts(rows: Iterable[dict[str, Any]], key: str) -> dict[Any, list[dict[str, Any]]]:
    table: dict[Any, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: {"received": 0, "substantiated": 0, "closed_on_time": 0})
    )
    for r in rows:
        month = table[r[key]][r["received_on"].strftime("%Y-%m")]
        month["received"] += 1
        month["substantiated"] += bool(r["substantiated"])
        month["closed_on_time"] += r["closed_on"] is not None and r["closed_on"] <= r["due_on"]
    return {k: [{"month": m, **c} for m, c in sorted(months.items())] for k, months in table.items()}


_COLUMNS = (
    Feedback.institution,
    Feedback.district_code,
    Feedback.received_on,
    Feedback.due_on,
    Feedback.closed_on,
    Feedback.substantiated,
)


async def by_home(institution_ids: list[int], on: date) -> dict[int, list[dict[str, Any]]]:
    """Institution id -> its months ([{month: "YYYY-MM", received, substantiated, closed_on_time}], oldest
    first; homes without a report in the period are left out)."""
    if not institution_ids:
        return {}
    rows = (
        await Feedback.select(*_COLUMNS)
        .where(
            Feedback.institution.is_in(institution_ids)
            & (Feedback.received_on >= first_month(on))
            & (Feedback.received_on <= on)
        )
        .run()
    )
    return _counts(rows, "institution")


async def by_district(on: date) -> list[dict[str, Any]]:
    """Every district's months ("" is general feedback, about no home), districts in code order."""
    rows = (
        await Feedback.select(*_COLUMNS)
        .where((Feedback.received_on >= first_month(on)) & (Feedback.received_on <= on))
        .run()
    )
    counts = _counts(rows, "district_code")
    return [{"district_code": code, "months": counts[code]} for code in sorted(counts)]
