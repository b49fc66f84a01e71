"""The public projection: one row per institution with its public profile document and the flat columns
that search, filters and sorts use (credit.public). Filled by `eldercredit jobs run rescore_all` (or any
write to an institution); until then the public pages show no institution."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-02T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "public projection: one row per institution"

INDEXED = ("name", "district_code", "beds", "owner_type", "level", "score", "grade", "fire_status", "listed")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="eldercredit", description=DESCRIPTION)

    async def create_table():
        engine = engine_finder()
        await engine.run_ddl(
            "CREATE TABLE public_profile ("
            "institution INTEGER PRIMARY KEY NOT NULL, "
            "uscc VARCHAR(18) NOT NULL UNIQUE, "
            "name VARCHAR(200) NOT NULL DEFAULT '', "
            "district_code VARCHAR(6) NOT NULL DEFAULT '', "
            "beds INTEGER NOT NULL DEFAULT 0, "
            "owner_type VARCHAR(32) NOT NULL DEFAULT '', "
            "status VARCHAR(16) NOT NULL DEFAULT 'active', "
            "level VARCHAR(1) NOT NULL DEFAULT '', "
            "score NUMERIC(6, 2) NULL, "
            "grade INTEGER NULL, "
            "fire_status VARCHAR(24) NOT NULL DEFAULT 'none', "
            "listed BOOLEAN NOT NULL DEFAULT FALSE, "
            "as_of DATE NOT NULL, "
            "document TEXT NOT NULL, "
            "version INTEGER NOT NULL DEFAULT 1, "
            "updated_at TIMESTAMPTZ NOT NULL)"
        )
        for column in INDEXED:
            await engine.run_ddl(f"CREATE INDEX public_profile_{column} ON public_profile ({column})")
        # The default sort (credit, then name) and the district filter with it, without a sort step.
        await engine.run_ddl("CREATE INDEX public_profile_by_credit ON public_profile (score DESC, name, institution)")
        await engine.run_ddl(
            "CREATE INDEX public_profile_district_credit ON public_profile "
            "(district_code, score DESC, name, institution)"
        )

    async def drop_table():
        await engine_finder().run_ddl("DROP TABLE public_profile")

    manager.add_raw(create_table)
    manager.add_raw_backwards(drop_table)
    return manager
