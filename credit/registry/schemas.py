"""Request and response bodies of the registry API."""

from __future__ import annotations

import datetime as dt

import msgspec

from credit.api_params import StoredInt, Version


class InstitutionIn(msgspec.Struct, forbid_unknown_fields=True):
    uscc: str
    name: str
    district_code: str
    beds: StoredInt
    owner_type: str
    address: str = ""
    legal_representative: str = ""
    phone: str = ""
    established_on: dt.date | None = None
    status: str = "active"


class InstitutionUpdate(InstitutionIn, forbid_unknown_fields=True):
    version: Version = 0


class InstitutionOut(msgspec.Struct):
    id: int
    uscc: str
    name: str
    district_code: str
    address: str
    beds: int
    owner_type: str
    legal_representative: str
    phone: str
    established_on: dt.date | None
    status: str
    version: int


class PractitionerIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    role: str
    id_number: str


class PractitionerOut(msgspec.Struct):
    id: int
    institution: int
    name: str
    id_masked: str
    role: str
    version: int
