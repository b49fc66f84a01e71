"""Credit repair of penalty information (信用修复), NDRC Order No. 36 《信用修复管理办法》 (in force 2026-04-01).

Sources: Order No. 36 — the subject applies after the shortest publication period (minor information: once the
legal duties are met), stating that the conduct is corrected and the obligations met, with a credit commitment;
art. 3 — a repaired record stops being published (终止公示) and shared and used (停止共享和使用), and the credit
evaluation is updated. Issue 15 section 1 for the procedure's details (one open application, renewal after
rejection, decision in 5 working days, masking of the applicant).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from stdnum.cn import uscc as uscc_rules

from credit.accounts.service import create_user, issue_token
from credit.accounts.system import system_principal
from credit.audit.tables import AuditEntry
from credit.disclosures.service import snapshot_lines
from credit.listings.calendar import WorkingCalendar
from credit.public.facts import load_facts
from credit.records import service as records
from credit.records.schemas import PenaltyIn
from credit.records.tables import Penalty, RepairApplication
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.seeding import ensure_agencies
from credit.sharing.exports import active_penalty_rows
from credit.sharing.keys import issue_key
from credit.sharing.reports import report_penalty
from credit.sharing.schemas import PenaltyReport
from credit.sharing.tables import ChangeEvent
from credit.timeutil import today
from credit.validation import typed_from_text
from scoring import evaluate, policy_for

SETUP = system_principal("setup")
TIANNING, WUJIN = "320402", "320412"
PASSWORD = "correct horse battery staple"
APPLICANT = "欧阳明华"
CONTACT = "13912345678"


def code(n: int, district: str = TIANNING) -> str:
    body = f"52{district}MJ{n:07d}"
    return body + uscc_rules.calc_check_digit(body)


def days_ago(n: int) -> str:
    return (today() - timedelta(days=n)).isoformat()


def fine(number: str, decided_days_ago: int, **changes: Any) -> dict[str, Any]:
    return {
        "decision_number": number,
        "facts": "未按规定签订服务协议",
        "legal_basis": "《养老机构管理办法》第四十六条",
        "penalty_kind": "罚款",
        "content": "罚款五千元",
        "fine_yuan": "5000",
        "deciding_agency": "天宁区民政局",
        "decision_date": days_ago(decided_days_ago),
        **changes,
    }


def application(**changes: Any) -> dict[str, Any]:
    return {
        "applicant_name": APPLICANT,
        "applicant_contact": CONTACT,
        "statement": "已补签全部服务协议，罚款已缴清",
        "obligations_met_on": days_ago(10),
        "evidence": "缴款凭证 No. 2026-118；整改报告",
        "commitment": "本机构承诺依法诚信经营，如有违反愿承担相应责任。",
        **changes,
    }


@pytest.fixture
async def home(client) -> dict[str, Any]:
    """The 天宁 home with a general fine decided 120 days ago (past its 3-month minimum), users and keys."""
    await ensure_agencies()
    institution = await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": code(1),
                "name": "天宁康乐养老院",
                "district_code": TIANNING,
                "beds": 80,
                "owner_type": "private_nonprofit",
                "status": "active",
            }
        ),
        SETUP,
    )
    penalty = await records.create_penalty(
        institution["id"], typed_from_text(PenaltyIn, fine("天民罚字〔2026〕1号", 120)), SETUP
    )
    headers = {}
    for username, extra in {
        "district_in": {"role": "district_regulator", "district_code": TIANNING},
        "district_out": {"role": "district_regulator", "district_code": WUJIN},
        "city": {"role": "city_regulator"},
        "officer": {"role": "agency_officer", "agency_code": "health"},
    }.items():
        await create_user(username, password=PASSWORD, actor="test", **extra)
        headers[username] = {"Authorization": f"Bearer {(await issue_token(username, actor='test')).token}"}
    headers["key"] = {"Authorization": f"Bearer {(await issue_key('health', 'test')).key}"}
    return {"institution": institution, "penalty": penalty, "headers": headers}


async def apply(client, home, penalty_id=None, who="district_in", **changes):
    return await client.post(
        f"/api/v1/penalties/{penalty_id or home['penalty']['id']}/repair",
        json=application(**changes),
        headers=home["headers"][who],
    )


async def test_a_penalty_is_repairable_only_after_its_shortest_publication_period(client, home):
    # Order No. 36: a general penalty's shortest period is 3 months; applying before that is refused.
    recent = await records.create_penalty(
        home["institution"]["id"], typed_from_text(PenaltyIn, fine("天民罚字〔2026〕2号", 20)), SETUP
    )
    response = await apply(client, home, recent["id"], obligations_met_on=days_ago(5))
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "applied_on"
    assert await RepairApplication.count().run() == 0


async def test_minor_information_is_repairable_as_soon_as_its_duties_are_met(client, home):
    # Order No. 36: minor failure information may be repaired once the legal duties are fulfilled.
    warning = await records.create_penalty(
        home["institution"]["id"],
        typed_from_text(PenaltyIn, fine("天民罚字〔2026〕3号", 3, penalty_kind="警告", content="警告", fine_yuan=None)),
        SETUP,
    )
    assert warning["severity"] == "minor"
    response = await apply(client, home, warning["id"], obligations_met_on=days_ago(1))
    assert response.status_code == 201, response.text


async def test_an_application_is_due_in_five_working_days_and_shows_only_its_commitment(client, home):
    # Issue 15: decision within a policy number of working days (default 5); the applicant is never public.
    response = await apply(client, home)
    assert response.status_code == 201, response.text
    stored = response.json()
    assert stored["status"] == "applied"
    assert stored["due_on"] == WorkingCalendar().add_working_days(today(), 5).day.isoformat()
    profile = await client.get(f"/api/v1/institutions/{home['institution']['uscc']}")
    shown = profile.json()["penalties"][0]
    assert shown["repair"]["commitment"] == application()["commitment"]
    assert APPLICANT not in profile.text and CONTACT not in profile.text
    page = await client.get(f"/institutions/{home['institution']['uscc']}")
    assert application()["commitment"] in page.text
    assert APPLICANT not in page.text and CONTACT not in page.text


async def test_only_one_application_per_penalty_is_open_at_a_time(client, home):
    assert (await apply(client, home)).status_code == 201
    again = await apply(client, home)
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "penalty"
    assert await RepairApplication.count().run() == 1


async def test_an_accepted_repair_leaves_every_public_and_agency_output_and_the_score(client, home):
    # Order No. 36 art. 3: 终止公示 and 停止共享和使用; the credit evaluation is updated at once.
    institution, penalty = home["institution"], home["penalty"]
    applied = (await apply(client, home)).json()
    before_score = evaluate((await load_facts([institution["id"]]))[institution["id"]], policy_for(today()), today())
    assert any(c.code == "penalty.general" for c in before_score.contributions)
    shared = await client.get("/api/v1/exports/penalties.jsonl", headers=home["headers"]["key"])
    assert shared.status_code == 200 and penalty["decision_number"] in shared.text
    response = await client.post(
        f"/api/v1/penalties/{penalty['id']}/repair/{applied['id']}/decision",
        json={"decision": "accept", "reasons": "缴款凭证与整改报告核实无误", "version": applied["version"]},
        headers=home["headers"]["district_in"],
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "accepted" and response.json()["decided_by"] == "district_in"

    profile = (await client.get(f"/api/v1/institutions/{institution['uscc']}")).json()
    assert profile["penalties"] == []
    assert [r async for r in active_penalty_rows(masked=False, on=today())] == []
    for export in ("penalties.jsonl", "penalties.csv"):
        exported = await client.get(f"/api/v1/exports/{export}", headers=home["headers"]["key"])
        assert exported.status_code == 200 and penalty["decision_number"] not in exported.text
    lines = [line async for line in snapshot_lines(today())]
    assert lines[0]["active_penalties"] == 0
    after = evaluate((await load_facts([institution["id"]]))[institution["id"]], policy_for(today()), today())
    assert not any(c.code.startswith("penalty.") for c in after.contributions)
    assert after.score > before_score.score

    event = (
        await ChangeEvent.select().where((ChangeEvent.type == "penalty") & (ChangeEvent.op == "repaired")).first().run()
    )
    assert event["entity_id"] == penalty["id"]
    internal = await records.get_penalty(penalty["id"])
    assert internal["repaired_on"] == today()  # stays in the internal history
    actions = {r["action"] for r in await AuditEntry.select(AuditEntry.action).run()}
    assert {"repair.apply", "repair.accept", "penalty.repair"} <= actions


async def test_a_repaired_penalty_cannot_be_repaired_again(client, home):
    applied = (await apply(client, home)).json()
    await client.post(
        f"/api/v1/penalties/{home['penalty']['id']}/repair/{applied['id']}/decision",
        json={"decision": "accept", "reasons": "核实", "version": 1},
        headers=home["headers"]["district_in"],
    )
    again = await apply(client, home)
    assert again.status_code == 409 and "already repaired" in again.text


async def test_a_rejected_application_can_be_renewed(client, home):
    # Issue 15: a rejected application can be renewed.
    first = (await apply(client, home)).json()
    rejected = await client.post(
        f"/api/v1/penalties/{home['penalty']['id']}/repair/{first['id']}/decision",
        json={"decision": "reject", "reasons": "缴款凭证不清晰", "version": 1},
        headers=home["headers"]["city"],
    )
    assert rejected.status_code == 201 and rejected.json()["status"] == "rejected"
    assert rejected.json()["reasons"] == "缴款凭证不清晰"
    assert (await client.get(f"/api/v1/institutions/{home['institution']['uscc']}")).json()["penalties"][0][
        "repair"
    ] is None
    renewed = await apply(client, home, evidence="清晰的缴款凭证扫描件")
    assert renewed.status_code == 201
    assert (await Penalty.select(Penalty.repaired_on).first().run())["repaired_on"] is None


async def test_a_decision_needs_reasons_and_the_current_version(client, home):
    applied = (await apply(client, home)).json()
    path = f"/api/v1/penalties/{home['penalty']['id']}/repair/{applied['id']}/decision"
    no_reasons = await client.post(
        path, json={"decision": "accept", "reasons": " ", "version": 1}, headers=home["headers"]["city"]
    )
    assert no_reasons.status_code == 422 and "reasons" in no_reasons.text
    bad = await client.post(
        path, json={"decision": "maybe", "reasons": "x", "version": 1}, headers=home["headers"]["city"]
    )
    assert bad.status_code == 422 and "decision" in bad.text
    stale = await client.post(
        path, json={"decision": "accept", "reasons": "x", "version": 7}, headers=home["headers"]["city"]
    )
    assert stale.status_code == 409
    assert (await RepairApplication.select().first().run())["status"] == "applied"


async def test_a_withdrawn_application_is_closed_and_a_new_one_may_follow(client, home):
    applied = (await apply(client, home)).json()
    withdrawn = await client.post(
        f"/api/v1/penalties/{home['penalty']['id']}/repair/{applied['id']}/withdrawal",
        json={"reasons": "申请人撤回", "version": 1},
        headers=home["headers"]["district_in"],
    )
    assert withdrawn.status_code == 201 and withdrawn.json()["status"] == "withdrawn"
    late = await client.post(
        f"/api/v1/penalties/{home['penalty']['id']}/repair/{applied['id']}/decision",
        json={"decision": "accept", "reasons": "x", "version": 2},
        headers=home["headers"]["district_in"],
    )
    assert late.status_code == 409
    assert (await apply(client, home)).status_code == 201


@pytest.mark.parametrize("who", ["district_out", "officer", "key"])
async def test_only_civil_affairs_in_scope_handles_repair(client, home, who):
    response = await apply(client, home, who=who)
    assert response.status_code in (401, 403)
    assert await RepairApplication.count().run() == 0


async def test_no_scope_rule_passes_on_a_penalty_without_an_institution(client, home):
    # DESIGN: a scope rule never passes silently because a record has no institution.
    health = system_principal("agency:health")
    from credit.accounts.roles import Principal

    key = Principal(user_id=0, username="agency:health", role="agency", agency_code="health", via="key")
    unmatched = (
        await report_penalty(
            typed_from_text(
                PenaltyReport,
                fine(
                    "常卫罚〔2026〕5号",
                    120,
                    subject_name="某养老院",
                    uscc=code(99),
                    deciding_agency="常州市卫生健康委员会",
                ),
            ),
            key,
        )
    ).penalty
    assert unmatched["institution"] is None and health.role == "admin"
    response = await apply(client, home, unmatched["id"], who="city")
    assert response.status_code == 403
    assert await RepairApplication.count().run() == 0


async def test_bad_input_names_the_field(client, home):
    response = await apply(client, home, obligations_met_on=days_ago(200))
    assert response.status_code == 422 and "obligations_met_on" in response.text
    missing = await client.post(
        f"/api/v1/penalties/{home['penalty']['id']}/repair",
        json={**application(), "commitment": ""},
        headers=home["headers"]["city"],
    )
    assert missing.status_code == 422 and "commitment" in missing.text


async def test_an_overdue_application_is_listed_as_overdue(client, home):
    # Issue 15: overdue applications visible to the regulators.
    response = await apply(client, home, applied_on=days_ago(12), obligations_met_on=days_ago(20))
    assert response.status_code == 201, response.text
    listed = (await client.get("/api/v1/repairs/open", headers=home["headers"]["district_in"])).json()
    assert [(a["decision_number"], a["overdue"]) for a in listed] == [("天民罚字〔2026〕1号", True)]
    assert (await client.get("/api/v1/repairs/open", headers=home["headers"]["district_out"])).json() == []


async def test_the_public_publication_end_is_clamped_to_the_legal_window(client, home):
    # Order No. 36: general information is published for at most 1 year; a later stored end is not shown.
    await records.create_penalty(
        home["institution"]["id"],
        typed_from_text(
            PenaltyIn, fine("天民罚字〔2026〕9号", 30, publication_end=(today() + timedelta(days=900)).isoformat())
        ),
        SETUP,
    )
    profile = (await client.get(f"/api/v1/institutions/{home['institution']['uscc']}")).json()
    shown = {p["decision_number"]: p for p in profile["penalties"]}["天民罚字〔2026〕9号"]
    from scoring import add_months

    assert shown["publication_end"] == add_months(today() - timedelta(days=30), 12).isoformat()
