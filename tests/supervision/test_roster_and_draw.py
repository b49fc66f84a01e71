"""The second random of 双随机 (issue 19): each drawn home gets at least two inspectors from the roster of its
district, never one who inspected it in the last draw or who is recorded in conflict with it (回避); the draw is
redone from its seed and the snapshot it names (`eldercredit draw verify`)."""

from __future__ import annotations

import random

import pytest

from credit.accounts.service import create_user, issue_token
from credit.supervision import draw as drawing, service as supervision
from credit.supervision.schemas import ConflictIn, InspectorIn
from credit.supervision.tables import InspectionDraw, SupervisionTask
from scoring import load_policy
from tests.supervision.world import SETUP, TIANNING, WUJIN, code, first_of_month, small_city

POLICY = load_policy("2026.1")


def snapshot(previous=None, conflicts=None):
    roster = [{"id": i, "district_code": TIANNING} for i in range(1, 5)] + [{"id": 9, "district_code": WUJIN}]
    home = {"id": 1, "uscc": code(1, TIANNING), "name": "H", "district_code": TIANNING, "credit_level": "C"}
    return {"candidates": [home], "roster": roster, "previous": previous or {}, "conflicts": conflicts or {}}


def test_a_home_is_never_given_its_last_inspectors_nor_one_in_conflict_with_it():
    uscc = code(1, TIANNING)
    teams = [
        drawing.compute(
            f"seed-{n}", snapshot({uscc: [1, 2]}, {uscc: [3]}), POLICY.inspection_draw, POLICY.supervision
        ).teams[uscc]
        for n in range(50)
    ]
    # Only inspector 4 of the district is left: the second comes from the rest of the city.
    assert all(sorted(team) == [4, 9] for team in teams)


def test_each_home_gets_two_different_inspectors_of_its_district_when_the_roster_has_them():
    uscc = code(1, TIANNING)
    teams = [
        drawing.compute(str(random.random()), snapshot(), POLICY.inspection_draw, POLICY.supervision).teams[uscc]
        for _ in range(50)
    ]
    assert all(len(set(t)) == 2 and set(t) <= {1, 2, 3, 4} for t in teams)
    assert len({tuple(sorted(t)) for t in teams}) > 1  # the inspectors are drawn, not fixed


async def test_every_drawn_home_becomes_a_task_due_at_the_end_of_the_month_with_two_inspectors(db):
    world = await small_city()
    on = first_of_month()
    message = await supervision.draw_month(on)
    tasks = await SupervisionTask.select().output(load_json=True).run()
    assert message.startswith(on.strftime("%Y-%m")) and len(tasks) == 2  # 5 % of 3, at least one, per district
    for task in tasks:
        assert len(task["inspectors"]) == 2
        assert set(task["inspectors"]) <= set(world["inspectors"][task["district_code"]])
        assert task["due_on"].month == on.month and (task["due_on"].replace(day=28) <= task["due_on"])
        assert task["status"] == "open"


async def test_the_next_draw_avoids_last_month_s_team_and_a_recorded_conflict(db):
    world = await small_city(homes=1, inspectors=4)
    uscc = code(1, TIANNING)
    await supervision.draw_month(first_of_month())
    first = (await InspectionDraw.select().output(load_json=True).first().run())["inspectors"][uscc]
    free = [i for i in world["inspectors"][TIANNING] if i not in first]
    await supervision.record_conflict(free[0], ConflictIn(uscc=uscc, reason="配偶在该院任职"), SETUP)
    snap = await drawing.take_snapshot("2099-12")
    team = drawing.compute("any seed", snap, POLICY.inspection_draw, POLICY.supervision).teams[uscc]
    assert free[0] not in team and not set(first) & set(team) and len(team) == 2


async def test_a_stored_draw_is_redone_from_its_seed_and_snapshot_and_a_changed_one_is_named(db):
    await small_city()
    on = first_of_month()
    await supervision.draw_month(on)
    month = on.strftime("%Y-%m")
    assert (await drawing.verify(month)).matches
    stored = await InspectionDraw.select().output(load_json=True).first().run()
    other = next(
        u
        for u in (code(n, d) for d in (TIANNING, WUJIN) for n in (1, 2, 3))
        if u not in {h["uscc"] for h in stored["institutions"]}
    )
    changed = [{**stored["institutions"][0], "uscc": other}, *stored["institutions"][1:]]
    await InspectionDraw.update({InspectionDraw.institutions: changed}).where(InspectionDraw.id == stored["id"]).run()
    result = await drawing.verify(month)
    assert not result.matches and result.extra == [stored["institutions"][0]["uscc"]] and result.missing == [other]


@pytest.mark.parametrize(
    "role, district, status",
    [("district_regulator", TIANNING, 201), ("district_regulator", WUJIN, 403), ("agency_officer", "", 403)],
)
async def test_a_regulator_keeps_the_roster_of_its_own_district_only(client, role, district, status):
    await small_city(homes=1, inspectors=0)
    extra = {"district_code": district} if role == "district_regulator" else {"agency_code": "health"}
    await create_user("someone", password="correct horse battery staple", actor="test", role=role, **extra)
    token = (await issue_token("someone", actor="test")).token
    response = await client.post(
        "/api/v1/supervision/inspectors",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "name": "李建国",
            "certificate_number": "32040299001",
            "agency_code": "civil_affairs",
            "district_code": TIANNING,
        },
    )
    assert response.status_code == status, response.text


async def test_a_certificate_number_is_on_the_roster_once_and_a_bad_field_is_named(db):
    from credit.errors import Duplicate, ValidationFailed

    await small_city(homes=1, inspectors=1)
    with pytest.raises(Duplicate):
        await supervision.add_inspector(
            InspectorIn(
                name="李建国",
                certificate_number=f"{TIANNING}00001",
                agency_code="civil_affairs",
                district_code=TIANNING,
            ),
            SETUP,
        )
    with pytest.raises(ValidationFailed) as refused:
        await supervision.add_inspector(
            InspectorIn(name="李建国", certificate_number="x", agency_code="nobody", district_code="999999"), SETUP
        )
    assert {e.field for e in refused.value.errors} == {"agency_code", "district_code"}


async def test_the_public_draw_shows_masked_inspectors_and_no_login_name(client):
    await small_city()
    await supervision.draw_month(first_of_month())
    response = await client.get("/api/v1/inspection-draws")
    draw = response.json()["items"][0]
    assert "inspectors" not in draw and "snapshot" not in draw and draw["snapshot_digest"]
    team = next(iter(draw["teams"].values()))
    assert len(team) == 2 and all(p["name"].startswith("王") and p["name"].endswith("**") for p in team)
    assert all("*" in p["certificate"] for p in team) and "setup" not in response.text
