"""Account operations: create and deactivate users, sign in (throttled), issue, list, expire and revoke
API tokens, change passwords.

Every write runs in one transaction with its audit entry. Passwords are argon2 (hashed off the event
loop) and must pass the password policy; API tokens are shown once, stored as a SHA-256 hash with a
short prefix, and expire `settings.token_ttl_days` after they were issued.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from credit import db
from credit.accounts.password_policy import password_problems
from credit.accounts.passwords import hash_password, verify_password
from credit.accounts.roles import AGENCY_OFFICER, DISTRICT_REGULATOR, INSTITUTION, ROLES, Principal
from credit.accounts.tables import ApiToken, User
from credit.accounts.throttle import ClientThrottled, LoginThrottle
from credit.audit import service as audit
from credit.errors import DomainError, Duplicate, FieldError, NotFound, ValidationFailed
from credit.reasons import Reason
from credit.registry.districts import is_known_district
from credit.registry.tables import Institution
from credit.settings import settings
from credit.sharing.tables import Agency
from credit.timeutil import now_utc

TOKEN_PREFIX = "ect_"
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)  # last_used_at is refreshed at most this often
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so a miss costs as much time as a wrong password."""
    return hash_password(secrets.token_urlsafe(16))


class InvalidCredentials(DomainError):
    """The username is unknown, the account is inactive, or the password is wrong (deliberately not said which)."""


class TooManyFailedLogins(DomainError):
    """This client failed too often for this account; `until` is when it may try again (UTC). Other
    clients can still sign in to the account (see credit.accounts.throttle)."""

    def __init__(self, until: datetime):
        self.until = until
        super().__init__(
            f"too many failed sign-ins from this address; try again after {until.isoformat(timespec='minutes')}"
        )


