"""Keeping the search index: `reindex` the institutions a write touched, `reindex_all` after a bulk load."""

from __future__ import annotations

from collections.abc import Iterable

from credit.db import transaction
from credit.registry.tables import Institution
from credit.search.tables import InstitutionSearch
from credit.search.terms import terms_of

BATCH = 1000  # rows per statement: 4 parameters each, far below both engines' limits


async def reindex(institution_ids: Iterable[int]) -> int:
    """Bring the index rows of these institutions up to date with their names and USCCs, in the caller's
    transaction (or one of its own). An id with no institution loses its row. Returns the rows written."""
    ids = sorted(set(institution_ids))
    written = 0
    async with transaction():
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            rows = (
                await Institution.select(Institution.id, Institution.uscc, Institution.name)
                .where(Institution.id.is_in(chunk))
                .run()
            )
            await InstitutionSearch.delete().where(InstitutionSearch.institution.is_in(chunk)).run()
            written += await _insert(rows)
    return written


async def reindex_all() -> int:
    """Rebuild the whole index in one transaction, a batch of institutions at a time; returns the rows."""
    written = 0
    async with transaction():
        await InstitutionSearch.delete(force=True).run()
        last_id = 0
        while True:
            rows = (
                await Institution.select(Institution.id, Institution.uscc, Institution.name)
                .where(Institution.id > last_id)
                .order_by(Institution.id)
                .limit(BATCH)
                .run()
            )
            if not rows:
                return written
            last_id = rows[-1]["id"]
            written += await _insert(rows)


async def _insert(rows: list[dict]) -> int:
    if not rows:
        return 0
    values, args = [], []
    for row in rows:
        terms = terms_of(row["name"], row["uscc"])
        values.append("({}, {}, {}, {})")
        args += [row["id"], terms.uscc, terms.name, terms.terms]
    await InstitutionSearch.raw(
        "INSERT INTO institution_search (institution, uscc, name, terms) VALUES " + ", ".join(values), *args
    ).run()
    return len(rows)
