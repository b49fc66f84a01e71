"""Supervision (issue 19, review): a result's publication deadline remembers whether it was counted on an official
calendar, a corrected result carries the day of its latest correction, and each correction is kept as history."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import JSON, Date, ForeignKey, Text, Timestamptz, Varchar
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-03T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "supervision: unconfirmed publication deadlines, result corrections"


class _SupervisionTask(Table, tablename="supervision_task"):
    """Only referenced; frozen here so later table changes cannot alter this migration."""


class _ResultCorrection(Table, tablename="supervision_correction"):
    """The table as this migration creates it."""

    task = ForeignKey(references=_SupervisionTask, index=True)
    reason = Text()
    before = JSON()
    after = JSON()
    corrected_by = Varchar(length=100)
    corrected_on = Date()
    created_at = Timestamptz()


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="eldercredit", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        for table in (_SupervisionTask, _ResultCorrection):
            table._meta.db = engine  # the engine migrating now, not the one this class first saw
        await engine.run_ddl(
            "ALTER TABLE supervision_task ADD COLUMN publish_by_confirmed BOOLEAN NOT NULL DEFAULT TRUE"
        )
        await engine.run_ddl("ALTER TABLE supervision_task ADD COLUMN corrected_on DATE NULL DEFAULT NULL")
        await _ResultCorrection.create_table().run()

    async def drop():
        engine = engine_finder()
        _ResultCorrection._meta.db = engine
        await _ResultCorrection.alter().drop_table().run()
        await engine.run_ddl("ALTER TABLE supervision_task DROP COLUMN corrected_on")
        await engine.run_ddl("ALTER TABLE supervision_task DROP COLUMN publish_by_confirmed")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
