"""The workspace forms: create and edit institutions, add records, rectify, edit penalties, read the history."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from workspace_helpers import PASSWORD, TIANNING, WUJIN, error_beside_id, make_uscc, post, sign_in

from credit.accounts.roles import Principal
from credit.accounts.service import create_user
from credit.records.tables import FireInspection, MajorHazard, Penalty
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn, InstitutionUpdate
from credit.registry.tables import Institution
from credit.seeding import ensure_agencies
from credit.timeutil import today

ADMIN = Principal(user_id=0, username="seeder", role="admin")


def institution_form(n: int, district: str = TIANNING, **changes) -> dict[str, str]:
    return {
        "uscc": make_uscc(n, district),
        "name": f"测试养老院{n}",
        "district_code": district,
        "beds": "80",
        "owner_type": "private_nonprofit",
        "address": "常州市某路1号",
        "status": "active",
        **changes,
    }


def error_beside(html: str, field: str) -> str:
    """The error text shown right after the field's input ('' when there is none)."""
    return error_beside_id(html, "f-" + field.replace(".", "-"))


@pytest.fixture
async def users(db):
    await ensure_agencies()
    await create_user("city", "city_regulator", PASSWORD, actor="test")
    await create_user("tianning", "district_regulator", PASSWORD, district_code=TIANNING, actor="test")
    await create_user("fireman", "agency_officer", PASSWORD, agency_code="fire_rescue", actor="test")


@pytest.fixture
async def homes(users) -> dict[str, int]:
    return {
        district: (await registry.create_institution(InstitutionIn(**institution_form(n, district)), ADMIN))["id"]
        for n, district in ((1, TIANNING), (2, WUJIN))
    }


async def test_creating_an_institution_through_the_form_stores_it_and_confirms(client, users):
    await sign_in(client, "tianning")
    form = await client.get("/workspace/institutions/new")
    assert form.status_code == 200 and '<label for="f-uscc">' in form.text
    response = await post(client, "/workspace/institutions/new", institution_form(7))
    assert response.status_code == 303
    stored = await Institution.select().where(Institution.uscc == make_uscc(7)).first().run()
    assert stored["name"] == "测试养老院7" and stored["beds"] == 80
    assert response.headers["location"] == f"/workspace/institutions/{stored['id']}?saved=institution"
    page = await client.get(response.headers["location"])
    assert page.status_code == 200 and 'data-testid="saved"' in page.text


async def test_a_bad_form_is_refused_with_the_reason_beside_each_field_and_the_typed_values_kept(client, users):
    await sign_in(client, "city")
    bad_uscc = make_uscc(8)[:-1] + ("0" if make_uscc(8)[-1] != "0" else "1")
    response = await post(client, "/workspace/institutions/new", institution_form(8, uscc=bad_uscc, beds="-3"))
    assert response.status_code == 422
    assert "check character does not match" in error_beside(response.text, "uscc")
    assert "must be at least 0" in error_beside(response.text, "beds")
    assert f'value="{bad_uscc}"' in response.text and 'value="-3"' in response.text
    assert 'value="测试养老院8"' in response.text
    assert await Institution.count().run() == 0


async def test_a_form_posted_without_a_required_field_is_refused_beside_it_not_a_server_error(client, users):
    # A hand-made POST (or an old cached form) may leave a field out entirely: the struct the service takes gets
    # None for it, and the service's check says it is required, as for a blank field.
    await sign_in(client, "city")
    form = {k: v for k, v in institution_form(9).items() if k not in ("beds", "owner_type")}
    response = await post(client, "/workspace/institutions/new", form)
    assert response.status_code == 422
    assert "is required" in error_beside(response.text, "beds")
    assert "is required" in error_beside(response.text, "owner_type")
    assert 'value="测试养老院9"' in response.text
    assert await Institution.count().run() == 0


async def test_a_duplicate_uscc_is_said_beside_the_field(client, homes):
    await sign_in(client, "city")
    response = await post(client, "/workspace/institutions/new", institution_form(1, name="另一家"))
    assert response.status_code == 409 and "already registered" in error_beside(response.text, "uscc")


async def test_the_institution_list_filters_and_counts(client, homes):
    await sign_in(client, "city")
    response = await client.get("/workspace/institutions", params={"district": WUJIN})
    assert response.status_code == 200 and "测试养老院2" in response.text and "测试养老院1" not in response.text
    assert re.search(r'data-testid="total">共 1 家', response.text)
    assert 'href="/workspace/institutions/new"' in response.text


async def test_a_district_regulator_cannot_edit_another_districts_institution(client, homes):
    await sign_in(client, "tianning")
    wujin = homes[WUJIN]
    assert (await client.get(f"/workspace/institutions/{wujin}/edit")).status_code == 403
    response = await post(
        client,
        f"/workspace/institutions/{wujin}/edit",
        {**institution_form(2, WUJIN, name="改过的名字"), "version": "1"},
    )
    assert response.status_code == 403 and "不允许" in response.text
    stored = await registry.get_institution(wujin)
    assert stored["name"] == "测试养老院2" and stored["version"] == 1


