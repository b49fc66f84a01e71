"""Daily disclosures: one per day, signed, chained, all-or-nothing, verifiable by anyone."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from datetime import date, datetime, timedelta

import pytest

from credit.db import current_engine, engine_for_url, use_engine
from credit.demo import build_demo_city
from credit.disclosures import service
from credit.disclosures.rescoring import rescore_all, rescore_marked
from credit.disclosures.signing import verify
from credit.disclosures.tables import CreditScore, Disclosure
from credit.disclosures.verify import check_file, check_stored_chain
from credit.public.tables import PublicProfile
from credit.records.schemas import PenaltyIn
from credit.registry.tables import Institution
from credit.scheduler import JOBS, build_scheduler, run_job
from credit.scheduling.tables import JobRun
from credit.seeding import load_city
from credit.settings import settings
from credit.sharing.tables import ChangeEvent
from credit.validation import typed_from_text
from scoring import policy_for

AS_OF = date(2026, 6, 30)


@pytest.fixture
async def city(db):
    await load_city(build_demo_city(11, AS_OF, count=40), AS_OF)
    return db


async def test_a_disclosure_holds_every_institution_and_verifies_with_the_served_key(city):
    published = await service.publish(AS_OF)
    row = await service.disclosure_of(AS_OF)
    body = service.json_bytes(row)
    document = json.loads(body)
    assert published.created and document["day"] == "2026-06-30" and document["institutions_count"] == 40
    assert {i["uscc"] for i in document["institutions"]} == {r["uscc"] for r in await Institution.select().run()}
    assert all(
        i["level"] in "ABCD" and i["policy_version"] == policy_for(AS_OF).version for i in document["institutions"]
    )
    assert hashlib.sha256(body).hexdigest() == row["digest"] == published.digest
    assert verify(service.served_public_key(), body, row["signature"])
    assert hashlib.sha256(service.csv_bytes(row)).hexdigest() == document["csv_sha256"]
    assert service.csv_bytes(row).startswith("\ufeff".encode())


async def test_publishing_the_same_day_again_changes_nothing(city):
    first = await service.publish(AS_OF)
    second = await service.publish(AS_OF)
    assert not second.created and second.digest == first.digest
    assert await Disclosure.count().run() == 1


async def test_each_disclosure_names_the_previous_ones_digest(city):
    first = await service.publish(AS_OF)
    second = await service.publish(AS_OF + timedelta(days=1))
    document = json.loads(service.json_bytes(await service.disclosure_of(AS_OF + timedelta(days=1))))
    assert document["previous_digest"] == first.digest and second.digest != first.digest
    assert all(c.ok for c in await check_stored_chain(service.served_public_key()))


async def test_an_edited_stored_disclosure_breaks_the_chain_check(city):
    await service.publish(AS_OF)
    await Disclosure.update({Disclosure.json_body: Disclosure.json_body + " "}).where(Disclosure.day == AS_OF).run()
    assert not (await check_stored_chain(service.served_public_key()))[0].ok


async def test_a_publication_killed_midway_leaves_nothing_and_the_next_run_publishes(city, monkeypatch):
    from credit import changefeed

    async def crash(*args, **kwargs):
        raise KeyboardInterrupt("process killed")

    monkeypatch.setattr(changefeed, "append", crash)
    with pytest.raises(KeyboardInterrupt):
        await service.publish(AS_OF)
    assert await Disclosure.count().run() == 0
    monkeypatch.undo()
    assert (await service.publish(AS_OF)).created and await Disclosure.count().run() == 1


async def test_two_schedulers_over_a_simulated_week_publish_exactly_one_disclosure_a_day(city):
    for day in range(7):
        moment = datetime(2026, 6, 1, 2, 0, tzinfo=settings.timezone) + timedelta(days=day)
        outcomes = await asyncio.gather(run_job("publish_disclosure", moment), run_job("publish_disclosure", moment))
        assert sorted(o.status for o in outcomes) == ["skipped", "succeeded"], outcomes
    assert await Disclosure.count().run() == 7
    assert await JobRun.count().where(JobRun.job == "publish_disclosure").run() == 7
    days = [r["day"] for r in await Disclosure.select(Disclosure.day).order_by(Disclosure.day).run()]
    assert days == [date(2026, 6, 1) + timedelta(days=n) for n in range(7)]


async def test_a_job_fails_cleanly_while_the_database_is_unreachable_and_the_next_run_recovers(city, database_urls):
    working = current_engine()
    use_engine(engine_for_url("postgresql://nobody@127.0.0.1:1/none"))
    try:
        failed = await run_job("publish_disclosure", datetime(2026, 6, 30, 2, 0, tzinfo=settings.timezone))
    finally:
        use_engine(working)
    assert failed.status == "failed" and "claim failed" in failed.detail
    recovered = await run_job("publish_disclosure", datetime(2026, 6, 30, 2, 5, tzinfo=settings.timezone))
    assert recovered.status == "succeeded" and await Disclosure.count().run() == 1


async def test_missed_runs_are_coalesced_into_one_and_never_dropped_for_lateness():
    scheduler = build_scheduler()
    scheduler.start(paused=True)
    try:
        jobs = scheduler.get_jobs()
        assert {j.id for j in jobs} - {f"{name}-catch-up" for name in JOBS} == set(JOBS)
        assert all(j.coalesce and j.misfire_grace_time is None and j.max_instances == 1 for j in jobs)
    finally:
        scheduler.shutdown(wait=False)


async def test_a_change_is_rescored_at_once_with_a_history_row_and_a_feed_event(city):
    # Issue 14: the write hook rescores the home in the writer's transaction; no job run is needed.
    await rescore_all(AS_OF)
    rows_before = await CreditScore.count().run()
    assert (await rescore_marked(AS_OF)).evaluated == 0
    institution = await PublicProfile.select().where(PublicProfile.level == "A").first().run()
    from credit.accounts.system import system_principal
    from credit.records.service import create_penalty

    await create_penalty(
        institution["institution"],
        typed_from_text(
            PenaltyIn,
            {
                "decision_number": "测试〔2026〕1号",
                "facts": "f",
                "legal_basis": "b",
                "penalty_kind": "罚款",
                "content": "c",
                "decision_date": "2026-06-01",
                "deciding_agency": "民政局",
                "severity": "serious",
            },
        ),
        system_principal(),
    )
    after = await PublicProfile.select().where(PublicProfile.institution == institution["institution"]).first().run()
    assert after["score"] < institution["score"]
    assert await CreditScore.count().run() == rows_before + 1
    events = await ChangeEvent.select().where(ChangeEvent.type == "rating").run()
    assert events[-1]["entity_id"] == institution["institution"]


async def test_rescoring_without_changes_stores_no_new_rows(city):
    await rescore_all(AS_OF)
    count = await CreditScore.count().run()
    assert (await rescore_all(AS_OF)).changed == 0 and await CreditScore.count().run() == count


async def test_the_api_serves_the_signed_bytes_csv_signature_and_public_key(client):
    await load_city(build_demo_city(12, AS_OF, count=10), AS_OF)
    await service.publish(AS_OF)
    body = await client.get("/api/v1/disclosures/2026-06-30")
    signature = await client.get("/api/v1/disclosures/2026-06-30.sig")
    key = await client.get("/api/v1/disclosures/public-key")
    csv = await client.get("/api/v1/disclosures/2026-06-30.csv")
    assert body.status_code == signature.status_code == key.status_code == csv.status_code == 200
    assert "immutable" in body.headers["cache-control"] and body.headers["etag"]
    assert verify(key.content, body.content, signature.text)
    assert all(c.ok for c in check_file(body.content, signature.text, key.content, csv_body=csv.content))
    assert base64.b64decode(signature.text)
    archive = await client.get("/api/v1/disclosures")
    assert archive.json()["total"] == 1
    assert (await client.get("/api/v1/disclosures/2026-07-01")).status_code == 404
    assert (await client.get("/api/v1/disclosures/not-a-day")).status_code == 404


async def test_a_tampered_download_fails_verification(client):
    await load_city(build_demo_city(12, AS_OF, count=5), AS_OF)
    await service.publish(AS_OF)
    body = (await client.get("/api/v1/disclosures/2026-06-30")).content
    signature = (await client.get("/api/v1/disclosures/2026-06-30.sig")).text
    key = (await client.get("/api/v1/disclosures/public-key")).content
    tampered = body.replace(b'"level":"D"', b'"level":"A"').replace(b'"level":"C"', b'"level":"A"')
    tampered = tampered if tampered != body else body + b" "
    assert not check_file(tampered, signature, key)[0].ok


async def test_a_killed_run_loses_neither_its_slot_nor_its_day(city):
    from credit.scheduling.service import STALE_AFTER
    from credit.timeutil import now_utc

    first = datetime(2026, 6, 1, 2, 0, tzinfo=settings.timezone)
    assert (await run_job("publish_disclosure", first)).status == "succeeded"
    # The next day's run was killed after claiming: its claim says "running" for ever.
    await (
        JobRun(job="publish_disclosure", slot="2026-06-02", started_at=now_utc() - STALE_AFTER * 2, status="running")
        .save()
        .run()
    )
    retried = await run_job("publish_disclosure", first + timedelta(days=1))
    assert retried.status == "succeeded"
    # A day nobody ran at all is published by the next day's run before its own.
    third = await run_job("publish_disclosure", first + timedelta(days=3))
    assert "caught up 2026-06-03" in third.detail
    days = [r["day"] for r in await Disclosure.select(Disclosure.day).order_by(Disclosure.day).run()]
    assert days == [date(2026, 6, 1), date(2026, 6, 2), date(2026, 6, 3), date(2026, 6, 4)]
    assert all(c.ok for c in await check_stored_chain(service.served_public_key()))


async def test_a_fresh_claim_held_by_a_running_process_is_not_taken_over(city):
    moment = datetime(2026, 6, 1, 2, 0, tzinfo=settings.timezone)
    from credit.timeutil import now_utc

    await JobRun(job="publish_disclosure", slot="2026-06-01", started_at=now_utc(), status="running").save().run()
    assert (await run_job("publish_disclosure", moment)).status == "skipped"


async def test_an_api_request_while_the_database_is_down_answers_503_to_retry(client):
    from credit.db import current_engine, engine_for_url, use_engine

    working = current_engine()
    use_engine(engine_for_url("postgresql://nobody@127.0.0.1:1/none"))
    try:
        response = await client.get("/api/v1/institutions")
    finally:
        use_engine(working)
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert response.headers["content-type"].startswith("application/problem+json")
