"""The agency API: keys, the change feed, penalty reports, matching, measures and exports."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import date

import pytest
from stdnum.cn import uscc as uscc_rules

from credit import changefeed
from credit.accounts.system import system_principal
from credit.listings import service as listings
from credit.listings.jobs import advance_list
from credit.listings.schemas import ProposalIn, StepIn
from credit.listings.tables import ListingEntry
from credit.records.tables import Penalty
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn, PractitionerIn
from credit.seeding import ensure_agencies
from credit.sharing.keys import issue_key, revoke_key
from credit.sharing.tables import ChangeEvent

ADMIN = system_principal("setup")


def code(n: int, district: str = "320402") -> str:
    body = f"52{district}MJ{n:07d}"
    return body + uscc_rules.calc_check_digit(body)


@pytest.fixture
async def agencies(client) -> dict:
    await ensure_agencies()
    keys = {
        name: {"Authorization": f"Bearer {(await issue_key(name, 'test')).key}"}
        for name in ("health", "fire_rescue", "market_regulation")
    }
    home = await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": code(1),
                "name": "常州市天宁区康乐养老院",
                "district_code": "320402",
                "beds": 100,
                "owner_type": "private_nonprofit",
                "legal_representative": "张建国",
            }
        ),
        ADMIN,
    )
    return {"keys": keys, "home": home}


def report(home: dict, number: str = "常卫罚〔2025〕1号", **changes) -> dict:
    return {
        "subject_name": home["name"],
        "uscc": home["uscc"],
        "legal_representative": "张建国",
        "decision_number": number,
        "facts": "医疗废物处置不规范",
        "legal_basis": "《医疗废物管理条例》第四十六条",
        "penalty_kind": "罚款",
        "content": "罚款五千元",
        "fine_yuan": "5000.00",
        "decision_date": "2025-05-06",
        "deciding_agency": "常州市卫生健康委员会",
        **changes,
    }


async def test_unknown_and_revoked_keys_get_401(client, agencies):
    assert (await client.get("/api/v1/feed")).status_code == 401
    assert (await client.get("/api/v1/feed", headers={"Authorization": "Bearer eca_nope"})).status_code == 401
    issued = await issue_key("housing", "test")
    headers = {"Authorization": f"Bearer {issued.key}"}
    assert (await client.get("/api/v1/feed", headers=headers)).status_code == 200
    await revoke_key(issued.prefix, "test")
    assert (await client.get("/api/v1/feed", headers=headers)).status_code == 401


async def test_a_reported_penalty_is_stored_once_and_a_changed_payload_is_refused(client, agencies):
    health = agencies["keys"]["health"]
    first = await client.post("/api/v1/penalties", json=report(agencies["home"]), headers=health)
    again = await client.post("/api/v1/penalties", json=report(agencies["home"]), headers=health)
    changed = await client.post("/api/v1/penalties", json=report(agencies["home"], fine_yuan="6000"), headers=health)
    assert first.status_code == 201 and again.status_code == 200 and again.json() == first.json()
    assert changed.status_code == 409 and changed.json()["current"]["fine_yuan"] == "5000.00"
    other_agency = await client.post(
        "/api/v1/penalties", json=report(agencies["home"]), headers=agencies["keys"]["fire_rescue"]
    )
    assert other_agency.status_code == 201
    assert await Penalty.count().run() == 2


async def test_concurrent_identical_reports_store_one_record(client, agencies):
    health = agencies["keys"]["health"]
    responses = await asyncio.gather(
        *[
            client.post("/api/v1/penalties", json=report(agencies["home"], "并发〔1〕号"), headers=health)
            for _ in range(5)
        ]
    )
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 200, 201]
    assert await Penalty.count().run() == 1


async def test_an_unknown_uscc_is_kept_for_review_not_dropped(client, agencies):
    stranger = report(agencies["home"], "常卫罚〔2025〕9号", uscc=code(77), subject_name="不存在的养老院")
    response = await client.post("/api/v1/penalties", json=stranger, headers=agencies["keys"]["health"])
    assert response.status_code == 201 and response.json()["institution"] is None
    stored = await Penalty.select().first().run()
    assert stored["match_status"] == "review"


async def test_a_serious_penalty_of_a_listing_behaviour_proposes_the_subject(client, agencies):
    serious = report(agencies["home"], "常卫罚〔2025〕2号", severity="serious", listing_behaviour="2")
    response = await client.post("/api/v1/penalties", json=serious, headers=agencies["keys"]["health"])
    assert response.status_code == 201
    entry = await ListingEntry.select().first().run()
    assert entry["status"] == "proposed" and entry["behaviour"] == "2"


async def test_bad_report_fields_answer_422_and_nothing_is_stored(client, agencies):
    bad = report(agencies["home"], uscc="52320402MJ0000001A", decision_date="2999-01-01")
    response = await client.post("/api/v1/penalties", json=bad, headers=agencies["keys"]["health"])
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} >= {"uscc", "decision_date"}
    assert await Penalty.count().run() == 0


async def test_a_feed_reader_sees_every_change_once_and_in_order(client, agencies):
    health = agencies["keys"]["health"]
    for n in range(7):
        await client.post("/api/v1/penalties", json=report(agencies["home"], f"序〔{n}〕号"), headers=health)
    seen, cursor = [], 0
    while True:
        page = (await client.get("/api/v1/feed", params={"after": cursor, "limit": 3}, headers=health)).json()
        if not page["events"]:
            break
        seen += [e["seq"] for e in page["events"]]
        cursor = page["next"]
    total = await ChangeEvent.count().run()
    assert seen == list(range(1, total + 1)) and total >= 8
    assert page["next"] == total


async def test_a_reader_following_the_cursor_during_concurrent_writes_misses_nothing(agencies):
    from credit.db import transaction
    from credit.sharing.feed_reader import events_after

    async def writer(n: int) -> None:
        for k in range(10):
            async with transaction():
                await changefeed.append([("test", "created", n * 100 + k, {"n": n, "k": k})])

    seen, cursor = [], 0

    async def reader() -> None:
        nonlocal cursor
        for _ in range(200):
            page = await events_after(cursor, 4)
            seen.extend(e["seq"] for e in page["events"])
            cursor = page["next"]
            await asyncio.sleep(0)

    await asyncio.gather(writer(1), writer(2), writer(3), reader())
    page = await events_after(cursor, 1000)
    seen += [e["seq"] for e in page["events"]]
    assert seen == sorted(set(seen)) and len(seen) == await ChangeEvent.count().run()


async def test_match_ranks_exact_uscc_then_similar_names_with_reasons(client, agencies):
    await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": code(2),
                "name": "常州市天宁区康樂敬老院",
                "district_code": "320402",
                "beds": 50,
                "owner_type": "public",
            }
        ),
        ADMIN,
    )
    await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": code(3, "320412"),
                "name": "武进区湖塘镇中心敬老院",
                "district_code": "320412",
                "beds": 50,
                "owner_type": "public",
            }
        ),
        ADMIN,
    )
    response = await client.post(
        "/api/v1/match",
        headers=agencies["keys"]["health"],
        json={"uscc": agencies["home"]["uscc"], "name": "常州市天宁区康乐养老院有限公司"},
    )
    candidates = response.json()
    assert response.status_code == 200 and candidates[0]["uscc"] == agencies["home"]["uscc"]
    assert candidates[0]["score"] == 100 and "exact USCC" in candidates[0]["reasons"]
    traditional = next(c for c in candidates if c["uscc"] == code(2))
    assert traditional["score"] > 90 and any("name similarity" in r for r in traditional["reasons"])
    assert all(c["uscc"] != code(3, "320412") or c["score"] < traditional["score"] for c in candidates)


async def test_match_by_id_number_finds_the_practitioners_institution_without_revealing_the_number(client, agencies):
    await registry.add_practitioner(
        agencies["home"]["id"],
        PractitionerIn(**{"name": "李秀英", "role": "manager", "id_number": "11010519491231002X"}),
        ADMIN,
    )
    response = await client.post(
        "/api/v1/match", headers=agencies["keys"]["health"], json={"id_number": "11010519491231002x"}
    )
    assert response.json()[0]["uscc"] == agencies["home"]["uscc"]
    assert response.json()[0]["practitioner"]["id_masked"] == "110105********002X"
    assert "11010519491231002" not in response.text


async def listed_entry(home: dict) -> int:
    penalty = await Penalty.select(Penalty.id).first().run()
    entry = await listings.propose(
        ProposalIn(
            uscc=home["uscc"],
            behaviour="2",
            facts="f",
            basis="b",
            penalty_ids=[penalty["id"]],
            backdate_reason="补录",
            on=date(2025, 9, 20),
        ),
        ADMIN,
    )
    await listings.notify(entry["id"], StepIn(backdate_reason="补录", on=date(2025, 9, 26)), ADMIN)
    await advance_list(date(2025, 10, 11))
    return entry["id"]


async def test_an_agency_records_a_measure_and_civil_affairs_sees_who_fed_back(client, agencies):
    from credit.sharing.measures import feedback_of

    await client.post("/api/v1/penalties", json=report(agencies["home"]), headers=agencies["keys"]["health"])
    entry_id = await listed_entry(agencies["home"])
    response = await client.post(
        f"/api/v1/listings/{entry_id}/measures",
        headers=agencies["keys"]["health"],
        json={"measure": "restrict_subsidies", "applied_on": "2025-10-20"},
    )
    assert response.status_code == 201
    missing_text = await client.post(
        f"/api/v1/listings/{entry_id}/measures",
        headers=agencies["keys"]["fire_rescue"],
        json={"measure": "other", "applied_on": "2025-10-20"},
    )
    assert missing_text.status_code == 422
    feedback = {f["agency"]: f["measures"] for f in await feedback_of(entry_id)}
    assert [m["measure"] for m in feedback["health"]] == ["restrict_subsidies"]
    assert feedback["fire_rescue"] == [] and len(feedback) == 7


async def test_exports_are_masked_for_the_public_and_full_for_agencies(client, agencies):
    await client.post(
        "/api/v1/penalties",
        json=report(agencies["home"], decision_date=date.today().isoformat()),
        headers=agencies["keys"]["health"],
    )
    public = await client.get("/api/v1/exports/penalties.csv")
    assert public.status_code == 200 and public.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(public.content.decode("utf-8-sig"))))
    assert rows[0][0] == "行政相对人名称" and "罚款金额（万元）" in rows[0]
    assert rows[1][rows[0].index("罚款金额（万元）")] == "0.5"
    assert "张建国" not in public.text and "张**" in public.text
    full = await client.get("/api/v1/exports/penalties.jsonl", headers=agencies["keys"]["health"])
    assert json.loads(full.text.splitlines()[0])["legal_representative"] == "张建国"
    await listed_entry(agencies["home"])
    listed = await client.get("/api/v1/exports/listings.jsonl")
    assert json.loads(listed.text.splitlines()[0])["uscc"] == agencies["home"]["uscc"]
    assert (await client.get("/api/v1/exports/listings.csv")).text.count("\n") == 2


async def test_each_agency_is_rate_limited_separately(client, agencies, monkeypatch):
    from credit.app import create_app
    from tests.conftest import running

    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "3")
    from credit.settings import load_settings

    async with running(create_app(load_settings())) as limited:
        health = [await limited.get("/api/v1/feed", headers=agencies["keys"]["health"]) for _ in range(4)]
        fire = await limited.get("/api/v1/feed", headers=agencies["keys"]["fire_rescue"])
    assert [r.status_code for r in health] == [200, 200, 200, 429] and fire.status_code == 200
