"""Roles and what each may write: the one place scope rules live.

- admin: everything.
- city_regulator (市级民政): every institution and record in the city.
- district_regulator (区县民政): only institutions of its own district code.
- agency_officer (成员单位) and agency (its system, with the agency key): only its own agency's records; reads
  the rest like anyone else.
- institution (机构端): a home's own users, bound to its USCC. They see that home's full record and answer for it
  (notices, objections) under /my; they write no regulator record and reach neither the workspace nor the
  regulator API (`requires_login` refuses them).

A scope rule never passes because a record has no district or institution yet:
- an empty district code is inside no district regulator's scope (only city-level regulators and admin);
- an unmatched penalty (the review queue: no institution yet, match_status "review") belongs to its reporting
  agency and to city-level regulators (city_regulator, admin). Only they edit, revoke or match it; a district
  regulator may not touch it until it is matched to an institution of its district (`can_write_unmatched_penalty`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from credit.errors import Forbidden, NotFound

ADMIN = "admin"
CITY_REGULATOR = "city_regulator"
DISTRICT_REGULATOR = "district_regulator"
AGENCY_OFFICER = "agency_officer"
AGENCY = "agency"  # an agency's system calling with an agency API key, not a person
INSTITUTION = "institution"  # a home's own user (机构端), bound to one USCC

ROLES = (ADMIN, CITY_REGULATOR, DISTRICT_REGULATOR, AGENCY_OFFICER, INSTITUTION)
STAFF = (ADMIN, CITY_REGULATOR, DISTRICT_REGULATOR, AGENCY_OFFICER)  # the workspace and the regulator API
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
    institution_uscc: str = ""  # role institution only: the one home it answers for
    password_change_required: bool = False  # set by civil affairs' account creation; cleared by the first change


def can_write_institution(principal: Principal | None, district_code: str) -> bool:
    """True when the principal may create or change an institution (or its records) in `district_code`."""
    if principal is None:
        return False
    if principal.role in (ADMIN, CITY_REGULATOR):
        return True
    if principal.role == DISTRICT_REGULATOR:
        # An empty district (a record not yet placed anywhere) is never inside a district's scope.
        return bool(district_code) and principal.district_code == district_code
    return False


def require_evidence_reader(principal: Principal | None, home_uscc: str, district_code: str) -> None:
    """Evidence files of a home (credit.evidence) are read by the home's own users and by civil-affairs regulators
    whose scope holds the home. A home's user asking for another home's file gets NotFound (it cannot learn which
    files exist); anyone else not allowed gets Forbidden. A home with no district is in no district's scope."""
    if principal is not None and principal.role == INSTITUTION:
        if not principal.institution_uscc or principal.institution_uscc != home_uscc:
            raise NotFound("evidence file")
        return
    if principal is None or principal.role not in REGULATORS or not can_write_institution(principal, district_code):
        raise Forbidden("evidence files are read by the home's own users and civil affairs in scope")


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


CITY_LEVEL = (ADMIN, CITY_REGULATOR)


def can_write_unmatched_penalty(principal: Principal | None, reporting_agency: str) -> bool:
    """True when the principal may edit, revoke or match a penalty that has no institution yet.

    Only the reporting agency (its officers and its key) and city-level regulators (city_regulator, admin);
    a district regulator may not, since a record of no district is in no district's scope. A penalty with
    no reporting agency (imported by an operator) is city-level only.
    """
    if principal is None:
        return False
    if principal.role in CITY_LEVEL:
        return True
    if principal.role in (AGENCY_OFFICER, AGENCY):
        return bool(reporting_agency) and principal.agency_code == reporting_agency
    return False


def require_unmatched_penalty(principal: Principal | None, reporting_agency: str) -> None:
    """Raise Forbidden unless `can_write_unmatched_penalty(principal, reporting_agency)`."""
    if not can_write_unmatched_penalty(principal, reporting_agency):
        raise Forbidden("an unmatched penalty is changed only by its reporting agency or a city-level regulator")
