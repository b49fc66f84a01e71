"""The `eldercredit users ...` commands: create and deactivate users, issue (secrets shown once), list and
revoke their API tokens."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from rich.console import Console

from credit.accounts.roles import INSTITUTION, ROLES

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
    create.add_argument(
        "--uscc", default="", help="the home's USCC (institution only); its user sets a password at the first sign-in"
    )
    create.add_argument("--display-name", default="")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    create.add_argument("--actor", default="cli", help="name recorded in the audit log")
    token = actions.add_parser("token", help="issue a bearer API token for a user; printed once")
    token.add_argument("username")
    token.add_argument("--actor", default="cli", help="name recorded in the audit log")
    deactivate = actions.add_parser(
        "deactivate", help="switch a user off: no sign-in, sessions and tokens refused at once, tokens revoked"
    )
    deactivate.add_argument("username")
    deactivate.add_argument("--reason", default="", help="why, for the audit log")
    deactivate.add_argument("--actor", default="cli", help="name recorded in the audit log")
    tokens = actions.add_parser("tokens", help="list or revoke a user's API tokens")
    token_actions = tokens.add_subparsers(dest="tokens_command", required=True)
    listing = token_actions.add_parser("list", help="id, prefix, created, expires, last used, state (never the token)")
    listing.add_argument("username")
    revoke = token_actions.add_parser("revoke", help="revoke one token (--token-id) or all (--all), at once")
    revoke.add_argument("username")
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("--token-id", type=int, help="the id shown by `users tokens list`")
    which.add_argument("--all", action="store_true", help="every token of the user")
    revoke.add_argument("--actor", default="cli", help="name recorded in the audit log")


def users(args: argparse.Namespace) -> int:
    if args.users_command == "tokens":
        return {"list": _tokens_list, "revoke": _tokens_revoke}[args.tokens_command](args)
    return {"create": _create, "token": _token, "deactivate": _deactivate}[args.users_command](args)


def _say(console_: Console, text: str) -> None:
    console_.print(text, markup=False, highlight=False, soft_wrap=True)


def _create(args: argparse.Namespace) -> int:
    from credit.accounts import service
    from credit.accounts.passwords import generate_password
    from credit.errors import Duplicate, ValidationFailed

    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else generate_password(args.username)
    try:
        user = asyncio.run(
            service.create_user(
                args.username,
                args.role,
                password,
                district_code=args.district,
                agency_code=args.agency,
                institution_uscc=args.uscc,
                display_name=args.display_name,
                must_change_password=args.role == INSTITUTION,
                actor=args.actor,
            )
        )
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
    if args.role == INSTITUTION:
        console.print(
            "The home's user must replace this password at the first sign-in (/login, then /my).",
            markup=False,
            highlight=False,
        )
    return 0


def _token(args: argparse.Namespace) -> int:
    from credit.accounts import service
    from credit.errors import NotFound

    try:
        issued = asyncio.run(service.issue_token(args.username, actor=args.actor))
    except NotFound as missing:
        errors.print(f"No token issued: {missing}.", markup=False, highlight=False)
        return 1
    expires = issued.expires_at.isoformat(timespec="minutes")
    console.print(
        f"API token for {args.username} (shown once; prefix {issued.prefix}; expires {expires}):",
        markup=False,
        highlight=False,
    )
    console.print(issued.token, markup=False, highlight=False, soft_wrap=True)
    return 0


class _Refused(Exception):
    """The account command could not run; its message has been printed."""


def _run_for_user(coroutine: Any, refused: str) -> Any:
    """Run one lifecycle call; an unknown user is reported as `refused: <reason>.` on stderr (exit 1)."""
    from credit.errors import NotFound

    try:
        return asyncio.run(coroutine)
    except NotFound as missing:
        _say(errors, f"{refused}: {missing}.")
        raise _Refused from None


def _deactivate(args: argparse.Namespace) -> int:
    from credit.accounts.lifecycle import deactivate_user

    try:
        changed = _run_for_user(deactivate_user(args.username, actor=args.actor, reason=args.reason), "Not deactivated")
    except _Refused:
        return 1
    if not changed:
        _say(console, f"User {args.username} was already deactivated; nothing changed.")
        return 0
    _say(console, f"Deactivated {args.username}: sign-in refused, sessions and API tokens stop working now.")
    return 0


def _when(value) -> str:
    return value.isoformat(timespec="minutes") if value is not None else "never"


def _tokens_list(args: argparse.Namespace) -> int:
    from credit.accounts.lifecycle import list_tokens

    try:
        rows = _run_for_user(list_tokens(args.username), "No tokens listed")
    except _Refused:
        return 1
    if not rows:
        _say(console, f"{args.username} has no API tokens.")
        return 0
    line = "{:>6}  {:<12}  {:<22}  {:<22}  {:<22}  {}"
    _say(console, line.format("id", "prefix", "created", "expires", "last used", "state"))
    for row in rows:  # plain columns, never cut: operators read them and scripts parse them
        _say(
            console,
            line.format(
                row["id"],
                row["prefix"],
                _when(row["created_at"]),
                _when(row["expires_at"]),
                _when(row["last_used_at"]),
                row["state"],
            ),
        )
    return 0


def _tokens_revoke(args: argparse.Namespace) -> int:
    from credit.accounts.lifecycle import revoke_tokens

    try:
        revoked = _run_for_user(
            revoke_tokens(args.username, token_id=args.token_id, actor=args.actor), "Nothing revoked"
        )
    except _Refused:
        return 1
    if not revoked:
        _say(console, f"No live token to revoke for {args.username}; nothing changed.")
        return 0
    _say(
        console,
        f"Revoked {len(revoked)} API token(s) of {args.username} "
        f"(id {', '.join(map(str, revoked))}); they stop working now.",
    )
    return 0
