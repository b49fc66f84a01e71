"""`eldercredit disclosures verify|publish-first` and `eldercredit jobs run|list`."""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table as RichTable

console = Console()
errors = Console(stderr=True)


def add_parsers(commands: argparse._SubParsersAction) -> None:
    disclosures = commands.add_parser("disclosures", help="signed daily disclosures")
    actions = disclosures.add_subparsers(dest="disclosures_command", required=True)
    verify = actions.add_parser("verify", help="check a downloaded disclosure, or with --stored the whole chain")
    verify.add_argument("file", type=Path, nargs="?", help="the downloaded JSON (GET /api/v1/disclosures/DAY)")
    verify.add_argument("--signature", type=Path, help="the .sig file (default: FILE.sig)")
    verify.add_argument("--public-key", type=Path, help="the PEM public key (default: this server's key)")
    verify.add_argument("--previous", type=Path, help="the previous day's JSON, to check the chain link")
    verify.add_argument("--csv", type=Path, help="the day's CSV, to check it against the signed digest")
    verify.add_argument(
        "--stored",
        action="store_true",
        help="check every disclosure stored in the database: signatures, links, no holes, none ahead",
    )
    first = actions.add_parser("publish-first", help="publish today's disclosure when none has been published yet")
    first.set_defaults(first_only=True)
    jobs = commands.add_parser("jobs", help="scheduled jobs")
    job_actions = jobs.add_subparsers(dest="jobs_command", required=True)
    run = job_actions.add_parser("run", help="run a job now")
    run.add_argument("name")
    run.add_argument(
        "--at",
        type=_moment,
        metavar="ISO_DATETIME",
        help="run as the scheduled run of this moment (e.g. 2026-07-01T02:00:00+08:00): processes "
        "given the same moment share one claim, so only one of them runs the job",
    )
    job_actions.add_parser("list", help="next run times and the last result of each job")


def _moment(text: str) -> datetime:
    """An ISO 8601 date-time; one without an offset is read in the configured time zone."""
    from credit.settings import settings

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=settings.timezone)


def disclosures(args: argparse.Namespace) -> int:
    if args.disclosures_command == "publish-first":
        return _publish_first()
    from credit.disclosures.service import served_public_key
    from credit.disclosures.verify import check_file, check_stored_chain

    public_pem = args.public_key.read_bytes() if args.public_key else served_public_key()
    if args.stored:
        checks = asyncio.run(check_stored_chain(public_pem))
    elif args.file:
        signature_path = args.signature or args.file.with_name(args.file.name + ".sig")
        if not args.file.exists() or not signature_path.exists():
            errors.print(f"Need the file and its signature: {args.file}, {signature_path}")
            return 2
        checks = check_file(
            args.file.read_bytes(),
            signature_path.read_text(),
            public_pem,
            args.previous.read_bytes() if args.previous else None,
            args.csv.read_bytes() if args.csv else None,
        )
    else:
        errors.print("Give a downloaded disclosure FILE, or --stored")
        return 2
    for check in checks:
        console.print(f"{'OK  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
    failed = [c for c in checks if not c.ok]
    console.print("verified" if not failed else f"{len(failed)} check(s) failed")
    return 1 if failed else 0


def _publish_first() -> int:
    """A new installation's first disclosure, so /disclosures is not empty; later days are the scheduler's."""
    from credit.db import pooled
    from credit.disclosures.jobs import publish_disclosure
    from credit.disclosures.tables import Disclosure
    from credit.timeutil import today

    async def first() -> str | None:
        if await Disclosure.exists().run():
            return None
        return await publish_disclosure(today())

    outcome = asyncio.run(pooled(first()))
    console.print(outcome or "a disclosure is already published; nothing to do")
    return 0


def jobs(args: argparse.Namespace) -> int:
    from credit.db import pooled
    from credit.scheduler import JOBS, build_scheduler, run_job
    from credit.scheduling.service import last_runs

    if args.jobs_command == "run":
        if args.name not in JOBS:
            errors.print(f"Unknown job {args.name!r}; jobs: {', '.join(JOBS)}")
            return 2
        if args.at is None:
            outcome = asyncio.run(pooled(run_job(args.name, manual=True)))
        else:  # the scheduled run of that moment: a second process given the same moment skips
            outcome = asyncio.run(pooled(run_job(args.name, args.at, manual=False)))
        console.print(f"{outcome.job}: {outcome.status} {outcome.detail}")
        if outcome.status == "failed":  # e.g. a disclosure day after today: say why where scripts look
            errors.print(f"{outcome.job} did not run: {outcome.detail}")
        # With --at, "skipped" is a normal outcome: another process already has (or had) that run.
        return 0 if outcome.status == "succeeded" or (args.at and outcome.status == "skipped") else 1

    async def listing():
        scheduler = build_scheduler()
        scheduler.start(paused=True)
        next_times = {job.id: job.next_run_time for job in scheduler.get_jobs()}
        scheduler.shutdown(wait=False)
        return next_times, await last_runs()

    next_times, last = asyncio.run(listing())
    table = RichTable(title="jobs")
    for column in ("job", "next run", "last run", "result", "detail"):
        table.add_column(column)
    for name, job in JOBS.items():
        run = last.get(name) or {}
        table.add_row(
            name,
            str(next_times.get(name) or ""),
            str(run.get("started_at") or ""),
            run.get("status", ""),
            (run.get("detail") or job.description)[:80],
        )
    console.print(table)
    return 0
