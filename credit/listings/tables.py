"""Joint-punishment list tables (失信联合惩戒对象名单, MCA 民发〔2019〕103号)."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from credit.listings.behaviours import BEHAVIOURS as ALL_BEHAVIOURS
from credit.records.tables import Penalty
from credit.registry.tables import Institution, Practitioner
from credit.sharing.tables import Agency

PROPOSED, NOTIFIED, OBJECTED, LISTED, REMOVED, WITHDRAWN = (
    "proposed",
    "notified",
    "objected",
    "listed",
    "removed",
    "withdrawn",
)
STATES = (PROPOSED, NOTIFIED, OBJECTED, LISTED, REMOVED, WITHDRAWN)
ACTIVE_STATES = (PROPOSED, NOTIFIED, OBJECTED, LISTED)
# code -> official wording (zh, en) of 民发〔2019〕103号; the one definition is credit.listings.behaviours
BEHAVIOURS = {code: b.official for code, b in ALL_BEHAVIOURS.items()}
SHORT_LABELS = {code: b.short for code, b in ALL_BEHAVIOURS.items()}


class ListingEntry(Table):
    """An entry of the joint-punishment list (失信联合惩戒对象名单) and the dates of its procedure."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    subject_kind = Varchar(length=16)  # institution | practitioner
    institution = ForeignKey(references=Institution, index=True)
    practitioner = ForeignKey(references=Practitioner, null=True)
    behaviour = Varchar(length=16)  # "1".."9" or court_debtor
    status = Varchar(length=16, index=True)  # proposed notified objected listed removed withdrawn
    facts = Text(default="")
    basis = Text(default="")
    proposing_agency = ForeignKey(references=Agency, null=True)
    proposed_on = Date()
    notified_on = Date(null=True, default=None)
    objection_deadline = Date(null=True, default=None)
    objection_deadline_confirmed = Boolean(default=True)
    objected_on = Date(null=True, default=None)
    objection_text = Text(default="")
    reviewed_on = Date(null=True, default=None)
    review_outcome = Varchar(length=16, default="")  # upheld | withdrawn
    listed_on = Date(null=True, default=None)
    expires_on = Date(null=True, default=None)
    early_removal_from = Date(null=True, default=None)
    removed_on = Date(null=True, default=None)
    removal_reason = Varchar(length=16, default="")  # expired | repaired | revoked_basis | error | court_removed
    auto_detected = Boolean(default=False)
    # Listed on a guessed deadline that the year's holiday notice moved later: objection window reopened
    calendar_review_until = Date(null=True, default=None)
    calendar_review_note = Text(default="")
    version = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ListingBasis(Table):
    """A penalty record behind a list entry."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    entry = ForeignKey(references=ListingEntry, index=True)
    penalty = ForeignKey(references=Penalty, index=True)


class ListingTransition(Table):
    """One step of an entry's procedure: from which state to which, when, by whom and why."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    entry = ForeignKey(references=ListingEntry, index=True)
    from_status = Varchar(length=16)
    to_status = Varchar(length=16)
    on = Date()
    actor = Varchar(length=100)
    reason = Text(default="")
    backdate_reason = Text(default="")  # why a step dated before the day it was recorded
    at = Timestamptz()


class RemovalApplication(Table):
    """An application for early removal (信用修复) after two full years on the list."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    entry = ForeignKey(references=ListingEntry, index=True)
    applied_on = Date()
    statement = Text(default="")
    commitment = Text(default="")  # the credit commitment (信用承诺) of an application the home made itself
    applied_by = Varchar(length=100, default="")  # who recorded it: a regulator, or the home's own user
    decision = Varchar(length=16, default="pending")  # pending | approved | rejected | withdrawn (by the home)
    decided_on = Date(null=True, default=None)
    decided_by = Varchar(length=100, default="")
    reasons = Text(default="")


class PunishmentMeasure(Table):
    """A punishment measure an agency applied to a listed subject (联合惩戒措施)."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    entry = ForeignKey(references=ListingEntry, index=True)
    agency = ForeignKey(references=Agency, index=True)
    measure = Varchar(length=32)  # restrict_subsidies | restrict_procurement | more_inspections | no_honours | other
    text = Text(default="")
    applied_on = Date()
    recorded_at = Timestamptz()


class NoticeReceipt(Table):
    """Electronic service (电子送达): the first time one of the home's own users opened the list notice.

    It records receipt only; the legal notice date and the objection window stay the regulator's (`notified_on`).
    One row per entry (unique), so two users opening at once leave the first.
    """

    id: Serial  # created by Piccolo; declared so type checkers know it

    entry = ForeignKey(references=ListingEntry, unique=True)
    opened_at = Timestamptz()
    opened_by = Varchar(length=64)  # the home user's username
