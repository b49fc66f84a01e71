"""Institution self-service, part B: registry changes requested by the home, hazard rectification reported by the
home (each awaiting a regulator, one open per field / hazard), and the cap on a home's accounts held by a unique
slot per home."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Date, ForeignKey, Text, Timestamptz, Varchar
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-03T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "registry change requests, hazard rectification reports, account slots per home"


class _Institution(Table, tablename="institution"):
    """Only referenced; frozen here so later table changes cannot alter this migration."""


class _MajorHazard(Table, tablename="major_hazard"):
    """Only referenced."""


class _ChangeRequest(Table, tablename="registry_change_request"):
    """The table as this migration creates it."""

    institution = ForeignKey(references=_Institution, index=True)
    field = Varchar(length=32)
    current_value = Varchar(length=300, default="")
    requested_value = Varchar(length=300, default="")
    note = Text(default="")
    status = Varchar(length=16, default="open")
    requested_by = Varchar(length=64)
    requested_at = Timestamptz()
    decided_by = Varchar(length=64, default="")
    decided_at = Timestamptz(null=True, default=None)
    reasons = Text(default="")


class _HazardReport(Table, tablename="hazard_report"):
    """The table as this migration creates it."""

    hazard = ForeignKey(references=_MajorHazard, index=True)
    rectified_on = Date()
    text = Text()
    evidence = Text(default="")
    status = Varchar(length=16, default="reported")
    reported_by = Varchar(length=64)
    reported_at = Timestamptz()
    decided_by = Varchar(length=64, default="")
    decided_at = Timestamptz(null=True, default=None)
    reasons = Text(default="")


ONE_OPEN_CHANGE = (
    "CREATE UNIQUE INDEX registry_change_request_one_open ON registry_change_request (institution, field) "
    "WHERE status = 'open'"
)
ONE_OPEN_REPORT = "CREATE UNIQUE INDEX hazard_report_one_open ON hazard_report (hazard) WHERE status = 'reported'"
ONE_USER_PER_SLOT = "CREATE UNIQUE INDEX account_user_home_slot ON account_user (institution_uscc, home_slot)"


async def _number_existing_accounts(engine) -> None:
    """Give every active institution account a slot 1, 2, ... per home, in the order they were opened."""
    rows = await engine.run_ddl(
        "SELECT id, institution_uscc FROM account_user WHERE role = 'institution' AND active ORDER BY id"
    )
    seen: dict[str, int] = {}
    for row in rows or []:
        seen[row["institution_uscc"]] = slot = seen.get(row["institution_uscc"], 0) + 1
        await engine.run_ddl(f"UPDATE account_user SET home_slot = {int(slot)} WHERE id = {int(row['id'])}")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="eldercredit", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        for table in (_Institution, _MajorHazard, _ChangeRequest, _HazardReport):
            table._meta.db = engine  # the engine migrating now, not the one this class first saw
        await _ChangeRequest.create_table().run()
        await _HazardReport.create_table().run()
        await engine.run_ddl(ONE_OPEN_CHANGE)
        await engine.run_ddl(ONE_OPEN_REPORT)
        await engine.run_ddl("ALTER TABLE account_user ADD COLUMN home_slot INTEGER NULL DEFAULT NULL")
        await _number_existing_accounts(engine)
        await engine.run_ddl(ONE_USER_PER_SLOT)

    async def drop():
        engine = engine_finder()
        for table in (_ChangeRequest, _HazardReport):
            table._meta.db = engine
        await engine.run_ddl("DROP INDEX account_user_home_slot")
        await engine.run_ddl("ALTER TABLE account_user DROP COLUMN home_slot")
        await _HazardReport.alter().drop_table().run()
        await _ChangeRequest.alter().drop_table().run()

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
