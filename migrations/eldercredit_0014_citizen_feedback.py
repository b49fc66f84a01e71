"""Citizen feedback (投诉与意见, issue 18): the reports, with their reference numbers, and the answers on them."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-02T20:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "citizen feedback: citizen_feedback, citizen_feedback_reply"


class _Institution(Table, tablename="institution"):
    """Only referenced; frozen here so later table changes cannot alter this migration."""


class _Feedback(Table, tablename="citizen_feedback"):
    """The table as this migration creates it."""

    reference = Varchar(length=16, unique=True)
    institution = ForeignKey(references=_Institution, null=True, default=None, index=True)
    district_code = Varchar(length=6, default="", index=True)
    what_happened = Text()
    happened_on = Date(null=True, default=None)
    complainant_name = Varchar(length=50, default="")
    complainant_phone = Varchar(length=30, default="")
    text_digest = Varchar(length=64, index=True)
    status = Varchar(length=16, default="received")
    received_on = Date()
    due_on = Date()
    due_confirmed = Boolean(default=True)
    closed_on = Date(null=True, default=None)
    substantiated = Boolean(null=True, default=None)
    transferred_to = Varchar(length=100, default="")
    handled_by = Varchar(length=100, default="")
    pii_erased_on = Date(null=True, default=None)
    version = Integer(default=1)
    created_at = Timestamptz()


class _FeedbackReply(Table, tablename="citizen_feedback_reply"):
    """The table as this migration creates it."""

    feedback = ForeignKey(references=_Feedback, index=True)
    action = Varchar(length=16)
    text = Text()
    replied_by = Varchar(length=100)
    replied_at = Timestamptz()


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="eldercredit", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        for table in (_Institution, _Feedback, _FeedbackReply):
            table._meta.db = engine  # the engine migrating now, not the one this class first saw
        await _Feedback.create_table().run()
        await _FeedbackReply.create_table().run()

    async def drop():
        engine = engine_finder()
        for table in (_Feedback, _FeedbackReply):
            table._meta.db = engine
        await _FeedbackReply.alter().drop_table().run()
        await _Feedback.alter().drop_table().run()

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
