"""Roles and what each may write: the one place scope rules live.

- admin: everything.
- city_regulator (市级民政): every institution and record in the city.
- district_regulator (区县民政): only institutions of its own district code.
- agency_officer (成员单位): only its own agency's records; reads the rest like anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from credit.errors import Forbidden

ADMIN = "admin"
CITY_REGULATOR = "city_regulator"
DISTRICT_REGULATOR = "district_regulator"
AGENCY_OFFICER = "agency_officer"
AGENCY = "agency"  # an agency's system calling with an agency API key, not a person

ROLES = (ADMIN, CITY_REGULATOR, DISTRICT_REGULATOR, AGENCY_OFFICER)
REGULATORS = (ADMIN, CITY_REGULATOR, DISTRICT_REGULATOR)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is making a request: a signed-in user (`via="session"`) or an API token (`via="token"`)."""

    user_id: int
    username: str
    role: str
    district_code: str = ""
    agency_code: str = ""
    via: Literal["session", "token", "key"] = "session"


def can_write_institution(principal: Principal | None, district_code: str) -> bool:
    """True when the principal may create or change an institution (or its records) in `district_code`."""
    if principal is None:
        return False
    if principal.role in (ADMIN, CITY_REGULATOR):
        return True
    if principal.role == DISTRICT_REGULATOR:
        return bool(principal.district_code) and principal.district_code == district_code
    return False


def require_scope(principal: Principal | None, district_code: str) -> None:
    """Raise Forbidden unless `can_write_institution(principal, district_code)`."""
    if not can_write_institution(principal, district_code):
        raise Forbidden(f"your role may not change institutions of district {district_code}")


def can_write_agency_record(principal: Principal | None, agency_code: str) -> bool:
    """True when the principal may record or change a record reported by `agency_code`.

    Regulators may (a district regulator still needs `require_scope` for the institution's district);
    an agency officer only for its own agency.
    """
    if principal is None:
        return False
    if principal.role in REGULATORS:
        return True
    if principal.role in (AGENCY_OFFICER, AGENCY):
        return bool(principal.agency_code) and principal.agency_code == agency_code
    return False


def require_agency(principal: Principal | None, agency_code: str) -> None:
    """Raise Forbidden unless `can_write_agency_record(principal, agency_code)`."""
    if not can_write_agency_record(principal, agency_code):
        raise Forbidden(f"your role may not change records of agency {agency_code}")
