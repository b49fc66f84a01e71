"""The later life of an account: list and revoke its API tokens, change its password, deactivate it.

Each write is one transaction with its audit entry. A deactivated user's sessions and tokens stop
working on their next request (every request re-reads the user), and deactivation also revokes every
token, so nothing comes back if the account is ever switched on again.
"""

from __future__ import annotations

import asyncio
from typing import Any

from credit import db
from credit.accounts.password_policy import password_problems
from credit.accounts.passwords import hash_password, verify_password
from credit.accounts.tables import ApiToken, User
from credit.audit import service as audit
from credit.errors import FieldError, NotFound, ValidationFailed
from credit.reasons import Reason
from credit.timeutil import now_utc


async def _user(username: str) -> dict[str, Any]:
    row = (
        await User.select(User.id, User.username, User.active, User.password_hash)
        .where(User.username == username.strip())
        .first()
        .run()
    )
    if row is None:
        raise NotFound(f"no user {username!r}")
    return row


def token_state(row: dict[str, Any], now=None) -> str:
    """ "revoked", "expired" or "active"."""
    now = now or now_utc()
    if row["revoked_at"] is not None:
        return "revoked"
    if row["expires_at"] is None or row["expires_at"] <= now:
        return "expired"
    return "active"


async def list_tokens(username: str) -> list[dict[str, Any]]:
    """The user's API tokens, oldest first: {id, prefix, created_at, expires_at, last_used_at, revoked_at,
    state}. Never the token itself (it is not stored). Raises NotFound for an unknown user."""
    user = await _user(username)
    rows = (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.prefix,
            ApiToken.created_at,
            ApiToken.expires_at,
            ApiToken.last_used_at,
            ApiToken.revoked_at,
        )
        .where(ApiToken.user == user["id"])
        .order_by(ApiToken.id)
        .run()
    )
    now = now_utc()
    return [{**row, "state": token_state(row, now)} for row in rows]


async def revoke_tokens(username: str, *, token_id: int | None = None, actor: str) -> list[int]:
    """Revoke one token of the user (`token_id`) or, without it, every unrevoked one; they stop working
    at once. Returns the ids revoked now (an already revoked token is not revoked again). Raises NotFound
    for an unknown user, or a token id that is not this user's."""
    user = await _user(username)
    async with db.transaction():
        query = ApiToken.select(ApiToken.id, ApiToken.prefix, ApiToken.revoked_at).where(ApiToken.user == user["id"])
        if token_id is not None:
            query = query.where(ApiToken.id == token_id)
        rows = await query.order_by(ApiToken.id).run()
        if token_id is not None and not rows:
            raise NotFound(f"user {username!r} has no API token {token_id}")
        revoked = await _revoke(rows, user["username"], actor)
    return revoked


async def _revoke(rows: list[dict[str, Any]], username: str, actor: str) -> list[int]:
    """Inside the caller's transaction: revoke the rows not yet revoked, one audit entry each."""
    now = now_utc()
    ids = [row["id"] for row in rows if row["revoked_at"] is None]
    if ids:
        await ApiToken.update({ApiToken.revoked_at: now}).where(ApiToken.id.is_in(ids)).run()
    for row in rows:
        if row["id"] in ids:
            await audit.record(
                actor, "token.revoke", "api_token", row["id"], {"user": username, "prefix": row["prefix"]}
            )
    return ids


async def deactivate_user(username: str, *, actor: str, reason: str = "") -> bool:
    """Switch the user off: no sign-in, every session and token refused from the next request, every token
    revoked. Returns False when the user was already deactivated (nothing written). Raises NotFound."""
    user = await _user(username)
    if not user["active"]:
        return False
    async with db.transaction():
        now = now_utc()
        changed = (
            await User.update({User.active: False, User.deactivated_at: now, User.home_slot: None})
            .where((User.id == user["id"]) & User.active.eq(True))
            .returning(User.id)
            .run()
        )
        if not changed:
            return False  # someone else deactivated it a moment ago
        tokens = (
            await ApiToken.select(ApiToken.id, ApiToken.prefix, ApiToken.revoked_at)
            .where(ApiToken.user == user["id"])
            .run()
        )
        revoked = await _revoke(tokens, user["username"], actor)
        await audit.record(
            actor,
            "user.deactivate",
            "user",
            user["id"],
            {
                "before": {"active": True},
                "after": {"active": False, "deactivated_at": now},
                "tokens_revoked": revoked,
                "reason": reason,
            },
        )
    return True


async def change_password(username: str, current_password: str, new_password: str, *, actor: str) -> None:
    """Replace the user's password after checking the current one. Raises ValidationFailed naming the
    field (current_password wrong; new_password breaking a policy rule, one error per rule) or NotFound.
    Nothing is written when it raises."""
    user = await _user(username)
    errors: list[FieldError] = []
    if not user["active"] or not await asyncio.to_thread(verify_password, user["password_hash"], current_password):
        errors.append(FieldError("current_password", Reason("not_current_password")))
    errors.extend(FieldError("new_password", reason) for reason in password_problems(new_password, username))
    if not errors and new_password == current_password:
        errors.append(FieldError("new_password", Reason("password_unchanged")))
    if errors:
        raise ValidationFailed(errors)
    password_hash = await asyncio.to_thread(hash_password, new_password)
    async with db.transaction():
        await (
            User.update({User.password_hash: password_hash, User.must_change_password: False})
            .where(User.id == user["id"])
            .run()
        )
        await audit.record(actor, "user.password_change", "user", user["id"], {})
