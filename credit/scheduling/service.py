"""Exactly-once job runs across replicas: a run first claims its (job, slot) row; a second claimant skips."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from credit import db
from credit.metrics import JOB_RUNS
from credit.scheduling.tables import JobRun
from credit.timeutil import now_utc

log = logging.getLogger("credit.jobs")
STALE_AFTER = timedelta(hours=1)  # longer than any job runs


@dataclass(frozen=True, slots=True)
class RunOutcome:
    job: str
    slot: str
    status: str  # succeeded | failed | skipped
    detail: str = ""


async def claim(job: str, slot: str) -> int | None:
    """Insert the claim row; returns its id, or None when another process holds the slot.

    A claim whose run failed, or that is still "running" after STALE_AFTER (its process was killed),
    is taken over, so a crash does not cost the slot its run.
    """
    try:
        rows = await JobRun.insert(JobRun(job=job, slot=slot, started_at=now_utc(), status="running")).run()
    except Exception as error:  # the unique index answers a second claim with the engine's integrity error
        if not db.is_unique_violation(error):
            raise
        now = now_utc()
        rows = (
            await JobRun.update(
                {
                    JobRun.status: "running",
                    JobRun.started_at: now,
                    JobRun.finished_at: None,
                    JobRun.detail: "taken over",
                }
            )
            .where(
                (JobRun.job == job)
                & (JobRun.slot == slot)
                & (
                    (JobRun.status == "failed")
                    | ((JobRun.status == "running") & (JobRun.started_at < now - STALE_AFTER))
                )
            )
            .returning(JobRun.id)
            .run()
        )
        if not rows:
            return None
    return rows[0]["id"]


async def run_once(job: str, slot: str, work: Callable[[], Awaitable[Any]]) -> RunOutcome:
    """Run `work` if this process wins the claim on (job, slot); record and count the result.

    Never raises: a failure (also a database that cannot be reached) is logged, counted and returned, and
    the next scheduled run starts afresh.
    """
    started = time.perf_counter()
    try:
        run_id = await claim(job, slot)
    except Exception as error:
        JOB_RUNS.labels(job, "failed").inc()
        log.error("job %s (%s) could not claim its run: %s", job, slot, error, extra={"job": job})
        return RunOutcome(job, slot, "failed", f"claim failed: {type(error).__name__}")
    if run_id is None:
        JOB_RUNS.labels(job, "skipped").inc()
        log.info("job %s (%s) already claimed by another process", job, slot, extra={"job": job})
        return RunOutcome(job, slot, "skipped")
    try:
        detail = str(await work())
        status = "succeeded"
    except Exception as error:
        log.exception("job %s (%s) failed", job, slot, extra={"job": job})
        detail, status = f"{type(error).__name__}: {error}"[:2000], "failed"
    try:
        await (
            JobRun.update({JobRun.status: status, JobRun.finished_at: now_utc(), JobRun.detail: detail})
            .where(JobRun.id == run_id)
            .run()
        )
    except Exception:
        log.exception("job %s (%s) result could not be recorded", job, slot)
    JOB_RUNS.labels(job, status).inc()
    log.info(
        "job %s (%s) %s in %.0f ms: %s",
        job,
        slot,
        status,
        (time.perf_counter() - started) * 1000,
        detail[:200],
        extra={"job": job},
    )
    return RunOutcome(job, slot, status, detail)


async def last_runs() -> dict[str, dict[str, Any]]:
    """The latest run of each job."""
    rows = await JobRun.raw("SELECT * FROM job_run WHERE id IN (SELECT MAX(id) FROM job_run GROUP BY job)").run()
    return {r["job"]: r for r in rows}
