"""The list procedure's states, transitions and dates (民发〔2019〕103号), as plain rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypedDict

from credit.listings.behaviours import COURT_DEBTOR
from credit.listings.calendar import WorkingCalendar

# The states and behaviours are the vocabulary of the list's table columns (credit.listings.tables);
# the ones named `X as X` are re-exported for the modules that read them as `rules.X`.
from credit.listings.tables import (
    ACTIVE_STATES as ACTIVE_STATES,
    BEHAVIOURS as BEHAVIOURS,
    LISTED,
    NOTIFIED,
    OBJECTED,
    PROPOSED,
    REMOVED,
    SHORT_LABELS as SHORT_LABELS,
    STATES as STATES,
    WITHDRAWN,
)
from scoring import policy_for
from scoring.dates import add_months

SUBJECT_KINDS = ("institution", "practitioner")
REVIEW_OUTCOMES = ("upheld", "withdrawn")  # of an objection
REMOVAL_STEPS = ("expired", "revoked_basis", "error", "court_removed")  # the reasons a regulator removes with
EARLY_REMOVAL_DECISIONS = ("approved", "rejected")
WITHDRAWN_APPLICATION = "withdrawn"  # the applicant (the home) withdrew it before a decision
APPLICATION_STATES = ("pending", *EARLY_REMOVAL_DECISIONS, WITHDRAWN_APPLICATION)

# state -> the states it may move to
TRANSITIONS = {
    PROPOSED: (NOTIFIED, WITHDRAWN),
    NOTIFIED: (OBJECTED, LISTED, WITHDRAWN),
    OBJECTED: (LISTED, WITHDRAWN),
    LISTED: (REMOVED, OBJECTED),  # objected only while a calendar review reopens the window
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


def list_from(deadline: date, confirmed: bool, notified_on: date, calendar: WorkingCalendar) -> date:
    """The first day an entry without objection may be listed: the day after a confirmed deadline; after a
    deadline counted without the year's holiday notice (a guess), the day after the policy's margin of
    further working days (listing.confirmation_margin_working_days)."""
    if confirmed:
        return deadline + timedelta(days=1)
    margin = policy_for(notified_on).listing.confirmation_margin_working_days
    return calendar.add_working_days(deadline, margin).day + timedelta(days=1)


class ListingDates(TypedDict):
    listed_on: date
    expires_on: date | None
    early_removal_from: date | None


def listing_dates(listed_on: date, behaviour: str = "") -> ListingDates:
    """When a listing expires, and from when early removal (credit repair) may be applied for. A court's
    dishonest-debtor designation follows the court's list: no fixed end and no early removal here; it ends
    when the court removes the subject (removal reason court_removed)."""
    if behaviour == COURT_DEBTOR:
        return {"listed_on": listed_on, "expires_on": None, "early_removal_from": None}
    rules = policy_for(listed_on).listing
    return {
        "listed_on": listed_on,
        "expires_on": add_months(listed_on, 12 * rules.duration_years),
        "early_removal_from": add_months(listed_on, 12 * rules.early_removal_after_years),
    }
