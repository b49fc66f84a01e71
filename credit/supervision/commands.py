"""`eldercredit draw verify MONTH`: redo a stored draw from its seed and the snapshot it names."""

from __future__ import annotations

import argparse
import asyncio

from rich.console import Console

console = Console()
errors = Console(stderr=True)


def add_draw_parser(commands: argparse._SubParsersAction) -> None:
    draw = commands.add_parser("draw", help="the monthly random inspection draw (双随机)")
    actions = draw.add_subparsers(dest="draw_command", required=True)
    verify = actions.add_parser("verify", help="recompute a draw from its seed and snapshot; exit 1 on a mismatch")
    verify.add_argument("month", help="YYYY-MM")


def draw(args: argparse.Namespace) -> int:
    from credit.supervision.draw import DrawNotFound, verify

    try:
        result = asyncio.run(verify(args.month))
    except DrawNotFound:
        errors.print(f"No draw is stored for {args.month}.", markup=False)
        return 1
    if result.matches:
        console.print(f"{args.month}: match (seed and snapshot give the stored draw)", markup=False)
        return 0
    console.print(f"{args.month}: mismatch", markup=False)
    if not result.snapshot_intact:
        console.print("  the stored snapshot does not match its digest", markup=False)
    for label, homes in (
        ("drawn then, not now", result.missing),
        ("drawn now, not then", result.extra),
        ("other inspectors", result.other_teams),
    ):
        if homes:
            console.print(f"  {label}: {', '.join(homes)}", markup=False)
    return 1
