"""Apply the Piccolo migrations from code, and tell whether they are all applied."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.tables import Migration

from credit.piccolo_app import APP_CONFIG


class MigrationFailed(RuntimeError):
    """A migration did not apply; the message is Piccolo's."""


async def migrate(quiet: bool = True) -> None:
    """Apply every pending migration. Raises MigrationFailed when one fails."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output) if quiet else contextlib.nullcontext():
        result = await run_forwards(app_name=APP_CONFIG.app_name, migration_id="all")
    if not result.success:
        raise MigrationFailed(result.message or output.getvalue())


def known_migration_ids() -> list[str]:
    manager = BaseMigrationManager()
    modules = manager.get_migration_modules(APP_CONFIG.resolved_migrations_folder_path)
    return manager.get_migration_ids(modules)


async def pending_migrations() -> list[str]:
    """The ids of the migrations not yet applied to the current database."""
    if not await Migration.table_exists().run():
        return known_migration_ids()
    applied = set(await Migration.get_migrations_which_ran(app_name=APP_CONFIG.app_name))
    return [migration_id for migration_id in known_migration_ids() if migration_id not in applied]
