"""The database keeps the list consistent under concurrent requests: one active entry per subject and
behaviour, one pending early-removal application per entry, one stored copy of an agency's measure."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from credit.accounts.roles import Principal
from credit.db import current_engine
from credit.errors import ProcedureRefused
from credit.listings import service
from credit.listings.jobs import advance_list
from credit.listings.schemas import EarlyRemovalIn, StepIn
from credit.listings.tables import ListingEntry, PunishmentMeasure, RemovalApplication
from credit.sharing.measures import record_measure
from credit.sharing.schemas import MeasureIn
from migrations.eldercredit_0004_listing_constraints import INDEXES, DuplicatesPresent, refuse_duplicates
from tests.listings.test_listing_procedure import ADMIN, home, proposal  # noqa: F401 (fixture)

HEALTH = Principal(user_id=0, username="agency:health", role="agency", agency_code="health", via="key")


async def listed(home) -> int:
    entry = await service.notify(
        (await proposal(home, on=date(2023, 9, 1)))["id"], StepIn(on=date(2023, 9, 4), backdate_reason="补录"), ADMIN
    )
    await advance_list(date(2023, 9, 20))
    return entry["id"]


async def test_ten_concurrent_identical_proposals_make_one_entry_and_nine_409s(home):
    results = await asyncio.gather(*[proposal(home) for _ in range(10)], return_exceptions=True)
    created = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, ProcedureRefused)]
    assert len(created) == 1 and len(refused) == 9, results
    assert all(r.field == "behaviour" for r in refused)
    assert await ListingEntry.count().run() == 1


async def test_ten_concurrent_early_removal_applications_leave_one_pending(home):
    entry_id = await listed(home)

    async def apply():
        return await service.apply_early_removal(
            entry_id, EarlyRemovalIn(**{"statement": "已整改", "on": "2025-09-12", "backdate_reason": "补录"}), ADMIN
        )

    results = await asyncio.gather(*[apply() for _ in range(10)], return_exceptions=True)
    assert sum(isinstance(r, dict) for r in results) == 1
    assert sum(isinstance(r, ProcedureRefused) for r in results) == 9, results
    assert await RemovalApplication.count().where(RemovalApplication.decision == "pending").run() == 1


async def test_the_same_measure_reported_twice_is_stored_once_and_the_repeat_returns_it(home):
    entry_id = await listed(home)
    first = await record_measure(
        entry_id, MeasureIn(measure="restrict_subsidies", applied_on=date(2025, 10, 20)), HEALTH
    )
    again = await record_measure(
        entry_id, MeasureIn(measure="restrict_subsidies", applied_on=date(2025, 10, 20)), HEALTH
    )
    assert first.created and not again.created and again.measure["id"] == first.measure["id"]
    other_day = await record_measure(
        entry_id, MeasureIn(measure="restrict_subsidies", applied_on=date(2025, 10, 21)), HEALTH
    )
    assert other_day.created
    assert await PunishmentMeasure.count().run() == 2


async def test_ten_concurrent_identical_measures_are_stored_once(home):
    entry_id = await listed(home)
    results = await asyncio.gather(
        *[
            record_measure(entry_id, MeasureIn(measure="no_honours", applied_on=date(2025, 10, 20)), HEALTH)
            for _ in range(10)
        ]
    )
    assert len({r.measure["id"] for r in results}) == 1 and sum(r.created for r in results) == 1
    assert await PunishmentMeasure.count().run() == 1


async def test_the_migration_refuses_readably_when_duplicate_active_entries_are_already_stored(home):
    engine = current_engine()
    name, create = INDEXES[0]
    first = await proposal(home)
    await engine.run_ddl(f"DROP INDEX {name}")
    try:
        copy = {
            k: v
            for k, v in (await ListingEntry.select().where(ListingEntry.id == first["id"]).first().run()).items()
            if k != "id"
        }
        await ListingEntry.insert(ListingEntry(**copy)).run()
        with pytest.raises(DuplicatesPresent, match="active list entries for the same subject and behaviour"):
            await refuse_duplicates(engine)
    finally:
        await ListingEntry.delete().where(ListingEntry.id != first["id"]).run()
        await engine.run_ddl(create)


async def test_concurrent_serious_reports_on_one_subject_store_every_penalty_and_propose_once(home):
    from credit.records.tables import Penalty
    from credit.sharing.reports import report_penalty
    from tests.listings.test_listing_sources import serious_report

    results = await asyncio.gather(
        *[report_penalty(serious_report(home, f"常卫罚〔2025〕{n}号"), HEALTH) for n in range(20, 30)]
    )
    assert all(r.created for r in results)
    assert await Penalty.count().where(Penalty.reporting_agency == "health").run() == 10
    assert sum(r.proposed_entry is not None for r in results) == 1
    assert await ListingEntry.count().run() == 1
