"""A home's credit-repair application in a real browser (Debian's Chromium through Playwright, issue 18): the home's
user signs in, opens a penalty's repair page from its record, fills the statement, attaches a PDF, ticks the credit
commitment, submits, sees the status, and withdraws; in the standard view and in the elderly mode (长辈模式), on a
390 px phone, with no serious or critical axe-core violation on any page it passes. Screenshots in tests/artifacts/.

Skipped like tests/portal/test_portal_browser.py without Chromium, axe-core or playwright."""

from __future__ import annotations

from datetime import timedelta

import pytest

from credit.timeutil import today
from tests.browser_support import browser, page  # noqa: F401  (fixtures)
from tests.institution.test_evidence_and_applications import PDF
from tests.institution.test_home_inbox_browser import NEW_PASSWORD, accessible, sign_in
from tests.live_server import live_server, run_python, server_env

SEED = f"""
import asyncio
from datetime import timedelta
from stdnum.cn import uscc as rules
from credit.accounts.roles import Principal
from credit.accounts.service import create_user
from credit.migrate import migrate
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.seeding import ensure_agencies
from credit.accounts.system import system_principal
from credit.sharing.reports import report_penalty
from credit.sharing.schemas import PenaltyReport
from credit.timeutil import today

SETUP = system_principal("setup")
HEALTH = Principal(user_id=0, username="agency:health", role="agency", agency_code="health", via="key")

async def main():
    await migrate()
    await ensure_agencies()
    for n, mode in enumerate(("standard", "elder"), start=1):
        body = f"52320402MJ{{n:07d}}"
        home = await registry.create_institution(
            InstitutionIn(**{{"uscc": body + rules.calc_check_digit(body),
             "name": f"安康养老院{{n}}", "district_code": "320402",
             "beds": 60, "owner_type": "private_nonprofit"}}), SETUP)
        # a 3,000-yuan fine of the health commission: minor information, repairable at once (Order No. 36)
        await report_penalty(
            PenaltyReport(decision_number=f"常卫罚〔2026〕50{{n}}号", subject_name=home["name"], uscc=home["uscc"],
                          facts="医务室未取得许可开展诊疗", legal_basis="《医疗机构管理条例》第四十三条",
                          penalty_kind="罚款", content="罚款三千元", fine_yuan="3000.00",
                          decision_date=today() - timedelta(days=20), deciding_agency="常州市卫生健康委员会"),
            HEALTH)
        await create_user(f"home.{{mode}}", "institution", {NEW_PASSWORD!r}, institution_uscc=home["uscc"],
                          actor="setup")

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """uvicorn on a SQLite file with two homes, each with a repairable penalty and a user who set its password."""
    folder = tmp_path_factory.mktemp("repair-browser")
    env = server_env(folder, EVIDENCE_DIR=str(folder / "evidence"))
    run_python(env, SEED)
    with live_server(env) as base:
        yield base


@pytest.mark.parametrize("mode", ["standard", "elder"])
def test_a_home_applies_for_repair_with_a_pdf_sees_the_status_and_withdraws(server, page, mode):  # noqa: F811
    problems: dict[str, list] = {}
    sign_in(page, server, f"home.{mode}", NEW_PASSWORD)
    if mode == "elder":
        with page.expect_navigation():
            page.click('[data-testid="mode-toggle"]')
    assert ("elder" in (page.locator("body").get_attribute("class") or "")) == (mode == "elder")
    with page.expect_navigation():
        page.click('[data-testid="repair-link"]')
    assert "/repair" in page.url and page.locator('[data-testid="repair-form"]').count() == 1
    accessible(page, f"repair-{mode}-form", problems)

    with page.expect_navigation():  # nothing filled: refused, the reasons beside the fields and at the top
        page.click('[data-testid="repair-form"] button[type=submit]')
    assert page.locator("#error-summary").count() == 1
    accessible(page, f"repair-{mode}-refused", problems)

    page.fill("#f-applicant_name", "王院长")
    page.fill("#f-applicant_contact", "0519-81234567")
    page.fill("#f-statement", "罚款已于本月缴清，医务室已停止诊疗并申请执业许可。")
    page.fill("#f-obligations_met_on", (today() - timedelta(days=3)).isoformat())
    page.fill("#f-evidence", "缴款凭证一份")
    page.set_input_files("#f-evidence_files", {"name": "缴款凭证.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.check("#f-agree")
    with page.expect_navigation():
        page.click('[data-testid="repair-form"] button[type=submit]')
    assert page.url.endswith("/repair?saved=applied")
    assert "申请已提交" in page.locator('[data-testid="saved"]').inner_text()
    assert "办理中" in page.locator('[data-testid="application-status"]').first.inner_text()
    page.click('[data-testid="applications"] summary')  # the statement, the file and the commitment it carries
    assert "缴款凭证.pdf" in page.locator('[data-testid^="application-files-"]').inner_text()
    accessible(page, f"repair-{mode}-applied", problems)

    page.fill("#f-withdraw_reasons", "材料不全，补齐后重新申请")
    with page.expect_navigation():
        page.click('[data-testid="withdraw-form"] button[type=submit]')
    assert page.url.endswith("/repair?saved=withdrawn")
    assert "已撤回" in page.locator('[data-testid="application-status"]').first.inner_text()
    assert page.locator('[data-testid="repair-form"]').count() == 1  # the home may apply again
    accessible(page, f"repair-{mode}-withdrawn", problems)
    assert page.viewport_size == {"width": 390, "height": 844}
    assert problems == {}, problems
