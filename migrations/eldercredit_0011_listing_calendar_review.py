"""List entries listed on a deadline counted without the year's holiday notice, which the notice moved later,
carry a calendar review: until when the objection window is reopened, and why."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-02T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "listing calendar review: reopened objection window and its note"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="eldercredit", description=DESCRIPTION)

    async def add_columns():
        engine = engine_finder()
        await engine.run_ddl("ALTER TABLE listing_entry ADD COLUMN calendar_review_until DATE NULL")
        await engine.run_ddl("ALTER TABLE listing_entry ADD COLUMN calendar_review_note TEXT NOT NULL DEFAULT ''")

    async def drop_columns():
        engine = engine_finder()
        await engine.run_ddl("ALTER TABLE listing_entry DROP COLUMN calendar_review_note")
        await engine.run_ddl("ALTER TABLE listing_entry DROP COLUMN calendar_review_until")

    manager.add_raw(add_columns)
    manager.add_raw_backwards(drop_columns)
    return manager
