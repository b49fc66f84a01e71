"""The portal in a real browser (Debian's Chromium through Playwright): search, open a home, compare two,
switch to the elderly mode, keyboard focus, target sizes, and axe-core with no serious or critical violation
on the main pages in both modes. Screenshots go to tests/artifacts/.

Skipped, with the reason, when the browser or axe-core is missing (tests/browser_support.py)."""

from __future__ import annotations

import pytest

from tests.browser_support import (  # noqa: F401  (fixtures: browser, page)
    ARTIFACTS,
    browser,
    page,
    serious_violations,
    shot,
    small_targets,
)
from tests.live_server import live_server, run_python, server_env

SEED = """
import asyncio
from datetime import date
from credit.demo import build_demo_city
from credit.disclosures.rescoring import rescore_all
from credit.disclosures.service import publish
from credit.migrate import migrate
from credit.seeding import load_city

AS_OF = date(2026, 6, 30)

async def main():
    await migrate()
    await load_city(build_demo_city(5, AS_OF, count=40), AS_OF)
    await rescore_all(AS_OF)
    await publish(AS_OF)

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """uvicorn in a subprocess on a free port, on a migrated and seeded temporary SQLite file."""
    env = server_env(tmp_path_factory.mktemp("browser"))
    run_python(env, SEED)
    with live_server(env) as base:
        yield base


def test_search_open_compare_and_elderly_mode(server, page):
    page.goto(f"{server}/")
    shot(page, "search")
    page.fill("#f-q", "养老")
    with page.expect_navigation():
        page.press("#f-q", "Enter")
    assert "q=" in page.url
    results = page.locator('[data-testid="result"]')
    assert results.count() >= 2
    name = results.first.locator("h3 a").inner_text()
    results.first.locator("h3 a").click()
    page.wait_for_load_state()
    assert page.locator('[data-testid="institution-name"]').inner_text() == name
    assert page.locator("svg[role=img]").count() == 1
    shot(page, "institution")
    page.go_back()
    boxes = page.locator('.compare-pick input[type="checkbox"]')
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="对比已勾选的机构（最多3家）").click()
    page.wait_for_load_state()
    assert "/compare?" in page.url and page.locator("table.compare thead th").count() == 2
    shot(page, "compare")
    page.locator('[data-testid="mode-toggle"]').click()
    page.wait_for_load_state()
    assert "elder" in page.locator("body").get_attribute("class")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 24
    assert (
        page.evaluate(
            "parseFloat(getComputedStyle(document.body).lineHeight) / "
            "parseFloat(getComputedStyle(document.body).fontSize)"
        )
        >= 1.3
    )
    shot(page, "compare-elder")
    page.goto(f"{server}/")
    assert "elder" in page.locator("body").get_attribute("class")  # remembered by the cookie
    shot(page, "search-elder")


def test_keyboard_reaches_the_search_with_a_visible_focus(server, page):
    page.goto(f"{server}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    for _ in range(12):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
            return {id: e.id, outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }""")
        assert focused["outline"] != "none" and focused["width"] >= 2, focused
        if focused["id"] == "f-q":
            break
    else:
        pytest.fail("the search box was not reached by keyboard")
    page.keyboard.insert_text("养老")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=" in page.url


@pytest.mark.parametrize("mode, minimum", [("standard", 44), ("elder", 60)])
def test_main_pages_pass_axe_and_target_sizes(server, page, mode, minimum):
    page.goto(f"{server}/?mode={mode}")
    first = page.locator('[data-testid="result"] h3 a').first.get_attribute("href")
    second = page.locator('[data-testid="result"] h3 a').nth(1).get_attribute("href")
    a, b = first.rsplit("/", 1)[1], second.rsplit("/", 1)[1]
    problems = {}
    for name, url in (
        ("search", "/"),
        ("institution", first),
        ("compare", f"/compare?uscc={a}&uscc={b}"),
        ("listings", "/listings"),
        ("disclosures", "/disclosures"),
        ("about", "/about"),
        ("search-en", "/?lang=en"),
        ("institution-en", first),
    ):
        page.goto(server + url)
        shot(page, f"{name}-{mode}")
        violations = serious_violations(page)
        small = small_targets(page, minimum)
        if violations or small:
            problems[name] = {"axe": violations, "small targets": small[:5]}
    assert not problems, problems


SPEECH_SPY = """(() => {
  window.__spoken = [];
  if (!('speechSynthesis' in window)) { return; }
  const speak = window.speechSynthesis.speak.bind(window.speechSynthesis);
  window.speechSynthesis.speak = (u) => { window.__spoken.push({text: u.text, lang: u.lang}); speak(u); };
})();"""


