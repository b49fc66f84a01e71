"""The workspace home: counts and the three lists of items needing action, a district regulator's limited
to its district."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from workspace_helpers import PASSWORD, TIANNING, WUJIN, make_uscc, sign_in

from credit.accounts.roles import Principal
from credit.accounts.service import create_user
from credit.listings.tables import ListingEntry
from credit.records import service as records
from credit.records.schemas import GradingIn
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.timeutil import now_utc, today
from credit.validation import typed_from_text
from scoring.dates import add_months
from tests.factories import fire_inspection_in

ADMIN = Principal(user_id=0, username="seeder", role="admin")
CHECKLIST = {
    "fire_resistance": "pass",
    "resident_floors": "pass",
    "fire_separation": "pass",
    "evacuation": "pass",
    "fire_facilities": "pass",
    "fire_management": "pass",
    "micro_fire_station": "na",
}


async def seed_home(n: int, district: str, name: str) -> int:
    """An institution with a notified list entry closing in 3 days, a grading lapsing in 30 days and a
    major hazard 10 days past its rectify-by date."""
    home = await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": make_uscc(n, district),
                "name": name,
                "district_code": district,
                "beds": 50,
                "owner_type": "private_nonprofit",
            }
        ),
        ADMIN,
    )
    on = today()
    await records.create_grading(
        home["id"],
        typed_from_text(
            GradingIn,
            {
                "decided_on": (add_months(on, -36) + timedelta(days=30)).isoformat(),
                "environment": 110,
                "facilities": 120,
                "operations": 140,
                "services": 560,
            },
        ),
        ADMIN,
    )
    found = on - timedelta(days=60)
    await records.create_fire_inspection(
        home["id"],
        fire_inspection_in(
            {
                "inspected_on": found.isoformat(),
                "checklist": CHECKLIST,
                "hazards": [
                    {
                        "category": "facility_equipment",
                        "description": f"{name}的喷淋系统损坏",
                        "rectify_by": (on - timedelta(days=10)).isoformat(),
                    }
                ],
            }
        ),
        ADMIN,
    )
    await (
        ListingEntry(
            subject_kind="institution",
            institution=home["id"],
            behaviour="2",
            status="notified",
            proposed_on=on - timedelta(days=4),
            notified_on=on - timedelta(days=2),
            objection_deadline=on + timedelta(days=3),
            created_at=now_utc(),
            updated_at=now_utc(),
        )
        .save()
        .run()
    )
    return home["id"]


@pytest.fixture
async def city(db):
    await create_user("city", "city_regulator", PASSWORD, actor="test")
    await create_user("tianning", "district_regulator", PASSWORD, district_code=TIANNING, actor="test")
    return {"tianning": await seed_home(1, TIANNING, "天宁颐养院"), "wujin": await seed_home(2, WUJIN, "武进康乐园")}


def section(html: str, testid: str) -> str:
    match = re.search(rf'<table data-testid="{testid}">.*?</table>', html, re.S)
    return match.group(0) if match else ""


async def test_the_dashboard_lists_closing_objection_windows_lapsing_gradings_and_overdue_hazards(client, city):
    await sign_in(client, "city")
    response = await client.get("/workspace")
    assert response.status_code == 200
    for testid in ("objections", "lapsing", "overdue"):
        rows = section(response.text, testid)
        assert "天宁颐养院" in rows and "武进康乐园" in rows, testid
    assert '<dd data-testid="count-institutions">2</dd>' in response.text
    assert '<dd data-testid="count-open-hazards">2</dd>' in response.text


async def test_a_district_regulator_sees_only_its_own_districts_items(client, city):
    await sign_in(client, "tianning")
    response = await client.get("/workspace")
    assert response.status_code == 200
    for testid in ("objections", "lapsing", "overdue"):
        rows = section(response.text, testid)
        assert "天宁颐养院" in rows and "武进康乐园" not in rows, testid
    assert '<dd data-testid="count-institutions">1</dd>' in response.text


async def test_a_newer_grading_takes_a_lapsing_one_off_the_list(client, city):
    await records.create_grading(
        city["wujin"],
        typed_from_text(
            GradingIn,
            {
                "decided_on": today().isoformat(),
                "environment": 110,
                "facilities": 120,
                "operations": 140,
                "services": 560,
            },
        ),
        ADMIN,
    )
    await sign_in(client, "city")
    rows = section((await client.get("/workspace")).text, "lapsing")
    assert "天宁颐养院" in rows and "武进康乐园" not in rows


async def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = await client.get("/workspace")
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=/workspace")


async def due_homes() -> None:
    """A Tianning home never inspected and a Wujin home last inspected a year and a day ago."""
    await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": make_uscc(3, TIANNING),
                "name": "天宁新开养老院",
                "district_code": TIANNING,
                "beds": 40,
                "owner_type": "private_nonprofit",
            }
        ),
        ADMIN,
    )
    stale = await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": make_uscc(4, WUJIN),
                "name": "武进久未检查院",
                "district_code": WUJIN,
                "beds": 40,
                "owner_type": "enterprise",
            }
        ),
        ADMIN,
    )
    await records.create_fire_inspection(
        stale["id"],
        fire_inspection_in(
            {
                "inspected_on": (add_months(today(), -12) - timedelta(days=1)).isoformat(),
                "checklist": CHECKLIST,
                "hazards": [],
            }
        ),
        ADMIN,
    )


async def test_homes_without_an_inspection_for_a_year_are_due_on_the_dashboard(client, city):
    # 养老机构管理办法 (MCA Order 66): civil affairs inspects every home at least yearly; issue 15 §4 shows a
    # home past that as "due for inspection" on the regulator's dashboard.
    await due_homes()
    await sign_in(client, "city")
    html = (await client.get("/workspace")).text
    rows = section(html, "due")
    assert "天宁新开养老院" in rows and "武进久未检查院" in rows and "从未检查" in rows
    assert "天宁颐养院" not in rows and "武进康乐园" not in rows  # inspected 60 days ago
    assert "：2 家" in html


async def test_a_district_regulator_sees_only_its_own_homes_due_for_inspection(client, city):
    await due_homes()
    await sign_in(client, "tianning")
    rows = section((await client.get("/workspace")).text, "due")
    assert "天宁新开养老院" in rows and "武进久未检查院" not in rows
