"""Who may take each step of the list procedure over the API: role x step, and nothing written when refused.

Civil affairs (admin, city regulator, a district regulator of the subject's district) takes every step;
a district regulator of another district, an agency officer and an agency key are refused (403), an
anonymous caller must sign in (401). Measures are the agencies' feedback: only an agency key records them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from credit.accounts.service import create_user, issue_token
from credit.accounts.system import system_principal
from credit.audit.tables import AuditEntry
from credit.listings import service
from credit.listings.jobs import advance_list
from credit.listings.schemas import EarlyRemovalIn, ObjectionIn, ProposalIn, StepIn
from credit.listings.tables import ListingEntry, ListingTransition, PunishmentMeasure, RemovalApplication
from credit.records import service as records
from credit.records.schemas import PenaltyIn
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.seeding import ensure_agencies
from credit.sharing.keys import issue_key
from credit.timeutil import today
from credit.validation import typed_from_text
from tests.listings.test_listing_procedure import code

SETUP = system_principal("setup")  # proposes and prepares; never one of the callers (separation of duties)
TIANNING, WUJIN = "320402", "320412"

CALLERS = ("admin", "city", "district_in_scope", "district_out_of_scope", "agency_officer", "agency_key", "anonymous")
CIVIL_AFFAIRS = {
    "admin": 201,
    "city": 201,
    "district_in_scope": 201,
    "district_out_of_scope": 403,
    "agency_officer": 403,
    "agency_key": 403,
    "anonymous": 401,
}
AGENCY_ONLY = {
    "admin": 401,
    "city": 401,
    "district_in_scope": 401,
    "district_out_of_scope": 401,
    "agency_officer": 401,
    "agency_key": 201,
    "anonymous": 401,
}

# step -> (state the entry is prepared in, path under the entry or "" for a proposal, body, who may)
STEPS = {
    "propose": ("none", "", None, CIVIL_AFFAIRS),
    "notify": ("proposed", "notify", {}, CIVIL_AFFAIRS),
    "objection": ("notified", "objection", {"text": "事实有误"}, CIVIL_AFFAIRS),
    "decision": ("objected", "decision", {"outcome": "upheld", "reasons": "复核维持"}, CIVIL_AFFAIRS),
    "removal": ("listed", "removal", {"reason": "error", "reasons": "录入错误"}, CIVIL_AFFAIRS),
    "early-removal": ("listed", "early-removal", {"statement": "已整改到位"}, CIVIL_AFFAIRS),
    "early-removal-decision": (
        "applied",
        "early-removal/decision",
        {"decision": "rejected", "reasons": "整改不到位"},
        CIVIL_AFFAIRS,
    ),
    "measures": ("listed", "measures", {"measure": "restrict_subsidies"}, AGENCY_ONLY),
}


async def headers_for(caller: str) -> dict[str, str]:
    users = {
        "admin": ("admin", {}),
        "city": ("city_regulator", {}),
        "district_in_scope": ("district_regulator", {"district_code": TIANNING}),
        "district_out_of_scope": ("district_regulator", {"district_code": WUJIN}),
        "agency_officer": ("agency_officer", {"agency_code": "fire_rescue"}),
    }
    if caller == "anonymous":
        return {}
    if caller == "agency_key":
        return {"Authorization": f"Bearer {(await issue_key('fire_rescue', 'test')).key}"}
    role, extra = users[caller]
    await create_user(caller, role=role, password="correct-horse-battery", actor="test", **extra)
    return {"Authorization": f"Bearer {(await issue_token(caller, actor='test')).token}"}


async def prepared(state: str) -> dict:
    """A Tianning home with a serious penalty and, unless `state` is none, an entry in `state`."""
    await ensure_agencies()
    home = await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": code(31),
                "name": "天宁区福寿养老院",
                "district_code": TIANNING,
                "beds": 80,
                "owner_type": "private_nonprofit",
            }
        ),
        SETUP,
    )
    penalty = await records.create_penalty(
        home["id"],
        typed_from_text(
            PenaltyIn,
            {
                "decision_number": "天民罚字〔2024〕31号",
                "facts": "骗取运营补贴",
                "legal_basis": "《养老机构管理办法》第四十九条",
                "penalty_kind": "罚款",
                "content": "罚款两万元",
                "decision_date": "2024-01-02",
                "deciding_agency": "天宁区民政局",
                "severity": "serious",
            },
        ),
        SETUP,
    )
    found = {"home": home, "penalty_id": penalty["id"], "entry_id": None}
    if state == "none":
        return found
    # listed more than two years ago (early removal open), less than three (still listed)
    began = today() - timedelta(days=800) if state in ("listed", "applied") else today()
    back = {"on": began, "backdate_reason": "补录"} if began < today() else {}
    entry = await service.propose(
        ProposalIn(
            uscc=home["uscc"],
            behaviour="6",
            facts="骗取运营补贴",
            basis="第六条第六项",
            penalty_ids=[penalty["id"]],
            **back,
        ),
        SETUP,
    )
    found["entry_id"] = entry["id"]
    if state == "proposed":
        return found
    await service.notify(entry["id"], StepIn(**back), SETUP)
    if state == "objected":
        await service.object_to(entry["id"], ObjectionIn(**{"text": "异议"}), SETUP)
    if state in ("listed", "applied"):
        await advance_list(began + timedelta(days=40))
        assert (await service.entry_detail(entry["id"]))["status"] == "listed"
    if state == "applied":
        await service.apply_early_removal(entry["id"], EarlyRemovalIn(**{"statement": "申请提前移出"}), SETUP)
    return found


async def written() -> tuple:
    """Everything a list step could write."""
    entries = (
        await ListingEntry.select(ListingEntry.id, ListingEntry.status, ListingEntry.version)
        .order_by(ListingEntry.id)
        .run()
    )
    applications = await RemovalApplication.select(RemovalApplication.id, RemovalApplication.decision).run()
    return (
        entries,
        applications,
        await ListingTransition.count().run(),
        await PunishmentMeasure.count().run(),
        await AuditEntry.count().run(),
    )


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("step", list(STEPS))
async def test_each_list_step_is_taken_only_by_whom_the_rule_allows(client, step, caller):
    state, path, body, allowed = STEPS[step]
    found = await prepared(state)
    headers = await headers_for(caller)
    if step == "propose":
        url, body = (
            "/api/v1/listings",
            {
                "uscc": found["home"]["uscc"],
                "behaviour": "6",
                "facts": "骗取运营补贴",
                "basis": "第六条第六项",
                "penalty_ids": [found["penalty_id"]],
            },
        )
    else:
        url = f"/api/v1/listings/{found['entry_id']}/{path}"
    if step == "measures":
        body = {**body, "applied_on": today().isoformat()}
    before = await written()
    response = await client.post(url, json=body, headers=headers)
    assert response.status_code == allowed[caller], response.text
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
        assert await written() == before
    else:
        assert await written() != before


async def test_the_same_measure_posted_twice_answers_200_with_the_stored_one(client):
    found = await prepared("listed")
    key = await headers_for("agency_key")
    body = {"measure": "more_inspections", "applied_on": today().isoformat()}
    first = await client.post(f"/api/v1/listings/{found['entry_id']}/measures", json=body, headers=key)
    again = await client.post(f"/api/v1/listings/{found['entry_id']}/measures", json=body, headers=key)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and await PunishmentMeasure.count().run() == 1
