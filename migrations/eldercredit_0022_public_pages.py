"""Stored public pages (issue 14): each home's institution page rendered ahead of visitors, per language and
display mode, under the ETag it was rendered for (credit.public.pages keeps them, portal.public.stored_pages
renders them). Filled by `jobs run render_pages` (also scheduled); until then, and for any page whose data changed
since, the page is rendered per request."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-08T01:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "stored public pages"

BINARY = {"sqlite": "BLOB", "postgres": "BYTEA"}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="eldercredit", description=DESCRIPTION)

    async def create_table():
        engine = engine_finder()
        await engine.run_ddl(
            "CREATE TABLE public_page ("
            "key VARCHAR(40) PRIMARY KEY NOT NULL, "
            "institution INTEGER NOT NULL, "
            "uscc VARCHAR(18) NOT NULL, "
            "variant VARCHAR(16) NOT NULL, "
            "etag VARCHAR(64) NOT NULL, "
            f"body {BINARY[engine.engine_type]} NOT NULL, "
            "rendered_at TIMESTAMPTZ NOT NULL)"
        )
        await engine.run_ddl("CREATE INDEX public_page_institution ON public_page (institution)")
        await engine.run_ddl("CREATE INDEX public_page_uscc ON public_page (uscc)")

    async def drop_table():
        await engine_finder().run_ddl("DROP TABLE public_page")

    manager.add_raw(create_table)
    manager.add_raw_backwards(drop_table)
    return manager
