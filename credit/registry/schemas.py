"""Request and response bodies of the registry API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from credit.api_params import StoredInt, Version, closed_set
from credit.registry.changes import FIELDS as CHANGE_FIELDS
from credit.registry.offers import CARE_LEVELS, SERVICES
from credit.registry.service import OWNER_TYPES, PRACTITIONER_ROLES, STATUSES

OwnerType = Annotated[str, closed_set(OWNER_TYPES, "who runs the home")]
InstitutionStatus = Annotated[str, closed_set(STATUSES, "active, or closed")]
PractitionerRole = Annotated[str, closed_set(PRACTITIONER_ROLES, "the practitioner's role in the home")]
Service = Annotated[str, closed_set(SERVICES, "a service the home offers (服务项目)")]
CareLevel = Annotated[str, closed_set(CARE_LEVELS, "a care level the home accepts (护理等级)")]
Services = Annotated[
    list[Service] | None, msgspec.Meta(description="services offered; [] none of them; null: not reported")
]
CareLevels = Annotated[
    list[CareLevel] | None, msgspec.Meta(description="care levels accepted; [] none; null: not reported")
]
Fee = Annotated[StoredInt | None, msgspec.Meta(description="monthly fee (收费标准) in whole yuan; null: not reported")]
Website = Annotated[str | None, msgspec.Meta(description="the home's web address (http or https); null: none reported")]
ChangeField = Annotated[str, closed_set(CHANGE_FIELDS, "the registry field the home asks to change")]


class InstitutionIn(msgspec.Struct, forbid_unknown_fields=True):
    uscc: str
    name: str
    district_code: str
    beds: StoredInt
    owner_type: OwnerType
    address: str = ""
    legal_representative: str = ""
    phone: str = ""
    established_on: dt.date | None = None
    status: InstitutionStatus = "active"
    services: Services = None
    care_levels: CareLevels = None
    fee_min: Fee = None
    fee_max: Fee = None
    website: Website = None


class InstitutionUpdate(InstitutionIn, forbid_unknown_fields=True):
    version: Version = 0


class InstitutionOut(msgspec.Struct):
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
    # What the home offers (null: not reported); defaults for a document stored before they existed.
    services: Services = None
    care_levels: CareLevels = None
    fee_min: Fee = None
    fee_max: Fee = None
    website: Website = None


class PractitionerIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    role: PractitionerRole
    id_number: str


class PractitionerOut(msgspec.Struct):
    id: int
    institution: int
    name: str
    id_masked: str
    role: PractitionerRole
    version: int


class InstitutionPage(msgspec.Struct):
    """A page of search results: `{items, total, page}`."""

    items: list[InstitutionOut]
    total: int
    page: int


class RegistryChangeFiling(msgspec.Struct, forbid_unknown_fields=True):
    """Ask civil affairs to change one registry field; nothing is public before a regulator approves it. The
    monthly fee range is `field: "fees"` with `fee_min` and `fee_max` (either null: not reported; the highest not
    below the lowest) instead of `requested_value`."""

    field: ChangeField
    requested_value: str = ""
    note: str = ""
    fee_min: Fee = None
    fee_max: Fee = None


class ChangeDecision(msgspec.Struct, forbid_unknown_fields=True):
    """Civil affairs decides a home's change request: `decision` approved or rejected (then `reasons`)."""

    decision: str
    reasons: str = ""
