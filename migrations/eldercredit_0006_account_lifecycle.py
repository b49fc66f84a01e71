"""Account lifecycle: API tokens expire, users carry when they were deactivated, and the per-account
lock-out counters go (sign-in failures are throttled per client and account in the shared store)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Timestamptz
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-02T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "account lifecycle: token expiry, deactivation time, no lock-out columns"

EXISTING_TOKEN_TTL_DAYS = 90  # tokens issued before this migration expire 90 days after they were issued


class _ApiToken(Table, tablename="api_token"):
    """The two columns the backfill needs, frozen here so later table changes cannot alter this migration."""

    created_at = Timestamptz()
    expires_at = Timestamptz(null=True, default=None)


async def backfill_token_expiry() -> None:
    """Give every token without an expiry one: EXISTING_TOKEN_TTL_DAYS after it was issued."""
    from datetime import timedelta

    _ApiToken._meta.db = engine_finder()  # the engine migrating now, not the one this class first saw
    for row in await _ApiToken.select(_ApiToken.id, _ApiToken.created_at).where(_ApiToken.expires_at.is_null()).run():
        await (
            _ApiToken.update({_ApiToken.expires_at: row["created_at"] + timedelta(days=EXISTING_TOKEN_TTL_DAYS)})
            .where(_ApiToken.id == row["id"])
            .run()
        )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="eldercredit", description=DESCRIPTION)

    async def add_columns():
        engine = engine_finder()
        await engine.run_ddl("ALTER TABLE api_token ADD COLUMN expires_at TIMESTAMPTZ NULL")
        await engine.run_ddl("ALTER TABLE account_user ADD COLUMN deactivated_at TIMESTAMPTZ NULL")
        await engine.run_ddl("ALTER TABLE account_user DROP COLUMN failed_logins")
        await engine.run_ddl("ALTER TABLE account_user DROP COLUMN locked_until")
        await backfill_token_expiry()

    async def drop_columns():
        engine = engine_finder()
        await engine.run_ddl("ALTER TABLE account_user ADD COLUMN locked_until TIMESTAMPTZ NULL")
        await engine.run_ddl("ALTER TABLE account_user ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0")
        await engine.run_ddl("ALTER TABLE account_user DROP COLUMN deactivated_at")
        await engine.run_ddl("ALTER TABLE api_token DROP COLUMN expires_at")

    manager.add_raw(add_columns)
    manager.add_raw_backwards(drop_columns)
    return manager
