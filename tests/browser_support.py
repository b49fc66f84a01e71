"""What every browser test shares: Debian's Chromium through Playwright (never a downloaded browser), axe-core
from npm, screenshots in tests/artifacts/, and the checks the portal's pages must pass.

Importing this module skips the importing test module, with the reason, when /usr/bin/chromium,
node_modules/axe-core or the playwright package is missing (`apt-get install -y chromium`, `npm install`,
`pip install -e '.[dev]'`). Test modules import the `browser` and `page` fixtures from here."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if not CHROMIUM.exists():
    pytest.skip(
        "Debian chromium is not installed (/usr/bin/chromium): apt-get install -y chromium", allow_module_level=True
    )
if not AXE.exists():
    pytest.skip("axe-core is not installed (node_modules/axe-core): run npm install", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (dev extras)")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    # bypass_csp: axe-core is injected as an inline script, which the pages' Content-Security-Policy forbids.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", bypass_csp=True)
    yield context.new_page()
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def serious_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map(n => n.target)}))""")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def small_targets(page, minimum: int) -> list[str]:
    return page.evaluate(
        """(minimum) => Array.from(document.querySelectorAll(
        'a[href], button, input:not([type=hidden]), select')).filter(e => {
          const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
          return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !e.closest('.skip')
            && (r.height < minimum - 0.5 || r.width < minimum - 0.5);
        }).map(e => e.outerHTML.slice(0, 120) + ' ' + Math.round(e.getBoundingClientRect().width) + 'x'
          + Math.round(e.getBoundingClientRect().height))""",
        minimum,
    )
