"""Bodies of the agency API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from credit.api_params import closed_set
from credit.records.schemas import PenaltyIn
from credit.registry.schemas import PractitionerRole
from credit.sharing.measures import MEASURES

Measure = Annotated[str, closed_set(MEASURES, "the punishment measure applied (联合惩戒措施)")]


class PenaltyReport(PenaltyIn, forbid_unknown_fields=True):
    """A penalty in the 双公示 fields as an agency reports it; `subject_name` and `uscc` identify the subject."""


class MatchIn(msgspec.Struct, forbid_unknown_fields=True):
    uscc: str = ""
    id_number: str = ""
    name: str = ""
    district: str = ""


class MatchedPractitioner(msgspec.Struct):
    """The practitioner an ID number matched (masked)."""

    id_masked: str
    role: PractitionerRole


class CandidateOut(msgspec.Struct):
    """A ranked candidate for the subject, with the reasons it matched."""

    uscc: str
    name: str
    district_code: str
    score: float
    reasons: list[str]
    practitioner: MatchedPractitioner | None = None


class MeasureIn(msgspec.Struct, forbid_unknown_fields=True):
    measure: Measure
    applied_on: dt.date
    text: str = ""


class MeasureOut(msgspec.Struct):
    """A measure an agency applied to a listed subject, as stored."""

    id: int
    entry: int
    agency: str
    measure: Measure
    measure_label: str
    text: str
    applied_on: dt.date


class FeedEvent(msgspec.Struct):
    """A change: what kind of record (`type`), what happened (`op`), when, and the record's public data."""

    seq: int
    # Open on purpose: a new domain adds kinds of records, and a client must skip a kind it does not know.
    type: Annotated[
        str,
        msgspec.Meta(
            description="the kind of record: disclosure, fire_inspection, inspection_draw, "
            "institution, listing, measure, penalty, rating (more may come)"
        ),
    ]
    op: str
    at: dt.datetime
    data: dict


class FeedPage(msgspec.Struct):
    """Events after the cursor; pass `next` back as `after`."""

    events: list[FeedEvent]
    next: int
