"""Read the change feed after a cursor: one index range scan, whatever the log's length."""

from __future__ import annotations

import json
from typing import Any

from credit.identifiers import mask_free_text_fields
from credit.sharing.tables import ChangeEvent

MAX_LIMIT = 1000


async def events_after(after: int, limit: int) -> dict[str, Any]:
    """{"events": [...], "next": cursor}: the events with seq > after, in order; `next` is the last seq
    returned, or `after` when there is nothing new (ask again later with the same cursor)."""
    rows = (
        await ChangeEvent.select(ChangeEvent.seq, ChangeEvent.type, ChangeEvent.op, ChangeEvent.at, ChangeEvent.data)
        .where(ChangeEvent.seq > after)
        .order_by(ChangeEvent.seq)
        .limit(min(limit, MAX_LIMIT))
        .run()
    )
    for row in rows:
        if isinstance(row["data"], str):
            row["data"] = json.loads(row["data"])
        row["data"] = mask_free_text_fields(row["data"])  # events stored before masking at emit, too
    return {"events": rows, "next": rows[-1]["seq"] if rows else after}
