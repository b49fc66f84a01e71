"""Scheduler state shared by every replica: job-run claims and the monthly random-inspection draws."""

from piccolo.columns import Date, JSON, Text, Timestamptz, Varchar
from piccolo.columns import Serial
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


class InspectionDraw(Table):
    """A monthly random inspection draw (双随机); the seed is kept so the draw can be audited."""

    id: Serial  # created by Piccolo; declared so type checkers know it

    month = Varchar(length=7, unique=True)  # YYYY-MM
    drawn_on = Date()
    seed = Varchar(length=64)
    institutions = JSON()
    inspectors = JSON()
