"""Composite unique indexes, which Piccolo's column options cannot express."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T14:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite unique indexes"

INDEXES = [
    "CREATE UNIQUE INDEX penalty_agency_decision_number ON penalty (reporting_agency, decision_number)",
    "CREATE UNIQUE INDEX job_run_job_slot ON job_run (job, slot)",
    "CREATE UNIQUE INDEX listing_basis_entry_penalty ON listing_basis (entry, penalty)",
    "CREATE INDEX credit_score_institution_computed ON credit_score (institution, computed_at)",
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
