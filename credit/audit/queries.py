"""Read the audit history of one record."""

from __future__ import annotations

import json
from typing import Any

from credit.audit.tables import AuditEntry


async def history_of(entity_type: str, entity_id: int) -> list[dict[str, Any]]:
    """Every audit entry for the record, oldest first: who, when, what action, what changed."""
    rows = (
        await AuditEntry.select(AuditEntry.seq, AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.changes)
        .where((AuditEntry.entity_type == entity_type) & (AuditEntry.entity_id == entity_id))
        .order_by(AuditEntry.seq)
        .run()
    )
    for row in rows:
        if isinstance(row["changes"], str):
            row["changes"] = json.loads(row["changes"])
    return rows
