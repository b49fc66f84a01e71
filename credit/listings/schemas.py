"""Request and response bodies of the list-procedure API."""

from __future__ import annotations

import datetime as dt

import msgspec

from credit.api_params import BodyId


class ProposalIn(msgspec.Struct, forbid_unknown_fields=True):
    uscc: str
    behaviour: str
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
    outcome: str  # upheld | withdrawn
    reasons: str
    on: dt.date | None = None
    backdate_reason: str = ""  # required when `on` is before today


class RemovalIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: str  # expired | revoked_basis | error | court_removed (a court designation only)
    reasons: str = ""
    on: dt.date | None = None
    backdate_reason: str = ""  # required when `on` is before today


class EarlyRemovalIn(msgspec.Struct, forbid_unknown_fields=True):
    statement: str
    on: dt.date | None = None
    backdate_reason: str = ""  # required when `on` is before today


class EarlyRemovalDecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    decision: str  # approved | rejected
    reasons: str
    on: dt.date | None = None
    backdate_reason: str = ""  # required when `on` is before today


class PublicEntryOut(msgspec.Struct):
    id: int
    subject_kind: str
    uscc: str
    institution_name: str
    practitioner_name: str
    behaviour: str
    behaviour_label: str
    status: str
    listed_on: dt.date | None
    expires_on: dt.date | None
    basis: str
    penalty_numbers: list[str]
