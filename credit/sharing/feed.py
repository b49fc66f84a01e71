"""The change feed: events appended in commit order, so a cursor never skips one."""

from __future__ import annotations

import json
from typing import Any

from credit.db import lock_log_tail
from credit.sharing.tables import ChangeEvent
from credit.timeutil import now_utc


async def emit(type_: str, op: str, entity_id: int, data: dict[str, Any]) -> int:
    """Append an event inside the caller's transaction and return its sequence number.

    The tail lock is held until commit, so sequence numbers become visible in order: a reader
    at cursor N can never later find an event below N appearing.
    """
    await lock_log_tail()
    last = await ChangeEvent.select(ChangeEvent.seq).order_by(ChangeEvent.seq, ascending=False).first().run()
    seq = (last["seq"] + 1) if last else 1
    payload = json.loads(json.dumps(data, ensure_ascii=False, default=str))
    await ChangeEvent.insert(ChangeEvent(
        seq=seq, type=type_, op=op, entity_id=entity_id, data=payload, at=now_utc(),
    )).run()
    return seq
