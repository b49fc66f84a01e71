"""Retention of citizen feedback: the complainant's name and phone are erased RETENTION_YEARS after the
feedback was closed or transferred; the report itself (its text, answers and dates) stays for the statistics
and the record. Run daily by the scheduler (`eldercredit jobs run erase_feedback_pii`)."""

from __future__ import annotations

from datetime import date

from credit import db
from credit.changes import Audit, record_changed
from credit.feedback.tables import Feedback
from scoring.dates import add_months

RETENTION_YEARS = 3


async def erase_feedback_pii(on: date) -> str:
    """Erase the name and phone of every feedback closed (or transferred) on or before `on` minus
    RETENTION_YEARS; one transaction, one audit entry per feedback. Returns a summary line."""
    cutoff = add_months(on, -12 * RETENTION_YEARS)
    async with db.transaction():
        due = (
            await Feedback.select(Feedback.id)
            .where(
                Feedback.closed_on.is_not_null()
                & (Feedback.closed_on <= cutoff)
                & Feedback.pii_erased_on.is_null()
                & ((Feedback.complainant_name != "") | (Feedback.complainant_phone != ""))
            )
            .run()
        )
        ids = [r["id"] for r in due]
        if ids:
            await (
                Feedback.update(
                    {Feedback.complainant_name: "", Feedback.complainant_phone: "", Feedback.pii_erased_on: on}
                )
                .where(Feedback.id.is_in(ids))
                .run()
            )
        for feedback_id in ids:
            await record_changed(
                audit=Audit(
                    "system:retention",
                    "feedback.erase_pii",
                    "citizen_feedback",
                    feedback_id,
                    {"retention_years": RETENTION_YEARS},
                )
            )
    return f"{len(ids)} complainants' name and phone erased (closed on or before {cutoff.isoformat()})"
