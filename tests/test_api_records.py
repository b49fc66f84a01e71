"""The regulator JSON API: each role may do exactly what its scope allows, and bad input writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from stdnum.cn import uscc as uscc_rules

from credit.accounts.service import create_user, issue_token
from credit.records.tables import FireInspection, Grading, MajorHazard, Penalty
from credit.registry.tables import Institution, Practitioner
from credit.seeding import ensure_agencies

TIANNING, WUJIN = "320402", "320412"
ROLES = {
    "admin": {"role": "admin"},
    "city": {"role": "city_regulator"},
    "tianning": {"role": "district_regulator", "district_code": TIANNING},
    "fire": {"role": "agency_officer", "agency_code": "fire_rescue"},
    "health": {"role": "agency_officer", "agency_code": "health"},
}


def make_uscc(n: int, district: str = TIANNING) -> str:
    body = f"52{district}MJ{n:07d}"
    return body + uscc_rules.calc_check_digit(body)


def institution_body(n: int, district: str = TIANNING, **changes) -> dict:
    return {
        "uscc": make_uscc(n, district),
        "name": f"测试养老院{n}",
        "district_code": district,
        "beds": 80,
        "owner_type": "private_nonprofit",
        "legal_representative": "王建国",
        **changes,
    }


@pytest.fixture
async def tokens(db) -> dict[str, dict[str, str]]:
    await ensure_agencies()
    headers = {}
    for username, extra in ROLES.items():
        await create_user(username, password="correct-horse-battery", actor="test", **extra)
        issued = await issue_token(username, actor="test")
        headers[username] = {"Authorization": f"Bearer {issued.token}"}
    return headers


@pytest.fixture
async def homes(client, tokens) -> dict[str, str]:
    """One institution in 天宁 and one in 武进, created by the admin."""
    created = {}
    for n, district in ((1, TIANNING), (2, WUJIN)):
        response = await client.post(
            "/api/v1/institutions", json=institution_body(n, district), headers=tokens["admin"]
        )
        assert response.status_code == 201, response.text
        created[district] = response.json()["uscc"]
    return created


GRADING = {"decided_on": "2025-05-01", "environment": 110, "facilities": 120, "operations": 140, "services": 560}
INSPECTION = {
    "inspected_on": "2025-06-01",
    "inspector": "消防支队",
    "checklist": {
        "fire_resistance": "pass",
        "resident_floors": "pass",
        "fire_separation": "pass",
        "evacuation": "pass",
        "fire_facilities": "pass",
        "fire_management": "fail",
        "micro_fire_station": "na",
    },
}
PENALTY = {
    "decision_number": "天民罚字〔2025〕1号",
    "facts": "未签订服务协议",
    "legal_basis": "《养老机构管理办法》第四十六条",
    "penalty_kind": "罚款",
    "content": "罚款五千元",
    "decision_date": "2025-03-01",
    "deciding_agency": "天宁区民政局",
    "fine_yuan": "5000.50",
}

# (operation, role, district) -> expected status; 201 means allowed.
MATRIX = [
    ("institution", "admin", WUJIN, 201),
    ("institution", "city", WUJIN, 201),
    ("institution", "tianning", TIANNING, 201),
    ("institution", "tianning", WUJIN, 403),
    ("institution", "fire", TIANNING, 403),
    ("institution", None, TIANNING, 401),
    ("grading", "admin", WUJIN, 201),
    ("grading", "city", WUJIN, 201),
    ("grading", "tianning", TIANNING, 201),
    ("grading", "tianning", WUJIN, 403),
    ("grading", "fire", TIANNING, 403),
    ("grading", None, TIANNING, 401),
    ("inspection", "city", WUJIN, 201),
    ("inspection", "tianning", TIANNING, 201),
    ("inspection", "tianning", WUJIN, 403),
    ("inspection", "fire", WUJIN, 201),
    ("inspection", "health", WUJIN, 403),
    ("inspection", None, WUJIN, 401),
    ("penalty", "city", WUJIN, 201),
    ("penalty", "tianning", TIANNING, 201),
    ("penalty", "tianning", WUJIN, 403),
    ("penalty", "health", WUJIN, 201),
    ("penalty", None, WUJIN, 401),
    ("practitioner", "city", WUJIN, 201),
    ("practitioner", "tianning", TIANNING, 201),
    ("practitioner", "tianning", WUJIN, 403),
    ("practitioner", "fire", WUJIN, 403),
]
TABLE = {
    "institution": Institution,
    "grading": Grading,
    "inspection": FireInspection,
    "penalty": Penalty,
    "practitioner": Practitioner,
}


@pytest.mark.parametrize("operation, role, district, status", MATRIX, ids=[f"{o}-{r}-{d}-{s}" for o, r, d, s in MATRIX])
async def test_role_and_district_decide_who_may_write(client, tokens, homes, operation, role, district, status):
    headers = tokens[role] if role else {}
    before = await TABLE[operation].count().run()
    target = homes[district]
    if operation == "institution":
        response = await client.post("/api/v1/institutions", json=institution_body(9, district), headers=headers)
    elif operation == "grading":
        response = await client.post(f"/api/v1/institutions/{target}/gradings", json=GRADING, headers=headers)
    elif operation == "inspection":
        response = await client.post(
            f"/api/v1/institutions/{target}/fire-inspections", json=INSPECTION, headers=headers
        )
    elif operation == "penalty":
        response = await client.post(f"/api/v1/institutions/{target}/penalties", json=PENALTY, headers=headers)
    else:
        response = await client.post(
            f"/api/v1/institutions/{target}/practitioners",
            json={"name": "李秀英", "role": "care_staff", "id_number": "11010519491231002X"},
            headers=headers,
        )
    assert response.status_code == status, response.text
    assert await TABLE[operation].count().run() == before + (1 if status == 201 else 0)
    if status != 201:
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_district_regulator_cannot_move_its_institution_into_another_district(client, tokens, homes):
    body = {**institution_body(1, TIANNING), "district_code": WUJIN, "version": 1}
    response = await client.put(f"/api/v1/institutions/{homes[TIANNING]}", json=body, headers=tokens["tianning"])
    assert response.status_code == 403
    assert (
        await Institution.select(Institution.district_code).where(Institution.uscc == homes[TIANNING]).first().run()
    )["district_code"] == TIANNING


async def test_a_stale_version_gets_409_and_the_current_record(client, tokens, homes):
    url = f"/api/v1/institutions/{homes[TIANNING]}"
    first = await client.put(url, json={**institution_body(1), "beds": 90, "version": 1}, headers=tokens["city"])
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = await client.put(url, json={**institution_body(1), "beds": 10, "version": 1}, headers=tokens["city"])
    assert stale.status_code == 409
    assert stale.json()["current"]["beds"] == 90 and stale.json()["current"]["version"] == 2


async def test_invalid_institution_fields_answer_422_naming_each_field(client, tokens):
    body = institution_body(
        5,
        uscc="52320402MJ0000000Z",
        district_code="999999",
        beds=-1,
        established_on=(date.today() + timedelta(days=3)).isoformat(),
    )
    response = await client.post("/api/v1/institutions", json=body, headers=tokens["admin"])
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"uscc", "district_code", "beds", "established_on"} <= fields
    assert await Institution.count().run() == 0


async def test_a_body_of_the_wrong_shape_answers_400_problem_json(client, tokens):
    response = await client.post("/api/v1/institutions", json={"uscc": 5}, headers=tokens["admin"])
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_grading_gets_its_level_from_the_parts_and_expires_after_three_years(client, tokens, homes):
    response = await client.post(
        f"/api/v1/institutions/{homes[TIANNING]}/gradings", json=GRADING, headers=tokens["city"]
    )
    assert response.status_code == 201
    assert response.json()["level"] == 5 and response.json()["expires_on"] == "2028-05-01"


async def test_grading_parts_above_their_maximum_are_refused(client, tokens, homes):
    response = await client.post(
        f"/api/v1/institutions/{homes[TIANNING]}/gradings", json={**GRADING, "environment": 121}, headers=tokens["city"]
    )
    assert response.status_code == 422
    assert response.json()["errors"][0] == {"field": "environment", "reason": "must be at most 120", "code": "at_most"}


async def test_no_grading_within_two_years_of_a_serious_penalty(client, tokens, homes):
    serious = {**PENALTY, "severity": "serious", "decision_date": "2025-01-10"}
    assert (
        await client.post(f"/api/v1/institutions/{homes[TIANNING]}/penalties", json=serious, headers=tokens["city"])
    ).status_code == 201
    response = await client.post(
        f"/api/v1/institutions/{homes[TIANNING]}/gradings", json=GRADING, headers=tokens["city"]
    )
    assert response.status_code == 422 and "not eligible" in response.json()["errors"][0]["reason"]
    assert await Grading.count().run() == 0


async def test_an_inspection_with_an_open_major_hazard_is_non_compliant_until_rectified(client, tokens, homes):
    body = {
        **INSPECTION,
        "hazards": [{"category": "facility_equipment", "description": "防火门损坏", "rectify_by": "2025-07-01"}],
    }
    response = await client.post(
        f"/api/v1/institutions/{homes[WUJIN]}/fire-inspections", json=body, headers=tokens["fire"]
    )
    assert response.status_code == 201 and response.json()["outcome"] == "non_compliant"
    hazard = response.json()["hazards"][0]
    fixed = await client.post(
        f"/api/v1/hazards/{hazard['id']}/rectification",
        json={"rectified_on": "2025-06-20", "version": hazard["version"]},
        headers=tokens["fire"],
    )
    assert fixed.status_code == 201 and fixed.json()["rectified_on"] == "2025-06-20"
    assert (await MajorHazard.select(MajorHazard.rectified_on).first().run())["rectified_on"] == date(2025, 6, 20)


async def test_a_checklist_missing_an_area_is_refused_with_the_area_named(client, tokens, homes):
    checklist = dict(INSPECTION["checklist"])
    del checklist["evacuation"]
    response = await client.post(
        f"/api/v1/institutions/{homes[WUJIN]}/fire-inspections",
        json={**INSPECTION, "checklist": checklist},
        headers=tokens["city"],
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "checklist.evacuation"
    assert await FireInspection.count().run() == 0


async def test_penalty_fines_are_exact_yuan_and_an_agency_edits_only_its_own(client, tokens, homes):
    created = await client.post(
        f"/api/v1/institutions/{homes[WUJIN]}/penalties", json=PENALTY, headers=tokens["health"]
    )
    assert created.status_code == 201 and created.json()["fine_yuan"] == "5000.50"
    penalty = created.json()
    update = {**PENALTY, "rectified_on": "2025-04-01", "version": penalty["version"]}
    assert (
        await client.put(f"/api/v1/penalties/{penalty['id']}", json=update, headers=tokens["fire"])
    ).status_code == 403
    changed = await client.put(f"/api/v1/penalties/{penalty['id']}", json=update, headers=tokens["health"])
    assert changed.status_code == 200 and changed.json()["rectified_on"] == "2025-04-01"
    history = await client.get(f"/api/v1/penalties/{penalty['id']}/history", headers=tokens["health"])
    assert [h["action"] for h in history.json()] == ["penalty.create", "penalty.update"]


async def test_revoking_a_penalty_needs_the_revocation_date(client, tokens, homes):
    created = (
        await client.post(f"/api/v1/institutions/{homes[TIANNING]}/penalties", json=PENALTY, headers=tokens["city"])
    ).json()
    response = await client.put(
        f"/api/v1/penalties/{created['id']}", json={**PENALTY, "revoked": True, "version": 1}, headers=tokens["city"]
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "revoked_on"
    done = await client.put(
        f"/api/v1/penalties/{created['id']}",
        json={**PENALTY, "revoked": True, "revoked_on": "2025-05-01", "version": 1},
        headers=tokens["city"],
    )
    assert done.status_code == 200 and done.json()["revoked"] is True


async def test_practitioner_id_numbers_are_answered_masked_and_stored_hashed(client, tokens, homes):
    response = await client.post(
        f"/api/v1/institutions/{homes[TIANNING]}/practitioners",
        json={"name": "李秀英", "role": "care_staff", "id_number": "11010519491231002X"},
        headers=tokens["city"],
    )
    assert response.status_code == 201 and response.json()["id_masked"] == "110105********002X"
    assert "11010519491231002X" not in response.text
    again = await client.post(
        f"/api/v1/institutions/{homes[TIANNING]}/practitioners",
        json={"name": "李秀英", "role": "manager", "id_number": "11010519491231002X"},
        headers=tokens["city"],
    )
    assert again.status_code == 409
    bad = await client.post(
        f"/api/v1/institutions/{homes[TIANNING]}/practitioners",
        json={"name": "李秀英", "role": "manager", "id_number": "110105194912310021"},
        headers=tokens["city"],
    )
    assert bad.status_code == 422 and "110105194912310021" not in bad.text


async def test_the_public_profile_explains_the_credit_and_masks_persons(client, tokens, homes):
    recent = {**PENALTY, "decision_date": (date.today() - timedelta(days=30)).isoformat()}  # still public
    await client.post(f"/api/v1/institutions/{homes[TIANNING]}/penalties", json=recent, headers=tokens["city"])
    profile = await client.get(f"/api/v1/institutions/{homes[TIANNING]}")
    assert profile.status_code == 200
    credit = profile.json()["credit"]
    assert credit["level"] in "ABCD" and credit["policy_version"]
    assert sum(float(c["points"]) for c in credit["contributions"]) == pytest.approx(float(credit["score"]))
    assert profile.json()["penalties"][0]["legal_representative"] == "王**"
    search = await client.get("/api/v1/institutions", params={"district": TIANNING})
    assert search.json()["total"] == 1 and search.json()["page"] == 1


async def test_every_write_leaves_an_institution_history(client, tokens, homes):
    url = f"/api/v1/institutions/{homes[TIANNING]}"
    await client.put(url, json={**institution_body(1), "beds": 90, "version": 1}, headers=tokens["city"])
    history = await client.get(f"{url}/history", headers=tokens["city"])
    assert [(h["actor"], h["action"]) for h in history.json()] == [
        ("admin", "institution.create"),
        ("city", "institution.update"),
    ]
    assert history.json()[1]["changes"]["changes"]["beds"] == [80, 90]
