"""The supervision loop (双随机、一公开): the inspector roster and its conflicts of interest, the task of each drawn
home with its result, and the registry snapshot each draw was made from."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-02T18:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "supervision: inspector roster, conflicts, tasks; inspection_draw snapshot"


class _Institution(Table, tablename="institution"):
    """Only referenced; frozen here so later table changes cannot alter this migration."""


class _InspectionDraw(Table, tablename="inspection_draw"):
    """Only referenced."""


class _Inspector(Table, tablename="inspector"):
    name = Varchar(length=100)
    certificate_number = Varchar(length=40, unique=True)
    agency_code = Varchar(length=32)
    district_code = Varchar(length=6, index=True)
    active = Boolean(default=True)
    recorded_by = Varchar(length=100)
    created_at = Timestamptz()


class _InspectorConflict(Table, tablename="inspector_conflict"):
    inspector = ForeignKey(references=_Inspector, index=True)
    institution = ForeignKey(references=_Institution, index=True)
    reason = Text()
    recorded_by = Varchar(length=100)
    recorded_on = Date()


class _SupervisionTask(Table, tablename="supervision_task"):
    draw = ForeignKey(references=_InspectionDraw, index=True)
    month = Varchar(length=7, index=True)
    institution = ForeignKey(references=_Institution, index=True)
    district_code = Varchar(length=6, index=True)
    inspectors = JSON()
    due_on = Date()
    status = Varchar(length=16, default="open")
    kind = Varchar(length=16, default="")
    fire_inspection = Integer(null=True, default=None)
    checklist = JSON(default="{}")
    findings = Text(default="")
    inspected_on = Date(null=True, default=None)
    outcome = Varchar(length=16, default="")
    rectify_by = Date(null=True, default=None)
    rectified_on = Date(null=True, default=None)
    publish_by = Date(null=True, default=None)
    published_on = Date(null=True, default=None)
    recorded_by = Varchar(length=100, default="")
    version = Integer(default=1)


ONE_TASK_PER_HOME = "CREATE UNIQUE INDEX supervision_task_one_per_home ON supervision_task (draw, institution)"
NEW_TABLES = (_Inspector, _InspectorConflict, _SupervisionTask)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="eldercredit", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        for table in (_Institution, _InspectionDraw, *NEW_TABLES):
            table._meta.db = engine  # the engine migrating now, not the one this class first saw
        await engine.run_ddl("ALTER TABLE inspection_draw ADD COLUMN snapshot JSON NOT NULL DEFAULT '{}'")
        await engine.run_ddl("ALTER TABLE inspection_draw ADD COLUMN snapshot_digest VARCHAR(64) NOT NULL DEFAULT ''")
        for table in NEW_TABLES:
            await table.create_table().run()
        await engine.run_ddl(ONE_TASK_PER_HOME)

    async def drop():
        engine = engine_finder()
        for table in NEW_TABLES:
            table._meta.db = engine
        await engine.run_ddl("DROP INDEX supervision_task_one_per_home")
        for table in reversed(NEW_TABLES):
            await table.alter().drop_table().run()
        await engine.run_ddl("ALTER TABLE inspection_draw DROP COLUMN snapshot_digest")
        await engine.run_ddl("ALTER TABLE inspection_draw DROP COLUMN snapshot")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
