"""End to end: an agency reports a penalty through its API, and a citizen sees the home's level and page change.

The path under test is the whole write path (DESIGN.md "The write hook"): the agency API, the penalty service,
`record_changed`, the rescore and the public projection, then the public API and the portal page reading it.
Rule: a serious penalty counts -15 while public (scoring/policies, DESIGN.md "Credit score and level"), and a
penalty is public from its decision date (NDRC Order No. 36, art. 8).
"""

from __future__ import annotations

import pytest

from credit.seeding import ensure_agencies
from credit.sharing.keys import issue_key
from tests import factories


@pytest.fixture(autouse=True)
def fresh_data_version(monkeypatch):
    """Read the data version on every request, so the page after the report is not the one before it."""
    from portal.public import caching

    monkeypatch.setattr(caching, "VERSION_TTL_SECONDS", 0.0)


async def test_an_agency_report_lowers_the_public_level_and_shows_on_the_home_page(client):
    await ensure_agencies()
    health = {"Authorization": f"Bearer {(await issue_key('health', 'test')).key}"}
    home = await factories.institution(1)
    await factories.grading(home)
    before = (await client.get(f"/api/v1/institutions/{home['uscc']}")).json()["credit"]
    page_before = (await client.get(f"/institutions/{home['uscc']}")).text
    numbers = ("常卫罚〔2026〕11号", "常卫罚〔2026〕12号")

    for number in numbers:
        body = factories.penalty_report(home, number, severity="serious")
        assert (await client.post("/api/v1/penalties", json=body, headers=health)).status_code == 201

    after = (await client.get(f"/api/v1/institutions/{home['uscc']}")).json()["credit"]
    page_after = (await client.get(f"/institutions/{home['uscc']}")).text
    assert float(after["score"]) < float(before["score"])
    assert after["level"] > before["level"]  # "A" < "B" < ...: a worse level
    assert all(number not in page_before and number in page_after for number in numbers)
    assert f'class="level level-{before["level"]}"' in page_before
    assert f'class="level level-{after["level"]}"' in page_after
