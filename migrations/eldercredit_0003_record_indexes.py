"""Indexes for reading an institution's records: hazards by inspection, penalties by decision date."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "record read indexes"

INDEXES = [
    "CREATE INDEX major_hazard_inspection ON major_hazard (inspection)",
    "CREATE INDEX listing_entry_institution_status ON listing_entry (institution, status)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="eldercredit", description=DESCRIPTION)

    async def create_indexes():
        engine = engine_finder()
        for statement in INDEXES:
            await engine.run_ddl(statement)

    async def drop_indexes():
        engine = engine_finder()
        for statement in INDEXES:
            await engine.run_ddl(f"DROP INDEX {statement.split(' ON ')[0].split()[-1]}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
