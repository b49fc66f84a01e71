"""The app's clock is a dependency (issue 16, item 3): `create_app(clock=FixedClock(day))` runs every page and API on
that day, so a test of a date rule sets the day instead of patching time. The system clock is the default."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from credit.app import create_app
from credit.clock import FixedClock, SystemClock
from credit.feedback.tables import Feedback
from credit.listings import service as listings
from credit.settings import settings
from credit.timeutil import today
from tests.conftest import running
from tests.feedback.test_feedback_filing import a_home, file, reference_of
from tests.institution.test_home_api import bearer
from tests.institution.test_home_self_service import homes  # noqa: F401  (the fixture)
from tests.workspace.workspace_helpers import TIANNING

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_fixed_clock_stands_at_noon_of_its_day_where_the_regulators_are():
    clock = FixedClock(date(2026, 3, 1), SHANGHAI)
    assert clock.today() == date(2026, 3, 1)
    assert clock.now() == datetime(2026, 3, 1, 4, tzinfo=UTC)  # 12:00 in Shanghai


def test_a_fixed_instant_is_dated_in_the_clocks_time_zone():
    late_evening_utc = datetime(2026, 3, 1, 17, tzinfo=UTC)  # 01:00 on 2 March in Shanghai
    assert FixedClock(late_evening_utc, SHANGHAI).today() == date(2026, 3, 2)
    with pytest.raises(ValueError, match="aware"):
        FixedClock(datetime(2026, 3, 1, 17), SHANGHAI)


def test_the_system_clock_tells_the_day_where_the_regulators_are():
    assert SystemClock(SHANGHAI).today() == datetime.now(SHANGHAI).date()


@pytest.mark.parametrize(("day", "version"), [(date(2025, 6, 1), "2020.1"), (date(2026, 6, 1), "2026.1")])
async def test_the_rules_page_shows_the_policy_in_force_on_the_apps_day(db, day, version):
    async with running(create_app(clock=FixedClock(day, settings.timezone))) as http:
        about = await http.get("/about")
    assert about.status_code == 200
    shown = re.search(r'data-testid="policy-version">([^<]+)<', about.text)
    assert shown is not None and version in shown.group(1)


async def test_an_objection_on_a_day_after_the_window_is_refused_with_the_date(homes):  # noqa: F811
    """The entry is notified today; the same objection is accepted on the app's today and refused a month later."""
    home = homes[TIANNING]
    auth = await bearer("kangle.api", institution_uscc=home["uscc"])
    deadline = (await listings.entry_detail(home["entry_id"]))["objection_deadline"]
    path = f"/api/v1/my/notices/{home['entry_id']}/objection"

    async with running(create_app(clock=FixedClock(deadline + timedelta(days=30), settings.timezone))) as late:
        refused = await late.post(path, json={"text": "不是我们的债务"}, headers=auth)
    assert refused.status_code == 409
    assert refused.json()["errors"] == [
        {
            "field": "text",
            "reason": f"the objection window closed on {deadline.isoformat()}",
            "code": "objection_window_closed",
        }
    ]
    assert (await listings.entry_detail(home["entry_id"]))["status"] == "notified"

    async with running(create_app(clock=FixedClock(deadline, settings.timezone))) as in_time:
        accepted = await in_time.post(path, json={"text": "不是我们的债务"}, headers=auth)
    assert accepted.status_code == 201, accepted.text
    entry = await listings.entry_detail(home["entry_id"])
    assert entry["status"] == "objected" and entry["objected_on"] == deadline


async def test_feedback_filed_on_the_apps_day_is_received_that_day_and_due_from_it(db):
    day = today() + timedelta(days=20)
    home = await a_home()
    async with running(create_app(clock=FixedClock(day, settings.timezone))) as http:
        reference = reference_of(await file(http, home["uscc"]))
        status = await http.get(f"/feedback/{reference}")
    stored = await Feedback.select().where(Feedback.reference == reference).first().run()
    assert stored["received_on"] == day and stored["due_on"] > day
    assert status.status_code == 200 and stored["due_on"].isoformat() in status.text
