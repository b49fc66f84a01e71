"""The public projection (issue 14): a write is public at once on the page, the API and the search, the page
never mixes old and new, revoked penalties leave the API profile, and a write to one home leaves the other
homes' cached pages valid. The property test writes random sequences through the services and checks the
stored rows equal a fresh computation from the tables."""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta

from hypothesis import HealthCheck, given, settings, strategies as st
from litestar.serialization import encode_json
from stdnum.cn import uscc as uscc_rules

from credit.accounts.system import system_principal
from credit.errors import ProcedureRefused, ValidationFailed
from credit.public.projection import documents_on
from credit.public.tables import PublicProfile
from credit.records import service as records
from credit.records.schemas import GradingIn, PenaltyIn, PenaltyUpdate
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn, InstitutionUpdate
from credit.timeutil import today
from credit.validation import typed_from_text
from tests.factories import fire_inspection_in

ADMIN = system_principal("setup")
CHECKLIST = {
    "fire_resistance": "pass",
    "resident_floors": "pass",
    "fire_separation": "fail",
    "evacuation": "pass",
    "fire_facilities": "pass",
    "fire_management": "pass",
    "micro_fire_station": "na",
}


def code(n: int) -> str:
    body = f"52320402MJ{n:07d}"
    return body + uscc_rules.calc_check_digit(body)


def home_data(n: int, **extra) -> dict:
    return {
        "uscc": code(n),
        "name": f"常州市天宁区投影测试{n}号养老院",
        "district_code": "320402",
        "beds": 50 + n,
        "owner_type": "private_nonprofit",
        "legal_representative": "张建国",
        **extra,
    }


def penalty(number: str, days_ago: int = 10, severity: str = "serious") -> dict:
    return {
        "decision_number": number,
        "facts": "未按规定配备护理人员",
        "legal_basis": "《养老机构管理办法》第四十六条",
        "penalty_kind": "罚款",
        "content": "罚款五千元",
        "fine_yuan": "5000.00",
        "severity": severity,
        "decision_date": (today() - timedelta(days=days_ago)).isoformat(),
        "deciding_agency": "天宁区民政局",
    }


async def test_a_penalty_is_public_at_once_on_the_page_the_api_and_the_search(client):
    # Issue 14 target: a write is visible on the profile, the API and the search without any job run.
    home = await registry.create_institution(InstitutionIn(**home_data(1)), ADMIN)
    before = (await client.get(f"/api/v1/institutions/{home['uscc']}")).json()
    await records.create_penalty(home["id"], typed_from_text(PenaltyIn, penalty("常民罚〔2026〕51号")), ADMIN)
    after = (await client.get(f"/api/v1/institutions/{home['uscc']}")).json()
    assert [p["decision_number"] for p in after["penalties"]] == ["常民罚〔2026〕51号"]
    assert float(after["credit"]["score"]) < float(before["credit"]["score"])
    page = (await client.get(f"/institutions/{home['uscc']}")).text
    assert "常民罚〔2026〕51号" in page and f"{after['credit']['level']}级" in page
    found = (
        await client.get("/api/v1/institutions", params={"q": "投影测试1号", "level": after["credit"]["level"]})
    ).json()
    assert [i["uscc"] for i in found["items"]] == [home["uscc"]]


async def test_a_revoked_penalty_leaves_the_api_profile_at_once(client):
    # DESIGN.md: "A revoked decision leaves the public view at once and stops counting".
    home = await registry.create_institution(InstitutionIn(**home_data(2)), ADMIN)
    clean = (await client.get(f"/api/v1/institutions/{home['uscc']}")).json()
    stored = await records.create_penalty(home["id"], typed_from_text(PenaltyIn, penalty("常民罚〔2026〕52号")), ADMIN)
    await records.update_penalty(
        stored["id"],
        typed_from_text(
            PenaltyUpdate,
            {
                **penalty("常民罚〔2026〕52号"),
                "revoked": True,
                "revoked_on": today().isoformat(),
                "version": stored["version"],
            },
        ),
        ADMIN,
    )
    profile = (await client.get(f"/api/v1/institutions/{home['uscc']}")).json()
    assert profile["penalties"] == [] and profile["credit"]["score"] == clean["credit"]["score"]


async def test_the_page_shows_the_level_and_the_reasons_of_the_same_row(client):
    # Issue 14: never "A · 100" beside a non-compliant inspection; the level is recomputed with the facts.
    home = await registry.create_institution(InstitutionIn(**home_data(3)), ADMIN)
    await records.create_fire_inspection(
        home["id"],
        fire_inspection_in(
            {
                "inspected_on": (today() - timedelta(days=3)).isoformat(),
                "checklist": CHECKLIST,
                "hazards": [
                    {
                        "category": "facility_equipment",
                        "description": "防火门损坏",
                        "rectify_by": (today() + timedelta(days=20)).isoformat(),
                    }
                ],
            }
        ),
        ADMIN,
    )
    profile = (await client.get(f"/api/v1/institutions/{home['uscc']}")).json()
    assert profile["fire"]["status"] == "non_compliant" and profile["fire"]["failed_areas"] == ["fire_separation"]
    codes = {c["code"] for c in profile["credit"]["contributions"]}
    assert any(c.startswith("fire") or c.startswith("hazard") for c in codes - {"base", "clamp"})
    row = (
        await PublicProfile.select(PublicProfile.level, PublicProfile.fire_status)
        .where(PublicProfile.uscc == home["uscc"])
        .first()
        .run()
    )
    assert row == {"level": profile["credit"]["level"], "fire_status": "non_compliant"}


