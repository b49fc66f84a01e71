"""Record tables: gradings (等级评定), fire inspections (消防安全检查), major hazards and penalties (行政处罚)."""

from piccolo.columns import (
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from credit.registry.tables import Institution


class Grading(Table):
    """A grading decision (等级评定, GB/T 37276-2018) with its four part scores."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    institution = ForeignKey(references=Institution, index=True)
    decided_on = Date()
    expires_on = Date()
    level = Integer()  # 1..5 stars
    environment = Integer()
    facilities = Integer()
    operations = Integer()
    services = Integer()
    decision_number = Varchar(length=100, default="")
    assessor = Varchar(length=200, default="")
    revoked = Boolean(default=False)
    version = Integer(default=1)
    created_at = Timestamptz()


class FireInspection(Table):
    """A fire-safety standardisation inspection (消防安全标准化检查)."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    institution = ForeignKey(references=Institution, index=True)
    inspected_on = Date()
    inspector = Varchar(length=200, default="")
    outcome = Varchar(length=32)  # compliant | basically_compliant | non_compliant
    note = Text(default="")
    version = Integer(default=1)
    created_at = Timestamptz()


class FireChecklistItem(Table):
    """One of the seven checklist areas of an inspection: pass, fail or not applicable."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    inspection = ForeignKey(references=FireInspection, index=True)
    area = Varchar(length=32)
    result = Varchar(length=8)  # pass | fail | na
    note = Text(default="")


class MajorHazard(Table):
    """A major accident hazard (重大事故隐患) with its rectify-by date."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    institution = ForeignKey(references=Institution, index=True)
    inspection = ForeignKey(references=FireInspection, null=True)
    category = Varchar(length=32)
    description = Text(default="")
    found_on = Date()
    rectify_by = Date()
    rectified_on = Date(null=True, default=None)
    version = Integer(default=1)
    created_at = Timestamptz()


class Penalty(Table):
    """An administrative penalty (行政处罚) in the fields of the 双公示 data standard."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    institution = ForeignKey(references=Institution, null=True, index=True)
    subject_name = Varchar(length=200)
    subject_kind = Varchar(length=32)  # legal_person | natural_person | other
    uscc = Varchar(length=18, default="", index=True)
    legal_representative = Varchar(length=100, default="")
    decision_number = Varchar(length=100)
    violation_type = Varchar(length=200, default="")
    facts = Text(default="")
    legal_basis = Text(default="")
    penalty_kind = Varchar(length=100, default="")
    content = Text(default="")
    fine_fen = BigInt(null=True, default=None)  # the fine in fen (0.01 yuan), exact; see credit/money.py
    decision_date = Date()
    deciding_agency = Varchar(length=200)
    source_agency = Varchar(length=200)
    reporting_agency = Varchar(length=32, default="", index=True)  # agency code; "" when a regulator entered it
    publication_end = Date(null=True, default=None)
    severity = Varchar(length=16)  # minor | general | serious
    is_fire_safety = Boolean(default=False)
    listing_behaviour = Varchar(length=16, default="")  # "1".."9" or court_debtor when it is a listing basis
    rectified_on = Date(null=True, default=None)
    revoked = Boolean(default=False)
    revoked_on = Date(null=True, default=None)
    retired_on = Date(null=True, default=None)  # the day it left the public view (past its publication end)
    repaired_on = Date(null=True, default=None)  # credit repair (信用修复) granted: out of every public output
    match_status = Varchar(length=16, default="matched")  # matched | review (unknown USCC, in the review queue)
    payload_digest = Varchar(length=64, default="")
    version = Integer(default=1)
    created_at = Timestamptz()


class RepairApplication(Table):
    """A credit-repair application (信用修复申请) for a penalty's information (NDRC Order No. 36).

    status: applied -> accepted | rejected | withdrawn; at most one `applied` per penalty (unique index).
    The applicant's name and contact are never public; the commitment (信用承诺) is public while it runs.
    """

    id: Serial  # created by Piccolo; declared so type checkers know it

    penalty = ForeignKey(references=Penalty, index=True)
    applicant_name = Varchar(length=100)
    applicant_contact = Varchar(length=100)
    statement = Text()  # the conduct is corrected and the obligations met (fine paid, rectification done)
    obligations_met_on = Date()
    evidence = Text(default="")  # description and references of the evidence
    commitment = Text()  # the public credit commitment (信用承诺)
    status = Varchar(length=16, default="applied")
    applied_on = Date()
    due_on = Date()  # applied_on + the policy's working days for the decision
    due_confirmed = Boolean(default=True)  # False when a day counted had no official calendar data
    recorded_by = Varchar(length=100)
    decided_by = Varchar(length=100, default="")
    decided_on = Date(null=True, default=None)
    reasons = Text(default="")
    version = Integer(default=1)
    created_at = Timestamptz()


class HazardReport(Table):
    """The home's report that it rectified a major hazard (隐患整改情况报告), awaiting a regulator's confirmation.

    status: reported -> confirmed | refused; at most one `reported` per hazard (a partial unique index). Until a
    regulator confirms (the hazard's `rectified_on` is then set through `rectify_hazard`) the hazard stays open
    everywhere, on the public side too.
    """

    id: Serial  # created by Piccolo; declared so type checkers know it

    hazard = ForeignKey(references=MajorHazard, index=True)
    rectified_on = Date()  # the date the home says the rectification was complete
    text = Text()  # what was done
    evidence = Text(default="")  # description of the evidence; the hook for attached files (issue 18)
    status = Varchar(length=16, default="reported")
    reported_by = Varchar(length=64)
    reported_at = Timestamptz()
    decided_by = Varchar(length=64, default="")
    decided_at = Timestamptz(null=True, default=None)
    reasons = Text(default="")  # the regulator's reasons (required for a refusal)
