"""Institution self-service, evidence and applications (issue 18): evidence files a home uploads with its
objection or its applications (the bytes in the file store, the rows here); a home's early-removal application
carries its credit commitment and who applied, and may be withdrawn (decision `withdrawn`)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import BigInt, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-03T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "evidence files; commitment and applicant of early-removal applications"


class _Institution(Table, tablename="institution"):
    """Only referenced; frozen here so later table changes cannot alter this migration."""


class _EvidenceFile(Table, tablename="evidence_file"):
    """The table as this migration creates it."""

    institution = ForeignKey(references=_Institution, index=True)
    owner_kind = Varchar(length=16)
    owner_id = Integer()
    storage_key = Varchar(length=64, unique=True)
    file_name = Varchar(length=200)
    content_type = Varchar(length=32)
    size_bytes = BigInt()
    sha256 = Varchar(length=64)
    uploaded_by = Varchar(length=100)
    uploaded_at = Timestamptz()


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="eldercredit", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        for table in (_Institution, _EvidenceFile):
            table._meta.db = engine  # the engine migrating now, not the one this class first saw
        await _EvidenceFile.create_table().run()
        await engine.run_ddl("CREATE INDEX evidence_file_owner ON evidence_file (owner_kind, owner_id)")
        await engine.run_ddl("ALTER TABLE removal_application ADD COLUMN commitment TEXT NOT NULL DEFAULT ''")
        await engine.run_ddl("ALTER TABLE removal_application ADD COLUMN applied_by VARCHAR(100) NOT NULL DEFAULT ''")

    async def drop():
        engine = engine_finder()
        _EvidenceFile._meta.db = engine
        await engine.run_ddl("ALTER TABLE removal_application DROP COLUMN applied_by")
        await engine.run_ddl("ALTER TABLE removal_application DROP COLUMN commitment")
        await engine.run_ddl("DROP INDEX evidence_file_owner")
        await _EvidenceFile.alter().drop_table().run()

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
