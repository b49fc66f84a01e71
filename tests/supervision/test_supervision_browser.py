"""The public monthly page of the supervision loop (issue 19) in a real browser, in the standard and the elderly
mode (长辈模式): the month's results with masked inspectors, the statistics table and its chart, no serious axe-core
violation, targets of 44 / 60 px. Skipped like tests/portal/test_portal_browser.py without Chromium or axe-core."""

from __future__ import annotations

import pytest

from tests.browser_support import ROOT, browser, page, serious_violations, shot, small_targets  # noqa: F401  (fixtures)
from tests.live_server import live_server, run_python, server_env

SEED = """
import asyncio
from datetime import timedelta
from credit.accounts.system import system_principal
from credit.demo import build_demo_city
from credit.migrate import migrate
from credit.seeding import load_city
from credit.supervision import service
from credit.supervision.tables import SupervisionTask
from credit.timeutil import today
from credit.supervision.schemas import InspectorIn, ResultIn

SETUP = system_principal("setup")
PUBLISHER = system_principal("publisher")  # not the recorder: separation of duties
CHECKS = dict.fromkeys(("licences", "service_quality", "safety", "fees", "contracts"), "pass")

async def main():
    await migrate()
    on = today()
    await load_city(build_demo_city(5, on, count=60), on)
    for district in ("320402", "320404", "320411", "320412", "320413", "320481"):
        for n in range(3):
            await service.add_inspector(InspectorIn(name=f"张建{n}", certificate_number=f"{district}{n:05d}",
                                                    agency_code="civil_affairs", district_code=district), SETUP)
    await service.draw_month(on.replace(day=1))
    tasks = await SupervisionTask.select(SupervisionTask.id).order_by(SupervisionTask.id).run()
    for n, task in enumerate(tasks):
        rectify = n % 2 == 0
        await service.record_result(task["id"], ResultIn(
            kind="general", inspected_on=on, checklist={**CHECKS, "fees": "fail"} if rectify else CHECKS,
            outcome="rectify" if rectify else "no_problem",
            rectify_by=on + timedelta(days=20) if rectify else None), SETUP)
        await service.publish_result(task["id"], PUBLISHER)

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """uvicorn in a subprocess on a free port, on a seeded SQLite file with a month of published results."""
    env = server_env(tmp_path_factory.mktemp("supervision-browser"))
    run_python(env, SEED)
    with live_server(env) as base:
        yield base


@pytest.mark.parametrize("mode, minimum", [("standard", 44), ("elder", 60)])
def test_the_public_monthly_page_in_both_modes(server, page, mode, minimum):
    page.goto(f"{server}/supervision?mode={mode}")
    assert ("elder" in (page.locator("body").get_attribute("class") or "")) == (mode == "elder")
    results = page.locator('[data-testid="result"]')
    assert results.count() >= 6  # at least one home per district
    inspectors = results.first.locator('[data-testid="inspectors"]').inner_text()
    assert "张**" in inspectors and "*" in inspectors.split("（")[1]  # names and certificate numbers masked
    assert page.locator('[data-testid="district-stats"]').count() >= 7  # six districts and the city
    assert page.locator("figure.chart svg[role=img]").count() == 1
    shot(page, f"supervision-{mode}")
    problems = {"axe": serious_violations(page), "small targets": small_targets(page, minimum)[:5]}
    assert problems == {"axe": [], "small targets": []}, problems
    page.goto(f"{server}/supervision?mode={mode}&lang=en")
    assert "Random inspections and their results" in page.locator("h1").inner_text()
