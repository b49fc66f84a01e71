"""The other scheduled jobs: retiring penalties, the random inspection draw, manual runs."""

from __future__ import annotations

from datetime import date, datetime

from credit.demo import build_demo_city
from credit.disclosures.jobs import draw_random_inspections, retire_penalties
from credit.records.tables import Penalty
from credit.scheduler import run_job
from credit.scheduling.tables import JobRun
from credit.seeding import load_city
from credit.settings import settings
from credit.sharing.tables import ChangeEvent
from credit.supervision.draw import pick_homes, verify
from credit.supervision.tables import InspectionDraw

AS_OF = date(2026, 6, 30)


async def test_penalties_past_their_publication_end_are_retired_once_with_a_feed_event(db):
    await load_city(build_demo_city(21, AS_OF, count=60), AS_OF)
    message = await retire_penalties(AS_OF)
    retired = await Penalty.count().where(Penalty.retired_on.is_not_null()).run()
    assert retired > 0 and message.startswith(f"{retired} ")
    assert (
        await ChangeEvent.count().where((ChangeEvent.type == "penalty") & (ChangeEvent.op == "retired")).run()
        == retired
    )
    assert (await retire_penalties(AS_OF)).startswith("0 ")
    still_public = await Penalty.select().where(Penalty.retired_on.is_null() & Penalty.revoked.eq(False)).run()
    assert all(p["decision_date"] > date(2023, 6, 30) for p in still_public)


async def test_the_monthly_draw_is_stored_with_its_seed_and_can_be_redone_from_it(db):
    await load_city(build_demo_city(22, AS_OF, count=80), AS_OF)
    message = await draw_random_inspections(AS_OF)
    stored = await InspectionDraw.select().output(load_json=True).first().run()
    assert stored["month"] == "2026-06" and message.startswith("2026-06:")
    assert (await verify("2026-06")).matches
    assert "already drawn" in await draw_random_inspections(AS_OF)


def test_a_homes_are_drawn_less_often_than_b_and_c_and_d_more_under_2026():
    # SAMR 国市监信发〔2022〕6号 (graded supervision by credit risk): the weights of policy 2026.1.
    import random
    from collections import Counter

    from scoring import load_policy

    rules = load_policy("2026.1").inspection_draw
    homes = [{"uscc": f"{level}{n}", "credit_level": level} for level in "ABCD" for n in range(25)]
    rnd, drawn = random.Random(15), Counter()
    for _ in range(400):
        picked = pick_homes(rnd, homes, rules)
        assert len(picked) == 5 == len({h["uscc"] for h in picked})  # 5 % of 100, never twice
        drawn.update(h["credit_level"] for h in picked)
    assert drawn["A"] < drawn["B"] < drawn["C"] < drawn["D"]
    assert drawn["A"] > 0  # an A home still has a chance


async def test_a_manual_run_is_recorded_beside_the_scheduled_ones(db):
    outcome = await run_job("retire_penalties", datetime(2026, 6, 30, 9, 0, tzinfo=settings.timezone), manual=True)
    again = await run_job("retire_penalties", datetime(2026, 6, 30, 9, 0, tzinfo=settings.timezone), manual=True)
    assert outcome.status == "succeeded" and again.status == "skipped"
    assert (await JobRun.select().first().run())["slot"].startswith("manual-")


def test_jobs_run_at_a_moment_is_that_scheduled_run_so_a_second_process_skips_it(tmp_path):
    import os
    import sqlite3
    import subprocess
    import sys

    database = tmp_path / "jobs.sqlite3"
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
    first = cli("jobs", "run", "retire_penalties", "--at", "2026-07-01T00:20:00+08:00")
    second = cli("jobs", "run", "retire_penalties", "--at", "2026-07-01T00:20:00+08:00")
    assert first.returncode == 0 and "succeeded" in first.stdout, first.stdout + first.stderr
    assert second.returncode == 0 and "skipped" in second.stdout, second.stdout + second.stderr
    manual = cli("jobs", "run", "retire_penalties")  # without --at: a manual run with a slot of its own
    assert manual.returncode == 0 and "succeeded" in manual.stdout, manual.stdout + manual.stderr
    bad = cli("jobs", "run", "retire_penalties", "--at", "yesterday")
    assert bad.returncode == 2 and "not an ISO date-time" in bad.stderr
    with sqlite3.connect(database) as connection:
        slots = [
            row[0] for row in connection.execute("SELECT slot FROM job_run WHERE job = 'retire_penalties' ORDER BY id")
        ]
    assert slots[0] == "2026-07-01" and len(slots) == 2 and slots[1].startswith("manual-")
