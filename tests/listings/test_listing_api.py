"""The list procedure over HTTP: steps for regulators, the public list for everyone."""

from __future__ import annotations

import pytest

from credit.accounts.service import create_user, issue_token
from credit.accounts.system import system_principal
from credit.records import service as records
from credit.registry import service as registry
from credit.seeding import ensure_agencies
from tests.listings.test_listing_procedure import code


@pytest.fixture
async def setup(client):
    await ensure_agencies()
    admin = system_principal("setup")
    home = await registry.create_institution({
        "uscc": code(3), "name": "钟楼区夕阳红老年公寓", "district_code": "320402", "beds": 60,
        "owner_type": "enterprise", "legal_representative": "欧阳娜娜"}, admin)
    penalty = await records.create_penalty(home["id"], {
        "decision_number": "天民罚字〔2025〕3号", "facts": "骗取运营补贴", "legal_basis": "《养老机构管理办法》第四十九条",
        "penalty_kind": "罚款", "content": "罚款两万元", "decision_date": "2025-02-01", "deciding_agency": "天宁区民政局",
        "severity": "serious"}, admin)
    await create_user("city", role="city_regulator", password="correct-horse-battery", actor="test")
    await create_user("fire", role="agency_officer", agency_code="fire_rescue", password="correct-horse-battery",
                      actor="test")
    tokens = {name: {"Authorization": f"Bearer {(await issue_token(name, actor='test')).token}"}
              for name in ("city", "fire")}
    return {"home": home, "penalty": penalty, "tokens": tokens}


async def test_the_whole_procedure_over_http_ends_on_the_public_list_with_persons_masked(client, setup):
    city = setup["tokens"]["city"]
    proposed = await client.post("/api/v1/listings", headers=city, json={
        "uscc": setup["home"]["uscc"], "behaviour": "6", "facts": "虚报床位骗取运营补贴", "basis": "第六条第六项",
        "penalty_ids": [setup["penalty"]["id"]], "on": "2025-09-20"})
    assert proposed.status_code == 201, proposed.text
    entry_id = proposed.json()["id"]
    notified = await client.post(f"/api/v1/listings/{entry_id}/notify", headers=city, json={"on": "2025-09-26"})
    assert notified.json()["objection_deadline"] == "2025-10-10"
    await client.post(f"/api/v1/listings/{entry_id}/objection", headers=city,
                      json={"text": "补贴已退回", "on": "2025-09-30"})
    decided = await client.post(f"/api/v1/listings/{entry_id}/decision", headers=city,
                                json={"outcome": "upheld", "reasons": "复核维持", "on": "2025-10-15"})
    assert decided.status_code == 201 and decided.json()["status"] == "listed"
    public = await client.get("/api/v1/listings")
    assert public.status_code == 200 and public.json()["total"] == 1
    item = public.json()["items"][0]
    assert item["uscc"] == setup["home"]["uscc"] and item["expires_on"] == "2028-10-15"
    assert "补贴已退回" not in public.text and "objection_text" not in item


async def test_an_illegal_step_answers_409_naming_the_current_state(client, setup):
    city = setup["tokens"]["city"]
    entry_id = (await client.post("/api/v1/listings", headers=city, json={
        "uscc": setup["home"]["uscc"], "behaviour": "6", "facts": "x", "basis": "y",
        "penalty_ids": [setup["penalty"]["id"]]})).json()["id"]
    response = await client.post(f"/api/v1/listings/{entry_id}/decision", headers=city,
                                 json={"outcome": "upheld", "reasons": "x"})
    assert response.status_code == 409 and response.json()["current_state"] == "proposed"


async def test_an_agency_may_propose_but_not_decide(client, setup):
    fire = setup["tokens"]["fire"]
    proposed = await client.post("/api/v1/listings", headers=fire, json={
        "uscc": setup["home"]["uscc"], "behaviour": "4", "facts": "重大火灾隐患逾期未整改", "basis": "第六条第四项"})
    assert proposed.status_code == 201
    notify = await client.post(f"/api/v1/listings/{proposed.json()['id']}/notify", headers=fire, json={})
    assert notify.status_code == 403


async def test_anonymous_callers_see_the_list_but_cannot_propose(client, setup):
    assert (await client.get("/api/v1/listings")).status_code == 200
    response = await client.post("/api/v1/listings", json={"uscc": setup["home"]["uscc"], "behaviour": "6",
                                                           "facts": "x", "basis": "y"})
    assert response.status_code == 401


async def test_the_notice_states_facts_basis_rights_and_the_deadline(client, setup):
    city = setup["tokens"]["city"]
    entry_id = (await client.post("/api/v1/listings", headers=city, json={
        "uscc": setup["home"]["uscc"], "behaviour": "6", "facts": "虚报床位骗取运营补贴<script>", "basis": "第六条第六项",
        "penalty_ids": [setup["penalty"]["id"]], "on": "2025-09-20"})).json()["id"]
    await client.post(f"/api/v1/listings/{entry_id}/notify", headers=city, json={"on": "2025-09-26"})
    page = await client.get(f"/workspace/listings/{entry_id}/notice", headers=city)
    assert page.status_code == 200
    for text in ("虚报床位骗取运营补贴&lt;script&gt;", "第六条第六项", "天民罚字〔2025〕3号", "2025-10-10", "陈述和申辩"):
        assert text in page.text
    assert (await client.get(f"/workspace/listings/{entry_id}/notice")).status_code in (302, 303)
