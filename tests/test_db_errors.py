"""`credit.db.is_unique_violation` recognises the drivers' own unique-index errors (issue 16, item 7: catch the
drivers' IntegrityError types, never look for "unique" in a message), on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date

import pytest

from credit.db import is_unique_violation
from credit.scheduling.tables import JobRun
from credit.supervision.tables import InspectionDraw
from credit.timeutil import now_utc


def draw(month: str) -> InspectionDraw:
    return InspectionDraw(month=month, drawn_on=date(2026, 6, 1), seed="s", institutions=[], inspectors=[])


async def test_a_second_row_for_a_unique_column_is_a_unique_violation(db):
    await InspectionDraw.insert(draw("2026-06")).run()
    with pytest.raises(Exception) as refused:
        await InspectionDraw.insert(draw("2026-06")).run()
    assert is_unique_violation(refused.value)


async def test_a_missing_required_value_is_an_integrity_error_but_no_unique_violation(db):
    with pytest.raises(Exception) as refused:
        await JobRun.raw(
            "INSERT INTO job_run (job, slot, started_at, status, detail) VALUES (NULL, 's', {}, 'x', '')", now_utc()
        ).run()
    assert type(refused.value).__name__ in {"IntegrityError", "NotNullViolationError"}
    assert not is_unique_violation(refused.value)


def test_a_message_that_merely_mentions_unique_is_no_unique_violation():
    assert not is_unique_violation(RuntimeError("UNIQUE constraint failed: duplicate key value"))
