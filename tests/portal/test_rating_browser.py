"""Understanding a rating in a real browser (Debian Chromium): the profile's chart, its table and "what comes
next" at 390 px and 1366 px in both modes — chart labels at least 16 px on screen (24 px in 长辈模式), a listed
home's last point inside the D band, axe-core with no serious or critical violation. Screenshots in
tests/artifacts/. Skipped like tests/portal/test_portal_browser.py when Chromium, axe-core or playwright is
missing."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.browser_support import ARTIFACTS, browser, serious_violations, shot  # noqa: F401  (fixtures)
from tests.live_server import live_server, run_python, server_env

SEED = """
import asyncio
from datetime import date
from credit.demo import build_demo_city
from credit.disclosures.rescoring import rescore_all
from credit.migrate import migrate
from credit.seeding import load_city

async def main():
    await migrate()
    await load_city(build_demo_city(5, date(2026, 6, 30), count=40), date(2026, 6, 30))
    for day in (date(2026, 6, 30), date(2026, 9, 30), date(2027, 1, 15)):  # a few points of history
        await rescore_all(day)

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = server_env(tmp_path_factory.mktemp("rating-browser"))
    run_python(env, SEED)
    with live_server(env) as base:
        yield base


def listed_uscc(server: str) -> str:
    with urllib.request.urlopen(f"{server}/api/v1/listings") as response:
        items = json.load(response)["items"]
    found = [e["uscc"] for e in items if e.get("uscc") and e.get("subject_kind") == "institution"]
    assert found, "the demo city has a listed home"
    return found[0]


CHART_FACTS = """() => {
  const svg = document.querySelector('[data-testid="score-chart"]');
  const sizes = Array.from(svg.querySelectorAll('text')).map(t => parseFloat(getComputedStyle(t).fontSize));
  const heights = Array.from(svg.querySelectorAll('text')).map(t => t.getBoundingClientRect().height);
  const d = svg.querySelector('rect[data-level="D"]').getBoundingClientRect();
  const points = svg.querySelectorAll('circle');
  const last = points[points.length - 1];
  const p = last.getBoundingClientRect();
  const middle = p.top + p.height / 2;
  return {sizes, heights, level: last.dataset.level, inD: middle >= d.top && middle <= d.bottom,
          dates: Array.from(svg.querySelectorAll('.chart-date-label')).map(t => t.textContent)};
}"""


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize(("mode", "smallest"), [("standard", 16), ("elder", 24)])
def test_profile_chart_and_outlook_read_well_on_a_phone_and_a_desktop(server, browser, width, mode, smallest):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(f"{server}/institutions/{listed_uscc(server)}?mode={mode}&lang=zh")
        assert page.locator('[data-testid="outlook"] h2').inner_text() == "接下来"
        facts = page.evaluate(CHART_FACTS)
        assert min(facts["sizes"]) >= smallest and min(facts["heights"]) >= smallest * 0.9
        assert facts["level"] == "D" and facts["inD"]
        assert len(facts["dates"]) == len(set(facts["dates"]))
        assert page.locator('[data-testid="history-why"]').count() >= 1
        assert serious_violations(page) == []
        shot(page, f"rating-{mode}-{width}")
        for part in ("outlook", "history"):
            section = page.locator(f'section[aria-labelledby="{part}-heading"]')
            section.screenshot(path=str(ARTIFACTS / f"rating-{part}-{mode}-{width}.png"))
        page.goto(f"{server}/institutions/{listed_uscc(server)}?mode={mode}&lang=en")
        assert page.locator('[data-testid="outlook"] h2').inner_text() == "What comes next"
        assert serious_violations(page) == []
    finally:
        context.close()
