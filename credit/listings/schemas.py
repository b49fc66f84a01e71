"""Request and response bodies of the list-procedure API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from credit.api_params import BodyId, closed_set
from credit.listings import rules

Behaviour = Annotated[
    str, closed_set(rules.BEHAVIOURS, "the listing behaviour (1-9 of 民发〔2019〕103号, or a court's designation)")
]
EntryStatus = Annotated[str, closed_set(rules.STATES, "the step of the procedure the entry is at")]
SubjectKind = Annotated[str, closed_set(rules.SUBJECT_KINDS, "an institution, or a practitioner of one")]


class ProposalIn(msgspec.Struct, forbid_unknown_fields=True):
    uscc: str
    behaviour: Behaviour
    facts: str
    basis: str
    penalty_ids: list[BodyId] = []
    practitioner_id: BodyId | None = None
    on: dt.date | None = None
    backdate_reason: str = ""  # required when `on` is before today


class StepIn(msgspec.Struct, forbid_unknown_fields=True):
    """A dated step without more to say (notify)."""

    on: dt.date | None = None
    backdate_reason: str = ""  # required when `on` is before today


class ObjectionIn(msgspec.Struct, forbid_unknown_fields=True):
    text: str
    on: dt.date | None = None
    backdate_reason: str = ""  # required when `on` is before today


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    outcome: Annotated[str, closed_set(rules.REVIEW_OUTCOMES, "upheld (listed) or withdrawn")]
    reasons: str
    on: dt.date | None = None
    backdate_reason: str = ""  # required when `on` is before today


class WithdrawalIn(msgspec.Struct, forbid_unknown_fields=True):
    """Dropping an entry before it is listed (the workspace's withdrawal form, the `listings step` command)."""

    reasons: str
    on: dt.date | None = None
    backdate_reason: str = ""  # required when `on` is before today


class RemovalIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, closed_set(rules.REMOVAL_STEPS, "court_removed: a court designation only")]
    reasons: str = ""
    on: dt.date | None = None
    backdate_reason: str = ""  # required when `on` is before today


class EarlyRemovalIn(msgspec.Struct, forbid_unknown_fields=True):
    statement: str
    on: dt.date | None = None
    backdate_reason: str = ""  # required when `on` is before today


class EarlyRemovalDecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    decision: Annotated[str, closed_set(rules.EARLY_REMOVAL_DECISIONS)]
    reasons: str
    on: dt.date | None = None
    backdate_reason: str = ""  # required when `on` is before today


class HomeObjectionIn(msgspec.Struct, forbid_unknown_fields=True):
    """A home's own objection (异议) to a list notice, dated today: the /my form's field, and with the evidence
    files the home API's body (credit.home.schemas.ObjectionFiling)."""

    text: str


class HomeEarlyRemovalIn(msgspec.Struct, forbid_unknown_fields=True):
    """A home's own application for early removal, dated today, with the credit commitment it agreed to
    (`agree`): the /my form's fields, and with the evidence files the home API's body
    (credit.home.schemas.EarlyRemovalFiling)."""

    statement: str
    agree: bool


class ReportProposal(msgspec.Struct, forbid_unknown_fields=True):
    """What an agency's serious penalty report proposes (credit.sharing.reports): the subject matched by USCC,
    the listing behaviour the report names, its facts and legal basis, and the reported penalty as the basis.
    The step is dated the day it is proposed."""

    institution_id: int
    behaviour: str
    facts: str
    basis: str
    penalty_ids: list[int]


class DetectedProposal(msgspec.Struct, forbid_unknown_fields=True):
    """What the scheduled fire-hazard check proposes for behaviour 4 (credit.listings.jobs): the institution with
    an overdue major fire hazard, the facts, the citation, and the day of the check (default today)."""

    institution_id: int
    facts: str
    basis: str
    on: dt.date | None = None


class PublicEntryOut(msgspec.Struct):
    """An entry of the list as the public sees it (persons masked)."""

    id: int
    subject_kind: SubjectKind
    uscc: str
    institution_name: str
    practitioner_name: str
    behaviour: Behaviour
    behaviour_label: str
    status: EntryStatus
    listed_on: dt.date | None
    expires_on: dt.date | None
    basis: str
    penalty_numbers: list[str]


class ListPage(msgspec.Struct):
    """A page of the list in force: `{items, total, page}`."""

    items: list[PublicEntryOut]
    total: int
    page: int


class ListedOut(PublicEntryOut):
    """An entry as an institution's public profile and the feed show it."""

    institution: int | None = None
    removed_on: dt.date | None = None
    removal_reason: str = ""


class StepOut(msgspec.Struct):
    """One step of the procedure: from which state to which, on what day, by whom, why."""

    from_status: str  # "" for the proposal
    to_status: EntryStatus
    on: dt.date
    actor: str
    reason: str


class EarlyRemovalApplicationOut(msgspec.Struct):
    """An application for early removal (after two full years on the list)."""

    id: int
    entry: int
    applied_on: dt.date
    statement: str
    decision: Annotated[str, closed_set(rules.APPLICATION_STATES)]
    decided_on: dt.date | None
    decided_by: str
    reasons: str


class ListEntryOut(msgspec.Struct):
    """A list entry as regulators and agencies see it: dates, subject, basis penalties, steps, applications."""

    id: int
    subject_kind: SubjectKind
    institution: int
    practitioner: int | None
    behaviour: Behaviour
    status: EntryStatus
    facts: str
    basis: str
    proposing_agency: int | None
    proposed_on: dt.date
    notified_on: dt.date | None
    objection_deadline: dt.date | None
    objection_deadline_confirmed: bool
    objected_on: dt.date | None
    objection_text: str
    reviewed_on: dt.date | None
    review_outcome: str
    listed_on: dt.date | None
    expires_on: dt.date | None
    early_removal_from: dt.date | None
    removed_on: dt.date | None
    removal_reason: str
    auto_detected: bool
    calendar_review_until: dt.date | None
    calendar_review_note: str
    version: int
    uscc: str
    institution_name: str
    district_code: str
    practitioner_name: str
    practitioner_id_masked: str
    behaviour_label: str
    behaviour_label_en: str
    penalty_ids: list[int]
    penalty_numbers: list[str]
    steps: list[StepOut]
    applications: list[EarlyRemovalApplicationOut]