async def test_editing_an_institution_shows_current_values_and_saves_a_new_version(client, homes):
    await sign_in(client, "tianning")
    home = homes[TIANNING]
    form = await client.get(f"/workspace/institutions/{home}/edit")
    assert 'name="version" value="1"' in form.text and 'value="测试养老院1"' in form.text
    response = await post(
        client, f"/workspace/institutions/{home}/edit", {**institution_form(1, beds="120"), "version": "1"}
    )
    assert response.status_code == 303
    stored = await registry.get_institution(home)
    assert stored["beds"] == 120 and stored["version"] == 2


async def test_a_stale_edit_shows_the_conflict_and_the_current_version_and_overwrites_nothing(client, homes):
    await sign_in(client, "city")
    home = homes[TIANNING]
    await registry.update_institution(
        home, InstitutionUpdate(**institution_form(1, beds="99"), version=1), ADMIN
    )  # someone else, first
    response = await post(
        client, f"/workspace/institutions/{home}/edit", {**institution_form(1, beds="150"), "version": "1"}
    )
    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.text and "Someone else changed this record" in response.text
    assert (
        'name="version" value="2"' in response.text
        and 'id="f-beds" name="beds" type="number" value="99"' in response.text
    )
    stored = await registry.get_institution(home)
    assert stored["beds"] == 99 and stored["version"] == 2


async def test_a_fire_inspection_with_a_failing_area_and_an_open_hazard_then_its_rectification(client, homes):
    await sign_in(client, "tianning")
    home = homes[TIANNING]
    form = await client.get(f"/workspace/institutions/{home}/fire-inspections/new")
    assert form.status_code == 200 and 'type="radio"' in form.text and "安全疏散和避难" in form.text
    inspected = today() - timedelta(days=5)
    data = {
        "inspected_on": inspected.isoformat(),
        "inspector": "天宁消防",
        **{
            f"checklist.{area}": "pass"
            for area in (
                "fire_resistance",
                "resident_floors",
                "fire_separation",
                "fire_facilities",
                "fire_management",
                "micro_fire_station",
            )
        },
        "checklist.evacuation": "fail",
        "hazards.0.category": "facility_equipment",
        "hazards.0.description": "疏散通道堵塞",
        "hazards.0.rectify_by": (today() + timedelta(days=20)).isoformat(),
    }
    # A hazard row with a deadline before it was found is refused beside that row's field.
    refused = await post(
        client,
        f"/workspace/institutions/{home}/fire-inspections/new",
        {
            **data,
            "hazards.1.category": "other",
            "hazards.1.description": "其他",
            "hazards.1.rectify_by": (inspected - timedelta(days=1)).isoformat(),
        },
    )
    assert refused.status_code == 422 and "must not be before" in error_beside(refused.text, "hazards.1.rectify_by")
    assert await FireInspection.count().run() == 0
    response = await post(client, f"/workspace/institutions/{home}/fire-inspections/new", data)
    assert response.status_code == 303
    inspection = await FireInspection.select().first().run()
    assert inspection["outcome"] == "non_compliant"
    hazard = await MajorHazard.select().first().run()
    page = await client.get(f"/workspace/institutions/{home}")
    assert 'data-testid="hazard-open"' in page.text
    assert f'action="/workspace/hazards/{hazard["id"]}/rectify"' in page.text
    bad = await post(client, f"/workspace/hazards/{hazard['id']}/rectify", {"rectified_on": "", "version": "1"})
    assert bad.status_code == 422 and f'id="rectify-{hazard["id"]}-error"' in bad.text
    summary = bad.text.index('data-testid="error-summary"')  # at the top, linked to the form below
    assert summary < bad.text.index(f'id="rectify-{hazard["id"]}"') and f'href="#rectify-{hazard["id"]}"' in bad.text
    done = await post(
        client, f"/workspace/hazards/{hazard['id']}/rectify", {"rectified_on": today().isoformat(), "version": "1"}
    )
    assert done.status_code == 303 and done.headers["location"].endswith("?saved=hazard")
    assert (await MajorHazard.select().first().run())["rectified_on"] == today()
    assert 'data-testid="hazard-open"' not in (await client.get(f"/workspace/institutions/{home}")).text


async def test_a_fire_rescue_officer_records_inspections_but_may_not_edit_the_institution(client, homes):
    await sign_in(client, "fireman")
    home = homes[WUJIN]
    page = await client.get(f"/workspace/institutions/{home}")
    assert page.status_code == 200 and "fire-inspections/new" in page.text and f"/{home}/edit" not in page.text
    assert (await client.get(f"/workspace/institutions/{home}/gradings/new")).status_code == 403