def test_elderly_mode_reads_the_page_aloud_where_the_browser_can_speak(server, browser, page):
    page.goto(f"{server}/?mode=standard")
    home = page.locator('[data-testid="result"] h3 a').first
    name, href = home.inner_text(), home.get_attribute("href")
    page.goto(f"{server}{href}")
    assert page.locator("#read-aloud").count() == 0  # the standard view has no button
    page.add_init_script(SPEECH_SPY)
    page.goto(f"{server}{href}?mode=elder")
    button = page.get_by_role("button", name="朗读本页")
    assert button.is_visible() and page.evaluate("'speechSynthesis' in window")
    button.click()
    spoken = page.evaluate("window.__spoken")
    assert len(spoken) == 1 and spoken[0]["lang"] == "zh-CN"
    assert name in spoken[0]["text"] and "朗读本页" not in spoken[0]["text"]
    shot(page, "institution-elder-read-aloud")
    # Without JavaScript the page is the same, and the button that could not work stays out of sight.
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    try:
        quiet = context.new_page()
        quiet.goto(f"{server}{href}?mode=elder")
        assert quiet.locator("#read-aloud").count() == 1 and not quiet.locator("#read-aloud").is_visible()
        assert quiet.locator('[data-testid="institution-name"]').inner_text() == name
    finally:
        context.close()


@pytest.mark.parametrize("mode", ["standard", "elder"])
def test_shortlist_across_pages_then_compare_on_a_phone(server, page, mode):
    page.goto(f"{server}/?mode={mode}&lang=zh")
    page.locator('[data-testid="result"]').nth(0).get_by_role("button", name="加入备选").click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{server}/shortlist?added=")
    assert page.locator('[data-testid="shortlist-added"]').is_visible()
    page.goto(f"{server}/?page=1")  # another page, and back to the shortlist after a reload
    second = page.locator('[data-testid="result"]').nth(1)
    name = second.locator("h3 a").inner_text()
    second.locator("h3 a").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="加入备选").click()  # from the profile
    page.wait_for_load_state()
    page.reload()
    assert page.locator('[data-testid="shortlisted"]').count() == 2 and name in page.content()
    assert serious_violations(page) == []
    shot(page, f"shortlist-{mode}")
    page.get_by_role("button", name="对比已勾选的机构（最多3家）").click()
    page.wait_for_load_state()
    assert "/compare?" in page.url and page.locator("table.compare thead th").count() == 2
    label = page.locator('table.compare th[scope="row"]').first
    assert label.evaluate("e => getComputedStyle(e).position") == "sticky"
    # the label column stays in view when the homes scroll sideways
    page.locator(".compare-scroll").evaluate("e => e.scrollLeft = e.scrollWidth")
    assert label.bounding_box()["x"] >= 0
    badges = page.locator("table.compare .level")
    assert all(badges.nth(n).evaluate("e => e.getClientRects().length") == 1 for n in range(badges.count()))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # the page itself does not widen
    assert serious_violations(page) == []
    shot(page, f"compare-phone-{mode}")


def test_about_fits_a_phone_in_english_elderly_mode(server, page):
    for lang in ("en", "zh"):
        page.goto(f"{server}/about?lang={lang}&mode=elder")
        assert page.evaluate("document.documentElement.scrollWidth") <= 391, lang  # wide tables scroll inside
        assert "12 to 12 months" not in page.content() and not page.get_by_text("12至12个月").count()
    assert serious_violations(page) == []
    shot(page, "about-elder-phone")


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("lang, mode", [("zh", "standard"), ("en", "elder")])
def test_an_unknown_address_gets_the_portal_404_page(server, browser, width, lang, mode):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    try:
        page = context.new_page()
        response = page.goto(f"{server}/listing?lang={lang}&mode={mode}")
        assert response.status == 404 and "text/html" in response.headers["content-type"]
        heading = page.get_by_role("heading", level=1).inner_text()
        assert heading == ("找不到这个页面" if lang == "zh" else "We could not find that page")
        page.get_by_role("link", name="查找全部机构" if lang == "zh" else "Search all homes").click()
        page.wait_for_load_state()
        assert page.url.rstrip("/") == server  # the way back to the search works
        page.go_back()
        assert serious_violations(page) == []
        shot(page, f"not-found-{lang}-{mode}-{width}")
    finally:
        context.close()
