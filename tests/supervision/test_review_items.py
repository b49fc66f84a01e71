"""What the review of the supervision loop found missing (issue 19): the roster is edited and inspectors are taken
off it; a recorded or published result is corrected with its history kept; the recorder does not publish
(separation of duties, a policy waiver defaulting to strict); a publication deadline counted on a year without
the official calendar is marked unconfirmed and recounted when the year arrives; the draw weighs homes by the level
the public sees. Rules: 国办发〔2015〕58号 (双随机: random inspectors from a roster), 国发〔2019〕5号 (results public
within 20 working days), DESIGN (working days from the official calendar; unconfirmed dates shown so)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest

from credit.accounts.roles import Principal
from credit.accounts.service import create_user, issue_token
from credit.audit.tables import AuditEntry
from credit.errors import ProcedureRefused, ValidationFailed
from credit.listings.calendar import WorkingCalendar, YearData
from credit.public import supervision as public
from credit.public.tables import PublicProfile
from credit.supervision import draw as drawing, jobs as supervision_jobs, service as supervision
from credit.supervision.schemas import InspectorUpdateIn, ResultCorrectionIn, ResultIn, SupervisionRectificationIn
from credit.supervision.tables import Inspector, ResultCorrection, SupervisionTask
from credit.timeutil import today
from portal.public import caching
from scoring import policy_for
from scoring.policy import PolicyError, parse_policy
from tests.supervision.world import SETUP, TIANNING, WUJIN, first_of_month, small_city

GENERAL = {
    "kind": "general",
    "inspected_on": today(),
    "checklist": dict.fromkeys(("licences", "service_quality", "safety", "fees", "contracts"), "pass"),
    "outcome": "no_problem",
}
ALICE = Principal(user_id=101, username="alice", role="district_regulator", district_code=TIANNING)
BOB = Principal(user_id=102, username="bob", role="district_regulator", district_code=TIANNING)


async def bearer(username: str, **role) -> dict[str, str]:
    await create_user(username, password="correct horse battery staple", actor="test", **role)
    return {"Authorization": f"Bearer {(await issue_token(username, actor='test')).token}"}


async def first_task(district: str = TIANNING) -> dict:
    return (
        await SupervisionTask.select()
        .where(SupervisionTask.district_code == district)
        .output(load_json=True)
        .first()
        .run()
    )


def with_supervision(monkeypatch, **changes) -> None:
    """The draw's policy with some [supervision] values changed (the policy file stays as it is)."""
    real = drawing.rules_on

    def rules_on(on):
        draw_rules, rules = real(on)
        return draw_rules, dataclasses.replace(rules, **changes)

    monkeypatch.setattr(drawing, "rules_on", rules_on)


# --------------------------------------------------------------------------- the roster


async def test_a_deactivated_inspector_is_not_drawn_again_and_the_tasks_drawn_keep_their_inspectors(db):
    await small_city(homes=1, inspectors=3)
    await supervision.draw_month(first_of_month())
    task = await first_task()
    gone = task["inspectors"][0]
    row = await Inspector.select().where(Inspector.id == gone).first().run()
    fields = {k: row[k] for k in ("name", "certificate_number", "agency_code", "district_code")}

    stored = await supervision.update_inspector(gone, InspectorUpdateIn(**fields, active=False), SETUP)

    assert stored["active"] is False
    assert (await first_task())["inspectors"] == task["inspectors"]  # the drawn task keeps its team
    snapshot = await drawing.take_snapshot("2099-01")
    assert gone not in [i["id"] for i in snapshot["roster"]]
    rules = drawing.rules_on(today())
    drawn = drawing.compute("any seed", snapshot, *rules)
    assert all(gone not in team for team in drawn.teams.values())
    audit = await AuditEntry.select().where(AuditEntry.action == "inspector.deactivate").run()
    assert len(audit) == 1
    back = await supervision.update_inspector(gone, InspectorUpdateIn(**fields, active=True), SETUP)
    assert back["active"] is True and gone in [i["id"] for i in (await drawing.take_snapshot("2099-01"))["roster"]]


