"""Credit repair of penalty information (信用修复, NDRC Order No. 36): the repair applications and the day a
penalty was repaired. At most one open application per penalty (a unique partial index on both engines)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-02T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "credit repair: repair applications, penalty.repaired_on"


class _Penalty(Table, tablename="penalty"):
    """Only referenced; frozen here so later table changes cannot alter this migration."""


class _RepairApplication(Table, tablename="repair_application"):
    """The table as this migration creates it."""

    penalty = ForeignKey(references=_Penalty, index=True)
    applicant_name = Varchar(length=100)
    applicant_contact = Varchar(length=100)
    statement = Text()
    obligations_met_on = Date()
    evidence = Text(default="")
    commitment = Text()
    status = Varchar(length=16, default="applied")
    applied_on = Date()
    due_on = Date()
    due_confirmed = Boolean(default=True)
    recorded_by = Varchar(length=100)
    decided_by = Varchar(length=100, default="")
    decided_on = Date(null=True, default=None)
    reasons = Text(default="")
    version = Integer(default=1)
    created_at = Timestamptz()


ONE_OPEN = "CREATE UNIQUE INDEX repair_application_one_open ON repair_application (penalty) WHERE status = 'applied'"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="eldercredit", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        for table in (_Penalty, _RepairApplication):
            table._meta.db = engine  # the engine migrating now, not the one this class first saw
        await engine.run_ddl("ALTER TABLE penalty ADD COLUMN repaired_on DATE NULL")
        await _RepairApplication.create_table().run()
        await engine.run_ddl(ONE_OPEN)

    async def drop():
        engine = engine_finder()
        _RepairApplication._meta.db = engine
        await engine.run_ddl("DROP INDEX repair_application_one_open")
        await _RepairApplication.alter().drop_table().run()
        await engine.run_ddl("ALTER TABLE penalty DROP COLUMN repaired_on")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
