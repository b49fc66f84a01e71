"""The public joint-punishment list: only entries in force, persons masked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from credit.listings import rules
from credit.listings.service import entry_detail, public_entry
from credit.listings.tables import ListingEntry

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class ListPage:
    items: list[dict[str, Any]]
    total: int
    page: int


async def current_list(page: int = 1, page_size: int = PAGE_SIZE) -> ListPage:
    """Entries in state listed, most recently listed first."""
    listed = ListingEntry.status == rules.LISTED
    rows = await ListingEntry.select(ListingEntry.id).where(listed).order_by(
        ListingEntry.listed_on, ascending=False).order_by(ListingEntry.id).limit(page_size).offset(
        (page - 1) * page_size).run()
    items = [public_entry(await entry_detail(r["id"])) for r in rows]
    return ListPage(items, await ListingEntry.count().where(listed).run(), page)
