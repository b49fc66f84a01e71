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
