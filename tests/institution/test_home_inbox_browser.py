"""The home's inbox in a real browser (Debian's Chromium through Playwright, issue 18): a home's user signs in with
the password civil affairs handed over, sets its own at the first sign-in, opens its list notice (the first opening
is recorded and the regulator sees it), and files an objection; in the standard view and in the elderly mode
(长辈模式), with no serious or critical axe-core violation on any page it passes. Screenshots in tests/artifacts/.

Skipped like tests/portal/test_portal_browser.py without Chromium, axe-core or playwright."""

from __future__ import annotations

import pytest

from tests.browser_support import browser, page, serious_violations, shot  # noqa: F401  (fixtures)
from tests.live_server import live_server, run_python, server_env

INITIAL = "handed over by civil affairs"
NEW_PASSWORD = "our home's own passphrase"
REGULATOR_PASSWORD = "correct horse battery"
SEED = f"""
import asyncio
from stdnum.cn import uscc as rules
from credit.accounts.service import create_user
from credit.accounts.system import system_principal
from credit.listings import service as listings
from credit.listings.schemas import ProposalIn, StepIn
from credit.migrate import migrate
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.seeding import ensure_agencies

SETUP = system_principal("setup")

async def main():
    await migrate()
    await ensure_agencies()
    await create_user("tianning", "district_regulator", {REGULATOR_PASSWORD!r}, district_code="320402", actor="setup")
    for n, mode in enumerate(("standard", "elder"), start=1):
        body = f"52320402MJ{{n:07d}}"
        home = await registry.create_institution(
            InstitutionIn(**{{"uscc": body + rules.calc_check_digit(body),
             "name": f"康乐养老院{{n}}", "district_code": "320402",
             "beds": 80, "owner_type": "private_nonprofit", "phone": "0519-8000000{{n}}"}}), SETUP)
        entry = await listings.propose(
            ProposalIn(uscc=home["uscc"], behaviour="court_debtor", facts="人民法院认定为失信被执行人",
                       basis=f"（2026）苏04执{{n}}号"), SETUP)
        if entry["status"] == "proposed":
            await listings.notify(entry["id"], StepIn(), SETUP)
        await create_user(f"home.{{mode}}", "institution", {INITIAL!r}, institution_uscc=home["uscc"],
                          must_change_password=True, actor="tianning")

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """uvicorn in a subprocess on a free port, on a SQLite file with two homes, each notified, each with a user."""
    env = server_env(tmp_path_factory.mktemp("inbox-browser"))
    run_python(env, SEED)
    with live_server(env) as base:
        yield base


def sign_in(page, server: str, username: str, password: str) -> None:
    page.goto(f"{server}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")  # the keyboard alone signs in


def accessible(page, name: str, problems: dict) -> None:
    shot(page, name)
    if found := serious_violations(page):
        problems[name] = found


@pytest.mark.parametrize("mode", ["standard", "elder"])
def test_a_home_user_sets_its_password_opens_the_notice_and_objects(server, browser, page, mode):
    problems: dict[str, list] = {}
    sign_in(page, server, f"home.{mode}", INITIAL)
    assert page.url.endswith("/my/password")  # the first sign-in leads to the password form
    accessible(page, f"my-{mode}-password", problems)
    page.fill("#f-current_password", INITIAL)
    page.fill("#f-new_password", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/my" in page.url and page.locator('[data-testid="saved"]').count() == 1
    if mode == "elder":
        with page.expect_navigation():
            page.click('[data-testid="mode-toggle"]')
    assert ("elder" in (page.locator("body").get_attribute("class") or "")) == (mode == "elder")
    accessible(page, f"my-{mode}-record", problems)

    with page.expect_navigation():
        page.click("text=新告知，请查看")
    assert page.locator('[data-testid="receipt"]').count() == 1  # the first opening is recorded and shown
    accessible(page, f"my-{mode}-notice", problems)
    with page.expect_navigation():
        page.click('[data-testid="objection-form"] button[type=submit]')  # empty: refused beside the field
    assert page.locator("#error-summary").count() == 1
    accessible(page, f"my-{mode}-objection-refused", problems)
    page.fill("#f-text", "本机构已全部履行判决义务，附执行法院出具的结案证明。")
    with page.expect_navigation():
        page.click('[data-testid="objection-form"] button[type=submit]')
    assert page.url.endswith("/my?saved=objection")
    assert "异议已提交" in page.locator('[data-testid="saved"]').inner_text()
    accessible(page, f"my-{mode}-objected", problems)
    entry_row = page.locator('[data-testid="entry-row"]').first
    entry_id = entry_row.locator("th").inner_text().strip()

    page.goto(f"{server}/my/changes")
    accessible(page, f"my-{mode}-changes", problems)
    page.goto(f"{server}/my/hazards")
    accessible(page, f"my-{mode}-hazards", problems)

    regulator = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(regulator, server, "tianning", REGULATOR_PASSWORD)
    regulator.goto(f"{server}/workspace/listings/{entry_id}")
    receipt = regulator.locator('[data-testid="notice-receipt"]').inner_text()
    regulator.context.close()
    assert f"home.{mode}" in receipt  # the regulator sees who opened the notice, and when
    assert problems == {}, problems
