"""The public profile document (credit.public.document) as the registry API declares it:
`GET /api/v1/institutions/{uscc}`.

The served body is the stored projection document as it is; these structs only describe it, so that a client
generated from the OpenAPI document parses every part of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from credit.api_params import DecimalText, Money, closed_set
from credit.listings.schemas import ListedOut
from credit.public.queries import FIRE_STATUSES, LEVELS
from credit.records.schemas import FireInspectionOut, GradingOut, ListingBehaviour, Severity, SubjectKind
from credit.registry.schemas import CareLevels, Fee, InstitutionStatus, OwnerType, Services, Website

CreditLevel = Annotated[str, closed_set(LEVELS, "A (best) to D; a listed subject is D whatever its score")]
FireStatus = Annotated[str, closed_set(FIRE_STATUSES, "the latest inspection's outcome; none: never inspected")]


class Contribution(msgspec.Struct):
    """One reason in the score: what it is, how many points, which records."""

    code: str
    label: str
    label_en: str
    points: DecimalText
    records: list[int]


class Credit(msgspec.Struct):
    level: CreditLevel
    score: DecimalText
    policy_version: str
    as_of: dt.date
    contributions: list[Contribution]


class ScoreChangeItem(msgspec.Struct):
    """One line that differs from the point before: `added`, `removed` (stopped counting), `changed` (its
    points changed) or `policy` (a new rules version); `points` the effect on the score; `record` a public
    penalty's decision number, when the line is one."""

    what: str
    code: str
    label: str
    label_en: str
    points: DecimalText
    record: str | None


class ScoreChange(msgspec.Struct):
    """Why the score is what it is at this point, in words (`text` Chinese, `text_en` English)."""

    direction: Annotated[str, closed_set(("first", "rose", "fell", "same"), "against the point before")]
    from_: DecimalText | None = msgspec.field(name="from")
    items: list[ScoreChangeItem] = []
    text: str = ""
    text_en: str = ""


class ScorePoint(msgspec.Struct):
    as_of: dt.date
    score: DecimalText
    level: CreditLevel
    policy_version: str
    change: ScoreChange | None = None


class OutlookEvent(msgspec.Struct):
    """What comes next (接下来): on `on` the score becomes `score` and the level `level`. `timed`: it happens by
    itself that day (a penalty halves or stops counting, a grading lapses, the list entry ends); otherwise it
    is what the home could do from that day (repair, rectify, a grading of `kinds` "grading", ...); null: now."""

    on: dt.date | None
    timed: bool
    kinds: list[str]
    score: DecimalText
    level: CreditLevel
    text: str
    text_en: str


class PublicRepair(msgspec.Struct):
    """A running credit-repair application: its public credit commitment (信用承诺)."""

    status: str
    commitment: str
    applied_on: dt.date


class PublicPenalty(msgspec.Struct):
    """A penalty inside its publication period, persons and ID or mobile numbers masked."""

    id: int
    institution: int | None
    subject_name: str
    subject_kind: SubjectKind
    uscc: str
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
    legal_representative: str
    repaired_on: dt.date | None = None
    repair: PublicRepair | None = None


class FireSummary(msgspec.Struct):
    status: FireStatus
    inspected_on: dt.date | None
    failed_areas: list[str]
    open_hazards: int
    inspection_due: bool


class InstitutionProfile(msgspec.Struct):
    """An institution's public profile: registry facts, credit with its reasons, score history, gradings, fire
    inspections and status, penalties in their publication period, entries on the public list."""

    id: int
    uscc: str
    name: str
    district_code: str
    address: str
    beds: int
    owner_type: OwnerType
    legal_representative: str
    phone: str
    established_on: dt.date | None
    status: InstitutionStatus
    version: int
    credit: Credit
    score_history: list[ScorePoint]
    gradings: list[GradingOut]
    fire_inspections: list[FireInspectionOut]
    penalties: list[PublicPenalty]
    fire: FireSummary
    listed: list[ListedOut]
    grade: int | None
    outlook: list[OutlookEvent] = []
    services: Services = None
    care_levels: CareLevels = None
    fee_min: Fee = None
    fee_max: Fee = None
    website: Website = None
