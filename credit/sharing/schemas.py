"""Bodies of the agency API."""

from __future__ import annotations

import datetime as dt

import msgspec

from credit.records.schemas import PenaltyIn


class PenaltyReport(PenaltyIn, forbid_unknown_fields=True):
    """A penalty in the 双公示 fields as an agency reports it; `subject_name` and `uscc` identify the subject."""


class MatchIn(msgspec.Struct, forbid_unknown_fields=True):
    uscc: str = ""
    id_number: str = ""
    name: str = ""
    district: str = ""


class CandidateOut(msgspec.Struct):
    uscc: str
    name: str
    district_code: str
    score: float
    reasons: list[str]
    practitioner: dict | None = None


class MeasureIn(msgspec.Struct, forbid_unknown_fields=True):
    measure: str  # restrict_subsidies | restrict_procurement | more_inspections | no_honours | other
    applied_on: dt.date
    text: str = ""


class FeedEvent(msgspec.Struct):
    seq: int
    type: str
    op: str
    at: dt.datetime
    data: dict


class FeedPage(msgspec.Struct):
    events: list[FeedEvent]
    next: int
