"""Scheduler state shared by every replica: job-run claims (the monthly draws are credit.supervision's)."""

from piccolo.columns import Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class JobRun(Table):
    """A claim on one run of one job: the unique (job, slot) row makes the run happen exactly once."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    job = Varchar(length=64, index=True)
    slot = Varchar(length=32)  # the scheduled fire time, or "manual-<instant>"
    started_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
    status = Varchar(length=16)  # running | succeeded | failed
    detail = Text(default="")
