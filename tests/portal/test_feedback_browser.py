"""The citizen feedback form in a real browser (issue 18 done-when), in the standard and the elderly mode (长辈模式):
from a home's profile to the form, filed, and the reference's status page; axe-core finds no serious or critical
violation and every target is big enough for the mode, on the form and on the status page.
Skipped like tests/portal/test_portal_browser.py when Chromium, axe-core or playwright is missing."""

from __future__ import annotations

import re

import pytest

from tests.browser_support import browser, page, serious_violations, shot, small_targets  # noqa: F401  (fixtures)
from tests.portal.test_portal_browser import server  # noqa: F401  (fixtures)

__all__ = ["browser", "page", "server"]  # the fixtures, shared with the portal's browser test


@pytest.mark.parametrize("mode, minimum", [("standard", 44), ("elder", 60)])
def test_a_citizen_files_from_a_profile_and_sees_the_reference_in_either_mode(server, page, mode, minimum):
    page.goto(f"{server}/?mode={mode}")
    page.locator('[data-testid="result"] h3 a').first.click()
    page.wait_for_load_state()
    home = page.locator('[data-testid="institution-name"]').inner_text()
    page.locator('[data-testid="feedback-home-link"]').click()
    page.wait_for_load_state()
    assert home in page.locator('[data-testid="feedback-home"]').inner_text()
    assert (mode == "elder") == ("elder" in page.locator("body").get_attribute("class"))
    shot(page, f"feedback-form-{mode}")
    problems = {"form": {"axe": serious_violations(page), "small": small_targets(page, minimum)}}
    page.fill("#f-what", f"{mode}：晚上八点后护理站无人值守，老人按铃十分钟无人应答。")
    page.fill("#f-phone", "13800001111")
    with page.expect_navigation():
        page.locator('[data-testid="feedback-submit"]').click()
    reference = page.locator('[data-testid="feedback-reference"]').inner_text()
    assert re.fullmatch(r"[0-9A-Z]{10}", reference)
    assert page.locator('[data-testid="feedback-filed"]').is_visible()
    assert "13800001111" not in page.content()
    shot(page, f"feedback-status-{mode}")
    problems["status"] = {"axe": serious_violations(page), "small": small_targets(page, minimum)}
    assert not any(v["axe"] or v["small"] for v in problems.values()), problems
