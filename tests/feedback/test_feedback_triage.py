"""The regulator's triage queue of citizen feedback (issue 18): a district regulator sees only its district's
homes, general feedback goes to city regulators; accept (-> an inspection requested on the dashboard), transfer
(to 12345 or an agency, by name) or close with a reply; due dates in working days ([feedback] due_working_days
of the policy); overdue items on the dashboard; every reply on the status page; name and phone shown to the
handling regulator only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from credit.accounts.roles import Principal
from credit.accounts.service import create_user
from credit.errors import Forbidden, ProcedureRefused
from credit.feedback import service as feedback
from credit.feedback.schemas import AcceptIn, CloseIn, FeedbackIn, TransferIn
from credit.feedback.tables import Feedback
from credit.listings.service import calendar
from credit.seeding import ensure_agencies
from credit.timeutil import today
from scoring import policy_for
from tests.feedback.test_feedback_filing import TEXT, a_home
from tests.workspace.workspace_helpers import PASSWORD, TIANNING, WUJIN

CITY = Principal(user_id=1, username="city", role="city_regulator")
DISTRICT = Principal(user_id=2, username="tianning", role="district_regulator", district_code=TIANNING)
OTHER_DISTRICT = Principal(user_id=3, username="wujin", role="district_regulator", district_code=WUJIN)
OFFICER = Principal(user_id=4, username="health", role="agency_officer", agency_code="health")


async def sign_in(http, username: str, **extra) -> str:
    await create_user(username, password=PASSWORD, actor="test", **extra)
    page = await http.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    response = await http.post("/login", data={"username": username, "password": PASSWORD, "_csrf_token": token})
    assert response.status_code == 303
    return http.cookies["ec_csrf"]


async def filed(uscc: str = "", text: str = TEXT) -> dict:
    reference = (
        await feedback.submit(
            FeedbackIn(what_happened=text, complainant_name="王小明", complainant_phone="13800001111", uscc=uscc)
        )
    ).reference
    return await Feedback.select().where(Feedback.reference == reference).first().run()


async def test_the_answer_is_due_fifteen_working_days_after_receipt(db):
    """Policy 2026.1 [feedback] due_working_days = 15, counted on the official working-day calendar."""
    row = await filed()
    days = policy_for(today()).feedback.due_working_days
    assert days == 15
    assert row["due_on"] == calendar().add_working_days(row["received_on"], days).day


async def test_a_citizen_files_a_regulator_transfers_and_replies_and_the_status_page_shows_it(client):
    """Issue 18 done-when: a citizen files, a regulator transfers and replies, the status page shows it."""
    home = await a_home()
    row = await filed(home["uscc"])
    token = await sign_in(client, "tianning", role="district_regulator", district_code=TIANNING)
    queue = await client.get("/workspace/feedback")
    assert row["reference"] in queue.text
    item = await client.get(f"/workspace/feedback/{row['id']}")
    assert "王小明" in item.text and "13800001111" in item.text  # the handling regulator sees them
    response = await client.post(
        f"/workspace/feedback/{row['id']}/transfer",
        data={
            "to": "12345",
            "reply": "已转12345热线办理，联系人手机13912345678。",
            "version": "1",
            "_csrf_token": token,
        },
    )
    assert response.status_code == 303, response.text
    status = await client.get(f"/feedback/{row['reference']}")
    assert "12345政务服务便民热线" in status.text and "已转12345热线办理" in status.text
    assert "139****5678" in status.text and "13912345678" not in status.text
    assert "王小明" not in status.text and "13800001111" not in status.text
    assert row["reference"] not in (await client.get("/workspace/feedback")).text  # no longer waiting


async def test_accepting_requests_an_inspection_on_the_dashboard_until_closed_with_a_reply(client):
    home = await a_home()
    row = await filed(home["uscc"])
    token = await sign_in(client, "city", role="city_regulator")
    assert (
        await client.post(
            f"/workspace/feedback/{row['id']}/accept",
            data={"reply": "已受理，将安排现场检查。", "version": "1", "_csrf_token": token},
        )
    ).status_code == 303
    dashboard = await client.get("/workspace")
    inspections = dashboard.text.split('data-testid="feedback-inspections"')[1].split("</table>")[0]
    assert "测试养老院1" in inspections and row["reference"] in inspections
    assert (
        await client.post(
            f"/workspace/feedback/{row['id']}/close",
            data={
                "reply": "经现场检查，情况属实，已责令整改。",
                "substantiated": "yes",
                "version": "2",
                "_csrf_token": token,
            },
        )
    ).status_code == 303
    assert 'data-testid="feedback-inspections"' not in (await client.get("/workspace")).text
    status = await client.get(f"/feedback/{row['reference']}")
    assert "已受理，将安排现场检查。" in status.text and "已责令整改" in status.text
    stored = await Feedback.select().where(Feedback.id == row["id"]).first().run()
    assert stored["status"] == "closed" and stored["substantiated"] is True and stored["closed_on"] == today()


async def test_overdue_feedback_is_on_the_dashboard(client):
    row = await filed()
    await Feedback.update({Feedback.due_on: today() - timedelta(days=1)}).where(Feedback.id == row["id"]).run()
    await sign_in(client, "city", role="city_regulator")
    overdue = (await client.get("/workspace")).text.split('data-testid="feedback-overdue"')[1].split("</table>")[0]
    assert row["reference"] in overdue


async def test_a_district_regulator_handles_only_its_districts_homes_and_general_feedback_is_the_citys(db):
    """Issue 18: district scope; DESIGN: a scope rule never passes silently on a record with no district."""
    ours, theirs = await filed((await a_home(1))["uscc"]), await filed((await a_home(2, WUJIN))["uscc"])
    general = await filed("", "关于全市养老服务补贴发放的意见")
    assert {r["id"] for r in await feedback.queue(DISTRICT)} == {ours["id"]}
    assert {r["id"] for r in await feedback.queue(CITY)} == {ours["id"], theirs["id"], general["id"]}
    for principal, row in ((DISTRICT, theirs), (DISTRICT, general), (OTHER_DISTRICT, ours), (OFFICER, ours)):
        with pytest.raises(Forbidden):
            await feedback.item(row["id"], principal)
        with pytest.raises(Forbidden):
            await feedback.close(row["id"], CloseIn(reply="x", substantiated=False, version=1), principal)
    with pytest.raises(Forbidden):
        await feedback.queue(OFFICER)
    assert await Feedback.count().where(Feedback.status == "received").run() == 3


async def test_general_feedback_cannot_be_accepted_for_inspection_and_a_closed_one_takes_no_more_answers(db):
    general = await filed("", "关于全市养老服务补贴发放的意见")
    with pytest.raises(ProcedureRefused):
        await feedback.accept(general["id"], AcceptIn(reply="受理", version=1), CITY)
    await feedback.transfer(general["id"], TransferIn(to="civil_affairs", reply="转民政局办理", version=1), CITY)
    with pytest.raises(ProcedureRefused):
        await feedback.close(general["id"], CloseIn(reply="办结", substantiated=False, version=2), CITY)


async def test_an_agency_officer_sees_no_feedback_on_the_dashboard(client):
    await ensure_agencies()
    row = await filed()
    await Feedback.update({Feedback.due_on: today() - timedelta(days=1)}).where(Feedback.id == row["id"]).run()
    await sign_in(client, "health", role="agency_officer", agency_code="health")
    assert row["reference"] not in (await client.get("/workspace")).text
    assert (await client.get("/workspace/feedback")).status_code == 403


async def test_the_complainants_name_and_phone_are_erased_three_years_after_closing(db):
    """Retention (README): closed feedback keeps its text and answers; name and phone go after 3 years."""
    from credit.feedback.jobs import RETENTION_YEARS, erase_feedback_pii
    from credit.scheduler import run_job
    from scoring.dates import add_months

    old, recent = await filed(), await filed("", "另一条意见")
    for row in (old, recent):
        await feedback.close(row["id"], CloseIn(reply="已答复", substantiated=False, version=1), CITY)
    await (
        Feedback.update({Feedback.closed_on: add_months(today(), -12 * RETENTION_YEARS)})
        .where(Feedback.id == old["id"])
        .run()
    )
    outcome = await run_job("erase_feedback_pii", manual=True)
    assert outcome.status == "succeeded" and outcome.detail.startswith("1 complainants"), outcome
    rows = {r["id"]: r for r in await Feedback.select().run()}
    assert rows[old["id"]]["complainant_name"] == "" and rows[old["id"]]["complainant_phone"] == ""
    assert rows[old["id"]]["pii_erased_on"] == today() and rows[old["id"]]["what_happened"] == TEXT
    assert rows[recent["id"]]["complainant_name"] == "王小明"
    assert "0 complainants" in await erase_feedback_pii(today())