async def test_a_district_regulator_edits_its_own_roster_only_and_bad_input_names_the_field(client):
    world = await small_city(homes=1, inspectors=2)
    headers = await bearer("tianning", role="district_regulator", district_code=TIANNING)
    mine, theirs = world["inspectors"][TIANNING][0], world["inspectors"][WUJIN][0]
    body = {"name": "王天一", "certificate_number": "32040200001", "agency_code": "civil_affairs"}

    edited = await client.put(
        f"/api/v1/supervision/inspectors/{mine}", headers=headers, json={**body, "district_code": TIANNING}
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["name"] == "王天一" and edited.json()["active"] is True

    before = await Inspector.select().order_by(Inspector.id).run()
    moved = await client.put(
        f"/api/v1/supervision/inspectors/{mine}", headers=headers, json={**body, "district_code": WUJIN}
    )
    assert moved.status_code == 403  # the new district is outside its scope
    other = await client.put(
        f"/api/v1/supervision/inspectors/{theirs}", headers=headers, json={**body, "district_code": WUJIN}
    )
    assert other.status_code == 403
    taken = await client.put(
        f"/api/v1/supervision/inspectors/{mine}",
        headers=headers,
        json={**body, "certificate_number": "32040200002", "district_code": TIANNING},
    )
    assert taken.status_code == 409
    bad = await client.put(
        f"/api/v1/supervision/inspectors/{mine}", headers=headers, json={**body, "name": "", "district_code": "999999"}
    )
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert {e["field"] for e in bad.json()["errors"]} == {"name", "district_code"}
    assert await Inspector.select().order_by(Inspector.id).run() == before  # nothing written


async def test_the_workspace_deactivates_an_inspector_and_keeps_the_values_of_a_mistaken_edit(client):
    from tests.workspace.workspace_helpers import PASSWORD, error_beside_id, post, sign_in

    world = await small_city(homes=1, inspectors=2)
    await create_user("tianning", password=PASSWORD, actor="test", role="district_regulator", district_code=TIANNING)
    await sign_in(client, "tianning")
    inspector = world["inspectors"][TIANNING][0]

    wrong = await post(
        client,
        f"/workspace/supervision/inspectors/{inspector}",
        {"name": "王天一", "certificate_number": "", "agency_code": "civil_affairs", "district_code": TIANNING},
    )
    assert wrong.status_code == 422 and "执法证号" in error_beside_id(wrong.text, "f-certificate_number")
    assert 'value="王天一"' in wrong.text and 'id="error-summary"' in wrong.text
    off = await post(client, f"/workspace/supervision/inspectors/{inspector}/active", {"active": "no"})
    assert off.status_code == 303 and "deactivated" in off.headers["location"]
    roster = await client.get("/workspace/supervision/inspectors")
    assert "已停用" in roster.text
    assert (await Inspector.select(Inspector.active).where(Inspector.id == inspector).first().run())["active"] is False


# --------------------------------------------------------------------------- separation of duties


async def test_the_regulator_who_recorded_a_result_may_not_publish_it_or_confirm_its_rectification(db):
    await small_city(homes=1)
    await supervision.draw_month(first_of_month())
    task = await first_task()
    await supervision.record_result(
        task["id"], ResultIn(**{**GENERAL, "outcome": "rectify", "rectify_by": today() + timedelta(days=5)}), ALICE
    )

    with pytest.raises(ProcedureRefused, match="separation of duties"):
        await supervision.publish_result(task["id"], ALICE)
    with pytest.raises(ProcedureRefused, match="separation of duties"):
        await supervision.confirm_rectification(task["id"], SupervisionRectificationIn(rectified_on=today()), ALICE)
    assert (await first_task())["status"] == "recorded"
    await supervision.publish_result(task["id"], BOB)
    confirmed = await supervision.confirm_rectification(
        task["id"], SupervisionRectificationIn(rectified_on=today()), BOB
    )
    assert confirmed["rectified_on"] == today()


async def test_a_one_regulator_district_asks_a_city_regulator_or_the_policy_waives_the_rule(db, monkeypatch):
    await small_city(homes=1)
    await supervision.draw_month(first_of_month())
    task = await first_task()
    await supervision.record_result(task["id"], ResultIn(**GENERAL), ALICE)
    with pytest.raises(ProcedureRefused, match="city regulator"):
        await supervision.publish_result(task["id"], ALICE)

    with_supervision(monkeypatch, allow_self_publication=True)
    published = await supervision.publish_result(task["id"], ALICE)
    assert published["published_on"] == today()


def test_the_separation_of_duties_is_strict_unless_the_policy_says_otherwise():
    assert policy_for(today()).supervision.allow_self_publication is False
    source = Path(drawing.__file__).parents[2] / "scoring" / "policies" / "2026.1.toml"
    text = source.read_text(encoding="utf-8")
    assert "allow_self_publication = false" in text
    with pytest.raises(PolicyError, match="allow_self_publication"):
        parse_policy(text.replace("allow_self_publication = false", 'allow_self_publication = "no"'), "test.toml")


# --------------------------------------------------------------------------- corrections


async def test_a_correction_needs_a_reason_and_a_recorded_result_and_writes_nothing_otherwise(db):
    await small_city(homes=1)
    await supervision.draw_month(first_of_month())
    task = await first_task()
    with pytest.raises(ProcedureRefused, match="not recorded yet"):
        await supervision.correct_result(task["id"], ResultCorrectionIn(**{**GENERAL, "reason": "录入错误"}), BOB)
    await supervision.record_result(task["id"], ResultIn(**GENERAL), ALICE)
    before = await first_task()

    with pytest.raises(ValidationFailed) as refused:
        await supervision.correct_result(
            task["id"], ResultCorrectionIn(**{**GENERAL, "outcome": "rectify", "reason": ""}), BOB
        )

    assert {e.field for e in refused.value.errors} == {"reason", "rectify_by"}
    assert await first_task() == before and await ResultCorrection.count().run() == 0


async def test_an_unpublished_result_corrected_counts_as_recorded_by_the_corrector(db):
    await small_city(homes=1)
    await supervision.draw_month(first_of_month())
    task = await first_task()
    await supervision.record_result(task["id"], ResultIn(**GENERAL), ALICE)

    corrected = await supervision.correct_result(
        task["id"], ResultCorrectionIn(**{**GENERAL, "outcome": "interview", "reason": "漏记约谈"}), BOB
    )

    assert corrected["outcome"] == "interview" and corrected["recorded_by"] == "bob"
    history = await supervision.corrections(task["id"], ALICE)
    assert [(h["before"]["outcome"], h["after"]["outcome"], h["reason"]) for h in history] == [
        ("no_problem", "interview", "漏记约谈")
    ]
    with pytest.raises(ProcedureRefused, match="separation of duties"):
        await supervision.publish_result(task["id"], BOB)
    await supervision.publish_result(task["id"], ALICE)


async def test_the_workspace_corrects_a_published_result_and_shows_its_history(client):
    from tests.workspace.workspace_helpers import PASSWORD, error_beside_id, post, sign_in

    await small_city(homes=1)
    await supervision.draw_month(first_of_month())
    task = await first_task()
    await supervision.record_result(task["id"], ResultIn(**GENERAL), ALICE)
    await supervision.publish_result(task["id"], BOB)
    yesterday = today() - timedelta(days=1)
    await (
        SupervisionTask.update({SupervisionTask.published_on: yesterday}).where(SupervisionTask.id == task["id"]).run()
    )
    await create_user("city", password=PASSWORD, actor="test", role="city_regulator")
    await sign_in(client, "city")
    form = {
        "kind": "general",
        "inspected_on": today().isoformat(),
        "outcome": "interview",
        **{f"checklist.{k}": v for k, v in GENERAL["checklist"].items()},
    }

    missing = await post(client, f"/workspace/supervision/tasks/{task['id']}/correction", {**form, "reason": ""})
    assert missing.status_code == 422 and 'id="error-summary"' in missing.text
    assert "更正理由" in error_beside_id(missing.text, "f-reason") and 'value="interview" selected' in missing.text
    done = await post(client, f"/workspace/supervision/tasks/{task['id']}/correction", {**form, "reason": "漏记约谈"})
    assert done.status_code == 303

    page = await client.get(f"/workspace/supervision/tasks/{task['id']}")
    assert 'data-testid="correction"' in page.text and "漏记约谈" in page.text and "未发现问题" in page.text
    stored = await first_task()
    assert stored["status"] == "published" and stored["corrected_on"] == today()
    # The day's disclosure carries the results published or corrected that day.
    assert [r["task"] for r in await public.published_results(published_on=today())] == [task["id"]]
    assert await public.published_results(published_on=yesterday) != []


# --------------------------------------------------------------------------- unconfirmed working days


async def test_a_deadline_counted_on_a_year_without_the_official_calendar_is_marked_and_recounted_later(
    client, monkeypatch
):
    await small_city(homes=1)
    await supervision.draw_month(first_of_month())
    task = await first_task()
    days = 400  # far enough to reach a year no official calendar covers yet
    with_supervision(monkeypatch, publication_working_days=days)
    recorded = await supervision.record_result(task["id"], ResultIn(**GENERAL), ALICE)
    year = recorded["publish_by"].year
    assert WorkingCalendar().is_confirmed(recorded["publish_by"]) is False
    assert recorded["publish_by_confirmed"] is False

    headers = await bearer("city", role="city_regulator")
    shown = (await client.get("/api/v1/supervision/tasks", headers=headers)).json()
    assert [t["publish_by_confirmed"] for t in shown if t["id"] == task["id"]] == [False]
    from tests.workspace.workspace_helpers import PASSWORD, sign_in

    await create_user("tianning", password=PASSWORD, actor="test", role="district_regulator", district_code=TIANNING)
    await sign_in(client, "tianning")
    dashboard = (await client.get("/workspace/")).text
    assert 'data-testid="unconfirmed-publish-by"' in dashboard and f"{year}年节假日安排尚未公布" in dashboard
    assert f"the calendar of {year} is not yet published" in (await client.get("/workspace/supervision")).text

    monkeypatch.setattr(caching, "VERSION_TTL_SECONDS", 0.0)
    await supervision.publish_result(task["id"], BOB)
    public_page = (await client.get("/supervision", params={"month": task["month"]})).text
    assert f"（未确认：{year}年节假日安排尚未公布）" in public_page.split('data-testid="publish-by"')[1]

    # The year's notice arrives (a calendar file an operator adds): the job recounts and confirms the deadline.
    official = {
        y: YearData(holidays=frozenset({date(y, 1, 1)}), workdays=frozenset())
        for y in range(today().year + 1, year + 2)
    }
    monkeypatch.setattr(supervision_jobs, "working_calendar", lambda: WorkingCalendar(extra_years=official))
    message = await supervision_jobs.confirm_publication_deadlines(today())
    assert message.startswith("1 publication deadlines confirmed")
    stored = await first_task()
    assert stored["publish_by_confirmed"] is True
    assert stored["publish_by"] == WorkingCalendar(extra_years=official).add_working_days(today(), days).day


# --------------------------------------------------------------------------- the draw reads the public level


async def test_the_draw_weighs_a_home_by_the_level_of_its_public_profile(db):
    world = await small_city(homes=2)
    home = next(iter(world["homes"].values()))
    await PublicProfile.update({PublicProfile.level: "D"}).where(PublicProfile.institution == home).run()

    snapshot = await drawing.take_snapshot("2099-01")

    levels = {c["id"]: c["credit_level"] for c in snapshot["candidates"]}
    assert levels[home] == "D"  # the projection's level
