"""Disclosure days: never ahead of today, never behind the chain, missed days caught up in order."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from credit.demo import build_demo_city
from credit.disclosures import service
from credit.disclosures.days import BehindTheChain, DayRefused, FutureDay, MissingDays
from credit.disclosures.jobs import publish_disclosure
from credit.disclosures.tables import Disclosure
from credit.disclosures.verify import canonical, check_file, check_stored_chain
from credit.scheduler import build_scheduler
from credit.seeding import load_city
from credit.settings import settings

AS_OF = date(2026, 6, 30)
TODAY = date(2026, 7, 3)  # the fixed clock of these tests (Asia/Shanghai)


@pytest.fixture
async def city(db):
    await load_city(build_demo_city(31, AS_OF, count=5), AS_OF)
    return db


async def stored_days() -> list[date]:
    return [r["day"] for r in await Disclosure.select(Disclosure.day).order_by(Disclosure.day).run()]


async def chain_verifies(today: date = TODAY) -> bool:
    checks = await check_stored_chain(service.served_public_key(), today)
    return all(c.ok for c in checks)


async def test_a_day_after_today_is_refused_by_the_job_and_the_service_and_nothing_is_written(city):
    with pytest.raises(FutureDay, match="2026-07-04 cannot be published before that day: today is 2026-07-03"):
        await publish_disclosure(TODAY + timedelta(days=1), today=TODAY)
    with pytest.raises(FutureDay):
        await service.publish(TODAY + timedelta(days=1), today=TODAY)
    assert await Disclosure.count().run() == 0


async def test_the_job_publishes_every_missed_day_oldest_first_before_its_own(city):
    await publish_disclosure(AS_OF - timedelta(days=6), today=TODAY)
    message = await publish_disclosure(TODAY, today=TODAY)
    assert await stored_days() == [AS_OF - timedelta(days=6) + timedelta(days=n) for n in range(10)]
    assert message.startswith("2026-07-03 published") and "caught up 2026-06-25, 2026-06-26" in message
    published_at = [
        r["published_at"] for r in await Disclosure.select(Disclosure.published_at).order_by(Disclosure.day).run()
    ]
    assert published_at == sorted(published_at)  # each day its own publication, in day order
    assert await chain_verifies()


async def test_a_day_before_the_last_published_one_is_refused_unless_already_published(city):
    await publish_disclosure(AS_OF, today=TODAY)
    await publish_disclosure(TODAY, today=TODAY)
    assert await publish_disclosure(AS_OF + timedelta(days=1), today=TODAY) == "2026-07-01 already published"
    with pytest.raises(BehindTheChain, match="2026-06-29 cannot be published: 2026-07-03 is already published"):
        await publish_disclosure(AS_OF - timedelta(days=1), today=TODAY)
    with pytest.raises(BehindTheChain):
        await service.publish(AS_OF - timedelta(days=1), today=TODAY)
    assert await stored_days() == [AS_OF + timedelta(days=n) for n in range(4)]


async def test_the_service_refuses_a_day_that_would_leave_a_hole(city):
    await service.publish(AS_OF, today=TODAY)
    with pytest.raises(MissingDays, match="before the days from 2026-07-01 to 2026-07-01"):
        await service.publish(AS_OF + timedelta(days=2), today=TODAY)
    assert await stored_days() == [AS_OF]


async def test_verify_stored_reports_a_hole_and_a_day_published_ahead_of_its_day(city):
    await publish_disclosure(TODAY, today=TODAY)
    await publish_disclosure(TODAY + timedelta(days=2), today=TODAY + timedelta(days=2))
    assert await chain_verifies(TODAY + timedelta(days=2))
    await Disclosure.delete().where(Disclosure.day == TODAY + timedelta(days=1)).run()
    failed = [c for c in await check_stored_chain(service.served_public_key(), TODAY) if not c.ok]
    assert [c.detail for c in failed if "hole" in c.detail] == ["no disclosure for these days (a hole in the chain)"]
    assert any("published ahead of its day" in c.detail for c in failed)


async def test_the_signed_json_is_canonical_sorted_keys_no_whitespace_utf8(city):
    await service.publish(AS_OF, today=TODAY)
    row = await service.disclosure_of(AS_OF)
    body = service.json_bytes(row)
    assert body == canonical(json.loads(body))
    assert "机构" in body.decode("utf-8") or any(ord(ch) > 127 for ch in body.decode("utf-8"))
    assert next(c for c in check_file(body, row["signature"], service.served_public_key()) if c.name == "canonical").ok


step = st.tuples(st.sampled_from(["job", "service"]), st.integers(min_value=-5, max_value=2))


@hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(requests=st.lists(step, min_size=1, max_size=6))
async def test_any_sequence_of_publish_requests_leaves_a_contiguous_chain_that_verifies(city, requests):
    await Disclosure.delete(force=True).run()
    for via, offset in requests:
        day = TODAY + timedelta(days=offset)
        before = await stored_days()
        try:
            if via == "job":
                await publish_disclosure(day, today=TODAY)
            else:
                await service.publish(day, today=TODAY)
        except DayRefused:
            assert await stored_days() == before  # a refused request writes nothing
            last = before[-1] if before else None
            assert day > TODAY or (last is not None and day < last) or (via == "service" and day > last)
        else:
            assert day in await stored_days()
    days = await stored_days()
    assert days == [days[0] + timedelta(days=n) for n in range(len(days))] if days else True
    assert all(d <= TODAY for d in days)
    assert await chain_verifies()


def test_the_cli_refuses_a_future_moment_with_a_readable_message_and_a_non_zero_exit(tmp_path):
    database = tmp_path / "days.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "ELDERCREDIT_DATA_DIR": str(tmp_path),
        "COLUMNS": "200",
    }

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "credit.cli", *args], env=env, capture_output=True, text=True, timeout=120
        )

    assert cli("migrate").returncode == 0
    future = cli("jobs", "run", "publish_disclosure", "--at", "2099-01-01T02:00:00+08:00")
    assert future.returncode == 1, future.stdout + future.stderr
    assert "the disclosure of 2099-01-01 cannot be published before that day" in future.stderr
    assert cli("jobs", "run", "publish_disclosure").returncode == 0
    verified = cli("disclosures", "verify", "--stored")
    assert verified.returncode == 0 and "verified" in verified.stdout, verified.stdout + verified.stderr


async def test_a_scheduler_started_after_the_publication_time_catches_up_at_once():
    late = build_scheduler(datetime(2026, 7, 3, 9, 0, tzinfo=settings.timezone))
    early = build_scheduler(datetime(2026, 7, 3, 1, 0, tzinfo=settings.timezone))
    late.start(paused=True)
    early.start(paused=True)
    try:
        catch_up = late.get_job("publish_disclosure-catch-up")
        assert catch_up is not None
        assert catch_up.args == ("publish_disclosure", datetime(2026, 7, 3, 2, 0, tzinfo=settings.timezone))
        assert early.get_job("publish_disclosure-catch-up") is None
    finally:
        late.shutdown(wait=False)
        early.shutdown(wait=False)
