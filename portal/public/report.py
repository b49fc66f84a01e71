"""The printable credit report (信用报告) of one home: `/institutions/{uscc}/report`.

The registry facts, the level and score with every reason, the public records (gradings, fire inspections,
penalties, list entries), the daily disclosure the data comes from (its day and SHA-256 digest) and the day it
was printed; made for paper by the print rules of portal.css (no navigation). Read from the home's projection
row only, like the profile, and cached under that row's version (and the day, which is printed).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import msgspec
from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response

from credit.clock import Clock
from credit.disclosures import service as disclosures
from credit.errors import NotFound
from portal.public import caching, views
from portal.public.feeds import profile_row
from portal.public.pages import not_found_page, page
from portal.public.preferences import Preferences
from scoring import policy_for


def _day(value: Any) -> date | None:
    return date.fromisoformat(value[:10]) if isinstance(value, str) and value else value or None


def records_of(doc: Mapping[str, Any], on: date, lang: str) -> dict[str, list[dict[str, Any]]]:
    """The public records the report lists beside the profile: every grading not revoked and every fire
    inspection up to `on` (newest first, as stored), with their failed areas."""
    gradings = [
        {**g, "decided_on": _day(g["decided_on"]), "expires_on": _day(g.get("expires_on"))}
        for g in doc["gradings"]
        if not g.get("revoked") and (_day(g["decided_on"]) or on) <= on
    ]
    inspections = [
        {
            "inspected_on": _day(i["inspected_on"]),
            "outcome": i["outcome"],
            "failed_areas": [views.area_name(a, lang) for a, r in (i.get("checklist") or {}).items() if r == "fail"],
        }
        for i in doc["fire_inspections"]
        if (_day(i["inspected_on"]) or on) <= on
    ]
    return {"gradings": gradings, "inspections": inspections}


async def latest_disclosure() -> dict[str, Any] | None:
    """The newest published daily disclosure (day, digest), or None before the first."""
    found = await disclosures.archive(1, 1)
    return found[0] if found else None


class ReportPage(Controller):
    include_in_schema = False
    opt = {caching.COMPRESSED_OPT: True}
    exception_handlers = {NotFound: not_found_page}

    @get("/institutions/{uscc:str}/report", operation_id="portalInstitutionReport")
    async def report(
        self, request: Request[Any, Any, Any], clock: NamedDependency[Clock], uscc: FromPath[str]
    ) -> Response[bytes]:
        """One home's credit report for print; cached under the home's row version and today's date."""
        row = await profile_row(uscc)

        async def build(prefs: Preferences) -> dict[str, Any]:
            on = clock.today()
            policy = policy_for(on)
            doc = msgspec.json.decode(row.document)
            return {
                "p": views.profile_of(doc, policy, on, prefs.lang),
                "records": records_of(doc, on, prefs.lang),
                "policy": policy,
                "disclosure": await latest_disclosure(),
                "printed_on": on,
            }

        return await page(request, clock, "public/report.html", build, depends_on=caching.row_version([row.version]))
