"""The tables of citizen feedback: the reports and every answer given on them."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from credit.registry.tables import Institution


class Feedback(Table, tablename="citizen_feedback"):
    """A citizen's report or opinion (投诉与意见) about a home, or about eldercare in general (no home).

    status: received -> accepted (an inspection is requested) -> closed; received | accepted -> transferred
    (to 12345 or an agency) or closed (with a reply). `district_code` is the home's district ("" for general
    feedback: city regulators handle it). The complainant's name and phone are never public, shown to the
    handling regulator only, and erased `retention` years after closing (credit.feedback.jobs).
    """

    id: Serial  # created by Piccolo; declared so type checkers know it

    reference = Varchar(length=16, unique=True)  # the citizen's reference number (credit.feedback.references)
    institution = ForeignKey(references=Institution, null=True, default=None, index=True)
    district_code = Varchar(length=6, default="", index=True)
    what_happened = Text()
    happened_on = Date(null=True, default=None)
    complainant_name = Varchar(length=50, default="")
    complainant_phone = Varchar(length=30, default="")
    text_digest = Varchar(length=64, index=True)  # duplicate detection: the same text to the same home
    status = Varchar(length=16, default="received")
    received_on = Date()
    due_on = Date()  # received_on + the policy's working days ([feedback] due_working_days)
    due_confirmed = Boolean(default=True)  # False when a day counted had no official calendar data
    closed_on = Date(null=True, default=None)  # the day it was closed or transferred
    substantiated = Boolean(null=True, default=None)  # set when closed: did the facts turn out true
    transferred_to = Varchar(length=100, default="")  # the receiving agency's name
    handled_by = Varchar(length=100, default="")
    pii_erased_on = Date(null=True, default=None)
    version = Integer(default=1)
    created_at = Timestamptz()


class FeedbackReply(Table, tablename="citizen_feedback_reply"):
    """One answer on a feedback (accepted / transferred / closed), shown on the reference's status page."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    feedback = ForeignKey(references=Feedback, index=True)
    action = Varchar(length=16)
    text = Text()
    replied_by = Varchar(length=100)
    replied_at = Timestamptz()
