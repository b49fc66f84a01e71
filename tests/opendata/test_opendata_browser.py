"""The data dictionary in a real browser (Debian's Chromium through Playwright), at 390 px and 1366 px, in both
languages and both modes: reached from /disclosures, no serious or critical axe-core violation, nothing wider than
the screen, and the downloads the page points to, fetched by the browser, match their schemas. Screenshots go to
tests/artifacts/. Skipped, with the reason, like tests/portal/test_portal_browser.py."""

from __future__ import annotations

import csv
import io

import pytest
from jsonschema import Draft202012Validator

from tests.browser_support import ARTIFACTS, browser, serious_violations, small_targets  # noqa: F401  (fixtures)
from tests.live_server import live_server, run_python, server_env
from tests.portal.test_portal_browser import SEED

DAY = "2026-06-30"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = server_env(tmp_path_factory.mktemp("opendata-browser"))
    run_python(env, SEED)
    with live_server(env) as base:
        yield base


def validator(page, base: str, name: str) -> Draft202012Validator:
    schema = page.request.get(f"{base}/data/schemas/v1/{name}.schema.json").json()
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("lang, mode", [("zh", "standard"), ("en", "standard"), ("zh", "elder"), ("en", "elder")])
def test_the_dictionary_is_reached_from_disclosures_readable_and_accessible(server, browser, width, lang, mode):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(f"{server}/disclosures?lang={lang}&mode={mode}")
        with page.expect_navigation():
            page.locator('[data-testid="data-dictionary-link"]').click()
        assert page.url.split("?")[0].endswith("/data/dictionary")
        assert page.locator('[data-testid="download"]').count() == 8
        assert page.locator("h1").inner_text() == (
            "数据字典与开放数据" if lang == "zh" else "Data dictionary and open data"
        )
        assert ("elder" in (page.locator("body").get_attribute("class") or "")) == (mode == "elder")
        assert serious_violations(page) == []
        assert small_targets(page, 60 if mode == "elder" else 44) == []
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        # The whole page is very long (every field of every download): the top and one download's fields.
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"data-dictionary-{lang}-{mode}-{width}.png"))
        page.locator('[data-testid="download"]').nth(1).screenshot(
            path=str(ARTIFACTS / f"data-dictionary-csv-{lang}-{mode}-{width}.png")
        )
    finally:
        context.close()


def test_the_downloads_the_browser_fetches_match_their_schemas(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{server}/disclosures")
        json_link = page.locator(f'a[href="/api/v1/disclosures/{DAY}"]')
        csv_link = page.locator(f'a[href="/api/v1/disclosures/{DAY}.csv"]')
        document = page.request.get(server + json_link.get_attribute("href")).json()
        assert list(validator(page, server, "disclosure").iter_errors(document)) == []
        body = page.request.get(server + csv_link.get_attribute("href")).body().decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(body, newline="")))
        rows_schema = validator(page, server, "disclosure-csv")
        assert len(rows) == 40 and all(not list(rows_schema.iter_errors(r)) for r in rows)
    finally:
        context.close()