async def test_a_write_to_one_home_leaves_the_other_homes_pages_valid(client):
    # Issue 14: ETags key on the row's own version, so one write does not invalidate every page.
    first = await registry.create_institution(InstitutionIn(**home_data(4)), ADMIN)
    second = await registry.create_institution(InstitutionIn(**home_data(5)), ADMIN)
    tags = {h["uscc"]: (await client.get(f"/institutions/{h['uscc']}")).headers["etag"] for h in (first, second)}
    await records.create_penalty(first["id"], typed_from_text(PenaltyIn, penalty("常民罚〔2026〕54号")), ADMIN)
    other = await client.get(f"/institutions/{second['uscc']}", headers={"If-None-Match": tags[second["uscc"]]})
    own = await client.get(f"/institutions/{first['uscc']}", headers={"If-None-Match": tags[first["uscc"]]})
    assert other.status_code == 304 and own.status_code == 200 and "常民罚〔2026〕54号" in own.text


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["update", "penalty", "revoke", "inspection", "rectify", "grading"]),
        st.integers(min_value=0, max_value=1),
        st.integers(min_value=0, max_value=400),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
async def test_the_projection_equals_a_fresh_computation_after_any_sequence_of_writes(db, operations):
    # Issue 14 "Tests prove consistency": after random writes through the services, each stored row's document
    # equals the document computed from the tables now.
    from credit.db import current_engine
    from tests.conftest import empty_all_tables

    await empty_all_tables(current_engine())
    homes = [await registry.create_institution(InstitutionIn(**home_data(10 + n)), ADMIN) for n in range(2)]
    penalties: list[dict] = []
    hazards: list[dict] = []
    for step, (operation, which, days) in enumerate(operations):
        home = homes[which]
        if operation == "update":
            current = await registry.get_institution(home["id"])
            await registry.update_institution(
                home["id"], InstitutionUpdate(**home_data(10 + which, beds=days), version=current["version"]), ADMIN
            )
        elif operation == "penalty":
            penalties.append(
                await records.create_penalty(
                    home["id"],
                    typed_from_text(
                        PenaltyIn,
                        penalty(f"常民罚〔2026〕{step}号", days % 300, ("minor", "general", "serious")[days % 3]),
                    ),
                    ADMIN,
                )
            )
        elif operation == "revoke" and penalties:
            p = await records.get_penalty(penalties[days % len(penalties)]["id"])
            if not p["revoked"]:
                body = {k: p[k] for k in penalty("x") if k in p}
                body.update(
                    decision_date=p["decision_date"].isoformat(),
                    fine_yuan=str(p["fine_yuan"]),
                    revoked=True,
                    revoked_on=today().isoformat(),
                )
                await records.update_penalty(
                    p["id"], typed_from_text(PenaltyUpdate, {**body, "version": p["version"]}), ADMIN
                )
        elif operation == "inspection":
            made = await records.create_fire_inspection(
                home["id"],
                fire_inspection_in(
                    {
                        "inspected_on": (today() - timedelta(days=days % 100)).isoformat(),
                        "checklist": CHECKLIST,
                        "hazards": [
                            {
                                "category": "facility_equipment",
                                "description": "防火门损坏",
                                "rectify_by": (today() + timedelta(days=30)).isoformat(),
                            }
                        ]
                        if days % 2
                        else [],
                    }
                ),
                ADMIN,
            )
            hazards += made["hazards"]
        elif operation == "rectify" and hazards:
            hazard = hazards.pop(days % len(hazards))
            await records.rectify_hazard(hazard["id"], today().isoformat(), hazard["version"], ADMIN)
        elif operation == "grading":
            # Not eligible (a serious penalty in the last two years): nothing written.
            with contextlib.suppress(ValidationFailed, ProcedureRefused):
                await records.create_grading(
                    home["id"],
                    typed_from_text(
                        GradingIn,
                        {
                            "decided_on": (today() - timedelta(days=days)).isoformat(),
                            "environment": 100,
                            "facilities": 110,
                            "operations": 120,
                            "services": 100 + days,
                        },
                    ),
                    ADMIN,
                )
    ids = [h["id"] for h in homes]
    stored = {r["institution"]: json.loads(r["document"]) for r in await PublicProfile.select().run()}
    fresh = json.loads(encode_json({str(k): v for k, v in (await documents_on(ids, today())).items()}))
    assert stored == {i: fresh[str(i)] for i in ids}
