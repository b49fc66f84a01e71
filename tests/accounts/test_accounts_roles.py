"""Who may write what: the role and scope rules."""

import pytest

from credit.accounts.roles import (
    Principal,
    can_write_agency_record,
    can_write_institution,
    require_agency,
    require_scope,
)
from credit.errors import Forbidden

ADMIN = Principal(1, "admin", "admin")
CITY = Principal(2, "city", "city_regulator")
TIANNING = Principal(3, "tianning", "district_regulator", district_code="320402")
FIRE = Principal(4, "fire", "agency_officer", agency_code="fire_rescue")


def test_a_district_regulator_may_write_only_institutions_of_its_own_district():
    assert can_write_institution(TIANNING, "320402")
    assert not can_write_institution(TIANNING, "320404")
    require_scope(TIANNING, "320402")
    with pytest.raises(Forbidden):
        require_scope(TIANNING, "320404")


def test_admin_and_city_regulator_may_write_in_every_district():
    for principal in (ADMIN, CITY):
        assert can_write_institution(principal, "320402") and can_write_institution(principal, "320481")


def test_an_agency_officer_may_write_only_its_own_agencys_records_and_no_institution():
    assert can_write_agency_record(FIRE, "fire_rescue")
    assert not can_write_agency_record(FIRE, "health")
    assert not can_write_institution(FIRE, "320402")
    with pytest.raises(Forbidden):
        require_agency(FIRE, "health")


def test_regulators_may_record_for_any_agency_and_anonymous_callers_for_none():
    assert all(can_write_agency_record(p, "health") for p in (ADMIN, CITY, TIANNING))
    assert not can_write_agency_record(None, "health") and not can_write_institution(None, "320402")


def test_a_district_regulator_without_a_district_may_write_nowhere():
    assert not can_write_institution(Principal(5, "x", "district_regulator"), "")
