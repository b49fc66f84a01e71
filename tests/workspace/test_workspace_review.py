"""The review queue in the workspace: penalties an agency reported with a USCC that matched no institution,
attached by a regulator to the right institution."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from workspace_helpers import PASSWORD, TIANNING, WUJIN, error_beside_id, make_uscc, post, sign_in

from credit.accounts.roles import Principal
from credit.accounts.service import create_user
from credit.accounts.system import system_principal
from credit.records.tables import Penalty
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.seeding import ensure_agencies
from credit.sharing.reports import report_penalty, review_queue
from credit.sharing.schemas import PenaltyReport
from credit.timeutil import today

SYSTEM = system_principal()
HEALTH = Principal(user_id=0, username="agency:health", role="agency", agency_code="health", via="key")


def queue_rows(html: str) -> list[str]:
    return re.findall(r'<tr data-testid="review-row".*?</tr>', html, re.S)


@pytest.fixture
async def queued(db) -> dict:
    """A Tianning home, and a health-commission penalty reported under a USCC no institution has."""
    await ensure_agencies()
    await create_user("city", "city_regulator", PASSWORD, actor="test")
    await create_user("wujin", "district_regulator", PASSWORD, district_code=WUJIN, actor="test")
    await create_user("tianning", "district_regulator", PASSWORD, district_code=TIANNING, actor="test")
    await create_user("doctor", "agency_officer", PASSWORD, agency_code="health", actor="test")
    await create_user("firefighter", "agency_officer", PASSWORD, agency_code="fire_rescue", actor="test")
    home = await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": make_uscc(1),
                "name": "天宁康乐养老院",
                "district_code": TIANNING,
                "beds": 80,
                "owner_type": "private_nonprofit",
            }
        ),
        SYSTEM,
    )
    unknown = make_uscc(99)
    report = await report_penalty(
        PenaltyReport(
            subject_name="天宁康乐养老院（报送名称）",
            uscc=unknown,
            decision_number="常卫罚〔2026〕15号",
            facts="医务室未取得许可开展诊疗",
            legal_basis="《医疗机构管理条例》第四十三条",
            penalty_kind="罚款",
            content="罚款三千元",
            fine_yuan="3000",
            decision_date=today() - timedelta(days=12),
            deciding_agency="常州市卫生健康委员会",
        ),
        HEALTH,
    )
    assert report.created
    return {"home": home, "penalty_id": report.penalty["id"], "unknown": unknown}


async def test_the_queue_shows_a_penalty_reported_with_an_unknown_uscc(client, queued):
    await sign_in(client, "city")
    page = await client.get("/workspace/review")
    assert page.status_code == 200
    [row] = queue_rows(page.text)
    for shown in (
        "天宁康乐养老院（报送名称）",
        queued["unknown"],
        "常卫罚〔2026〕15号",
        "卫生健康委员会",
        (today() - timedelta(days=12)).isoformat(),
    ):
        assert shown in row, shown
    assert f'action="/workspace/review/{queued["penalty_id"]}"' in row and 'name="_csrf_token"' in row
    assert 'href="/workspace/review"' in (await client.get("/workspace")).text


async def test_attaching_a_queued_penalty_to_an_institution_takes_it_off_the_queue(client, queued):
    await sign_in(client, "city")
    response = await post(client, f"/workspace/review/{queued['penalty_id']}", {"uscc": queued["home"]["uscc"]})
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert queue_rows(page.text) == [] and 'data-testid="saved"' in page.text
    stored = await Penalty.select().where(Penalty.id == queued["penalty_id"]).first().run()
    assert stored["institution"] == queued["home"]["id"] and stored["match_status"] == "matched"
    assert stored["uscc"] == queued["home"]["uscc"]
    institution_page = await client.get(f"/workspace/institutions/{queued['home']['id']}")
    assert "常卫罚〔2026〕15号" in institution_page.text


async def test_a_bad_or_unregistered_uscc_is_said_beside_the_field_and_the_penalty_stays_queued(client, queued):
    await sign_in(client, "city")
    field = f"f-uscc-{queued['penalty_id']}"
    garbled = queued["home"]["uscc"][:-1] + ("0" if queued["home"]["uscc"][-1] != "0" else "1")
    bad = await post(client, f"/workspace/review/{queued['penalty_id']}", {"uscc": garbled})
    assert bad.status_code == 422 and "校验位不正确" in error_beside_id(bad.text, field)
    assert f'value="{garbled}"' in bad.text
    unregistered = await post(client, f"/workspace/review/{queued['penalty_id']}", {"uscc": make_uscc(50)})
    assert unregistered.status_code == 422 and "没有对应的已登记机构" in error_beside_id(unregistered.text, field)
    assert [p["id"] for p in await review_queue()] == [queued["penalty_id"]]


@pytest.mark.parametrize("username", ["wujin", "tianning", "firefighter"])
async def test_only_the_reporting_agency_or_the_city_matches_a_queued_penalty(client, queued, username):
    """A district regulator (even of the home's own district) and another agency are refused, nothing changes."""
    await sign_in(client, username)
    assert len(queue_rows((await client.get("/workspace/review")).text)) == 1
    response = await post(client, f"/workspace/review/{queued['penalty_id']}", {"uscc": queued["home"]["uscc"]})
    assert response.status_code == 403
    assert [p["id"] for p in await review_queue()] == [queued["penalty_id"]]
    stored = await Penalty.select().where(Penalty.id == queued["penalty_id"]).first().run()
    assert stored["institution"] is None and stored["version"] == 1


async def test_an_officer_of_the_reporting_agency_matches_its_own_queued_penalty(client, queued):
    await sign_in(client, "doctor")
    response = await post(client, f"/workspace/review/{queued['penalty_id']}", {"uscc": queued["home"]["uscc"]})
    assert response.status_code == 303
    assert await review_queue() == []


async def test_a_penalty_no_longer_in_the_queue_answers_404(client, queued):
    await sign_in(client, "city")
    await post(client, f"/workspace/review/{queued['penalty_id']}", {"uscc": queued["home"]["uscc"]})
    again = await post(client, f"/workspace/review/{queued['penalty_id']}", {"uscc": queued["home"]["uscc"]})
    assert again.status_code == 404


@pytest.mark.parametrize(
    "username, status", [("wujin", 403), ("tianning", 403), ("firefighter", 403), ("doctor", 200), ("city", 200)]
)
async def test_the_edit_form_of_a_queued_penalty_opens_only_for_its_agency_and_the_city(
    client, queued, username, status
):
    await sign_in(client, username)
    form = await client.get(f"/workspace/penalties/{queued['penalty_id']}/edit")
    assert form.status_code == status
