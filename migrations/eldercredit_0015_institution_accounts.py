"""Institution self-service (机构端): a user may belong to one home (its USCC) and must set its password at the first
sign-in; the first opening of a list notice by the home's users is recorded (电子送达, one row per entry)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import ForeignKey, Timestamptz, Varchar
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-02T21:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "institution accounts and electronic service of list notices"


class _ListingEntry(Table, tablename="listing_entry"):
    """Only referenced; frozen here so later table changes cannot alter this migration."""


class _NoticeReceipt(Table, tablename="notice_receipt"):
    """The table as this migration creates it."""

    entry = ForeignKey(references=_ListingEntry, unique=True)
    opened_at = Timestamptz()
    opened_by = Varchar(length=64)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="eldercredit", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        for table in (_ListingEntry, _NoticeReceipt):
            table._meta.db = engine  # the engine migrating now, not the one this class first saw
        await engine.run_ddl("ALTER TABLE account_user ADD COLUMN institution_uscc VARCHAR(18) NOT NULL DEFAULT ''")
        await engine.run_ddl("ALTER TABLE account_user ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE")
        await engine.run_ddl("CREATE INDEX account_user_institution_uscc ON account_user (institution_uscc)")
        await _NoticeReceipt.create_table().run()

    async def drop():
        engine = engine_finder()
        _NoticeReceipt._meta.db = engine
        await _NoticeReceipt.alter().drop_table().run()
        await engine.run_ddl("DROP INDEX account_user_institution_uscc")
        await engine.run_ddl("ALTER TABLE account_user DROP COLUMN must_change_password")
        await engine.run_ddl("ALTER TABLE account_user DROP COLUMN institution_uscc")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
