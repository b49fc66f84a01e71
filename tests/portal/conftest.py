"""Portal fixtures: a small demo city, rescored, so that every page has levels, grades and records."""

from __future__ import annotations

from datetime import date

import pytest

from credit.demo import build_demo_city
from credit.disclosures.rescoring import rescore_all
from credit.seeding import load_city

AS_OF = date(2026, 6, 30)


@pytest.fixture
async def city(db):
    """40 homes of the demo city with their records and list entries; returns the DemoCity."""
    demo = build_demo_city(11, AS_OF, count=40)
    await load_city(demo, AS_OF)
    await rescore_all(AS_OF)
    return demo


@pytest.fixture(autouse=True)
def fresh_data_version(monkeypatch):
    """Read the data version on every request, so a test sees its own change at once (production reuses
    it for up to a second; test_portal_caching checks that reuse separately)."""
    from portal.public import caching

    monkeypatch.setattr(caching, "VERSION_TTL_SECONDS", 0.0)
