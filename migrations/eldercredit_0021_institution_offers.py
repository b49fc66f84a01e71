"""What a home offers (issue 17, "What a home offers" and "Contact and place"): services, care levels accepted,
the monthly fee range and the website on the registry's `institution` (NULL: not reported), and on the public
projection the flat columns the search filters and every result card read (the sets as `,code,code,` so that
`LIKE '%,code,%'` finds exactly one code; address, phone and website for the card). See credit.registry.offers.

Existing public rows keep NULL (not reported) and an empty address and phone until their next refresh, which
the next rescore job or `jobs run rescore` does; their documents are rebuilt then too.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "institution services, care levels, fee range and website; public profile columns for them"

INSTITUTION = {
    "services": "VARCHAR(200) NULL",
    "care_levels": "VARCHAR(100) NULL",
    "fee_min": "INTEGER NULL",
    "fee_max": "INTEGER NULL",
    "website": "VARCHAR(300) NULL",
}
PUBLIC_PROFILE = {
    **INSTITUTION,
    "address": "VARCHAR(300) NOT NULL DEFAULT ''",
    "phone": "VARCHAR(40) NOT NULL DEFAULT ''",
}
INDEXES = {"public_profile_fee_min": "public_profile (fee_min)"}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="eldercredit", description=DESCRIPTION)

    async def add_columns():
        engine = engine_finder()
        for column, kind in INSTITUTION.items():
            await engine.run_ddl(f"ALTER TABLE institution ADD COLUMN {column} {kind}")
        for column, kind in PUBLIC_PROFILE.items():
            await engine.run_ddl(f"ALTER TABLE public_profile ADD COLUMN {column} {kind}")
        for name, target in INDEXES.items():
            await engine.run_ddl(f"CREATE INDEX {name} ON {target}")

    async def drop_columns():
        engine = engine_finder()
        for name in INDEXES:  # SQLite refuses to drop an indexed column
            await engine.run_ddl(f"DROP INDEX IF EXISTS {name}")
        for column in PUBLIC_PROFILE:
            await engine.run_ddl(f"ALTER TABLE public_profile DROP COLUMN {column}")
        for column in INSTITUTION:
            await engine.run_ddl(f"ALTER TABLE institution DROP COLUMN {column}")

    manager.add_raw(add_columns)
    manager.add_raw_backwards(drop_columns)
    return manager
