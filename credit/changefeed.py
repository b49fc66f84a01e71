"""The change feed's log: events appended in commit order, so a cursor never skips one.

Only the write hook (credit.changes) appends; agencies read it through credit.sharing.feed_reader.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from credit.db import lock_log_tail
from credit.identifiers import mask_free_text_fields
from credit.sharing.tables import ChangeEvent
from credit.timeutil import now_utc

CHUNK = 200


async def append(events: Iterable[tuple[str, str, int, dict[str, Any]]]) -> list[int]:
    """Append events (type, op, entity id, data) in order inside the caller's transaction.

    ID and mobile numbers in the payload's free text are masked: the feed is an agency output.
    The tail lock is held until commit, so sequence numbers become visible in order: a reader
    at cursor N can never later find an event below N appearing.
    """
    await lock_log_tail()
    last = await ChangeEvent.select(ChangeEvent.seq).order_by(ChangeEvent.seq, ascending=False).first().run()
    seq = last["seq"] if last else 0
    at = now_utc()
    rows = []
    for type_, op, entity_id, data in events:
        seq += 1
        payload = mask_free_text_fields(json.loads(json.dumps(data, ensure_ascii=False, default=str)))
        rows.append(ChangeEvent(seq=seq, type=type_, op=op, entity_id=entity_id, data=payload, at=at))
    for start in range(0, len(rows), CHUNK):
        await ChangeEvent.insert(*rows[start : start + CHUNK]).run()
    return [row.seq for row in rows]
