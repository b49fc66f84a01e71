"""Orphaned evidence files (issue 18): the bytes of an upload whose row never committed (the process died between
writing the file and committing) are removed by the `evidence_cleanup` job once older than the grace period; a
file a row references is never removed, nor one young enough to belong to an upload in flight, nor anything under
EVIDENCE_DIR that is not a name the store writes. Real files, a real crash (a process killed inside the write).
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from credit.accounts.roles import Principal
from credit.evidence import jobs, service as evidence
from credit.records import repair
from credit.records.schemas import HomeRepairApplicationIn
from credit.scheduler import JOBS, run_job
from credit.settings import settings
from credit.validation import typed_from_text
from tests.factories import institution
from tests.institution.test_evidence_and_applications import PDF, penalty_of
from tests.live_server import ROOT, run_cli, server_env

THREE_DAYS = 3 * 24 * 3600
CRASH = """
import asyncio, os, sys
from credit.evidence import service as evidence

async def upload_then_die():
    files = evidence.check([evidence.Upload("缴款凭证.pdf", sys.stdin.buffer.read())])
    async with evidence.kept(files) as keys:
        print(keys[0], flush=True)
        os._exit(9)  # killed after the file is written, before any row commits

asyncio.run(upload_then_die())
"""


@pytest.fixture
def store(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "evidence"
    monkeypatch.setattr(evidence, "settings", dataclasses.replace(settings, evidence_dir=root))
    return root


def crashed_upload(root: Path) -> Path:
    """A process writes an evidence file and is killed before its transaction commits; the file it left."""
    run = subprocess.run(
        [sys.executable, "-c", CRASH],
        input=PDF,
        capture_output=True,
        env={**os.environ, "EVIDENCE_DIR": str(root), "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        timeout=60,
    )
    assert run.returncode == 9, run.stderr
    key = run.stdout.decode().strip()
    return root / key[:2] / key


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


async def referenced_file(root: Path) -> Path:
    """A repair application of a home with one evidence file, made through the service."""
    home = await institution(1)
    penalty = await penalty_of(home)
    own = Principal(user_id=0, username="home.user", role="institution", institution_uscc=home["uscc"])
    data = {
        "applicant_name": "张院长",
        "applicant_contact": "0519-81234567",
        "statement": "罚款已缴清",
        "obligations_met_on": penalty["decision_date"].isoformat(),
        "evidence": "缴款凭证",
        "agree": "1",
    }
    await repair.apply(
        penalty["id"], typed_from_text(HomeRepairApplicationIn, data), own, [evidence.Upload("缴款凭证.pdf", PDF)]
    )
    (stored,) = [p for p in root.rglob("*") if p.is_file()]
    return stored


async def test_an_orphan_past_the_grace_period_goes_and_everything_else_stays(db, store):
    kept = await referenced_file(store)
    orphan, in_flight = crashed_upload(store), crashed_upload(store)
    partial = store / "ab" / f"{'ab' * 24}.partial"  # a write cut off before its rename
    partial.parent.mkdir(exist_ok=True)
    partial.write_bytes(PDF[:10])
    foreign = store / "README.txt"
    foreign.write_text("operator's note")
    for path in (kept, orphan, partial, foreign):
        age(path, THREE_DAYS)

    result = await jobs.sweep()

    assert (result.removed, result.referenced, result.recent, result.foreign) == (2, 1, 1, 1)
    assert result.removed_bytes == len(PDF) + 10
    assert not orphan.exists() and not partial.exists()
    assert kept.read_bytes() == PDF and in_flight.exists() and foreign.exists()


async def test_a_referenced_file_is_never_removed_however_old(db, store):
    kept = await referenced_file(store)
    age(kept, 10 * 365 * 24 * 3600)

    result = await jobs.sweep(grace_hours=0)

    assert (result.removed, result.referenced) == (0, 1) and kept.read_bytes() == PDF


async def test_the_job_runs_once_per_day_across_replicas(db, store):
    age(crashed_upload(store), THREE_DAYS)
    moment = datetime(2026, 12, 3, 3, 30, tzinfo=settings.timezone)

    first, second = await run_job("evidence_cleanup", moment), await run_job("evidence_cleanup", moment)

    assert "evidence_cleanup" in JOBS and (first.status, second.status) == ("succeeded", "skipped")
    assert first.detail.startswith("1 orphaned files removed")
    assert [p for p in store.rglob("*") if p.is_file()] == []


def test_the_cli_runs_the_cleanup_and_reports_the_counts(tmp_path):
    root = tmp_path / "evidence"
    env = server_env(tmp_path, EVIDENCE_DIR=str(root), EVIDENCE_ORPHAN_GRACE_HOURS="1")
    run_cli(env, "migrate", timeout=120)
    old, young = crashed_upload(root), crashed_upload(root)
    age(old, 2 * 3600)

    output = " ".join(run_cli(env, "jobs", "run", "evidence_cleanup").split())

    assert re.search(r"evidence_cleanup: succeeded 1 orphaned files removed .* 1 unreferenced within", output)
    assert not old.exists() and young.exists()
