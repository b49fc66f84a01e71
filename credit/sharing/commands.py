"""`eldercredit agencies key|revoke|list`: the agencies' API keys (a new key is shown once)."""

from __future__ import annotations

import argparse
import asyncio

from rich.console import Console
from rich.table import Table as RichTable

console = Console()
errors = Console(stderr=True)


def add_agencies_parser(commands: argparse._SubParsersAction) -> None:
    agencies = commands.add_parser("agencies", help="the seven agencies' API keys")
    actions = agencies.add_subparsers(dest="agencies_command", required=True)
    key = actions.add_parser("key", help="issue a key for an agency; printed once")
    key.add_argument("agency", help="agency code, e.g. fire_rescue")
    key.add_argument("--actor", default="cli")
    revoke = actions.add_parser("revoke", help="revoke a key by its prefix (the first 12 characters)")
    revoke.add_argument("prefix")
    revoke.add_argument("--actor", default="cli")
    actions.add_parser("list", help="agencies and their keys, with the last time each was used")


def agencies(args: argparse.Namespace) -> int:
    from credit.errors import NotFound
    from credit.seeding import ensure_agencies
    from credit.sharing import keys

    async def run():
        await ensure_agencies()
        if args.agencies_command == "key":
            return await keys.issue_key(args.agency, args.actor)
        if args.agencies_command == "revoke":
            return await keys.revoke_key(args.prefix, args.actor)
        return await keys.list_keys()

    try:
        result = asyncio.run(run())
    except NotFound as error:
        errors.print(f"[red]{error}[/red]")
        return 1
    if args.agencies_command == "key":
        console.print(f"Key for {args.agency} (shown once, store it now):\n{result.key}")
    elif args.agencies_command == "revoke":
        console.print(f"Revoked {result} key(s) with prefix {args.prefix}.")
    else:
        table = RichTable(title="agency keys")
        for column in ("agency", "prefix", "created", "last used", "revoked"):
            table.add_column(column)
        for row in result:
            table.add_row(
                row["agency"],
                row["prefix"],
                str(row["created_at"])[:19],
                str(row["last_used_at"] or "")[:19],
                str(row["revoked_at"] or "")[:19],
            )
        console.print(table)
    return 0
