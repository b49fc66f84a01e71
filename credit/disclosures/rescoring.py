"""Rescoring for the jobs: the public projection (credit.public.projection) rescores in the write path, so
what is left for a schedule is what dates change: penalty periods end, gradings lapse, a new policy comes
into force. Both jobs rebuild projection rows, which rescores them (history row and feed event when changed).
"""

from __future__ import annotations

from datetime import date

from credit import changes
from credit.public.projection import Refreshed, stale_ids

RescoreResult = Refreshed  # evaluated, changed (a history row each), rows (projection rows written)


async def rescore_marked(on: date) -> Refreshed:
    """Rebuild the rows not yet computed for `on` (a new day, or a home without a row yet, e.g. after a bulk
    load): a minutes job, so the day's first run after midnight brings every row to the new day."""
    result = Refreshed()
    while ids := await stale_ids(on):
        batch = await changes.refresh(ids, on)
        result.evaluated += batch.evaluated
        result.changed += batch.changed
        result.rows += batch.rows
    return result


async def rescore_all(on: date) -> Refreshed:
    """Rebuild every institution's row on `on` (nightly, and after a seed or an import)."""
    return await changes.refresh_all(on)
