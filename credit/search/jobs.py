"""Scheduled work of search: rebuild the whole index (nightly, and from the CLI after a bulk load)."""

from __future__ import annotations

from datetime import date

from credit.search.index import reindex_all


async def reindex_everything(on: date) -> str:
    return f"{await reindex_all()} institutions indexed for search"
