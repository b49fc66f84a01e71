"""The write hook: "a record changed", in one place.

Every domain service that writes calls `record_changed` inside its own transaction. In that transaction it
appends the change-feed event (credit.changefeed), the audit entry when the caller has one
(credit.audit.service), and refreshes the public projection of the institutions the change touches
(credit.public.projection: rescored at once, so the public never sees new facts beside an old level).
No domain writes another domain's tables: this hook is the only shared write path.

A change of the registry itself (an `institution` event: name, USCC) also reindexes that home for search
(credit.search.index) in the same transaction; a bulk load says what it wrote with `institutions_loaded`.

`deferred()` collects the institutions of many changes (an import, a seed) and refreshes each once when
the block ends, still inside the transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from credit import changefeed
from credit.audit import service as audit_log
from credit.db import transaction
from credit.public import projection
from credit.search import index as search_index


@dataclass(frozen=True, slots=True)
class Event:
    """A change-feed event: its type (penalty, rating, listing ...), operation, entity id and payload."""

    type: str
    op: str
    entity_id: int
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Audit:
    """An audit entry: who did what to which record, and the changes."""

    actor: str
    action: str
    entity_type: str
    entity_id: int
    changes: Mapping[str, Any] = field(default_factory=dict)


_pending: ContextVar[set[int] | None] = ContextVar("eldercredit_pending_refresh", default=None)
# The events whose entity is an institution: its name or USCC may have changed, so its search rows too.
REGISTRY_EVENT = "institution"


async def record_changed(
    event: Event | None = None, audit: Audit | None = None, institutions: Iterable[int | None] = ()
) -> int | None:
    """Record one change inside the caller's transaction; returns the feed sequence number (None without an
    event). `institutions` are the homes whose public profile the change may alter (None entries ignored)."""
    seq = None
    if event is not None:
        seq = (await changefeed.append([(event.type, event.op, event.entity_id, dict(event.data))]))[-1]
    if audit is not None:
        await audit_log.record(audit.actor, audit.action, audit.entity_type, audit.entity_id, dict(audit.changes))
    if event is not None and event.type == REGISTRY_EVENT:
        await search_index.reindex([event.entity_id])
    await _touch(institutions)
    return seq


async def record_many(events: Iterable[Event], institutions: Iterable[int | None] = ()) -> list[int]:
    """Several events of one write (a job's batch) in order, and one refresh of the homes they touch."""
    events = list(events)
    seqs = await changefeed.append([(e.type, e.op, e.entity_id, dict(e.data)) for e in events])
    if registry := [e.entity_id for e in events if e.type == REGISTRY_EVENT]:
        await search_index.reindex(registry)
    await _touch(institutions)
    return seqs


async def institutions_loaded(institution_ids: Iterable[int], on: date | None = None) -> None:
    """A bulk load (the demo seed) wrote these homes and their records inside the caller's transaction:
    index them for search and build their public rows, rescored as of `on`."""
    ids = sorted(set(institution_ids))
    if ids:
        await search_index.reindex(ids)
        await projection.refresh(ids, on)


async def _touch(institutions: Iterable[int | None]) -> None:
    ids = {int(i) for i in institutions if i is not None}
    if not ids:
        return
    pending = _pending.get()
    if pending is not None:
        pending.update(ids)
        return
    await projection.refresh(sorted(ids))


@contextlib.asynccontextmanager
async def deferred() -> AsyncIterator[None]:
    """Inside the caller's transaction: refresh the touched institutions once, when the block ends."""
    if _pending.get() is not None:  # already deferring: the outer block refreshes
        yield
        return
    pending: set[int] = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending:
        await projection.refresh(sorted(pending))


async def refresh_all(on: date | None = None) -> projection.Refreshed:
    """Rebuild every institution's projection row (date-driven changes: periods ending, gradings lapsing),
    batch by batch, each batch its own transaction."""
    return await projection.refresh_all(on)


async def refresh(institution_ids: Iterable[int], on: date | None = None) -> projection.Refreshed:
    """Refresh some institutions' rows in one transaction (a job that knows which homes a date changed)."""
    async with transaction():
        return await projection.refresh(sorted(set(institution_ids)), on)
