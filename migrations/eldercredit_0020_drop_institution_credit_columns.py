"""The institution's copies of its credit (`credit_level`, `credit_score`, `grade`) go: the public read side
(public_profile) and the score history (credit_score) hold the current values, and the projection no longer writes
the registry's table (no domain writes another domain's tables). The workspace and the monthly draw read the
public level."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "drop institution.credit_level, credit_score and grade (the public read side holds them)"

COLUMNS = ("credit_level", "credit_score", "grade")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="eldercredit", description=DESCRIPTION)

    async def drop_columns():
        engine = engine_finder()
        for column in COLUMNS:  # SQLite refuses to drop an indexed column
            await engine.run_ddl(f"DROP INDEX IF EXISTS institution_{column}")
        for column in COLUMNS:
            await engine.run_ddl(f"ALTER TABLE institution DROP COLUMN {column}")

    async def add_columns():
        engine = engine_finder()
        await engine.run_ddl("ALTER TABLE institution ADD COLUMN credit_level VARCHAR(1) NOT NULL DEFAULT ''")
        await engine.run_ddl("ALTER TABLE institution ADD COLUMN credit_score NUMERIC(6, 2) NULL")
        await engine.run_ddl("ALTER TABLE institution ADD COLUMN grade INTEGER NULL")
        await engine.run_ddl("CREATE INDEX IF NOT EXISTS institution_credit_level ON institution (credit_level)")
        await engine.run_ddl("CREATE INDEX IF NOT EXISTS institution_grade ON institution (grade)")

    manager.add_raw(drop_columns)
    manager.add_raw_backwards(add_columns)
    return manager
