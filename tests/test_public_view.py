"""The public view of a penalty: revoked penalties and those past their publication end leave every public
output — portal pages, the public API, the public list, the exports and the daily disclosure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from stdnum.cn import uscc as uscc_rules

from credit.accounts.system import system_principal
from credit.disclosures.service import publish
from credit.listings.tables import ListingBasis, ListingEntry
from credit.public.view import counts_publicly
from credit.records import service as records
from credit.records.schemas import PenaltyIn, PenaltyUpdate
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.timeutil import now_utc, today
from credit.validation import typed_from_text
from scoring.dates import add_months

ADMIN = system_principal("setup")
ACTIVE = "常民罚〔2026〕ACTIVE7号"
REVOKED = "常民罚〔2026〕REVOKED8号"
EXPIRED = "常民罚〔2024〕EXPIRED9号"


def code(n: int) -> str:
    body = f"52320402MJ{n:07d}"
    return body + uscc_rules.calc_check_digit(body)


def penalty(number: str, decided_days_ago: int) -> dict:
    return {
        "decision_number": number,
        "facts": "未按规定配备护理人员",
        "legal_basis": "《养老机构管理办法》第四十六条",
        "penalty_kind": "罚款",
        "content": "罚款五千元",
        "fine_yuan": "5000.00",
        "decision_date": (today() - timedelta(days=decided_days_ago)).isoformat(),
        "deciding_agency": "天宁区民政局",
    }


@pytest.fixture
async def home(db) -> dict:
    """A home with a penalty in force, a revoked one, one past its publication end (a general penalty is
    public for at most a year), and a list entry citing all three."""
    home = await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": code(77),
                "name": "常州市天宁区公示测试养老院",
                "district_code": "320402",
                "beds": 60,
                "owner_type": "private_nonprofit",
                "legal_representative": "张建国",
            }
        ),
        ADMIN,
    )
    active = await records.create_penalty(home["id"], typed_from_text(PenaltyIn, penalty(ACTIVE, 20)), ADMIN)
    revoked = await records.create_penalty(home["id"], typed_from_text(PenaltyIn, penalty(REVOKED, 10)), ADMIN)
    await records.update_penalty(
        revoked["id"],
        typed_from_text(
            PenaltyUpdate,
            {**penalty(REVOKED, 10), "revoked": True, "revoked_on": today().isoformat(), "version": revoked["version"]},
        ),
        ADMIN,
    )
    expired = await records.create_penalty(home["id"], typed_from_text(PenaltyIn, penalty(EXPIRED, 2 * 365)), ADMIN)
    entry = ListingEntry(
        subject_kind="institution",
        institution=home["id"],
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
    for p in (active, revoked, expired):
        await ListingBasis(entry=entry.id, penalty=p["id"]).save().run()
    return home


async def public_outputs(client, uscc: str) -> dict[str, str]:
    """Every public output that could name a penalty, by URL (the daily disclosure published first)."""
    await publish(today())
    day = today().isoformat()
    urls = [
        "/",
        "/?q=公示测试",
        f"/institutions/{uscc}",
        f"/compare?uscc={uscc}",
        "/listings",
        "/listings.csv",
        "/disclosures",
        f"/api/v1/disclosures/{day}",
        f"/api/v1/disclosures/{day}.csv",
        "/api/v1/disclosures",
        "/api/v1/institutions?q=公示测试",
        f"/api/v1/institutions/{uscc}",
        "/api/v1/listings",
        "/api/v1/exports/listings.csv",
        "/api/v1/exports/listings.jsonl",
        "/api/v1/exports/penalties.csv",
        "/api/v1/exports/penalties.jsonl",
    ]
    found = {}
    for url in urls:
        response = await client.get(url)
        assert response.status_code == 200, url
        found[url] = response.content.decode("utf-8-sig")
    return found


async def test_revoked_and_ended_penalties_appear_in_no_public_output(client, home):
    outputs = await public_outputs(client, home["uscc"])
    leaks = [(url, number) for url, text in outputs.items() for number in (REVOKED, EXPIRED) if number in text]
    assert leaks == []


async def test_the_penalty_in_force_is_shown_by_the_page_the_api_the_list_and_the_exports(client, home):
    outputs = await public_outputs(client, home["uscc"])
    for url in (
        f"/institutions/{home['uscc']}",
        f"/api/v1/institutions/{home['uscc']}",
        "/listings",
        "/listings.csv",
        "/api/v1/listings",
        "/api/v1/exports/penalties.csv",
        "/api/v1/exports/penalties.jsonl",
        "/api/v1/exports/listings.csv",
    ):
        assert ACTIVE in outputs[url], url


async def test_the_api_profile_lists_exactly_the_penalties_the_page_shows(client, home):
    profile = (await client.get(f"/api/v1/institutions/{home['uscc']}")).json()
    assert [p["decision_number"] for p in profile["penalties"]] == [ACTIVE]
    # a general penalty without an end of its own is public for the window's maximum, a year
    assert profile["penalties"][0]["publication_end"] == add_months(today() - timedelta(days=20), 12).isoformat()


async def test_the_daily_disclosure_counts_only_the_penalty_in_force(client, home):
    await publish(today())
    body = (await client.get(f"/api/v1/disclosures/{today().isoformat()}")).json()
    line = next(i for i in body["institutions"] if i["uscc"] == home["uscc"])
    assert line["active_penalties"] == 1
    assert body["list"][0]["penalty_numbers"] == [ACTIVE]


@pytest.mark.parametrize(
    "changes, public",
    [
        ({}, True),
        ({"revoked": True}, False),
        ({"retired_on": "today"}, False),
        ({"decision_date": "tomorrow"}, False),
        ({"publication_end": "today"}, False),  # past the minimum, the end is its first day no longer public
        ({"publication_end": "in ten years"}, True),  # clamped to the legal window: still public today
    ],
)
def test_a_penalty_counts_publicly_only_inside_its_clamped_window_and_unrevoked(changes, public):
    on = today()
    days = {"today": on, "tomorrow": on + timedelta(days=1), "in ten years": on + timedelta(days=3650)}
    row = {
        "id": 1,
        "severity": "general",
        "decision_date": on - timedelta(days=200),
        "is_fire_safety": False,
        "publication_end": None,
        "revoked": False,
        "retired_on": None,
    }
    row.update({k: days.get(v, v) for k, v in changes.items()})
    assert counts_publicly(row, on) is public
