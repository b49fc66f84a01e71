"""Scheduled supervision work: publication deadlines counted on a year whose official calendar was not loaded yet
are recounted once the year's data is there (as the list procedure does for its objection deadlines)."""

from __future__ import annotations

from datetime import date

from credit import db
from credit.changes import Audit, record_changed
from credit.listings.service import calendar as working_calendar
from credit.supervision import draw as drawing
from credit.supervision.tables import SupervisionTask


async def confirm_publication_deadlines(on: date) -> str:
    """Recount each unconfirmed publication deadline of a recorded result; store it once the calendar confirms it."""
    rows = (
        await SupervisionTask.select(
            SupervisionTask.id,
            SupervisionTask.inspected_on,
            SupervisionTask.publish_by,
            SupervisionTask.draw.drawn_on.as_alias("drawn_on"),
        )
        .where(SupervisionTask.publish_by_confirmed.eq(False) & SupervisionTask.inspected_on.is_not_null())
        .order_by(SupervisionTask.id)
        .run()
    )
    confirmed = 0
    for row in rows:
        days = drawing.rules_on(row["drawn_on"])[1].publication_working_days
        deadline = working_calendar().add_working_days(row["inspected_on"], days)
        if not deadline.confirmed:
            continue
        async with db.transaction():
            await (
                SupervisionTask.update(
                    {SupervisionTask.publish_by: deadline.day, SupervisionTask.publish_by_confirmed: True}
                )
                .where(SupervisionTask.id == row["id"])
                .run()
            )
            await record_changed(
                audit=Audit(
                    "scheduler",
                    "supervision.deadline_confirmed",
                    "supervision_task",
                    row["id"],
                    {"before": row["publish_by"], "after": deadline.day},
                )
            )
        confirmed += 1
    return f"{confirmed} publication deadlines confirmed, {len(rows) - confirmed} waiting for the official calendar"
