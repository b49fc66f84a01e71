"""Response bodies of the disclosures API."""

from __future__ import annotations

import datetime as dt

import msgspec

from credit.listings.schemas import ListedOut
from credit.supervision.schemas import PublishedResultOut


class DisclosureSummary(msgspec.Struct):
    """A published disclosure: its day, digest and the previous one's (a hash chain)."""

    day: dt.date
    published_at: dt.datetime
    policy_version: str
    institutions_count: int
    digest: str
    previous_digest: str


class DisclosurePage(msgspec.Struct):
    items: list[DisclosureSummary]
    total: int
    page: int


class InspectionTeam(msgspec.Struct):
    unit: str
    unit_en: str
    inspectors: int


class DrawnInstitution(msgspec.Struct):
    uscc: str
    name: str
    district_code: str
    credit_level: str


class MaskedInspector(msgspec.Struct):
    """An inspector of the roster as the public sees them (name and certificate number masked)."""

    name: str
    certificate: str


class InspectionDrawOut(msgspec.Struct):
    """A monthly random inspection draw (双随机) with its seed and the digest of the snapshot it was drawn from.

    `teams`: each drawn home's inspectors (uscc -> masked inspectors). Draws made before the inspector roster carry
    `inspection_teams` instead (inspectors named by unit and counted) and an empty `snapshot_digest`.
    """

    id: int
    month: str
    drawn_on: dt.date
    seed: str
    institutions: list[DrawnInstitution]
    snapshot_digest: str = ""
    teams: dict[str, list[MaskedInspector]] | None = None
    inspection_teams: dict[str, list[InspectionTeam]] | None = None


class InspectionDrawPage(msgspec.Struct):
    items: list[InspectionDrawOut]
    total: int
    page: int


class DisclosureLine(msgspec.Struct):
    """One institution in a day's snapshot."""

    uscc: str
    name: str
    district_code: str
    level: str
    score: str
    policy_version: str
    grade: int | None
    fire_status: str
    active_penalties: int
    list_state: str


class FeedbackMonthOut(msgspec.Struct):
    """One month of citizen feedback counts (never the content)."""

    month: str  # YYYY-MM, by the month a report was received
    received: int
    substantiated: int
    closed_on_time: int


class FeedbackDistrictOut(msgspec.Struct):
    district_code: str  # "": general feedback, about no home
    months: list[FeedbackMonthOut]


class FeedbackStatisticsOut(msgspec.Struct):
    districts: list[FeedbackDistrictOut]


class DisclosureDocument(msgspec.Struct):
    """A day's signed snapshot (`format` eldercredit-disclosure/2): canonical JSON (sorted keys, no whitespace,
    UTF-8); verify the exact bytes against `.sig` with the public key, never a re-encoding."""

    format: str
    day: dt.date
    policy_version: str
    previous_digest: str
    csv_format: str
    csv_sha256: str
    institutions_count: int
    institutions: list[DisclosureLine]
    listed: list[ListedOut] = msgspec.field(name="list")  # the list in force that day
    # Random-inspection results published or corrected that day, and feedback counts per district; disclosures
    # published before the supervision loop and the feedback channel have neither.
    supervision_results: list[PublishedResultOut] = msgspec.field(default_factory=list)
    feedback: FeedbackStatisticsOut | None = None
