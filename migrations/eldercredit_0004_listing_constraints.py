"""List integrity enforced by the database: one active entry per subject and behaviour, one pending
early-removal application per entry, one stored copy of an agency's measure; and the back-dating reason
of a step.

Existing duplicates are not resolved silently: the migration refuses, naming the rows, so that an operator
ends the extra entries through the procedure (withdraw) or deletes the repeated measures, then migrates again.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-02T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "listing constraints"

ACTIVE = "('proposed', 'notified', 'objected', 'listed')"

INDEXES = [
    (
        "listing_entry_one_active",
        f"CREATE UNIQUE INDEX listing_entry_one_active ON listing_entry "
        f"(institution, COALESCE(practitioner, 0), behaviour) WHERE status IN {ACTIVE}",
    ),
    (
        "removal_application_one_pending",
        "CREATE UNIQUE INDEX removal_application_one_pending ON removal_application (entry) WHERE decision = 'pending'",
    ),
    (
        "punishment_measure_once",
        "CREATE UNIQUE INDEX punishment_measure_once ON punishment_measure (agency, entry, measure, applied_on)",
    ),
]

DUPLICATES = [
    (
        "active list entries for the same subject and behaviour (withdraw all but one)",
        f"SELECT institution, COALESCE(practitioner, 0) AS practitioner, behaviour, COUNT(*) AS n, "
        f"MIN(id) AS first_id, MAX(id) AS last_id FROM listing_entry WHERE status IN {ACTIVE} "
        f"GROUP BY institution, COALESCE(practitioner, 0), behaviour HAVING COUNT(*) > 1",
    ),
    (
        "pending early-removal applications for the same entry (decide all but one)",
        "SELECT entry, COUNT(*) AS n, MIN(id) AS first_id, MAX(id) AS last_id FROM removal_application "
        "WHERE decision = 'pending' GROUP BY entry HAVING COUNT(*) > 1",
    ),
    (
        "punishment measures stored more than once (delete the later copies)",
        "SELECT agency, entry, measure, applied_on, COUNT(*) AS n, MIN(id) AS first_id, MAX(id) AS last_id "
        "FROM punishment_measure GROUP BY agency, entry, measure, applied_on HAVING COUNT(*) > 1",
    ),
]


class DuplicatesPresent(RuntimeError):
    """Rows that the new unique indexes would refuse are already stored."""


async def refuse_duplicates(engine) -> None:
    problems = []
    for what, query in DUPLICATES:
        rows = await engine.run_ddl(query)
        for row in rows or []:
            problems.append(f"{what}: {dict(row)}")
    if problems:
        raise DuplicatesPresent("migration 0004 refused, duplicates are stored:\n  " + "\n  ".join(problems))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="eldercredit", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        await refuse_duplicates(engine)
        await engine.run_ddl("ALTER TABLE listing_transition ADD COLUMN backdate_reason TEXT NOT NULL DEFAULT ''")
        for _, statement in INDEXES:
            await engine.run_ddl(statement)

    async def drop():
        engine = engine_finder()
        for name, _ in INDEXES:
            await engine.run_ddl(f"DROP INDEX {name}")
        await engine.run_ddl("ALTER TABLE listing_transition DROP COLUMN backdate_reason")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