class TokenExpired(DomainError):
    """A bearer token that was valid has passed its `expires_at` (UTC)."""

    def __init__(self, expires_at: datetime | None):
        self.expires_at = expires_at
        when = f" on {expires_at.isoformat(timespec='minutes')}" if expires_at else ""
        super().__init__(
            f"this API token expired{when}; ask an administrator for a new one (eldercredit users token USERNAME)"
        )


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A freshly issued API token; `token` is the only copy of the secret."""

    token_id: int
    token: str
    prefix: str
    expires_at: datetime


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _principal_columns():
    return (
        User.id,
        User.username,
        User.role,
        User.district_code,
        User.agency.code.as_alias("agency_code"),
        User.institution_uscc,
        User.must_change_password,
    )


def _principal(row: dict[str, Any], via: Literal["session", "token", "key"]) -> Principal:
    return Principal(
        user_id=row["id"],
        username=row["username"],
        role=row["role"],
        district_code=row["district_code"] or "",
        agency_code=row["agency_code"] or "",
        via=via,
        institution_uscc=row["institution_uscc"] or "",
        password_change_required=bool(row["must_change_password"]),
    )


# A creation that loses a race for a home's free slot looks again this many times in all.
HOME_SLOT_ATTEMPTS = 3


async def create_user(
    username: str,
    role: str,
    password: str,
    *,
    district_code: str = "",
    agency_code: str = "",
    institution_uscc: str = "",
    display_name: str = "",
    must_change_password: bool = False,
    actor: str,
) -> dict[str, Any]:
    """Store a new user with an argon2 hash of `password`.

    Returns {id, username, role, district_code, agency_code, institution_uscc}. Raises ValidationFailed (every bad
    field: unknown role, a district regulator without a known district, an agency officer without an existing
    agency, an institution user without a registered home or past the home's `INSTITUTION_USERS_MAX` active
    accounts, a district, agency or home given to a role that has none, a malformed username, a password that
    breaks the password policy: one error per broken rule) or Duplicate (username taken). Nothing is written when
    it raises.
    """
    username, district_code = username.strip(), district_code.strip()
    agency_code, institution_uscc = agency_code.strip(), institution_uscc.strip().upper()
    errors = _role_binding_problems(role, district_code, agency_code, institution_uscc)
    if not USERNAME.fullmatch(username):
        errors.insert(
            0,
            FieldError(
                "username",
                Reason("username_shape"),
                username,
            ),
        )
    errors.extend(FieldError("password", reason) for reason in password_problems(password, username))
    agency_id = None
    if role == AGENCY_OFFICER:
        agency = await Agency.select(Agency.id).where(Agency.code == agency_code).first().run() if agency_code else None
        if agency is None:
            errors.append(
                FieldError(
                    "agency_code",
                    Reason("unknown_agency_code") if agency_code else Reason("agency_code_needed"),
                    agency_code,
                )
            )
        else:
            agency_id = agency["id"]
    if errors:
        raise ValidationFailed(errors)
    password_hash = await asyncio.to_thread(hash_password, password)
    last_error: BaseException | None = None
    for _attempt in range(HOME_SLOT_ATTEMPTS):
        try:
            return await _insert_user(
                username,
                role,
                password_hash,
                district_code=district_code,
                agency_id=agency_id,
                agency_code=agency_code,
                institution_uscc=institution_uscc,
                display_name=display_name,
                must_change_password=must_change_password,
                actor=actor,
            )
        except Exception as error:
            if not db.is_unique_violation(error):
                raise
            if role != INSTITUTION:
                raise Duplicate("username", username) from error  # taken by a creation that committed first
            # Another account of the same home took the same slot a moment ago (the unique index on
            # (institution_uscc, home_slot) refused this one): look again for a free slot, or refuse at the cap.
            last_error = error
    raise ValidationFailed(
        [FieldError("institution_uscc", Reason("accounts_changed"), institution_uscc)]
    ) from last_error


async def _insert_user(
    username: str,
    role: str,
    password_hash: str,
    *,
    district_code: str,
    agency_id: int | None,
    agency_code: str,
    institution_uscc: str,
    display_name: str,
    must_change_password: bool,
    actor: str,
) -> dict[str, Any]:
    async with db.transaction():
        if await User.exists().where(User.username == username).run():
            raise Duplicate("username", username)
        slot = await _free_home_slot(institution_uscc) if role == INSTITUTION else None
        user = User(
            username=username,
            display_name=display_name or username,
            password_hash=password_hash,
            role=role,
            district_code=district_code,
            agency=agency_id,
            institution_uscc=institution_uscc,
            home_slot=slot,
            must_change_password=must_change_password,
            created_at=now_utc(),
        )
        await user.save().run()
        stored = {
            "id": user.id,
            "username": username,
            "role": role,
            "district_code": district_code,
            "agency_code": agency_code,
            "institution_uscc": institution_uscc,
        }
        await audit.record(actor, "user.create", "user", user.id, {"after": stored})
    return stored


def _role_binding_problems(role: str, district_code: str, agency_code: str, institution_uscc: str) -> list[FieldError]:
    """What is wrong with the role and what it is bound to (a district, an agency, a home), before any read."""
    errors: list[FieldError] = []
    if role not in ROLES:
        errors.append(FieldError("role", Reason("not_a_role", roles=", ".join(ROLES)), role))
    if role == DISTRICT_REGULATOR and not is_known_district(district_code):
        errors.append(
            FieldError(
                "district_code",
                Reason("district_needed") if not district_code else Reason("unknown_district"),
                district_code,
            )
        )
    elif role != DISTRICT_REGULATOR and district_code:
        errors.append(FieldError("district_code", Reason("district_only_regulator"), district_code))
    if role != AGENCY_OFFICER and agency_code:
        errors.append(FieldError("agency_code", Reason("agency_only_officer"), agency_code))
    if role == INSTITUTION and not institution_uscc:
        errors.append(FieldError("institution_uscc", Reason("home_uscc_needed")))
    elif role != INSTITUTION and institution_uscc:
        errors.append(FieldError("institution_uscc", Reason("home_only_institution_user"), institution_uscc))
    return errors


async def _free_home_slot(uscc: str) -> int:
    """Inside the creating transaction: the home is registered and has a free slot (1..INSTITUTION_USERS_MAX) for
    one more active account; returns the lowest. Two creations that pick the same slot at once cannot both commit
    (unique index on institution_uscc, home_slot), so the cap holds under concurrency on both engines."""
    if not await Institution.exists().where(Institution.uscc == uscc).run():
        raise ValidationFailed([FieldError("institution_uscc", Reason("not_registered_institution"), uscc)])
    taken = {
        row["home_slot"]
        for row in await User.select(User.home_slot)
        .where((User.institution_uscc == uscc) & User.home_slot.is_not_null())
        .run()
    }
    free = [slot for slot in range(1, settings.institution_users_max + 1) if slot not in taken]
    if not free:
        active = await User.count().where((User.institution_uscc == uscc) & User.active.eq(True)).run()
        raise ValidationFailed(
            [
                FieldError(
                    "institution_uscc",
                    Reason("home_accounts_full", active=active, most=settings.institution_users_max),
                    uscc,
                )
            ]
        )
    return free[0]


async def authenticate(username: str, password: str, *, throttle: LoginThrottle | None = None) -> Principal:
    """Check a username and password for a sign-in.

    Returns the Principal (via "session") and sets last_login_at. With a `throttle` (the sign-in page
    always passes one: client address + account), raises TooManyFailedLogins while that client is
    refused for that account (without checking the password), slows every attempt on an account that is
    over its ceiling, and counts each failure. Raises InvalidCredentials for an unknown or deactivated
    user or a wrong password. No failure ever locks the account for other clients.
    """
    if throttle is not None:
        try:
            await throttle.before_attempt()
        except ClientThrottled as refused:
            raise TooManyFailedLogins(refused.until) from None
    row = (
        await User.select(*_principal_columns(), User.password_hash, User.active)
        .where(User.username == username.strip())
        .first()
        .run()
    )
    if row is None or not row["active"]:
        await asyncio.to_thread(verify_password, _dummy_hash(), password)
        if throttle is not None:
            await throttle.failed()
        raise InvalidCredentials("username or password is incorrect")
    if await asyncio.to_thread(verify_password, row["password_hash"], password):
        async with db.transaction():
            await User.update({User.last_login_at: now_utc()}).where(User.id == row["id"]).run()
            await audit.record(row["username"], "user.login", "user", row["id"], {})
        if throttle is not None:
            await throttle.succeeded()
        return _principal(row, "session")
    failures = await throttle.failed() if throttle is not None else None
    async with db.transaction():
        await audit.record(
            row["username"],
            "user.login_failed",
            "user",
            row["id"],
            {"client": throttle.client if throttle is not None else "", "failures_from_client": failures},
        )
    raise InvalidCredentials("username or password is incorrect")


async def principal_for_user(user_id: int, via: Literal["session", "token", "key"] = "session") -> Principal | None:
    """The Principal of an active user, or None when the user is gone or deactivated."""
    row = await User.select(*_principal_columns()).where((User.id == user_id) & User.active.eq(True)).first().run()
    return _principal(row, via) if row else None


async def issue_token(username: str, *, actor: str) -> IssuedToken:
    """Issue a bearer API token for an active user, valid for `settings.token_ttl_days`.

    Returns the token (shown once; only its SHA-256 hash and prefix are stored). Raises NotFound when no
    active user has that username.
    """
    user = await User.select(User.id).where((User.username == username) & User.active.eq(True)).first().run()
    if user is None:
        raise NotFound(f"no active user {username!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    prefix = token[:12]
    issued_at = now_utc()
    expires_at = issued_at + timedelta(days=settings.token_ttl_days)
    async with db.transaction():
        row = ApiToken(
            user=user["id"], prefix=prefix, token_hash=_token_hash(token), created_at=issued_at, expires_at=expires_at
        )
        await row.save().run()
        await audit.record(
            actor, "token.issue", "api_token", row.id, {"user": username, "prefix": prefix, "expires_at": expires_at}
        )
    return IssuedToken(token_id=row.id, token=token, prefix=prefix, expires_at=expires_at)


async def principal_for_token(token: str) -> Principal | None:
    """The Principal (via "token") a bearer token stands for, or None when the token is unknown, revoked,
    or its user is deactivated. Raises TokenExpired for a token past its expiry (a token without one
    counts as expired). Refreshes the token's last_used_at (at most once a minute; not audited)."""
    row = (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.last_used_at,
            ApiToken.expires_at,
            ApiToken.user.id.as_alias("user_id"),
        )
        .where((ApiToken.token_hash == _token_hash(token)) & ApiToken.revoked_at.is_null())
        .first()
        .run()
    )
    if row is None:
        return None
    principal = await principal_for_user(row["user_id"], via="token")
    if principal is None:
        return None
    now = now_utc()
    if row["expires_at"] is None or row["expires_at"] <= now:
        raise TokenExpired(row["expires_at"])
    if row["last_used_at"] is None or now - row["last_used_at"] >= TOKEN_TOUCH_INTERVAL:
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"]).run()
    return principal


async def revoke_token(token_id: int, *, actor: str) -> None:
    """Revoke a token at once (revoking twice is harmless). Raises NotFound for an unknown token id."""
    async with db.transaction():
        row = (
            await ApiToken.select(ApiToken.id, ApiToken.revoked_at, ApiToken.prefix)
            .where(ApiToken.id == token_id)
            .first()
            .run()
        )
        if row is None:
            raise NotFound(f"no API token {token_id}")
        if row["revoked_at"] is None:
            await ApiToken.update({ApiToken.revoked_at: now_utc()}).where(ApiToken.id == token_id).run()
            await audit.record(actor, "token.revoke", "api_token", token_id, {"prefix": row["prefix"]})
