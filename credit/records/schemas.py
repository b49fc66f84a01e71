"""Request and response bodies of the records API (amounts in yuan, dates ISO 8601)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from credit.api_params import Money, StoredInt, Version, closed_set
from credit.listings.behaviours import CODES as BEHAVIOUR_CODES
from credit.records.repair import DECISIONS as REPAIR_DECISIONS, STATUSES as REPAIR_STATUSES
from credit.records.service import SEVERITIES, SUBJECT_KINDS
from scoring import FIRE_AREAS, HAZARD_CATEGORIES
from scoring.facts import ITEM_RESULTS
from scoring.fire import FireOutcome

Severity = Annotated[str, closed_set(SEVERITIES, "the class of failure information (NDRC Order No. 36)")]
StatedSeverity = Annotated[
    str,
    closed_set(
        SEVERITIES, "the class if the agency states it; else from the policy's classification table", nullable=True
    ),
]
SubjectKind = Annotated[str, closed_set(SUBJECT_KINDS, "who was penalised (行政相对人类别)")]
ListingBehaviour = Annotated[
    str, closed_set(("", *BEHAVIOUR_CODES), "the listing behaviour the penalty shows, if any (民发〔2019〕103号)")
]
HazardCategory = Annotated[str, closed_set(HAZARD_CATEGORIES, "the major accident hazard criterion (MCA 2023)")]
ItemResult = Annotated[str, closed_set(sorted(ITEM_RESULTS), "pass, fail or not applicable")]
FireArea = Annotated[str, closed_set(FIRE_AREAS, "one of the seven areas of the checklist")]
InspectionOutcome = Annotated[
    str,
    closed_set([o.value for o in FireOutcome], "the checklist outcome; an open major hazard makes it non_compliant"),
]
RepairDecision = Annotated[str, closed_set(REPAIR_DECISIONS, "accept or reject")]
RepairStatus = Annotated[str, closed_set(REPAIR_STATUSES, "where the application stands")]
DayText = Annotated[
    str,
    msgspec.Meta(
        description="a date, YYYY-MM-DD; checked with the other fields, so a wrong one is a 422 naming it",
        examples=["2026-11-30"],
    ),
]


class GradingIn(msgspec.Struct, forbid_unknown_fields=True):
    decided_on: dt.date
    environment: StoredInt
    facilities: StoredInt
    operations: StoredInt
    services: StoredInt
    decision_number: str = ""
    assessor: str = ""
    level: (
        Annotated[
            int,
            msgspec.Meta(
                ge=1,
                le=5,
                description="the level the assessment committee decided; left out, the level the four part scores earn",
            ),
        ]
        | None
    ) = None


class GradingOut(msgspec.Struct):
    id: int
    institution: int
    decided_on: dt.date
    expires_on: dt.date
    level: int
    environment: int
    facilities: int
    operations: int
    services: int
    decision_number: str
    assessor: str
    revoked: bool
    version: int


class HazardIn(msgspec.Struct, forbid_unknown_fields=True):
    category: HazardCategory
    description: str
    rectify_by: dt.date
    found_on: dt.date | None = None
    rectified_on: dt.date | None = None


class FireInspectionIn(msgspec.Struct, forbid_unknown_fields=True):
    inspected_on: dt.date
    checklist: dict[FireArea, ItemResult]
    hazards: list[HazardIn] = []
    inspector: str = ""
    note: str = ""


class HazardOut(msgspec.Struct):
    id: int
    institution: int
    inspection: int | None
    category: HazardCategory
    description: str
    found_on: dt.date
    rectify_by: dt.date
    rectified_on: dt.date | None
    version: int


class FireInspectionOut(msgspec.Struct):
    id: int
    institution: int
    inspected_on: dt.date
    inspector: str
    outcome: InspectionOutcome
    note: str
    checklist: dict[FireArea, ItemResult]
    hazards: list[HazardOut]
    version: int


class RectificationIn(msgspec.Struct, forbid_unknown_fields=True):
    rectified_on: dt.date
    version: Version


class PenaltyIn(msgspec.Struct, forbid_unknown_fields=True):
    """A penalty in the 双公示 fields; `fine_yuan` in yuan as a decimal string (`"5000.50"`) or a whole number.

    A JSON number with a fraction or exponent is refused (422): a binary float cannot carry fen exactly.
    """

    decision_number: str
    facts: str
    legal_basis: str
    penalty_kind: str
    content: str
    decision_date: dt.date
    deciding_agency: str
    subject_name: str | None = None
    subject_kind: SubjectKind = "legal_person"
    uscc: str | None = None
    legal_representative: str | None = None
    violation_type: str = ""
    fine_yuan: str | int | float | None = None  # floats are read only to refuse them by name (validation.amount)
    source_agency: str = ""
    publication_end: dt.date | None = None
    severity: StatedSeverity | None = None
    is_fire_safety: bool = False
    listing_behaviour: ListingBehaviour = ""
    rectified_on: dt.date | None = None


class PenaltyUpdate(PenaltyIn, forbid_unknown_fields=True):
    version: Version = 0
    revoked: bool = False
    revoked_on: dt.date | None = None


class PenaltyOut(msgspec.Struct):
    id: int
    institution: int | None
    subject_name: str
    subject_kind: SubjectKind
    uscc: str
    legal_representative: str
    decision_number: str
    violation_type: str
    facts: str
    legal_basis: str
    penalty_kind: str
    content: str
    fine_yuan: Money | None
    decision_date: dt.date
    deciding_agency: str
    source_agency: str
    publication_end: dt.date | None
    severity: Severity
    is_fire_safety: bool
    listing_behaviour: ListingBehaviour
    rectified_on: dt.date | None
    revoked: bool
    revoked_on: dt.date | None
    version: int
    repaired_on: dt.date | None = None


class RepairApplicationIn(msgspec.Struct, forbid_unknown_fields=True):
    """A credit-repair application (信用修复, NDRC Order No. 36), recorded for the subject by a regulator or
    (later) made by the institution itself. `applied_on` defaults to today."""

    applicant_name: str
    applicant_contact: str
    statement: str  # the conduct is corrected and the obligations met
    obligations_met_on: dt.date
    evidence: str  # what proves it: receipts, rectification report, references
    commitment: str  # the public credit commitment (信用承诺)
    applied_on: dt.date | None = None


class HomeRepairApplicationIn(msgspec.Struct, forbid_unknown_fields=True):
    """A home's own application for repair of one of its penalties, dated today, with the credit commitment text
    it was shown once it ticked `agree` (credit.evidence.commitment): the /my form's fields, and with the evidence
    files the home API's body (credit.home.schemas.RepairFiling)."""

    applicant_name: str
    applicant_contact: str
    statement: str
    obligations_met_on: DayText
    evidence: str
    agree: bool


class RepairDecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    decision: RepairDecision
    reasons: str
    version: Version


class RepairWithdrawalIn(msgspec.Struct, forbid_unknown_fields=True):
    reasons: str
    version: Version


class RepairApplicationOut(msgspec.Struct):
    id: int
    penalty: int
    applicant_name: str
    applicant_contact: str
    statement: str
    obligations_met_on: dt.date
    evidence: str
    commitment: str
    status: RepairStatus
    applied_on: dt.date
    due_on: dt.date
    due_confirmed: bool
    recorded_by: str
    decided_by: str
    decided_on: dt.date | None
    reasons: str
    version: int


class OpenRepairOut(RepairApplicationOut):
    decision_number: str = ""
    institution: int | None = None
    institution_name: str = ""
    overdue: bool = False


class HazardReportIn(msgspec.Struct, forbid_unknown_fields=True):
    """A home's report that it rectified one of its major hazards: the day, what was done and the evidence
    described; the /my form's fields, and with the evidence files the home API's body
    (credit.home.schemas.RectificationReport)."""

    rectified_on: DayText
    text: str
    evidence: str = ""


class HazardReportDecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    """Civil affairs decides a home's rectification report: `decision` confirmed or refused (then `reasons`)."""

    decision: str
    reasons: str = ""
