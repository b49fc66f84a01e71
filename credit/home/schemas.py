"""Request and response bodies of the home's JSON API (`/api/v1/my/...`): the home's own record as its users see
it (every date and reason; not the regulators' login names), and what it files.

Evidence files travel inside the JSON body, base64-encoded (`evidence_files`), so that one request carries the
application and its files and a generated client needs no multipart code; they are checked exactly as the pages'
uploads (credit.evidence: PDF/JPEG/PNG by their bytes, size and count limits).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from credit.api_params import closed_set
from credit.evidence.service import KINDS as EVIDENCE_KINDS
from credit.listings import rules
from credit.listings.schemas import Behaviour, EntryStatus, HomeEarlyRemovalIn, HomeObjectionIn, SubjectKind
from credit.records.hazard_reports import STATUSES as REPORT_STATUSES
from credit.records.repair import STATUSES as REPAIR_STATUSES
from credit.records.schemas import (
    FireInspectionOut,
    GradingOut,
    HazardCategory,
    HazardReportIn,
    HomeRepairApplicationIn,
    PenaltyOut,
    RepairWithdrawalIn,
)
from credit.registry.changes import STATUSES as CHANGE_STATUSES
from credit.registry.profile import Credit
from credit.registry.schemas import ChangeField, InstitutionOut

ChangeStatus = Annotated[str, closed_set(CHANGE_STATUSES, "where the request stands")]
RepairStatus = Annotated[str, closed_set(REPAIR_STATUSES, "where the application stands")]
RemovalDecision = Annotated[str, closed_set(rules.APPLICATION_STATES, "where the application stands")]
ReportStatus = Annotated[str, closed_set(REPORT_STATUSES, "where the report stands")]
EvidenceType = Annotated[str, closed_set(sorted(EVIDENCE_KINDS), "the type the file's bytes prove")]


class EvidenceFileIn(msgspec.Struct, forbid_unknown_fields=True):
    """An evidence file (证明材料): its name (for display only) and its bytes, base64-encoded."""

    file_name: str
    content_base64: Annotated[str, msgspec.Meta(description="the file's bytes, base64 (RFC 4648, with padding)")]


class EvidenceFileOut(msgspec.Struct):
    """A stored evidence file (its bytes: GET /my/evidence/{id} on the portal)."""

    id: int
    file_name: str
    content_type: EvidenceType
    size_bytes: int
    sha256: str
    uploaded_by: str
    uploaded_at: dt.datetime


class ObjectionFiling(HomeObjectionIn, forbid_unknown_fields=True):
    """The home's objection (异议) to a list notice, dated today, within the window."""

    evidence_files: list[EvidenceFileIn] = []


class RepairFiling(HomeRepairApplicationIn, forbid_unknown_fields=True):
    """The home's application for repair of one of its penalties (信用修复, NDRC Order No. 36), dated today.
    `agree`: the home agrees to the credit commitment (信用承诺) text of GET .../repair (`commitment`), which is
    the text stored."""

    evidence_files: list[EvidenceFileIn] = []


class EarlyRemovalFiling(HomeEarlyRemovalIn, forbid_unknown_fields=True):
    """The home's application for early removal of one of its list entries (listed two full years), dated today,
    with the credit commitment it agrees to (`agree`)."""

    evidence_files: list[EvidenceFileIn] = []


class RepairWithdrawal(RepairWithdrawalIn, forbid_unknown_fields=True):
    """Withdraw the open application (its `version`, as read) with the home's reasons."""


class RectificationReport(HazardReportIn, forbid_unknown_fields=True):
    """The home reports that it rectified one of its major hazards, with evidence files (base64) beside the
    optional description `evidence`; a regulator of its district confirms it."""

    evidence_files: list[EvidenceFileIn] = []


class NoticeReceiptOut(msgspec.Struct):
    """Electronic service (电子送达): the first opening of the notice by a user of the home."""

    opened_at: dt.datetime
    opened_by: str


class HomeStepOut(msgspec.Struct):
    from_status: str  # "" for the proposal
    to_status: EntryStatus
    on: dt.date
    reason: str


class HomeRemovalApplicationOut(msgspec.Struct):
    id: int
    applied_on: dt.date
    statement: str
    commitment: str
    decision: RemovalDecision
    decided_on: dt.date | None
    reasons: str
    files: list[EvidenceFileOut]


class HomeEntryOut(msgspec.Struct):
    """A list entry of the home (the home or one of its staff) in any state, with its notice's receipt, whether the
    objection window is open today, the objection's files and the early-removal applications."""

    id: int
    subject_kind: SubjectKind
    behaviour: Behaviour
    behaviour_label: str
    behaviour_label_en: str
    status: EntryStatus
    facts: str
    basis: str
    practitioner_name: str
    penalty_numbers: list[str]
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
    receipt: NoticeReceiptOut | None
    objection_open: bool
    early_removal_open: bool
    objection_files: list[EvidenceFileOut]
    steps: list[HomeStepOut]
    applications: list[HomeRemovalApplicationOut]


class HomeRepairApplicationOut(msgspec.Struct):
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
    decided_on: dt.date | None
    reasons: str
    version: int
    files: list[EvidenceFileOut] = []


class PenaltyRepairOut(msgspec.Struct):
    """One penalty of the home, the first day repair may be applied for, the commitment text an application
    agrees to, and its applications (oldest first) with status and reasons."""

    penalty: PenaltyOut
    repair_open_from: dt.date
    may_apply: bool
    commitment: str
    applications: list[HomeRepairApplicationOut]


class RegistryChangeOut(msgspec.Struct):
    id: int
    field: ChangeField
    current_value: str
    requested_value: str
    note: str
    status: ChangeStatus
    requested_by: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    reasons: str
    # A `fees` request: the range asked for as numbers (`requested_value` has it in words); null otherwise.
    requested_fee_min: int | None = None
    requested_fee_max: int | None = None


class RectificationReportOut(msgspec.Struct):
    id: int
    hazard: int
    rectified_on: dt.date
    text: str
    evidence: str
    status: ReportStatus
    reported_by: str
    reported_at: dt.datetime
    decided_at: dt.datetime | None
    reasons: str
    files: list[EvidenceFileOut] = []


class HomeHazardOut(msgspec.Struct):
    """A major hazard (重大事故隐患) of the home with its deadline and its rectification reports."""

    id: int
    inspection: int | None
    category: HazardCategory
    description: str
    found_on: dt.date
    rectify_by: dt.date
    rectified_on: dt.date | None
    reports: list[RectificationReportOut]
    awaiting: RectificationReportOut | None


class HomeRecordOut(msgspec.Struct):
    """The home's full record: registry data, credit with its reasons, list entries in every state, every
    penalty (public or not), inspections with open hazards and their deadlines, gradings."""

    institution: InstitutionOut
    district_name: str
    credit: Credit
    entries: list[HomeEntryOut]
    penalties: list[PenaltyOut]
    inspections: list[FireInspectionOut]
    gradings: list[GradingOut]
