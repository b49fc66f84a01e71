"""The credit report in a real browser (Debian's Chromium through Playwright): on paper (print media) the
navigation is gone and the level is there; axe-core finds nothing serious or critical on screen or in print, in
both modes, at 390 px and 1366 px; the feed the profile announces is valid Atom. Screenshots in tests/artifacts/.

Skipped with the reason, like tests/portal/test_portal_browser.py, whose server, browser and helpers it uses."""

from __future__ import annotations

import feedparser
import pytest

from tests.browser_support import browser, page, serious_violations, shot, small_targets  # noqa: F401  (fixtures)
from tests.portal.test_portal_browser import server  # noqa: F401  (fixtures)


def first_home(server, page) -> str:
    page.goto(f"{server}/")
    return page.locator('[data-testid="result"] h3 a').first.get_attribute("href")


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("mode, minimum", [("standard", 44), ("elder", 60)])
def test_the_printed_report_has_no_navigation_and_shows_the_level(server, page, mode, minimum, width):
    page.set_viewport_size({"width": width, "height": 900})
    profile = first_home(server, page)
    page.goto(f"{server}{profile}?mode={mode}")
    page.locator('[data-testid="report-link"]').click()
    page.wait_for_load_state()
    assert page.url.endswith("/report")
    assert page.locator("button[data-print]").is_visible()  # our script shows the print button
    on_screen = serious_violations(page)
    small = small_targets(page, minimum)
    shot(page, f"report-{mode}-{width}")
    assert page.locator("nav").first.is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("nav").first.is_visible()
    assert not page.locator(".print-actions").is_visible()
    assert page.locator('[data-testid="report-level"]').is_visible()
    assert page.locator('[data-testid="disclosure-digest"]').is_visible()
    assert page.locator('[data-testid="printed-on"]').is_visible()
    shot(page, f"report-print-{mode}-{width}")
    in_print = serious_violations(page)
    assert not on_screen and not in_print and not small, {"screen": on_screen, "print": in_print, "small": small}


def test_the_feed_a_profile_announces_is_valid_atom(server, page):
    profile = first_home(server, page)
    page.goto(f"{server}{profile}")
    href = page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute("href")
    assert href.endswith("/feed.atom")
    response = page.request.get(server + href)
    assert response.ok and response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.body())
    assert not feed.bozo and feed.version == "atom10" and feed.entries
    assert all(e.link.startswith(f"{server}{profile}") for e in feed.entries)
