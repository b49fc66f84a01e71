"""The list procedure's states, transitions and dates (民发〔2019〕103号), as plain rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scoring import policy_for
from scoring.dates import add_months

from credit.listings.calendar import WorkingCalendar

# The states and behaviours are the vocabulary of the list's table columns (credit.listings.tables).
from credit.listings.tables import (  # noqa: E402
    ACTIVE_STATES, BEHAVIOURS, LISTED, NOTIFIED, OBJECTED, PROPOSED, REMOVAL_REASONS, REMOVED, STATES, WITHDRAWN,
)

SUBJECT_KINDS = ("institution", "practitioner")

# state -> the states it may move to
TRANSITIONS = {
    PROPOSED: (NOTIFIED, WITHDRAWN),
    NOTIFIED: (OBJECTED, LISTED, WITHDRAWN),
    OBJECTED: (LISTED, WITHDRAWN),
    LISTED: (REMOVED,),
    REMOVED: (),
    WITHDRAWN: (),
}


@dataclass(frozen=True, slots=True)
class Deadline:
    day: date
    confirmed: bool


def objection_deadline(notified_on: date, calendar: WorkingCalendar) -> Deadline:
    """The last day to object: the policy's number of working days after notification."""
    days = policy_for(notified_on).listing.objection_working_days
    result = calendar.add_working_days(notified_on, days)
    return Deadline(result.day, result.confirmed)


def listing_dates(listed_on: date) -> dict[str, date]:
    """When a listing expires, and from when early removal (credit repair) may be applied for."""
    rules = policy_for(listed_on).listing
    return {"listed_on": listed_on, "expires_on": add_months(listed_on, 12 * rules.duration_years),
            "early_removal_from": add_months(listed_on, 12 * rules.early_removal_after_years)}
