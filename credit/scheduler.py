"""The job table and the AsyncIOScheduler started in the app lifespan (one per process; runs are claimed)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from credit.disclosures import jobs as disclosure_jobs
from credit.evidence.jobs import remove_orphaned_evidence
from credit.feedback.jobs import erase_feedback_pii
from credit.listings.jobs import advance_list, detect_unrectified_fire_hazards
from credit.scheduling.service import RunOutcome, run_once
from credit.search.jobs import reindex_everything
from credit.settings import settings
from credit.supervision.jobs import confirm_publication_deadlines

RESCORE_MINUTES = settings.rescore_minutes
PUBLISH_CRON = settings.publish_cron


async def _advance_list(on: date) -> str:
    result = await advance_list(on)
    proposed = await detect_unrectified_fire_hazards(on)
    return (
        f"{len(result.listed)} listed, {len(result.expired)} expired, {len(result.confirmed)} deadlines "
        f"confirmed, {len(proposed)} behaviour-4 proposals, {len(result.waiting)} waiting for the official "
        f"calendar, {len(result.flagged)} flagged for review"
    )


async def _render_pages(on: date) -> str:
    from portal.public.stored_pages import render_stale_pages  # the portal renders; this table only schedules

    return await render_stale_pages(on)


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    description: str
    trigger: Callable[[], BaseTrigger]
    slot: Callable[[datetime], str]  # the run a fire time belongs to: replicas firing together share it
    work: Callable[[date], Awaitable[str]]


def _daily(moment: datetime) -> str:
    return moment.date().isoformat()


def _every_minutes(moment: datetime) -> str:
    return moment.replace(minute=moment.minute - moment.minute % RESCORE_MINUTES, second=0, microsecond=0).isoformat(
        timespec="minutes"
    )


JOBS = {
    job.name: job
    for job in (
        Job(
            "rescore",
            "rebuild the public rows not yet computed for today (writes rebuild theirs at once)",
            lambda: IntervalTrigger(minutes=RESCORE_MINUTES, timezone=settings.timezone),
            _every_minutes,
            disclosure_jobs.rescore_changed,
        ),
        Job(
            "render_pages",
            "render every home's public page ahead of visitors, where its stored copy is not current",
            lambda: IntervalTrigger(minutes=RESCORE_MINUTES, timezone=settings.timezone),
            _every_minutes,
            _render_pages,
        ),
        Job(
            "rescore_all",
            "rescore every institution (gradings lapse, penalty periods end)",
            lambda: CronTrigger(hour=1, minute=30, timezone=settings.timezone),
            _daily,
            disclosure_jobs.rescore_everything,
        ),
        Job(
            "publish_disclosure",
            "publish the signed daily disclosure",
            lambda: CronTrigger.from_crontab(PUBLISH_CRON, timezone=settings.timezone),
            _daily,
            disclosure_jobs.publish_disclosure,
        ),
        Job(
            "advance_list",
            "close objection windows, expire listings, propose behaviour 4",
            lambda: CronTrigger(hour=0, minute=10, timezone=settings.timezone),
            _daily,
            _advance_list,
        ),
        Job(
            "supervision_deadlines",
            "recount publication deadlines counted before the year's official calendar was loaded",
            lambda: CronTrigger(hour=0, minute=15, timezone=settings.timezone),
            _daily,
            confirm_publication_deadlines,
        ),
        Job(
            "retire_penalties",
            "take penalties past their publication end out of the public view",
            lambda: CronTrigger(hour=0, minute=20, timezone=settings.timezone),
            _daily,
            disclosure_jobs.retire_penalties,
        ),
        Job(
            "inspection_draw",
            "draw the monthly random inspection list (双随机)",
            lambda: CronTrigger(day=1, hour=3, minute=0, timezone=settings.timezone),
            lambda moment: moment.strftime("%Y-%m"),
            disclosure_jobs.draw_random_inspections,
        ),
        Job(
            "reindex",
            "rebuild the institution search index (names, pinyin, traditional forms, USCC)",
            lambda: CronTrigger(hour=1, minute=0, timezone=settings.timezone),
            _daily,
            reindex_everything,
        ),
        Job(
            "erase_feedback_pii",
            "erase complainants' name and phone 3 years after their feedback was closed",
            lambda: CronTrigger(hour=2, minute=30, timezone=settings.timezone),
            _daily,
            erase_feedback_pii,
        ),
        Job(
            "evidence_cleanup",
            "remove evidence files no record references, older than EVIDENCE_ORPHAN_GRACE_HOURS",
            lambda: CronTrigger(hour=3, minute=30, timezone=settings.timezone),
            _daily,
            remove_orphaned_evidence,
        ),
    )
}


async def run_job(name: str, moment: datetime | None = None, manual: bool = False) -> RunOutcome:
    """Run a job for the slot of `moment` (now by default). A manual run gets a slot of its own."""
    job = JOBS[name]
    moment = (moment or datetime.now(settings.timezone)).astimezone(settings.timezone)
    # A slot fits the 32 characters of job_run.slot: "manual-" + local time to the microsecond.
    slot = f"manual-{moment:%Y%m%dT%H%M%S.%f}" if manual else job.slot(moment)
    return await run_once(name, slot, lambda: job.work(moment.date()))


CATCH_UP_ON_START = ("publish_disclosure",)  # a replica that was down publishes the days it missed at once


def build_scheduler(now: datetime | None = None) -> AsyncIOScheduler:
    """Every job with a fixed id; a late job runs once (coalesce), however many slots it missed.

    A process that starts after today's publication time also runs today's publication at once (the same
    slot as the scheduled run, so it runs once across replicas): the job catches up every missed day in order.
    """
    scheduler = AsyncIOScheduler(
        timezone=settings.timezone, job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1}
    )
    now = (now or datetime.now(settings.timezone)).astimezone(settings.timezone)
    for job in JOBS.values():
        trigger = job.trigger()
        scheduler.add_job(run_job, trigger, args=[job.name], id=job.name, name=job.description, replace_existing=True)
        due = _todays_fire_time(trigger, now)
        if job.name in CATCH_UP_ON_START and due is not None:
            scheduler.add_job(
                run_job,
                DateTrigger(now, timezone=settings.timezone),
                args=[job.name, due],
                id=f"{job.name}-catch-up",
                name=f"{job.description} (catch-up at start)",
                replace_existing=True,
            )
    return scheduler


def _todays_fire_time(trigger: BaseTrigger, now: datetime) -> datetime | None:
    """Today's scheduled moment of a daily job when it has already passed, else None."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    fire = trigger.get_next_fire_time(None, midnight)
    return fire if fire is not None and fire.date() == now.date() and fire <= now else None
