"""The `eldercredit users ...` commands: create a user, issue an API token (secrets shown once)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from rich.console import Console

from credit.accounts.roles import ROLES

console = Console()
errors = Console(stderr=True)


def add_users_parser(commands: argparse._SubParsersAction) -> None:
    users = commands.add_parser("users", help="workspace users and their API tokens")
    actions = users.add_subparsers(dest="users_command", required=True)
    create = actions.add_parser("create", help="create a user; prints a generated password once")
    create.add_argument("username")
    create.add_argument("--role", required=True, help=" | ".join(ROLES))
    create.add_argument("--district", default="", help="district code (district_regulator only)")
    create.add_argument("--agency", default="", help="agency code (agency_officer only)")
    create.add_argument("--display-name", default="")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    create.add_argument("--actor", default="cli", help="name recorded in the audit log")
    token = actions.add_parser("token", help="issue a bearer API token for a user; printed once")
    token.add_argument("username")
    token.add_argument("--actor", default="cli", help="name recorded in the audit log")


def users(args: argparse.Namespace) -> int:
    return {"create": _create, "token": _token}[args.users_command](args)


def _create(args: argparse.Namespace) -> int:
    from credit.accounts import service
    from credit.accounts.passwords import generate_password
    from credit.errors import Duplicate, ValidationFailed

    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else generate_password()
    try:
        user = asyncio.run(service.create_user(
            args.username, args.role, password, district_code=args.district, agency_code=args.agency,
            display_name=args.display_name, actor=args.actor))
    except ValidationFailed as failed:
        errors.print(f"User {args.username!r} not created:", markup=False, highlight=False)
        for error in failed.errors:
            errors.print(f"  {error.field}: {error.reason}", markup=False, highlight=False)
        return 1
    except Duplicate:
        errors.print(f"User {args.username!r} not created: that username is taken.", markup=False, highlight=False)
        return 1
    console.print(f"Created user {user['username']} ({user['role']}).", markup=False, highlight=False)
    if not args.password_stdin:
        console.print(f"Password (shown once): {password}", markup=False, highlight=False)
    return 0


def _token(args: argparse.Namespace) -> int:
    from credit.accounts import service
    from credit.errors import NotFound

    try:
        issued = asyncio.run(service.issue_token(args.username, actor=args.actor))
    except NotFound as missing:
        errors.print(f"No token issued: {missing}.", markup=False, highlight=False)
        return 1
    console.print(f"API token for {args.username} (shown once; prefix {issued.prefix}):", markup=False,
                  highlight=False)
    console.print(issued.token, markup=False, highlight=False, soft_wrap=True)
    return 0
