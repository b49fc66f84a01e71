"""Supervision tables: the monthly draw, the inspector roster (执法人员名录) with its conflicts of interest (回避),
and the inspection task of each drawn home with its result."""

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from credit.registry.tables import Institution


class InspectionDraw(Table):
    """A monthly random inspection draw (双随机); the seed and the registry snapshot it was drawn from are kept
    so that anyone can redo the draw (`eldercredit draw verify MONTH`)."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    month = Varchar(length=7, unique=True)  # YYYY-MM
    drawn_on = Date()
    seed = Varchar(length=64)
    institutions = JSON()
    inspectors = JSON()  # uscc -> inspector ids (draws before the roster: district -> login names)
    snapshot = JSON(default="{}")  # the candidates, the roster, the conflicts and the previous draw's teams
    snapshot_digest = Varchar(length=64, default="")  # sha256 of the canonical snapshot JSON


class Inspector(Table):
    """A law-enforcement officer on the roster (执法人员名录): drawn as the second random of 双随机."""

    id: Serial

    name = Varchar(length=100)
    certificate_number = Varchar(length=40, unique=True)  # 执法证号
    agency_code = Varchar(length=32)
    district_code = Varchar(length=6, index=True)
    active = Boolean(default=True)
    recorded_by = Varchar(length=100)
    created_at = Timestamptz()


class InspectorConflict(Table):
    """A recorded conflict of interest (回避): the inspector is never drawn for this home."""

    id: Serial

    inspector = ForeignKey(references=Inspector, index=True)
    institution = ForeignKey(references=Institution, index=True)
    reason = Text()
    recorded_by = Varchar(length=100)
    recorded_on = Date()


class SupervisionTask(Table):
    """One drawn home's inspection task and its result (the 一公开 of 双随机、一公开)."""

    id: Serial

    draw = ForeignKey(references=InspectionDraw, index=True)
    month = Varchar(length=7, index=True)
    institution = ForeignKey(references=Institution, index=True)
    district_code = Varchar(length=6, index=True)
    inspectors = JSON()  # inspector ids
    due_on = Date()
    status = Varchar(length=16, default="open")  # open | recorded | published
    kind = Varchar(length=16, default="")  # fire | general
    fire_inspection = Integer(null=True, default=None)  # the fire-safety inspection recorded as the result
    checklist = JSON(default="{}")  # item -> pass | fail (a general inspection)
    findings = Text(default="")
    inspected_on = Date(null=True, default=None)
    outcome = Varchar(length=16, default="")  # no_problem | rectify | interview | case_opened
    rectify_by = Date(null=True, default=None)
    rectified_on = Date(null=True, default=None)
    publish_by = Date(null=True, default=None)
    publish_by_confirmed = Boolean(default=True)  # False: counted on a year without the official calendar yet
    published_on = Date(null=True, default=None)
    recorded_by = Varchar(length=100, default="")
    corrected_on = Date(null=True, default=None)  # the latest correction of the result (its history: below)
    version = Integer(default=1)


class ResultCorrection(Table, tablename="supervision_correction"):
    """A correction of a recorded (or published) result (更正): what the result was before, what it became, why and
    by whom. The task holds the corrected result; these rows keep the history regulators see."""

    id: Serial

    task = ForeignKey(references=SupervisionTask, index=True)
    reason = Text()
    before = JSON()
    after = JSON()
    corrected_by = Varchar(length=100)
    corrected_on = Date()
    created_at = Timestamptz()
