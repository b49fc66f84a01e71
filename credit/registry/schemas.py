"""Request and response bodies of the registry API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from credit.api_params import StoredInt, Version, closed_set
from credit.registry.service import OWNER_TYPES, PRACTITIONER_ROLES, STATUSES

OwnerType = Annotated[str, closed_set(OWNER_TYPES, "who runs the home")]
InstitutionStatus = Annotated[str, closed_set(STATUSES, "active, or closed")]
PractitionerRole = Annotated[str, closed_set(PRACTITIONER_ROLES, "the practitioner's role in the home")]


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
