"""Public portal pages (HTML)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from credit.registry.districts import CITY_NAME
from credit.registry.queries import institution_counts_by_district


class PublicController(Controller):
    include_in_schema = False

    @get("/", operation_id="portalHome", name="home")
    async def home(self) -> Template:
        """The home page; search and filters arrive with the portal issue."""
        counts = await institution_counts_by_district()
        return Template("public/home.html", context={
            "city": CITY_NAME[0], "total": sum(c.count for c in counts), "districts": counts,
        })
