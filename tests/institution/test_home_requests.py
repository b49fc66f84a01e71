"""What a home asks of civil affairs from /my (issue 18, "Registry changes requested by the home ... reviewed by a
regulator before they are public; rectification of a hazard reported with evidence, confirmed by a regulator"):
registry changes of its phone and address, and the rectification of its open major hazards. Nothing becomes public
before a regulator of the home's district decides; every step is audited; another home's items are a 404; posts
under /my are rate limited per user and address.

Sources: issue 18 (section "Institution self-service"); MCA 2023 criteria of major accident hazards (重大事故隐患)
with a rectify-by date, rectified only once confirmed (DESIGN.md "Fire safety standardisation").
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from credit.accounts.service import create_user
from credit.accounts.system import system_principal
from credit.audit.tables import AuditEntry
from credit.home import throttle
from credit.records import service as records
from credit.records.tables import HazardReport, MajorHazard
from credit.registry.tables import ChangeRequest, Institution
from credit.timeutil import today
from tests.conftest import REDIS_URL
from tests.factories import fire_inspection_in
from tests.institution.test_home_self_service import (  # noqa: F401  (homes: the fixture)
    NEW_PASSWORD,
    homes,
    open_account,
    sign_in_home,
)
from tests.workspace.workspace_helpers import PASSWORD, TIANNING, WUJIN, csrf, post, sign_in

SYSTEM = system_principal()
CHECKLIST = {
    "fire_resistance": "pass",
    "resident_floors": "pass",
    "fire_separation": "pass",
    "evacuation": "fail",
    "fire_facilities": "pass",
    "fire_management": "pass",
    "micro_fire_station": "pass",
}


async def add_hazard(home_id: int) -> int:
    """An inspection ten days ago that found one open major fire hazard, to rectify within 30 days."""
    found = today() - timedelta(days=10)
    inspection = await records.create_fire_inspection(
        home_id,
        fire_inspection_in(
            {
                "inspected_on": found.isoformat(),
                "checklist": CHECKLIST,
                "hazards": [
                    {
                        "category": "fire",
                        "description": "疏散通道堆放杂物",
                        "found_on": found.isoformat(),
                        "rectify_by": (found + timedelta(days=30)).isoformat(),
                    }
                ],
            }
        ),
        SYSTEM,
    )
    return inspection["hazards"][0]["id"]


async def public_profile(client, uscc: str) -> dict:
    response = await client.get(f"/api/v1/institutions/{uscc}")
    assert response.status_code == 200
    return response.json()


async def as_home(client, homes, district: str = TIANNING, username: str = "kangle.zhang") -> None:  # noqa: F811
    await sign_in_home(client, await open_account(client, homes, district, username), username)


async def sign_out(client) -> None:
    await client.post("/logout", data={"_csrf_token": csrf(client)})


async def sign_in_again(client, username: str = "kangle.zhang") -> None:
    page = await client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    response = await client.post("/login", data={"username": username, "password": NEW_PASSWORD, "_csrf_token": token})
    assert response.status_code == 303


async def audited(action: str) -> int:
    return await AuditEntry.count().where(AuditEntry.action == action).run()


# Registry changes -------------------------------------------------------------------------------------------------


async def test_a_phone_change_is_public_only_after_the_districts_regulator_approves(client, homes):  # noqa: F811
    home = homes[TIANNING]
    await as_home(client, homes)
    filed = await post(client, "/my/changes", {"field": "phone", "requested_value": "0519-8888 1234", "note": "换号"})
    assert filed.status_code == 303
    page = await client.get("/my/changes")
    assert "0519-8888 1234" in page.text and "待民政部门审核" in page.text
    assert (await public_profile(client, home["uscc"]))["phone"] == ""
    await sign_out(client)

    await sign_in(client, "wujin")  # another district's regulator neither sees nor decides it
    assert "0519-8888 1234" not in (await client.get("/workspace/home-requests")).text
    request_id = (await ChangeRequest.select(ChangeRequest.id).first().run())["id"]
    refused = await post(client, f"/workspace/registry-changes/{request_id}/decision", {"decision": "approved"})
    assert refused.status_code == 403
    await sign_out(client)

    await sign_in(client, "tianning")
    assert "0519-8888 1234" in (await client.get("/workspace/home-requests")).text
    approved = await post(client, f"/workspace/registry-changes/{request_id}/decision", {"decision": "approved"})
    assert approved.status_code == 303
    assert (await public_profile(client, home["uscc"]))["phone"] == "0519-8888 1234"
    row = (
        await Institution.select(Institution.phone, Institution.version)
        .where(Institution.id == home["id"])
        .first()
        .run()
    )
    assert row == {"phone": "0519-8888 1234", "version": 2}
    assert await audited("registry_change.request") == 1
    assert await audited("registry_change.approved") == 1
    assert await audited("institution.update") == 1


async def test_a_rejection_changes_nothing_and_the_home_reads_the_reasons(client, homes):  # noqa: F811
    home = homes[TIANNING]
    await as_home(client, homes)
    await post(client, "/my/changes", {"field": "address", "requested_value": "常州市天宁区青龙东路 1 号"})
    await sign_out(client)
    await sign_in(client, "tianning")
    request_id = (await ChangeRequest.select(ChangeRequest.id).first().run())["id"]
    no_reasons = await post(client, f"/workspace/registry-changes/{request_id}/decision", {"decision": "rejected"})
    assert no_reasons.status_code == 422 and "理由" in no_reasons.text
    assert (await ChangeRequest.select(ChangeRequest.status).first().run())["status"] == "open"
    rejected = await post(
        client,
        f"/workspace/registry-changes/{request_id}/decision",
        {"decision": "rejected", "reasons": "与营业执照登记的住所不一致"},
    )
    assert rejected.status_code == 303
    await sign_out(client)
    await sign_in_again(client)
    page = await client.get("/my/changes")
    assert "未批准" in page.text and "与营业执照登记的住所不一致" in page.text
    assert (await public_profile(client, home["uscc"]))["address"] == ""
    assert await audited("institution.update") == 0


async def test_one_open_request_per_field_and_the_home_may_withdraw_it_before_a_decision(client, homes):  # noqa: F811
    await as_home(client, homes)
    first = await post(client, "/my/changes", {"field": "phone", "requested_value": "0519-81234567"})
    assert first.status_code == 303
    second = await post(client, "/my/changes", {"field": "phone", "requested_value": "0519-87654321"})
    assert second.status_code == 409 and "已有待审核的申请" in second.text
    assert 'value="0519-87654321"' in second.text  # what the home typed is kept
    request_id = (await ChangeRequest.select(ChangeRequest.id).first().run())["id"]
    withdrawn = await post(client, f"/my/changes/{request_id}/withdraw", {})
    assert withdrawn.status_code == 303
    again = await post(client, f"/my/changes/{request_id}/withdraw", {})
    assert again.status_code == 409
    assert (
        await post(client, "/my/changes", {"field": "phone", "requested_value": "0519-87654321"})
    ).status_code == 303
    assert await audited("registry_change.withdraw") == 1


async def test_bad_change_requests_are_refused_beside_the_field_and_nothing_is_stored(client, homes):  # noqa: F811
    await as_home(client, homes)
    for form, field, words in (
        ({"field": "name", "requested_value": "x"}, "field", "请从列出的选项中选择"),
        ({"field": "phone", "requested_value": ""}, "requested_value", "必须填写"),
        ({"field": "phone", "requested_value": "call me"}, "requested_value", "不是电话号码"),
        ({"field": "address", "requested_value": "路" * 301}, "requested_value", "不能超过 300 个字符"),
    ):
        response = await post(client, "/my/changes", form)
        assert response.status_code == 422, form
        assert words in response.text and 'class="error-summary"' in response.text
        assert f'id="f-{field}"' in response.text
    assert await ChangeRequest.count().run() == 0


async def test_a_home_cannot_withdraw_or_see_another_homes_request(client, homes):  # noqa: F811
    await as_home(client, homes, WUJIN, "wujin.home")
    await post(client, "/my/changes", {"field": "phone", "requested_value": "0519-86000000"})
    await sign_out(client)
    await as_home(client, homes)
    request_id = (await ChangeRequest.select(ChangeRequest.id).first().run())["id"]
    assert (await post(client, f"/my/changes/{request_id}/withdraw", {})).status_code == 404
    assert "0519-86000000" not in (await client.get("/my/changes")).text
    assert (await ChangeRequest.select(ChangeRequest.status).first().run())["status"] == "open"


async def test_an_account_whose_uscc_matches_no_home_sees_nothing(client, homes):  # noqa: F811
    await create_user("orphan", "institution", PASSWORD, institution_uscc=homes[TIANNING]["uscc"], actor="t")
    await (
        Institution.update({Institution.uscc: "52320402MJ9999999X"})
        .where(Institution.id == homes[TIANNING]["id"])
        .run()
    )
    await sign_in(client, "orphan")
    assert (await client.get("/my/changes")).status_code == 404
    assert (await client.get("/my/hazards")).status_code == 404
    assert (await post(client, "/my/changes", {"field": "phone", "requested_value": "0519-1234567"})).status_code == 404
    assert await ChangeRequest.count().run() == 0


# Hazard rectification --------------------------------------------------------------------------------------------


async def test_a_reported_rectification_awaits_confirmation_and_then_the_hazard_is_rectified(client, homes):  # noqa: F811
    home = homes[TIANNING]
    hazard_id = await add_hazard(home["id"])
    await as_home(client, homes)
    rectified = (today() - timedelta(days=2)).isoformat()
    reported = await post(
        client,
        f"/my/hazards/{hazard_id}/report",
        {"rectified_on": rectified, "text": "已清理疏散通道并设置警示标识", "evidence": "现场照片 3 张"},
    )
    assert reported.status_code == 303
    page = await client.get(f"/my/hazards/{hazard_id}")
    assert "已报告整改，待民政部门确认" in page.text and 'data-testid="report-form"' not in page.text
    assert 'data-testid="hazard-awaiting"' in (await client.get("/my")).text
    assert (await public_profile(client, home["uscc"]))["fire"]["open_hazards"] == 1
    await sign_out(client)

    await sign_in(client, "tianning")
    assert 'data-testid="hazard-reported"' in (await client.get(f"/workspace/institutions/{home['id']}")).text
    queue = await client.get("/workspace/home-requests")
    assert "已清理疏散通道并设置警示标识" in queue.text
    report_id = (await HazardReport.select(HazardReport.id).first().run())["id"]
    confirmed = await post(client, f"/workspace/hazard-reports/{report_id}/decision", {"decision": "confirmed"})
    assert confirmed.status_code == 303
    row = await MajorHazard.select(MajorHazard.rectified_on).where(MajorHazard.id == hazard_id).first().run()
    assert row["rectified_on"].isoformat() == rectified
    assert (await public_profile(client, home["uscc"]))["fire"]["open_hazards"] == 0
    assert await audited("hazard.rectification_reported") == 1
    assert await audited("hazard.rectification_confirmed") == 1
    assert await audited("hazard.rectify") == 1


async def test_a_refused_report_keeps_the_hazard_open_and_the_home_may_report_again(client, homes):  # noqa: F811
    home = homes[TIANNING]
    hazard_id = await add_hazard(home["id"])
    await as_home(client, homes)
    form = {"rectified_on": today().isoformat(), "text": "已整改"}
    assert (await post(client, f"/my/hazards/{hazard_id}/report", form)).status_code == 303
    twice = await post(client, f"/my/hazards/{hazard_id}/report", form)
    assert twice.status_code == 409 and "已有待确认的整改报告" in twice.text
    await sign_out(client)
    await sign_in(client, "tianning")
    report_id = (await HazardReport.select(HazardReport.id).first().run())["id"]
    refused = await post(
        client,
        f"/workspace/hazard-reports/{report_id}/decision",
        {"decision": "refused", "reasons": "复查发现通道仍有杂物"},
    )
    assert refused.status_code == 303
    assert (await public_profile(client, home["uscc"]))["fire"]["open_hazards"] == 1
    await sign_out(client)
    await sign_in_again(client)
    page = await client.get(f"/my/hazards/{hazard_id}")
    assert "复查发现通道仍有杂物" in page.text and 'data-testid="report-form"' in page.text
    assert (await post(client, f"/my/hazards/{hazard_id}/report", form)).status_code == 303


async def test_bad_reports_are_refused_with_the_values_kept(client, homes):  # noqa: F811
    hazard_id = await add_hazard(homes[TIANNING]["id"])
    await as_home(client, homes)
    future = await post(
        client,
        f"/my/hazards/{hazard_id}/report",
        {"rectified_on": (today() + timedelta(days=1)).isoformat(), "text": "x"},
    )
    assert future.status_code == 422 and "不能晚于今天" in future.text
    early = await post(
        client,
        f"/my/hazards/{hazard_id}/report",
        {"rectified_on": (today() - timedelta(days=20)).isoformat(), "text": "清理通道"},
    )
    assert early.status_code == 422 and "不能早于隐患发现日期" in early.text and "清理通道" in early.text
    assert (await post(client, f"/my/hazards/{hazard_id}/report", {"rectified_on": "", "text": ""})).status_code == 422
    assert await HazardReport.count().run() == 0


async def test_a_home_reports_nothing_on_another_homes_hazard(client, homes):  # noqa: F811
    other = await add_hazard(homes[WUJIN]["id"])
    await as_home(client, homes)
    assert (await client.get(f"/my/hazards/{other}")).status_code == 404
    form = {"rectified_on": today().isoformat(), "text": "已整改"}
    assert (await post(client, f"/my/hazards/{other}/report", form)).status_code == 404
    assert "疏散通道堆放杂物" not in (await client.get("/my/hazards")).text
    assert await HazardReport.count().run() == 0


# Rate limit --------------------------------------------------------------------------------------------------------


async def test_posts_under_my_are_rate_limited_per_user_with_a_clear_message(client, homes, monkeypatch):  # noqa: F811
    await as_home(client, homes)  # the first password change is one post
    monkeypatch.setattr(throttle, "POSTS_PER_WINDOW", 3)
    for n in range(2):
        assert (await post(client, "/my/changes", {"field": "phone", "requested_value": "x"})).status_code == 422, n
    limited = await post(client, "/my/changes", {"field": "phone", "requested_value": "0519-81234567"})
    assert limited.status_code == 429
    assert "提交过于频繁" in limited.text and "分钟后再试" in limited.text
    assert int(limited.headers["retry-after"]) > 0
    assert await ChangeRequest.count().run() == 0
    assert (await client.get("/my/changes")).status_code == 200  # reading is not counted


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")
async def test_the_my_rate_limit_holds_across_replicas_on_redis(db, homes, monkeypatch):  # noqa: F811
    from tests.test_redis_shared_state import own_address, two_replicas

    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "0")  # only the /my limit is the subject here
    monkeypatch.setattr(throttle, "POSTS_PER_WINDOW", 2)
    await create_user("redis.home", "institution", PASSWORD, institution_uscc=homes[TIANNING]["uscc"], actor="t")
    async with two_replicas(own_address()) as (one, other):
        page = await one.get("/login")
        token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
        login = {"username": "redis.home", "password": PASSWORD, "_csrf_token": token}
        assert (await one.post("/login", data=login)).status_code == 303
        other.cookies.update(one.cookies)
        form = {"field": "phone", "requested_value": "x"}
        answers = [
            await http.post("/my/changes", data={**form, "_csrf_token": one.cookies["ec_csrf"]})
            for http in (one, other, one)
        ]
    assert [r.status_code for r in answers] == [422, 422, 429]
