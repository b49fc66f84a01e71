"""The test factories write through the services, so their data takes the real write path (DESIGN.md "The write
hook": every service reports the change, and the change feed, audit log and public projection follow)."""

from __future__ import annotations

from credit.sharing.tables import ChangeEvent
from tests import factories


async def test_factory_records_reach_the_change_feed_like_real_ones(db):
    home = await factories.institution(2)
    await factories.penalty(home)
    await factories.inspection_with_hazard(home)
    await factories.grading(home)
    entry = await factories.list_entry(home)
    kinds = {r["type"] for r in await ChangeEvent.select(ChangeEvent.type).run()}
    assert {"institution", "penalty", "fire_inspection", "rating"} <= kinds  # rating: the home was rescored
    assert entry["status"] == "notified"  # a court's designation is notified at once; public once listed
