"""The home's JSON API (`/api/v1/my/...`, issue 18): a home's own software does with a bearer token what its users
do on the /my pages — reads the full record and the inbox, opens a notice (electronic service, recorded as on the
page), objects with evidence, applies for repair and withdraws, asks for registry changes, reports a hazard's
rectification — through the same services, scoped to its own USCC, with the same post limit, problem+json naming
the field on bad input and nothing written on error.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import pytest

from credit.accounts.service import create_user, issue_token
from credit.audit.tables import AuditEntry
from credit.evidence.tables import EvidenceFile
from credit.home import throttle
from credit.listings.tables import ListingEntry, NoticeReceipt
from credit.records.tables import HazardReport, RepairApplication
from credit.registry.tables import ChangeRequest
from credit.timeutil import today
from tests.institution.test_evidence_and_applications import PDF, penalty_of, stored_files
from tests.institution.test_home_requests import add_hazard
from tests.institution.test_home_self_service import homes  # noqa: F401  (the fixture)
from tests.workspace.workspace_helpers import PASSWORD, TIANNING, WUJIN

REPAIR = {
    "applicant_name": "张院长",
    "applicant_contact": "13912345678",
    "statement": "罚款已缴清，诊疗活动已停止并整改",
    "obligations_met_on": (today() - timedelta(days=3)).isoformat(),
    "evidence": "缴款凭证、整改报告",
    "agree": True,
}


def pdf_file(name: str = "缴款凭证.pdf", data: bytes = PDF) -> dict:
    return {"file_name": name, "content_base64": base64.b64encode(data).decode()}


async def bearer(username: str, role: str = "institution", **scope) -> dict[str, str]:
    await create_user(username, role, PASSWORD, actor="test", **scope)
    return {"Authorization": f"Bearer {(await issue_token(username, actor='test')).token}"}


@pytest.fixture
async def home(homes):  # noqa: F811
    """The 天宁 home with a bearer token of its own user."""
    return {**homes[TIANNING], "auth": await bearer("kangle.api", institution_uscc=homes[TIANNING]["uscc"])}


async def test_a_home_reads_its_full_record_and_its_inbox(client, home):
    record = await client.get("/api/v1/my", headers=home["auth"])
    assert record.status_code == 200, record.text
    body = record.json()
    assert body["institution"]["uscc"] == home["uscc"] and body["credit"]["level"] in "ABCD"
    assert [e["id"] for e in body["entries"]] == [home["entry_id"]]
    inbox = await client.get("/api/v1/my/notices", headers=home["auth"])
    assert [e["id"] for e in inbox.json()] == [home["entry_id"]] and inbox.json()[0]["receipt"] is None
    assert await NoticeReceipt.count().run() == 0  # the inbox opens nothing


async def test_opening_a_notice_through_the_api_is_electronic_service_like_the_page(client, home):
    opened = await client.get(f"/api/v1/my/notices/{home['entry_id']}", headers=home["auth"])
    assert opened.status_code == 200 and opened.json()["receipt"]["opened_by"] == "kangle.api"
    await client.get(f"/api/v1/my/notices/{home['entry_id']}", headers=home["auth"])
    assert await NoticeReceipt.count().run() == 1
    entry = await ListingEntry.select().where(ListingEntry.id == home["entry_id"]).first().run()
    assert entry["notified_on"] == today()  # the legal service date stays the regulator's
    assert "listing.notice_opened" in [r["action"] for r in await AuditEntry.select(AuditEntry.action).run()]


async def test_a_home_objects_with_a_base64_evidence_file(client, home):
    path = f"/api/v1/my/notices/{home['entry_id']}/objection"
    body = {"text": "已全部履行判决义务", "evidence_files": [pdf_file("结案通知书.pdf")]}
    before = set(stored_files())

    done = await client.post(path, json=body, headers=home["auth"])

    assert done.status_code == 201, done.text
    assert done.json()["status"] == "objected" and done.json()["objection_files"][0]["file_name"] == "结案通知书.pdf"
    stored = await EvidenceFile.select().first().run()
    assert stored["sha256"] == hashlib.sha256(PDF).hexdigest() and len(set(stored_files()) - before) == 1
    again = await client.post(path, json={"text": "再次异议"}, headers=home["auth"])
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("files", "field"),
    [
        ([{"file_name": "a.pdf", "content_base64": "not base64!"}], "evidence_files[0].content_base64"),
        ([pdf_file("说明.pdf", b"just text, named .pdf")], "evidence_files"),
    ],
)
async def test_a_bad_evidence_file_is_a_problem_naming_it_and_nothing_is_written(client, home, files, field):
    path = f"/api/v1/my/notices/{home['entry_id']}/objection"
    before = set(stored_files())

    refused = await client.post(path, json={"text": "异议", "evidence_files": files}, headers=home["auth"])

    assert refused.status_code == 422 and refused.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in refused.json()["errors"]]
    assert (await ListingEntry.select().where(ListingEntry.id == home["entry_id"]).first().run())["status"] == (
        "notified"
    )
    assert await EvidenceFile.count().run() == 0 and set(stored_files()) == before


async def test_a_home_applies_for_repair_reads_the_status_and_withdraws(client, home):
    penalty = await penalty_of(home)
    path = f"/api/v1/my/penalties/{penalty['id']}/repair"
    unticked = await client.post(path, json={**REPAIR, "agree": False}, headers=home["auth"])
    assert unticked.status_code == 422 and "agree" in [e["field"] for e in unticked.json()["errors"]]
    assert await RepairApplication.count().run() == 0

    applied = await client.post(path, json={**REPAIR, "evidence_files": [pdf_file()]}, headers=home["auth"])

    assert applied.status_code == 201, applied.text
    application = applied.json()
    assert application["status"] == "applied" and application["commitment"].startswith("本机构郑重承诺")
    status = (await client.get(path, headers=home["auth"])).json()
    assert [a["id"] for a in status["applications"]] == [application["id"]] and not status["may_apply"]
    assert status["applications"][0]["files"][0]["content_type"] == "application/pdf"
    withdrawn = await client.post(
        f"{path}/{application['id']}/withdrawal",
        json={"reasons": "材料不全，补充后再申请", "version": application["version"]},
        headers=home["auth"],
    )
    assert withdrawn.status_code == 201 and withdrawn.json()["status"] == "withdrawn"


async def test_a_home_asks_for_a_registry_change_lists_and_withdraws_it(client, home):
    bad = await client.post(
        "/api/v1/my/changes", json={"field": "phone", "requested_value": "call us"}, headers=home["auth"]
    )
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["requested_value"]
    asked = await client.post(
        "/api/v1/my/changes", json={"field": "phone", "requested_value": "0519-81234567"}, headers=home["auth"]
    )
    assert asked.status_code == 201 and asked.json()["status"] == "open"
    listed = await client.get("/api/v1/my/changes", headers=home["auth"])
    assert [r["id"] for r in listed.json()] == [asked.json()["id"]]
    withdrawn = await client.post(f"/api/v1/my/changes/{asked.json()['id']}/withdrawal", headers=home["auth"])
    assert withdrawn.status_code == 201 and withdrawn.json()["status"] == "withdrawn"


async def test_a_home_reports_a_hazard_rectification(client, home):
    hazard_id = await add_hazard(home["id"])
    listed = (await client.get("/api/v1/my/hazards", headers=home["auth"])).json()
    assert [h["id"] for h in listed] == [hazard_id] and listed[0]["awaiting"] is None
    path = f"/api/v1/my/hazards/{hazard_id}/rectification"
    future = await client.post(
        path, json={"rectified_on": (today() + timedelta(days=1)).isoformat(), "text": "已清理"}, headers=home["auth"]
    )
    assert future.status_code == 422 and [e["field"] for e in future.json()["errors"]] == ["rectified_on"]

    reported = await client.post(
        path, json={"rectified_on": today().isoformat(), "text": "已清理"}, headers=home["auth"]
    )

    assert reported.status_code == 201 and reported.json()["status"] == "reported"
    assert (await client.get("/api/v1/my/hazards", headers=home["auth"])).json()[0]["awaiting"]["id"] == (
        reported.json()["id"]
    )


async def test_the_api_is_scoped_to_the_home_and_closed_to_other_roles(client, homes, home):  # noqa: F811
    other = homes[WUJIN]
    assert (await client.get(f"/api/v1/my/notices/{other['entry_id']}", headers=home["auth"])).status_code == 404
    objection = await client.post(
        f"/api/v1/my/notices/{other['entry_id']}/objection", json={"text": "不是我们的"}, headers=home["auth"]
    )
    assert objection.status_code == 404
    assert await NoticeReceipt.count().run() == 0
    regulator = await bearer("tianning.api", "district_regulator", district_code=TIANNING)
    assert (await client.get("/api/v1/my", headers=regulator)).status_code == 403
    assert (await client.get(f"/api/v1/listings/{home['entry_id']}", headers=home["auth"])).status_code == 403
    assert (await client.get("/api/v1/my")).status_code == 401


async def test_the_initial_password_must_be_replaced_before_the_api_opens(client, homes):  # noqa: F811
    from credit.accounts.tables import User

    auth = await bearer("new.home", institution_uscc=homes[TIANNING]["uscc"])
    await User.update({User.must_change_password: True}).where(User.username == "new.home").run()
    refused = await client.get("/api/v1/my", headers=auth)
    assert refused.status_code == 403 and "password" in refused.json()["detail"]


async def test_api_writes_count_in_the_same_limit_as_the_pages(client, home, monkeypatch):
    monkeypatch.setattr(throttle, "POSTS_PER_WINDOW", 2)
    body = {"field": "phone", "requested_value": "x"}
    answers = [await client.post("/api/v1/my/changes", json=body, headers=home["auth"]) for _ in range(3)]
    assert [a.status_code for a in answers] == [422, 422, 429]
    assert int(answers[2].headers["retry-after"]) > 0
    assert answers[2].headers["content-type"].startswith("application/problem+json")
    assert await ChangeRequest.count().run() == 0 and await HazardReport.count().run() == 0
    assert (await client.get("/api/v1/my/changes", headers=home["auth"])).status_code == 200


async def test_an_objection_after_the_window_is_refused_with_the_date(client, home):
    from credit.accounts.system import system_principal
    from credit.listings import service as listings
    from credit.listings.schemas import ProposalIn, StepIn

    late = await listings.propose(
        ProposalIn(uscc=home["uscc"], behaviour="4", facts="重大火灾隐患逾期未整改", basis="民发〔2019〕103号"),
        system_principal(),
    )
    await listings.notify(
        late["id"], StepIn(on=today() - timedelta(days=40), backdate_reason="补录"), system_principal()
    )

    refused = await client.post(
        f"/api/v1/my/notices/{late['id']}/objection", json={"text": "逾期"}, headers=home["auth"]
    )

    deadline = (await listings.entry_detail(late["id"]))["objection_deadline"]
    assert refused.status_code == 409 and refused.json()["errors"] == [
        {
            "field": "text",
            "reason": f"the objection window closed on {deadline.isoformat()}",
            "code": "objection_window_closed",
        }
    ]
    assert (await listings.entry_detail(late["id"]))["status"] == "notified"


async def test_a_home_applies_for_early_removal_and_withdraws_it(client, home):
    from tests.test_write_matrix import listed_two_years

    penalty = await penalty_of(home)
    entry_id = await listed_two_years(home["id"], "8", penalty["id"])
    path = f"/api/v1/my/entries/{entry_id}/removal"
    assert (await client.get(path, headers=home["auth"])).json()["early_removal_open"] is True

    applied = await client.post(
        path,
        json={"statement": "已按期报送年度报告", "agree": True, "evidence_files": [pdf_file()]},
        headers=home["auth"],
    )

    assert applied.status_code == 201, applied.text
    (application,) = applied.json()["applications"]
    assert application["decision"] == "pending" and application["commitment"].startswith("本机构郑重承诺")
    assert application["files"][0]["file_name"] == "缴款凭证.pdf" and applied.json()["early_removal_open"] is False
    withdrawn = await client.post(f"{path}/withdrawal", headers=home["auth"])
    assert withdrawn.status_code == 201 and withdrawn.json()["applications"][0]["decision"] == "withdrawn"
    again = await client.post(f"{path}/withdrawal", headers=home["auth"])
    assert again.status_code == 409
