"""Agency API keys: issued once, stored as a SHA-256 hash with a short prefix, revocable."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from credit import db
from credit.accounts.roles import AGENCY, Principal
from credit.audit import service as audit
from credit.errors import NotFound
from credit.sharing.tables import Agency, AgencyKey
from credit.timeutil import now_utc

KEY_PREFIX = "eca_"
TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key_id: int
    key: str  # the only copy of the secret
    prefix: str


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def issue_key(agency_code: str, actor: str) -> IssuedKey:
    """Issue a new key for an agency. Raises NotFound for an unknown agency code."""
    agency = await Agency.select(Agency.id).where(Agency.code == agency_code).first().run()
    if agency is None:
        raise NotFound(f"no agency {agency_code!r}")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    async with db.transaction():
        row = AgencyKey(agency=agency["id"], prefix=key[:12], key_hash=key_hash(key), created_at=now_utc())
        await row.save().run()
        await audit.record(actor, "agency_key.issue", "agency_key", row.id, {"agency": agency_code, "prefix": key[:12]})
    return IssuedKey(row.id, key, key[:12])


async def revoke_key(prefix: str, actor: str) -> int:
    """Revoke every live key with this prefix at once; returns how many. Raises NotFound if none."""
    async with db.transaction():
        rows = (
            await AgencyKey.update({AgencyKey.revoked_at: now_utc()})
            .where((AgencyKey.prefix == prefix) & AgencyKey.revoked_at.is_null())
            .returning(AgencyKey.id)
            .run()
        )
        if not rows:
            raise NotFound(f"no live key with prefix {prefix!r}")
        for row in rows:
            await audit.record(actor, "agency_key.revoke", "agency_key", row["id"], {"prefix": prefix})
    return len(rows)


async def list_keys() -> list[dict[str, Any]]:
    return (
        await AgencyKey.select(
            AgencyKey.id,
            AgencyKey.agency.code.as_alias("agency"),
            AgencyKey.prefix,
            AgencyKey.created_at,
            AgencyKey.last_used_at,
            AgencyKey.revoked_at,
        )
        .order_by(AgencyKey.id)
        .run()
    )


async def principal_for_key(key: str) -> Principal | None:
    """The agency a live key stands for (role "agency"), or None. Refreshes last_used_at once a minute."""
    row = (
        await AgencyKey.select(
            AgencyKey.id,
            AgencyKey.last_used_at,
            AgencyKey.agency.id.as_alias("agency_id"),
            AgencyKey.agency.code.as_alias("agency_code"),
        )
        .where((AgencyKey.key_hash == key_hash(key)) & AgencyKey.revoked_at.is_null())
        .first()
        .run()
    )
    if row is None:
        return None
    now = now_utc()
    if row["last_used_at"] is None or now - row["last_used_at"] >= TOUCH_INTERVAL:
        await AgencyKey.update({AgencyKey.last_used_at: now}).where(AgencyKey.id == row["id"]).run()
    return Principal(
        user_id=0, username=f"agency:{row['agency_code']}", role=AGENCY, agency_code=row["agency_code"], via="key"
    )
