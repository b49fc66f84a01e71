"""Request and response bodies of the supervision API (dates ISO 8601)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from credit.api_params import BodyId


class InspectorIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    certificate_number: str  # 执法证号
    agency_code: str
    district_code: str


class InspectorOut(msgspec.Struct):
    id: int
    name: str
    certificate_number: str
    agency_code: str
    district_code: str
    active: bool
    conflicts: list[dict[str, str]] = []


class ConflictIn(msgspec.Struct, forbid_unknown_fields=True):
    uscc: str
    reason: str


class ConflictOut(msgspec.Struct):
    id: int
    inspector: int
    uscc: str
    reason: str
    recorded_on: dt.date


class ResultIn(msgspec.Struct, forbid_unknown_fields=True):
    """`kind` fire: `fire_inspection_id` of the home's fire-safety inspection; `kind` general: `inspected_on` and
    `checklist` (each item of the policy's checklist: pass | fail). `rectify_by` when `outcome` is rectify."""

    kind: str
    outcome: str
    inspected_on: dt.date | None = None
    fire_inspection_id: BodyId | None = None
    checklist: dict[str, str] | None = None
    rectify_by: dt.date | None = None
    findings: str = ""


class InspectorUpdateIn(msgspec.Struct, forbid_unknown_fields=True):
    """The inspector as it should be: every field of the roster entry; `active` false takes them off the draw."""

    name: str
    certificate_number: str  # 执法证号
    agency_code: str
    district_code: str
    active: bool = True


class ResultCorrectionIn(msgspec.Struct, forbid_unknown_fields=True):
    """A corrected result (the fields of ResultIn) and the `reason` for the correction (更正)."""

    reason: str
    kind: str
    outcome: str
    inspected_on: dt.date | None = None
    fire_inspection_id: BodyId | None = None
    checklist: dict[str, str] | None = None
    rectify_by: dt.date | None = None
    findings: str = ""


class ResultCorrectionOut(msgspec.Struct):
    """One correction of a result: the result before and after, why, by whom, when."""

    id: int
    task: int
    reason: str
    before: dict[str, Any]
    after: dict[str, Any]
    corrected_by: str
    corrected_on: dt.date


class SupervisionRectificationIn(msgspec.Struct, forbid_unknown_fields=True):
    rectified_on: dt.date


class TaskOut(msgspec.Struct):
    id: int
    month: str
    uscc: str
    name: str
    district_code: str
    inspectors: list[int]
    inspector_names: list[str]
    due_on: dt.date
    status: str
    kind: str
    outcome: str
    inspected_on: dt.date | None
    rectify_by: dt.date | None
    rectified_on: dt.date | None
    rectification: str
    publish_by: dt.date | None
    publish_by_confirmed: bool
    published_on: dt.date | None
    fire_inspection: int | None
    checklist: dict[str, str]
    findings: str
    recorded_by: str
    corrected_on: dt.date | None
    version: int


class PublicInspectorOut(msgspec.Struct):
    """An inspector as the public sees them: the name and certificate number masked."""

    name: str
    certificate: str


class PublishedResultOut(msgspec.Struct):
    """One published random-inspection result (一公开), as on the portal's monthly page."""

    task: int
    month: str
    uscc: str
    institution_name: str
    district_code: str
    inspected_on: dt.date | None
    kind: str
    inspectors: list[PublicInspectorOut]
    outcome: str
    findings: str
    rectify_by: dt.date | None
    rectified_on: dt.date | None
    rectification: str  # "" | on_time | late | overdue | pending
    published_on: dt.date | None
    publish_by: dt.date | None = None  # the publication deadline (working days from the inspection)
    publish_by_confirmed: bool = True  # false: counted before that year's official calendar was published
    corrected_on: dt.date | None = None  # the day of the latest correction (更正); None: never corrected


class DistrictStatisticsOut(msgspec.Struct):
    """A district's counts for the month ("" totals the city)."""

    district_code: str
    checks: int
    with_problems: int
    rectification_notices: int
    interviews: int
    cases: int
    rectified_on_time: int


class PublishedResultsPage(msgspec.Struct):
    items: list[PublishedResultOut]
    total: int
    page: int
    statistics: list[DistrictStatisticsOut]
