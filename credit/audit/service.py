"""The audit log: append an entry in the caller's transaction; verify the whole chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from credit.audit.tables import AuditEntry
from credit.db import lock_log_tail
from credit.timeutil import now_utc

GENESIS = "0" * 64


def _entry_hash(
    prev_hash: str, seq: int, at: str, actor: str, action: str, entity_type: str, entity_id: int, changes: Any
) -> str:
    body = json.dumps(
        [prev_hash, seq, at, actor, action, entity_type, entity_id, changes],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


async def record(actor: str, action: str, entity_type: str, entity_id: int, changes: dict[str, Any]) -> None:
    """Append one entry; must be called inside the write's transaction."""
    await lock_log_tail()
    last = (
        await AuditEntry.select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq, ascending=False).first().run()
    )
    seq = (last["seq"] + 1) if last else 1
    prev_hash = last["hash"] if last else GENESIS
    at = now_utc()
    changes = json.loads(json.dumps(changes, ensure_ascii=False, default=str))
    digest = _entry_hash(prev_hash, seq, at.isoformat(), actor, action, entity_type, entity_id, changes)
    await AuditEntry.insert(
        AuditEntry(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            changes=changes,
            prev_hash=prev_hash,
            hash=digest,
        )
    ).run()


@dataclass(frozen=True, slots=True)
class BrokenLink:
    seq: int
    reason: str


async def verify(batch: int = 5000) -> tuple[int, BrokenLink | None]:
    """Walk the chain in order. Returns (entries checked, the first broken link or None)."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    while True:
        rows = (
            await AuditEntry.select().where(AuditEntry.seq >= expected_seq).order_by(AuditEntry.seq).limit(batch).run()
        )
        if not rows:
            return checked, None
        for row in rows:
            if row["seq"] != expected_seq:
                return checked, BrokenLink(expected_seq, f"entry {expected_seq} is missing")
            if row["prev_hash"] != prev_hash:
                return checked, BrokenLink(row["seq"], "does not point at the previous entry's hash")
            changes = row["changes"]
            if isinstance(changes, str):
                changes = json.loads(changes)
            at = row["at"].isoformat()
            digest = _entry_hash(
                prev_hash, row["seq"], at, row["actor"], row["action"], row["entity_type"], row["entity_id"], changes
            )
            if digest != row["hash"]:
                return checked, BrokenLink(row["seq"], "content does not match its hash (edited)")
            prev_hash, expected_seq, checked = row["hash"], expected_seq + 1, checked + 1
