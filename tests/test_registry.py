"""Registry rules: every bad field is refused with its reason and nothing is written."""

from datetime import date, timedelta

import pytest

from credit.accounts.system import system_principal
from credit.audit.tables import AuditEntry
from credit.errors import Duplicate, StaleVersion, ValidationFailed
from credit.public.tables import PublicProfile
from credit.registry import service
from credit.registry.schemas import InstitutionIn, InstitutionUpdate
from credit.registry.tables import Institution
from credit.sharing.tables import ChangeEvent

GOOD = {
    "uscc": "52320402MJ5678901X",
    "name": "常州市天宁区康乐养老院",
    "district_code": "320402",
    "address": "常州市天宁区延陵路1号",
    "beds": 120,
    "owner_type": "private_nonprofit",
    "legal_representative": "张建国",
    "established_on": "2015-06-01",
}


def valid_uscc(prefix="52320402MJ567890") -> str:
    from stdnum.cn import uscc

    body = prefix + "1"
    return body + uscc.calc_check_digit(body)


@pytest.fixture
def good():
    return {**GOOD, "uscc": valid_uscc()}


async def test_a_valid_institution_is_stored_with_a_feed_event_and_an_audit_entry(db, good):
    stored = await service.create_institution(InstitutionIn(**good), by=system_principal("tester"))
    assert stored["uscc"] == good["uscc"] and stored["version"] == 1
    assert stored["established_on"] == date(2015, 6, 1)
    events = await ChangeEvent.select().run()
    # The new home is rated at once (the write hook rescores it in the same transaction: issue 14).
    assert [(e["type"], e["op"], e["seq"]) for e in events] == [
        ("institution", "created", 1),
        ("rating", "rescored", 2),
    ]
    audit = await AuditEntry.select().run()
    assert audit[0]["actor"] == "tester" and audit[0]["action"] == "institution.create"


@pytest.mark.parametrize(
    "field, value, reason",
    [
        ("uscc", "52320402MJ5678901Y", "check character does not match"),
        ("uscc", "5232040", "must be 18 characters"),
        ("district_code", "110101", "is not a known district code"),
        ("beds", -3, "must be at least 0"),
        ("beds", "many", "must be a whole number"),
        ("established_on", (date.today() + timedelta(days=30)).isoformat(), "must not be in the future"),
        ("established_on", "next spring", "must be a date"),
        ("owner_type", "charity", "must be one of"),
        ("name", "", "is required"),
    ],
)
async def test_bad_field_is_refused_with_field_and_reason_and_nothing_is_written(db, good, field, value, reason):
    with pytest.raises(ValidationFailed) as refused:
        await service.create_institution(InstitutionIn(**{**good, field: value}), by=system_principal("tester"))
    assert any(e.field == field and reason in e.reason for e in refused.value.errors), refused.value.errors
    assert await Institution.count().run() == 0
    assert await ChangeEvent.count().run() == 0


async def test_a_duplicate_uscc_is_refused_and_the_first_record_is_kept(db, good):
    await service.create_institution(InstitutionIn(**good), by=system_principal("tester"))
    with pytest.raises(Duplicate) as refused:
        await service.create_institution(InstitutionIn(**{**good, "name": "另一家"}), by=system_principal("tester"))
    assert refused.value.field == "uscc"
    assert [r["name"] for r in await Institution.select(Institution.name).run()] == [good["name"]]


async def test_an_update_with_a_stale_version_gets_the_current_record_and_changes_nothing(db, good):
    stored = await service.create_institution(InstitutionIn(**good), by=system_principal("a"))
    await service.update_institution(
        stored["id"], InstitutionUpdate(**{**good, "beds": 150}, version=1), by=system_principal("a")
    )
    with pytest.raises(StaleVersion) as conflict:
        await service.update_institution(
            stored["id"], InstitutionUpdate(**{**good, "beds": 99}, version=1), by=system_principal("b")
        )
    assert conflict.value.current["beds"] == 150 and conflict.value.current["version"] == 2
    assert (await service.get_institution(stored["id"]))["beds"] == 150


async def test_an_update_is_public_at_once_and_audits_the_change(db, good):
    # DESIGN.md "Two shared paths": the write hook updates the public projection in the writer's transaction.
    stored = await service.create_institution(InstitutionIn(**good), by=system_principal("a"))
    await service.update_institution(
        stored["id"], InstitutionUpdate(**{**good, "beds": 150}, version=1), by=system_principal("b")
    )
    row = await PublicProfile.select(PublicProfile.beds, PublicProfile.version).first().run()
    assert row == {"beds": 150, "version": 2}
    last = await AuditEntry.select().order_by(AuditEntry.seq, ascending=False).output(load_json=True).first().run()
    assert last["action"] == "institution.update" and last["changes"]["changes"]["beds"] == [120, 150]


def test_a_city_serves_its_own_districts_from_a_file(tmp_path):
    import os
    import subprocess
    import sys

    path = tmp_path / "districts.toml"
    path.write_text('[districts]\n"110105" = ["朝阳区", "Chaoyang"]\n', encoding="utf-8")
    script = (
        "from credit.registry.districts import is_known_district, district_name;"
        "print(is_known_district('110105'), is_known_district('320402'), district_name('110105', 'en'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "DISTRICTS_FILE": str(path)},
        check=True,
    )
    assert result.stdout.split() == ["True", "False", "Chaoyang"]


def test_a_malformed_districts_file_is_refused_naming_the_entry(tmp_path):
    from credit.registry.districts import DistrictFileError, load_districts

    path = tmp_path / "districts.toml"
    path.write_text('[districts]\n"1101" = ["朝阳区", "Chaoyang"]\n', encoding="utf-8")
    with pytest.raises(DistrictFileError, match="districts.1101: the code must be 6 digits"):
        load_districts(path)