async def test_adding_a_penalty_and_editing_it_then_the_history_lists_both_with_the_actor(client, homes):
    await sign_in(client, "tianning")
    home = homes[TIANNING]
    penalty = {
        "decision_number": "天民罚字〔2025〕7号",
        "facts": "未按规定配备护理人员",
        "legal_basis": "《养老机构管理办法》第四十六条",
        "penalty_kind": "罚款",
        "content": "罚款五千元",
        "fine_yuan": "5000.50",
        "decision_date": (today() - timedelta(days=30)).isoformat(),
        "deciding_agency": "天宁区民政局",
        "subject_kind": "legal_person",
    }
    response = await post(client, f"/workspace/institutions/{home}/penalties/new", penalty)
    assert response.status_code == 303
    stored = await Penalty.select().first().run()
    assert stored["fine_fen"] == 500050 and stored["subject_name"] == "测试养老院1"
    form = await client.get(f"/workspace/penalties/{stored['id']}/edit")
    assert form.status_code == 200 and 'name="version" value="1"' in form.text and 'value="5000.50"' in form.text
    edited = await post(
        client,
        f"/workspace/penalties/{stored['id']}/edit",
        {**penalty, "rectified_on": today().isoformat(), "version": "1"},
    )
    assert edited.status_code == 303
    after = await Penalty.select().where(Penalty.id == stored["id"]).first().run()
    assert after["rectified_on"] == today() and after["version"] == 2
    history = await client.get(f"/workspace/history/penalty/{stored['id']}")
    assert history.status_code == 200
    entries = re.findall(r'data-testid="history-entry">.*?</li>', history.text, re.S)
    assert len(entries) == 2
    assert "penalty.create" in entries[0] and "penalty.update" in entries[1]
    assert all('data-testid="actor">tianning<' in e for e in entries)
    assert today().isoformat() in entries[1]


async def test_revoking_a_penalty_needs_the_revocation_date(client, homes):
    await sign_in(client, "city")
    home = homes[WUJIN]
    penalty = {
        "decision_number": "武民罚字〔2025〕3号",
        "facts": "事实",
        "legal_basis": "依据",
        "penalty_kind": "警告",
        "content": "警告",
        "decision_date": (today() - timedelta(days=3)).isoformat(),
        "deciding_agency": "武进区民政局",
    }
    await post(client, f"/workspace/institutions/{home}/penalties/new", penalty)
    penalty_id = (await Penalty.select(Penalty.id).first().run())["id"]
    refused = await post(client, f"/workspace/penalties/{penalty_id}/edit", {**penalty, "revoked": "1", "version": "1"})
    assert refused.status_code == 422 and "is required" in error_beside(refused.text, "revoked_on")
    assert 'value="武民罚字〔2025〕3号"' in refused.text
    done = await post(
        client,
        f"/workspace/penalties/{penalty_id}/edit",
        {**penalty, "revoked": "1", "revoked_on": today().isoformat(), "version": "1"},
    )
    assert done.status_code == 303 and (await Penalty.select().first().run())["revoked"] is True


async def test_a_grading_and_a_practitioner_are_added_through_their_forms(client, homes):
    await sign_in(client, "tianning")
    home = homes[TIANNING]
    grading = await post(
        client,
        f"/workspace/institutions/{home}/gradings/new",
        {
            "decided_on": today().isoformat(),
            "environment": "110",
            "facilities": "120",
            "operations": "140",
            "services": "560",
        },
    )
    assert grading.status_code == 303
    person = await post(
        client,
        f"/workspace/institutions/{home}/practitioners/new",
        {"name": "李秀英", "role": "care_staff", "id_number": "11010519491231002X"},
    )
    assert person.status_code == 303
    page = await client.get(f"/workspace/institutions/{home}")
    assert "110105********002X" in page.text and "11010519491231002X" not in page.text
    assert "/workspace/history/grading/" in page.text and "/workspace/history/practitioner/" in page.text


async def test_the_institution_history_lists_the_create_and_the_update_with_the_actor(client, users):
    await sign_in(client, "city")
    created = await post(client, "/workspace/institutions/new", institution_form(5))
    home = int(re.search(r"/institutions/(\d+)", created.headers["location"]).group(1))
    await post(client, f"/workspace/institutions/{home}/edit", {**institution_form(5, beds="81"), "version": "1"})
    history = await client.get(f"/workspace/history/institution/{home}")
    entries = re.findall(r'data-testid="history-entry">.*?</li>', history.text, re.S)
    assert [("institution.create" in e, "institution.update" in e) for e in entries] == [(True, False), (False, True)]
    assert all('data-testid="actor">city<' in e for e in entries)
    assert re.search(r"<td>80</td><td>81</td>", entries[1])
    # the action in words, both languages, beside its code
    assert '新建机构 <span lang="en">Institution created</span>' in entries[0]
    assert '修改机构 <span lang="en">Institution updated</span>' in entries[1]
    page = (await client.get(f"/workspace/institutions/{home}")).text
    assert '运营中 <span lang="en">Active</span>' in page and '<span lang="en">Private non-profit</span>' in page


async def test_unknown_records_answer_a_404_page(client, users):
    await sign_in(client, "city")
    for path in ("/workspace/institutions/9999", "/workspace/history/institution/9999", "/workspace/history/nope/1"):
        response = await client.get(path)
        assert response.status_code == 404 and "找不到" in response.text, path


async def test_a_form_posted_without_the_csrf_token_is_refused_and_stores_nothing(client, users):
    await sign_in(client, "city")
    response = await client.post("/workspace/institutions/new", data=institution_form(9))
    assert response.status_code == 403
    assert await Institution.count().run() == 0
