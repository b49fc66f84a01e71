"""The `eldercredit listings ...` commands: see the list, take a step, bring the list up to date."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import msgspec
from rich.console import Console
from rich.table import Table as RichTable

console = Console()
errors = Console(stderr=True)

STEPS = ("notify", "object", "decide", "remove", "withdraw")


def add_listings_parser(commands: argparse._SubParsersAction) -> None:
    listings = commands.add_parser("listings", help="the joint-punishment list procedure")
    actions = listings.add_subparsers(dest="listings_command", required=True)
    show = actions.add_parser("list", help="entries, newest first")
    show.add_argument("--status", default="", help="only entries in this state")
    detail = actions.add_parser("show", help="one entry with its steps")
    detail.add_argument("entry", type=int)
    step = actions.add_parser("step", help="take a step: " + " | ".join(STEPS))
    step.add_argument("entry", type=int)
    step.add_argument("action", choices=STEPS)
    step.add_argument("--on", default=None, help="date of the step (default today)")
    step.add_argument("--text", default="", help="objection text")
    step.add_argument("--outcome", default="", help="decide: upheld | withdrawn")
    step.add_argument("--reason", default="", help="remove: expired | revoked_basis | error | court_removed")
    step.add_argument("--reasons", default="", help="reasons for a decision, removal or withdrawal")
    step.add_argument("--backdate-reason", default="", help="why a step dated before today is recorded late")
    step.add_argument(
        "--actor",
        required=True,
        help="the civil-affairs regulator account taking the step (its role and district apply)",
    )
    advance = actions.add_parser("advance", help="close objection windows, expire listings, detect behaviour 4")
    advance.add_argument("--on", type=date.fromisoformat, default=None, help="today or a past day (default today)")
    actions.add_parser(
        "recompute",
        help="recompute deadlines counted without the year's holiday notice; flag "
        "entries listed before the real deadline for review",
    )


def listings(args: argparse.Namespace) -> int:
    return {"list": _list, "show": _show, "step": _step, "advance": _advance, "recompute": _recompute}[
        args.listings_command
    ](args)


def _list(args: argparse.Namespace) -> int:
    from credit.listings.tables import ListingEntry

    async def rows():
        query = ListingEntry.select(
            ListingEntry.id,
            ListingEntry.status,
            ListingEntry.behaviour,
            ListingEntry.institution.name,
            ListingEntry.objection_deadline,
            ListingEntry.listed_on,
            ListingEntry.expires_on,
        ).order_by(ListingEntry.id, ascending=False)
        return await (query.where(ListingEntry.status == args.status) if args.status else query).run()

    table = RichTable(title="joint-punishment list entries")
    for column in ("id", "status", "behaviour", "institution", "objection deadline", "listed", "expires"):
        table.add_column(column)
    for row in asyncio.run(rows()):
        table.add_row(*[str(v or "") for v in row.values()])
    console.print(table)
    return 0


def _show(args: argparse.Namespace) -> int:
    from credit.errors import NotFound
    from credit.listings.service import entry_detail

    try:
        entry = asyncio.run(entry_detail(args.entry))
    except NotFound as error:
        errors.print(f"[red]{error}[/red]")
        return 1
    console.print(
        f"#{entry['id']} {entry['institution_name']} ({entry['uscc']}) — {entry['status']}; "
        f"behaviour {entry['behaviour']}: {entry['behaviour_label']}"
    )
    for step in entry["steps"]:
        console.print(
            f"  {step['on']}  {step['from_status'] or '—'} -> {step['to_status']}  by {step['actor']}  {step['reason']}"
        )
    return 0


async def regulator_named(username: str):
    """The principal of the active account `username`; Forbidden unless it is a civil-affairs regulator."""
    from credit.accounts.service import principal_for_user
    from credit.accounts.tables import User
    from credit.errors import Forbidden
    from credit.listings.service import require_civil_affairs

    row = await User.select(User.id).where(User.username == username).first().run()
    principal = await principal_for_user(row["id"]) if row else None
    if principal is None:
        raise Forbidden(f"--actor {username!r} is not an active account")
    return require_civil_affairs(principal)


def _step(args: argparse.Namespace) -> int:
    from credit.errors import DomainError
    from credit.listings import service
    from credit.listings.schemas import DecisionIn, ObjectionIn, RemovalIn, StepIn, WithdrawalIn
    from credit.validation import typed_from_text

    values = {
        "on": args.on,
        "text": args.text,
        "outcome": args.outcome,
        "reason": args.reason,
        "reasons": args.reasons,
        "backdate_reason": args.backdate_reason,
    }
    steps: dict[str, tuple[Callable[..., Awaitable[dict[str, Any]]], type[msgspec.Struct]]] = {
        "notify": (service.notify, StepIn),
        "object": (service.object_to, ObjectionIn),
        "decide": (service.decide, DecisionIn),
        "remove": (service.remove, RemovalIn),
        "withdraw": (service.withdraw, WithdrawalIn),
    }
    call, kind = steps[args.action]
    data = typed_from_text(kind, values)

    async def run():
        return await call(args.entry, data, await regulator_named(args.actor))

    try:
        entry = asyncio.run(run())
    except DomainError as error:
        errors.print(f"[red]Refused:[/red] {error}")
        return 1
    console.print(f"Entry {entry['id']} is now {entry['status']}.")
    return 0


def _advance(args: argparse.Namespace) -> int:
    from credit.listings.jobs import advance_list, detect_unrectified_fire_hazards
    from credit.timeutil import today

    on = args.on or today()
    if on > today():
        errors.print(
            f"[red]Refused:[/red] --on {on} is after today ({today()}); the list is never advanced ahead of time"
        )
        return 2

    async def run():
        return await advance_list(on), await detect_unrectified_fire_hazards(on)

    result, proposed = asyncio.run(run())
    console.print(
        f"{on}: {len(result.listed)} listed, {len(result.expired)} expired, "
        f"{len(result.confirmed)} deadlines confirmed, {len(proposed)} behaviour-4 proposals, "
        f"{len(result.waiting)} waiting for the official calendar, {len(result.flagged)} flagged for review."
    )
    _explain(result)
    return 0


def _explain(result) -> None:
    """One line per entry that is waiting or flagged, so that an operator sees why nothing happened."""
    for waiting in result.waiting:
        console.print(
            f"  entry {waiting.id}: objection deadline {waiting.deadline} is unconfirmed (no holiday notice "
            f"for its year loaded); not listed — it lists on {waiting.lists_from} if the notice is still "
            "missing then, or when the notice confirms the deadline",
            markup=False,
            highlight=False,
        )
    for entry_id in result.flagged:
        console.print(
            f"  entry {entry_id}: listed before the deadline of the official calendar; flagged for "
            "review, objection window reopened",
            markup=False,
            highlight=False,
        )


def _recompute(args: argparse.Namespace) -> int:
    from credit.listings.jobs import recompute_deadlines
    from credit.timeutil import today

    result = asyncio.run(recompute_deadlines(today()))
    console.print(f"{len(result.confirmed)} deadlines confirmed, {len(result.flagged)} flagged for review.")
    _explain(result)
    return 0
