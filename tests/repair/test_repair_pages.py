"""The workspace side of credit repair (信用修复, NDRC Order No. 36; issue 15 section 1): a regulator records an
application on the subject's behalf, sees it among the open (and overdue) ones, and decides with reasons."""

from __future__ import annotations

from datetime import timedelta

from credit.accounts.service import create_user
from credit.accounts.system import system_principal
from credit.records import service as records
from credit.records.schemas import PenaltyIn
from credit.records.tables import Penalty, RepairApplication
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.timeutil import today
from credit.validation import typed_from_text
from tests.workspace.workspace_helpers import PASSWORD, TIANNING, error_beside_id, make_uscc, post, sign_in

SETUP = system_principal("setup")


def days_ago(n: int) -> str:
    return (today() - timedelta(days=n)).isoformat()


async def a_home_with_a_fine(decided_days_ago: int = 120) -> tuple[dict, dict]:
    home = await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": make_uscc(1),
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
        home["id"],
        typed_from_text(
            PenaltyIn,
            {
                "decision_number": "天民罚字〔2026〕1号",
                "facts": "未签订服务协议",
                "legal_basis": "《养老机构管理办法》第四十六条",
                "penalty_kind": "罚款",
                "content": "罚款五千元",
                "fine_yuan": "5000",
                "deciding_agency": "天宁区民政局",
                "decision_date": days_ago(decided_days_ago),
            },
        ),
        SETUP,
    )
    await create_user("tianning", password=PASSWORD, actor="test", role="district_regulator", district_code=TIANNING)
    return home, penalty


FORM = {
    "applicant_name": "王芳",
    "applicant_contact": "13912345678",
    "statement": "罚款已缴清，协议已补签",
    "obligations_met_on": days_ago(20),
    "evidence": "缴款凭证",
    "commitment": "本机构承诺依法诚信经营。",
    "applied_on": days_ago(12),
}


async def test_a_regulator_records_an_application_sees_it_overdue_and_grants_repair(client):
    home, penalty = await a_home_with_a_fine()
    await sign_in(client, "tianning")
    recorded = await post(client, f"/workspace/penalties/{penalty['id']}/repair", FORM)
    assert recorded.status_code == 303
    open_list = await client.get("/workspace/repairs")
    assert "天民罚字〔2026〕1号" in open_list.text and 'data-testid="overdue"' in open_list.text
    application = await RepairApplication.select().first().run()
    decided = await post(
        client,
        f"/workspace/penalties/{penalty['id']}/repair/{application['id']}/decision",
        {"decision": "accept", "reasons": "材料齐全，核实无误", "version": "1"},
    )
    assert decided.status_code == 303
    page = await client.get(decided.headers["location"])
    assert 'data-testid="repaired"' in page.text
    assert (await Penalty.select(Penalty.repaired_on).first().run())["repaired_on"] == today()
    public = await client.get(f"/institutions/{home['uscc']}")
    assert "天民罚字〔2026〕1号" not in public.text


async def test_a_form_with_a_missing_commitment_shows_the_error_beside_the_field(client):
    _, penalty = await a_home_with_a_fine()
    await sign_in(client, "tianning")
    response = await post(client, f"/workspace/penalties/{penalty['id']}/repair", {**FORM, "commitment": ""})
    assert response.status_code == 422
    assert error_beside_id(response.text, "f-commitment")
    assert await RepairApplication.count().run() == 0


async def test_an_early_application_is_refused_with_the_day_repair_opens(client):
    # Order No. 36: a general penalty is repairable only after its 3-month shortest period.
    _, penalty = await a_home_with_a_fine(decided_days_ago=30)
    await sign_in(client, "tianning")
    response = await post(
        client,
        f"/workspace/penalties/{penalty['id']}/repair",
        {**FORM, "applied_on": "", "obligations_met_on": days_ago(5)},
    )
    assert response.status_code == 409 and "repair is open from" in response.text
    assert await RepairApplication.count().run() == 0
