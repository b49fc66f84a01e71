"""The list procedure over HTTP: steps for regulators, the public list for everyone."""

from __future__ import annotations

import dataclasses

import pytest

from credit.accounts.service import create_user, issue_token
from credit.accounts.system import system_principal
from credit.audit.tables import AuditEntry
from credit.listings.tables import ListingEntry, ListingTransition
from credit.records import service as records
from credit.records.schemas import PenaltyIn
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.seeding import ensure_agencies
from credit.validation import typed_from_text
from tests.listings.test_listing_procedure import code


@pytest.fixture
async def setup(client):
    await ensure_agencies()
    admin = system_principal("setup")
    home = await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": code(3),
                "name": "钟楼区夕阳红老年公寓",
                "district_code": "320402",
                "beds": 60,
                "owner_type": "enterprise",
                "legal_representative": "欧阳娜娜",
            }
        ),
        admin,
    )
    penalty = await records.create_penalty(
        home["id"],
        typed_from_text(
            PenaltyIn,
            {
                "decision_number": "天民罚字〔2025〕3号",
                "facts": "骗取运营补贴",
                "legal_basis": "《养老机构管理办法》第四十九条",
                "penalty_kind": "罚款",
                "content": "罚款两万元",
                "decision_date": "2025-02-01",
                "deciding_agency": "天宁区民政局",
                "severity": "serious",
            },
        ),
        admin,
    )
    await create_user("city", role="city_regulator", password="correct-horse-battery", actor="test")
    await create_user("reviewer", role="city_regulator", password="correct-horse-battery", actor="test")
    await create_user(
        "fire", role="agency_officer", agency_code="fire_rescue", password="correct-horse-battery", actor="test"
    )
    tokens = {
        name: {"Authorization": f"Bearer {(await issue_token(name, actor='test')).token}"}
        for name in ("city", "reviewer", "fire")
    }
    return {"home": home, "penalty": penalty, "tokens": tokens}


async def test_the_whole_procedure_over_http_ends_on_the_public_list_with_persons_masked(client, setup):
    city = setup["tokens"]["city"]
    proposed = await client.post(
        "/api/v1/listings",
        headers=city,
        json={
            "uscc": setup["home"]["uscc"],
            "behaviour": "6",
            "facts": "虚报床位骗取运营补贴",
            "basis": "第六条第六项",
            "penalty_ids": [setup["penalty"]["id"]],
            "backdate_reason": "补录",
            "on": "2025-09-20",
        },
    )
    assert proposed.status_code == 201, proposed.text
    entry_id = proposed.json()["id"]
    notified = await client.post(
        f"/api/v1/listings/{entry_id}/notify", headers=city, json={"backdate_reason": "补录", "on": "2025-09-26"}
    )
    assert notified.json()["objection_deadline"] == "2025-10-10"
    await client.post(
        f"/api/v1/listings/{entry_id}/objection",
        headers=city,
        json={"text": "补贴已退回", "backdate_reason": "补录", "on": "2025-09-30"},
    )
    decided = await client.post(
        f"/api/v1/listings/{entry_id}/decision",
        headers=setup["tokens"]["reviewer"],
        json={"outcome": "upheld", "reasons": "复核维持", "backdate_reason": "补录", "on": "2025-10-15"},
    )
    assert decided.status_code == 201 and decided.json()["status"] == "listed"
    public = await client.get("/api/v1/listings")
    assert public.status_code == 200 and public.json()["total"] == 1
    item = public.json()["items"][0]
    assert item["uscc"] == setup["home"]["uscc"] and item["expires_on"] == "2028-10-15"
    assert "补贴已退回" not in public.text and "objection_text" not in item


async def test_an_illegal_step_answers_409_naming_the_current_state(client, setup):
    city = setup["tokens"]["city"]
    entry_id = (
        await client.post(
            "/api/v1/listings",
            headers=city,
            json={
                "uscc": setup["home"]["uscc"],
                "behaviour": "6",
                "facts": "x",
                "basis": "y",
                "penalty_ids": [setup["penalty"]["id"]],
            },
        )
    ).json()["id"]
    response = await client.post(
        f"/api/v1/listings/{entry_id}/decision", headers=city, json={"outcome": "upheld", "reasons": "x"}
    )
    assert response.status_code == 409 and response.json()["current_state"] == "proposed"


async def test_an_agency_officer_may_not_propose_directly_and_nothing_is_written(client, setup):
    fire = setup["tokens"]["fire"]
    proposed = await client.post(
        "/api/v1/listings",
        headers=fire,
        json={
            "uscc": setup["home"]["uscc"],
            "behaviour": "4",
            "facts": "重大火灾隐患逾期未整改",
            "basis": "第六条第四项",
        },
    )
    assert proposed.status_code == 403 and "civil affairs" in proposed.json()["detail"]
    assert (await client.get("/api/v1/listings")).json()["total"] == 0
    assert await ListingEntry.count().run() == 0


async def test_a_step_dated_before_today_without_a_backdate_reason_is_refused_naming_on(client, setup):
    response = await client.post(
        "/api/v1/listings",
        headers=setup["tokens"]["city"],
        json={
            "uscc": setup["home"]["uscc"],
            "behaviour": "court_debtor",
            "facts": "失信被执行人",
            "basis": "法院认定",
            "on": "2025-09-20",
        },
    )
    assert response.status_code == 422 and response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == ["on"]
    assert await ListingEntry.count().run() == 0


