"""The public page of the supervision loop (一公开): a month's published inspection results and its statistics by
district with a small chart, and the statistics as CSV. Everything comes from credit.public.supervision."""

from __future__ import annotations

import re
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Response

from credit.clock import Clock
from credit.public import supervision as public
from credit.registry.districts import district_name
from portal.public import caching
from portal.public.pages import page
from portal.public.preferences import Preferences

MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
CHART_WIDTH, BAR_HEIGHT, LABEL_WIDTH = 640, 22, 120


def chart(rows: list[public.DistrictStatistics], lang: str) -> dict[str, Any] | None:
    """Two bars per district (checks done, homes with problems), scaled to the largest count; the table beside
    it carries the same numbers for screen readers and for print."""
    districts = [r for r in rows if r.district_code]
    if not districts:
        return None
    top = max(r.checks for r in districts) or 1
    scale = (CHART_WIDTH - LABEL_WIDTH - 60) / top
    bars = []
    for n, r in enumerate(districts):
        y = 10 + n * (BAR_HEIGHT * 2 + 16)
        bars.append(
            {
                "label": district_name(r.district_code, lang),
                "y": y,
                "checks": r.checks,
                "problems": r.with_problems,
                "checks_width": max(r.checks * scale, 1),
                "problems_width": max(r.with_problems * scale, 1),
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": 20 + len(districts) * (BAR_HEIGHT * 2 + 16),
        "left": LABEL_WIDTH,
        "bar": BAR_HEIGHT,
        "bars": bars,
    }


class SupervisionPages(Controller):
    include_in_schema = False
    opt = {caching.COMPRESSED_OPT: True}  # pages are gzipped once and kept so (see portal.public.pages.page)

    @get("/supervision", operation_id="portalSupervision")
    async def month_page(self, request: Request[Any, Any, Any], clock: NamedDependency[Clock]) -> Response[bytes]:
        """The month's random-inspection results (双随机、一公开): home, date, inspectors masked, outcome,
        rectification deadline and whether it was met; statistics by district with a chart."""
        months = await public.months_published()
        asked = request.query_params.get("month", "")
        month = asked if MONTH.match(asked or "") else (months[0] if months else "")

        async def build(prefs: Preferences) -> dict[str, Any]:
            results = await public.published_results(month, on=clock.today()) if month else []
            stats = public.statistics_of(results)
            return {
                "month": month,
                "months": months,
                "results": results,
                "stats": stats,
                "chart": chart(stats, prefs.lang),
                "outcomes": public.OUTCOME_NAMES,
            }

        return await page(request, clock, "public/supervision.html", build)

    @get("/supervision.csv", operation_id="portalSupervisionCsv")
    async def statistics_csv(self, request: Request[Any, Any, Any], clock: NamedDependency[Clock]) -> Response[bytes]:
        """The month's statistics by district as CSV (UTF-8 with BOM), the city total last."""
        asked = request.query_params.get("month", "")
        months = await public.months_published()
        month = asked if MONTH.match(asked or "") else (months[0] if months else "")

        async def build(prefs: Preferences) -> dict[str, Any]:
            return {
                "body": public.statistics_csv(
                    public.statistics_of(await public.published_results(month, on=clock.today())) if month else [],
                    district_name,
                ).encode()
            }

        return await page(
            request,
            clock,
            "supervision.csv",
            build,
            media_type="text/csv; charset=utf-8",
            extra_headers={"Content-Disposition": f'attachment; filename="supervision-{month}.csv"'},
        )
