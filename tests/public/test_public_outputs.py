"""Every public output reads the public read side (issue 14 "A public read side": the projection is the only
thing the portal, the public API, the public exports and the daily disclosure read, and the public view is
defined once so no output can disagree with another): each output's fields are among the public view's, and
the export's penalties are the profiles' penalties, value for value."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from stdnum.cn import uscc as uscc_rules

from credit.accounts.system import system_principal
from credit.disclosures.service import institution_line, publish
from credit.listings.tables import ListingBasis, ListingEntry
from credit.public.document import INSTITUTION_FIELDS
from credit.public.view import PUBLIC_ENTRY_FIELDS, PUBLIC_PENALTY_FIELDS
from credit.records import service as records
from credit.records.schemas import PenaltyIn, PenaltyUpdate
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.timeutil import now_utc, today
from credit.validation import typed_from_text

ADMIN = system_principal("setup")
# The public form of a penalty (credit.public.view.public_form): its fields, the masked legal representative,
# and on a profile the running repair's public commitment.
PENALTY_FIELDS = {*PUBLIC_PENALTY_FIELDS, "legal_representative"}
# `supervision`: the home's published random-inspection results (credit.public.supervision, inspectors masked);
# `feedback`: citizen feedback counts per month, never the content (credit.public.feedback_stats);
# `outlook`: what comes next, public records only, no hazard deadline (credit.public.outlook.public_outlook).
PROFILE_FIELDS = {
    *INSTITUTION_FIELDS,
    "credit",
    "score_history",
    "gradings",
    "fire_inspections",
    "penalties",
    "fire",
    "listed",
    "grade",
    "supervision",
    "feedback",
    "outlook",
}
OUTLOOK_FIELDS = {"on", "timed", "kinds", "score", "level", "text", "text_en"}
FEEDBACK_COUNT_FIELDS = {"month", "received", "substantiated", "closed_on_time"}


def code(n: int) -> str:
    body = f"52320402MJ{n:07d}"
    return body + uscc_rules.calc_check_digit(body)


def penalty(number: str, decided_days_ago: int, severity: str = "general") -> dict:
    return {
        "decision_number": number,
        "facts": "未按规定配备护理人员，联系电话13812345678",
        "legal_basis": "《养老机构管理办法》第四十六条",
        "penalty_kind": "罚款",
        "content": "罚款五千元",
        "fine_yuan": "5000.00",
        "severity": severity,
        "decision_date": (today() - timedelta(days=decided_days_ago)).isoformat(),
        "deciding_agency": "天宁区民政局",
    }


@pytest.fixture
async def homes(db) -> list[dict]:
    """Two homes with public penalties (one listed), and a revoked penalty that no output may show."""
    made = []
    for n in (41, 42):
        home = await registry.create_institution(
            InstitutionIn(
                **{
                    "uscc": code(n),
                    "name": f"常州市天宁区输出测试{n}号养老院",
                    "district_code": "320402",
                    "beds": 60,
                    "owner_type": "private_nonprofit",
                    "legal_representative": "张建国",
                }
            ),
            ADMIN,
        )
        made.append(home)
        await records.create_penalty(
            home["id"], typed_from_text(PenaltyIn, penalty(f"常民罚〔2026〕{n}01号", 30)), ADMIN
        )
        await records.create_penalty(
            home["id"], typed_from_text(PenaltyIn, penalty(f"常民罚〔2026〕{n}02号", 10, "serious")), ADMIN
        )
    revoked = await records.create_penalty(
        made[1]["id"], typed_from_text(PenaltyIn, penalty("常民罚〔2026〕REVOKED号", 5)), ADMIN
    )
    await records.update_penalty(
        revoked["id"],
        typed_from_text(
            PenaltyUpdate,
            {
                **penalty("常民罚〔2026〕REVOKED号", 5),
                "revoked": True,
                "revoked_on": today().isoformat(),
                "version": revoked["version"],
            },
        ),
        ADMIN,
    )
    entry = ListingEntry(
        subject_kind="institution",
        institution=made[0]["id"],
        behaviour="2",
        status="listed",
        facts="f",
        basis="b",
        proposed_on=today() - timedelta(days=40),
        listed_on=today() - timedelta(days=5),
        expires_on=today() + timedelta(days=3 * 365),
        created_at=now_utc(),
        updated_at=now_utc(),
    )
    await entry.save().run()
    await ListingBasis(entry=entry.id, penalty=revoked["id"]).save().run()
    return made


async def profiles(client, homes) -> dict[str, dict]:
    found = {}
    for home in homes:
        response = await client.get(f"/api/v1/institutions/{home['uscc']}")
        assert response.status_code == 200
        found[home["uscc"]] = response.json()
    return found


async def test_every_public_output_has_only_fields_of_the_public_view(client, homes):
    shown = await profiles(client, homes)
    for doc in shown.values():
        assert set(doc) <= PROFILE_FIELDS
        assert doc["penalties"] and all(set(p) <= PENALTY_FIELDS | {"repair"} for p in doc["penalties"])
        assert all(set(month) <= FEEDBACK_COUNT_FIELDS for month in doc.get("feedback", []))
        assert all(set(event) <= OUTLOOK_FIELDS for event in doc.get("outlook", []))
    # the history explains the revoked penalty's points without naming it (only public records are named)
    assert "REVOKED" not in json.dumps(shown, ensure_ascii=False)
    exported = [json.loads(line) for line in (await client.get("/api/v1/exports/penalties.jsonl")).text.splitlines()]
    assert exported and all(set(row) <= PENALTY_FIELDS for row in exported)
    entries = [json.loads(line) for line in (await client.get("/api/v1/exports/listings.jsonl")).text.splitlines()]
    assert entries and all(set(row) <= set(PUBLIC_ENTRY_FIELDS) for row in entries)
    listed = (await client.get("/api/v1/listings")).json()
    items = listed["items"] if isinstance(listed, dict) else listed
    assert items and all(set(row) <= set(PUBLIC_ENTRY_FIELDS) for row in items)


async def test_the_penalty_export_is_the_profiles_penalties_value_for_value(client, homes):
    shown = await profiles(client, homes)
    exported = [json.loads(line) for line in (await client.get("/api/v1/exports/penalties.jsonl")).text.splitlines()]
    from_profiles = [{k: v for k, v in p.items() if k != "repair"} for doc in shown.values() for p in doc["penalties"]]
    key = lambda p: p["id"]  # noqa: E731
    assert sorted(exported, key=key) == sorted(from_profiles, key=key)
    assert "REVOKED" not in json.dumps(exported, ensure_ascii=False)
    assert "13812345678" not in json.dumps(exported, ensure_ascii=False)  # free text masked as on the profile
    table = list(csv.reader(io.StringIO((await client.get("/api/v1/exports/penalties.csv")).text.lstrip("\ufeff"))))
    assert len(table) - 1 == len(exported) == 4


async def test_the_daily_disclosure_lines_are_built_from_the_profiles(client, homes):
    shown = await profiles(client, homes)
    await publish(today())
    body = (await client.get(f"/api/v1/disclosures/{today().isoformat()}")).json()
    lines = {line["uscc"]: line for line in body["institutions"]}
    assert {uscc: lines[uscc] for uscc in shown} == {
        uscc: json.loads(json.dumps(institution_line(doc))) for uscc, doc in shown.items()
    }
    assert all(line["active_penalties"] == 2 for line in lines.values())