async def test_a_backdated_step_keeps_its_reason_in_the_step_and_the_audit_log(client, setup):
    response = await client.post(
        "/api/v1/listings",
        headers=setup["tokens"]["city"],
        json={
            "uscc": setup["home"]["uscc"],
            "behaviour": "court_debtor",
            "facts": "失信被执行人",
            "basis": "法院认定",
            "on": "2025-09-20",
            "backdate_reason": "法院文书9月20日送达，系统故障延后录入",
        },
    )
    assert response.status_code == 201, response.text
    steps = (
        await ListingTransition.select(ListingTransition.to_status, ListingTransition.backdate_reason)
        .where(ListingTransition.entry == response.json()["id"])
        .order_by(ListingTransition.id)
        .run()
    )
    assert [s["to_status"] for s in steps] == ["proposed", "notified"]
    assert all(s["backdate_reason"] == "法院文书9月20日送达，系统故障延后录入" for s in steps)
    logged = (
        await AuditEntry.select(AuditEntry.changes)
        .where(AuditEntry.action == "listing.notified")
        .output(load_json=True)
        .first()
        .run()
    )
    assert logged["changes"]["backdate_reason"] == "法院文书9月20日送达，系统故障延后录入"


async def test_the_proposer_may_not_decide_the_review_of_an_objection_to_their_entry(client, setup):
    city = setup["tokens"]["city"]
    entry_id = (
        await client.post(
            "/api/v1/listings",
            headers=city,
            json={
                "uscc": setup["home"]["uscc"],
                "behaviour": "6",
                "facts": "x",
                "basis": "y",
                "penalty_ids": [setup["penalty"]["id"]],
            },
        )
    ).json()["id"]
    await client.post(f"/api/v1/listings/{entry_id}/notify", headers=city, json={})
    await client.post(f"/api/v1/listings/{entry_id}/objection", headers=city, json={"text": "异议"})
    refused = await client.post(
        f"/api/v1/listings/{entry_id}/decision", headers=city, json={"outcome": "upheld", "reasons": "维持"}
    )
    assert refused.status_code == 403 and "separation of duties" in refused.json()["detail"]
    assert (await client.get(f"/api/v1/listings/{entry_id}", headers=city)).json()["status"] == "objected"
    decided = await client.post(
        f"/api/v1/listings/{entry_id}/decision",
        headers=setup["tokens"]["reviewer"],
        json={"outcome": "upheld", "reasons": "维持"},
    )
    assert decided.status_code == 201 and decided.json()["status"] == "listed"


async def test_separation_of_duties_may_be_turned_off_for_a_small_city(client, setup, monkeypatch):
    from credit import settings as configuration

    monkeypatch.setattr(
        configuration, "settings", dataclasses.replace(configuration.settings, list_separation_of_duties=False)
    )
    city = setup["tokens"]["city"]
    entry_id = (
        await client.post(
            "/api/v1/listings",
            headers=city,
            json={
                "uscc": setup["home"]["uscc"],
                "behaviour": "6",
                "facts": "x",
                "basis": "y",
                "penalty_ids": [setup["penalty"]["id"]],
            },
        )
    ).json()["id"]
    await client.post(f"/api/v1/listings/{entry_id}/notify", headers=city, json={})
    await client.post(f"/api/v1/listings/{entry_id}/objection", headers=city, json={"text": "异议"})
    decided = await client.post(
        f"/api/v1/listings/{entry_id}/decision", headers=city, json={"outcome": "upheld", "reasons": "维持"}
    )
    assert decided.status_code == 201 and decided.json()["status"] == "listed"


def test_separation_of_duties_is_read_from_the_environment_and_on_by_default(monkeypatch):
    from credit.settings import load_settings

    monkeypatch.delenv("LIST_SEPARATION_OF_DUTIES", raising=False)
    assert load_settings().list_separation_of_duties is True
    monkeypatch.setenv("LIST_SEPARATION_OF_DUTIES", "false")
    assert load_settings().list_separation_of_duties is False


async def test_anonymous_callers_see_the_list_but_cannot_propose(client, setup):
    assert (await client.get("/api/v1/listings")).status_code == 200
    response = await client.post(
        "/api/v1/listings", json={"uscc": setup["home"]["uscc"], "behaviour": "6", "facts": "x", "basis": "y"}
    )
    assert response.status_code == 401


async def test_the_notice_states_facts_basis_rights_and_the_deadline(client, setup):
    city = setup["tokens"]["city"]
    entry_id = (
        await client.post(
            "/api/v1/listings",
            headers=city,
            json={
                "uscc": setup["home"]["uscc"],
                "behaviour": "6",
                "facts": "虚报床位骗取运营补贴<script>",
                "basis": "第六条第六项",
                "penalty_ids": [setup["penalty"]["id"]],
                "backdate_reason": "补录",
                "on": "2025-09-20",
            },
        )
    ).json()["id"]
    await client.post(
        f"/api/v1/listings/{entry_id}/notify", headers=city, json={"backdate_reason": "补录", "on": "2025-09-26"}
    )
    page = await client.get(f"/workspace/listings/{entry_id}/notice", headers=city)
    assert page.status_code == 200
    for text in (
        "虚报床位骗取运营补贴&lt;script&gt;",
        "第六条第六项",
        "天民罚字〔2025〕3号",
        "2025-10-10",
        "陈述和申辩",
    ):
        assert text in page.text
    assert (await client.get(f"/workspace/listings/{entry_id}/notice")).status_code in (302, 303)


async def test_auto_detected_in_the_api_body_is_refused_and_nothing_is_written(client, setup):
    response = await client.post(
        "/api/v1/listings",
        headers=setup["tokens"]["city"],
        json={"uscc": setup["home"]["uscc"], "behaviour": "4", "facts": "x", "basis": "y", "auto_detected": True},
    )
    assert 400 <= response.status_code < 500 and "auto_detected" in response.text
    assert await ListingEntry.count().run() == 0
