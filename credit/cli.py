"""The `eldercredit` command line: serve, migrate, seed, import."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table as RichTable

from credit.accounts.commands import add_users_parser, users
from credit.db import is_missing_schema
from credit.disclosures.commands import add_parsers as add_disclosure_parsers, disclosures, jobs
from credit.listings.commands import add_listings_parser, listings
from credit.sharing.commands import add_agencies_parser, agencies
from credit.supervision.commands import add_draw_parser, draw

console = Console()
errors = Console(stderr=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eldercredit", description="Eldercare institution credit system")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the web app (portal, workspace, API)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--migrate", action="store_true", help="apply pending migrations first")

    commands.add_parser("migrate", help="apply pending database migrations")

    seed = commands.add_parser("seed", help="load a data set")
    seed.add_argument("--demo", action="store_true", help="the demo city (常州, about 300 institutions)")
    seed.add_argument("--seed", type=int, default=2020, help="random seed; the same seed gives the same city")
    seed.add_argument("--count", type=int, default=300, help="number of institutions")
    seed.add_argument("--as-of", type=date.fromisoformat, default=None, help="reference date (default today)")
    seed.add_argument("--if-empty", action="store_true", help="do nothing when institutions exist")

    load = commands.add_parser("import", help="import institutions or penalties from .xlsx or .csv")
    load.add_argument("file", type=Path)
    load.add_argument("--actor", default="cli-import", help="name recorded in the audit log")

    # Accounts and audit.
    add_users_parser(commands)
    add_listings_parser(commands)
    add_disclosure_parsers(commands)
    add_agencies_parser(commands)
    add_draw_parser(commands)
    audit = commands.add_parser("audit", help="the audit log")
    audit_actions = audit.add_subparsers(dest="audit_command", required=True)
    audit_actions.add_parser("verify", help="check every entry's hash chain; exit 1 at the first broken link")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from credit.listings.calendar import CalendarFileError, load_extra_years

    try:
        load_extra_years()  # a bad calendar file stops every command, named with its line
    except CalendarFileError as error:
        errors.print(f"Calendar file refused: {error}", markup=False, highlight=False)
        return 2
    handler = {
        "serve": _serve,
        "migrate": _migrate,
        "seed": _seed,
        "import": _import,
        "users": users,
        "audit": _audit,
        "listings": listings,
        "disclosures": disclosures,
        "jobs": jobs,
        "agencies": agencies,
        "draw": draw,
    }[args.command]
    try:
        return handler(args) or 0
    except Exception as error:
        if not is_missing_schema(error):
            raise
        errors.print("The database has no tables yet: run `eldercredit migrate` first.", markup=False)
        return 2


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.migrate:
        _migrate(args)
    from credit.settings import settings

    # uvicorn believes X-Forwarded-For/-Proto only from TRUSTED_PROXIES too (its default trusts 127.0.0.1).
    uvicorn.run(
        "credit.asgi:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        forwarded_allow_ips=[str(n) for n in settings.trusted_proxies],
        log_config=None,
    )
    return 0


def _migrate(_: argparse.Namespace) -> int:
    from credit.migrate import MigrationFailed, migrate

    try:
        asyncio.run(migrate())
    except MigrationFailed as error:
        errors.print(f"[red]Migration failed:[/red] {error}")
        return 1
    except Exception as error:  # the database refused a statement; each migration rolled back as a whole
        errors.print(f"[red]Migration failed:[/red] {type(error).__name__}: {error}")
        return 1
    console.print("Database is up to date.")
    return 0


def _seed(args: argparse.Namespace) -> int:
    if not args.demo:
        errors.print("Say which data set to load: --demo")
        return 2
    from credit.demo import build_demo_city, level_mix
    from credit.registry.service import count_institutions
    from credit.seeding import load_city
    from credit.timeutil import today
    from scoring import policy_for

    as_of = args.as_of or today()
    city = build_demo_city(args.seed, as_of, args.count)

    async def run():
        if args.if_empty and await count_institutions():
            return None
        return await load_city(city, as_of)

    result = asyncio.run(run())
    if result is None:
        console.print("The database already holds institutions; demo city not loaded.")
        return 0
    console.print(
        f"Demo city: {result.institutions} institutions added "
        f"({result.skipped_institutions} already there), {result.records} records, "
        f"{result.listings} list entries."
    )
    mix = level_mix(city, as_of)
    homes = sum(mix.values()) or 1
    console.print(
        f"Level mix on {as_of} (policy {policy_for(as_of).version}): "
        + ", ".join(f"{level} {n} ({100 * n / homes:.0f} %)" for level, n in mix.items())
    )
    for username, password in result.passwords.items():
        console.print(f"  user [bold]{username}[/bold]  password [bold]{password}[/bold]  (shown once)")
    return 0


def _import(args: argparse.Namespace) -> int:
    from credit.importer.reader import UnreadableFile
    from credit.importer.service import import_file

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=errors,
        transient=True,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def report(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(phase, total=total)
            progress.update(tasks[phase], completed=done)

        try:
            result = asyncio.run(import_file(args.file, args.actor, report))
        except UnreadableFile as error:
            errors.print(f"[red]Cannot import {args.file}:[/red] {error}")
            return 2
    if result.ok:
        console.print(f"Imported {result.written} {result.kind} from {args.file}.")
        return 0
    table = RichTable(title=f"{len(result.problems)} problems in {args.file}; nothing was imported")
    for column in ("row", "column", "value", "reason"):
        table.add_column(column)
    for problem in result.problems:
        table.add_row(
            str(problem.row), problem.column, "" if problem.value is None else str(problem.value), problem.reason
        )
    errors.print(table)
    return 1


def _audit(_: argparse.Namespace) -> int:
    from credit.audit.service import verify

    checked, broken = asyncio.run(verify())
    if broken is None:
        console.print(f"{checked} entries verified, chain intact")
        return 0
    errors.print(
        f"Audit chain broken at entry {broken.seq}: {broken.reason} ({checked} entries before it verified)",
        markup=False,
        highlight=False,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
