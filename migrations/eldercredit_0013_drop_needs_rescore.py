"""The institution's `needs_rescore` flag goes: the write hook (credit.changes) rescores a home in the writer's
transaction and the rescore job rebuilds the public rows not computed for today (public_profile.as_of), so
nothing sets or reads the flag any more."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-02T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "drop institution.needs_rescore (the projection's as_of says what is stale)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="eldercredit", description=DESCRIPTION)

    async def drop_flag():
        engine = engine_finder()
        await engine.run_ddl("DROP INDEX IF EXISTS institution_needs_rescore")
        await engine.run_ddl("ALTER TABLE institution DROP COLUMN needs_rescore")

    async def add_flag():
        engine = engine_finder()
        await engine.run_ddl("ALTER TABLE institution ADD COLUMN needs_rescore BOOLEAN NOT NULL DEFAULT TRUE")
        await engine.run_ddl("CREATE INDEX IF NOT EXISTS institution_needs_rescore ON institution (needs_rescore)")

    manager.add_raw(drop_flag)
    manager.add_raw_backwards(add_flag)
    return manager
