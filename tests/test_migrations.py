"""The schema: migrations apply on both engines, twice without harm, and readiness reflects them."""

import sqlite3
from datetime import UTC

import asyncpg

from credit.migrate import migrate, pending_migrations
from credit.piccolo_app import TABLES


async def test_every_table_exists_after_migrating(db):
    for table in TABLES:
        assert await table.table_exists().run(), table._meta.tablename


async def test_migrating_again_changes_nothing(db):
    await migrate()
    assert await pending_migrations() == []


async def test_readyz_is_ok_when_all_migrations_are_applied(client):
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_composite_unique_index_refuses_a_second_claim_on_one_job_slot(db):
    from datetime import datetime

    import pytest

    from credit.scheduling.tables import JobRun

    at = datetime.now(UTC)
    await JobRun(job="publish", slot="2026-01-01T02:00", started_at=at, status="running").save().run()
    with pytest.raises((sqlite3.IntegrityError, asyncpg.UniqueViolationError)):
        await JobRun(job="publish", slot="2026-01-01T02:00", started_at=at, status="running").save().run()
    assert await JobRun.count().run() == 1


async def test_the_stored_pages_migration_steps_back_and_forward_again(db):
    """Migration 0022 (pages rendered ahead) has a backwards step on both engines: its table goes and comes back."""
    from piccolo.apps.migrations.commands.backwards import run_backwards

    from credit.public.tables import PublicPage

    pages_id = "2026-12-08T01:00:00:000000"
    try:
        stepped = await run_backwards(app_name="eldercredit", migration_id=pages_id, auto_agree=True)
        assert stepped.success, stepped.message
        assert await pending_migrations() == [pages_id]
        assert not await PublicPage.table_exists().run()
    finally:
        await migrate()
    assert await pending_migrations() == []
    assert await PublicPage.count().run() == 0


async def test_the_offers_migration_steps_back_and_forward_again(db):
    """Migration 0021 (what a home offers) has a backwards step on both engines: its columns go and come back."""
    from piccolo.apps.migrations.commands.backwards import run_backwards

    from credit.registry.tables import Institution

    offers_id = "2026-12-03T15:00:00:000000"
    try:
        stepped = await run_backwards(app_name="eldercredit", migration_id=offers_id, auto_agree=True)
        assert stepped.success, stepped.message
        assert (await pending_migrations())[0] == offers_id  # and every later one, stepped back first
    finally:
        await migrate()
    assert await pending_migrations() == []
    assert await Institution.select(Institution.services, Institution.fee_min).run() == []
