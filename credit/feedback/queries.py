"""Reads of citizen feedback for the workspace dashboard (no complainant details)."""

from __future__ import annotations

from typing import Any

from credit.feedback.service import ACCEPTED, OPEN
from credit.feedback.tables import Feedback
from credit.timeutil import today

_COLUMNS = (
    Feedback.id,
    Feedback.reference,
    Feedback.institution,
    Feedback.institution.name,
    Feedback.district_code,
    Feedback.status,
    Feedback.received_on,
    Feedback.due_on,
)


def _rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "institution_name": r.pop("institution.name") or ""} for r in rows]


async def overdue_feedback(district: str) -> list[dict[str, Any]]:
    """Open feedback past its due date, oldest due first; `district` "" for the whole city (general feedback
    included), else that district's homes only."""
    query = Feedback.select(*_COLUMNS).where(Feedback.status.is_in(list(OPEN)) & (Feedback.due_on < today()))
    if district:
        query = query.where(Feedback.district_code == district)
    return _rows(await query.order_by(Feedback.due_on).run())


async def inspections_requested(district: str) -> list[dict[str, Any]]:
    """Accepted feedback: an inspection of the home was requested and the feedback is not yet closed."""
    query = Feedback.select(*_COLUMNS).where(Feedback.status == ACCEPTED)
    if district:
        query = query.where(Feedback.district_code == district)
    return _rows(await query.order_by(Feedback.due_on).run())
