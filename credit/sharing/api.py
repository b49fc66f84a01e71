"""The agency API: change feed, penalty reports, matching, measures, bulk exports."""

from __future__ import annotations

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.openapi import ResponseSpec
from litestar.params import JSONBody, Parameter
from litestar.response import Stream

from credit.accounts.auth import principal_of, provide_principal, requires_agency_key
from credit.accounts.roles import AGENCY, Principal
from credit.api_params import RecordId
from credit.clock import Clock
from credit.records.schemas import PenaltyOut
from credit.sharing import exports, matching, measures, reports
from credit.sharing.feed_reader import MAX_LIMIT, events_after
from credit.sharing.schemas import (
    CandidateOut,
    FeedPage,
    MatchIn,
    MeasureIn,
    MeasureOut,
    PenaltyReport,
)


class AgencyController(Controller):
    path = "/api/v1"
    tags = ["agencies"]
    guards = [requires_agency_key]
    dependencies = {"principal": Provide(provide_principal)}

    @get("/feed", operation_id="readFeed")
    async def feed(
        self, after: int = Parameter(default=0, ge=0, le=2**62), limit: int = Parameter(default=500, ge=1, le=MAX_LIMIT)
    ) -> FeedPage:
        """Change events after the cursor, in commit order; pass `next` back as `after` to continue."""
        return msgspec.convert(await events_after(after, limit), FeedPage)

    @post(
        "/penalties",
        operation_id="reportPenalty",
        status_code=201,
        responses={
            200: ResponseSpec(
                PenaltyOut,
                generate_examples=False,
                description="Reported before with the same content: the stored record",
            )
        },
    )
    async def report(
        self, data: JSONBody[PenaltyReport], principal: NamedDependency[Principal]
    ) -> Response[PenaltyOut]:
        """Report a penalty. Same decision number and payload again -> 200 with the stored record;
        a different payload under the same number -> 409. Unknown USCCs wait in a review queue."""
        result = await reports.report_penalty(data, principal)
        return Response(msgspec.convert(result.penalty, PenaltyOut), status_code=201 if result.created else 200)

    @post("/match", operation_id="matchSubject", status_code=200)
    async def match(self, data: JSONBody[MatchIn]) -> list[CandidateOut]:
        """Ranked candidates for a USCC, an ID number and/or a name (+ district), with the reasons."""
        found = await matching.match(data.uscc, data.id_number, data.name, data.district)
        return [
            msgspec.convert(
                {
                    "uscc": c.uscc,
                    "name": c.name,
                    "district_code": c.district_code,
                    "score": c.score,
                    "reasons": c.reasons,
                    "practitioner": c.practitioner,
                },
                CandidateOut,
            )
            for c in found
        ]

    @post(
        "/listings/{entry_id:int}/measures",
        operation_id="reportMeasure",
        responses={
            200: ResponseSpec(
                MeasureOut, generate_examples=False, description="Reported before on the same day: the stored measure"
            )
        },
    )
    async def measure(
        self, entry_id: RecordId, data: JSONBody[MeasureIn], principal: NamedDependency[Principal]
    ) -> Response[MeasureOut]:
        """Record the punishment measure the agency applied to a listed subject, and when. The same
        measure on the same day again -> 200 with the stored one (stored once)."""
        result = await measures.record_measure(entry_id, data, principal)
        return Response(msgspec.convert(result.measure, MeasureOut), status_code=201 if result.created else 200)


class ExportController(Controller):
    path = "/api/v1/exports"
    tags = ["exports"]

    @get("/listings.csv", operation_id="exportListingsCsv", media_type="text/csv")
    async def listings_csv(self, request: Request) -> Stream:
        """The current list as CSV (UTF-8 with BOM); persons masked unless the caller is an agency."""
        rows = exports.listing_rows(masked=_masked(request))
        return _stream(exports.listing_csv(rows), "text/csv; charset=utf-8", "listings.csv")

    @get("/listings.jsonl", operation_id="exportListingsJsonl", media_type="application/x-ndjson")
    async def listings_jsonl(self, request: Request) -> Stream:
        """The current list as JSON Lines."""
        return _stream(
            exports.as_jsonl(exports.listing_rows(masked=_masked(request))), "application/x-ndjson", "listings.jsonl"
        )

    @get("/penalties.csv", operation_id="exportPenaltiesCsv", media_type="text/csv")
    async def penalties_csv(self, clock: NamedDependency[Clock], request: Request) -> Stream:
        """Penalties inside their publication period, in the 双公示 layout (fine in 万元)."""
        rows = exports.active_penalty_rows(masked=_masked(request), on=clock.today())
        return _stream(exports.penalty_csv(rows), "text/csv; charset=utf-8", "penalties.csv")

    @get("/penalties.jsonl", operation_id="exportPenaltiesJsonl", media_type="application/x-ndjson")
    async def penalties_jsonl(self, clock: NamedDependency[Clock], request: Request) -> Stream:
        """Penalties inside their publication period as JSON Lines (fine in yuan)."""
        rows = exports.active_penalty_rows(masked=_masked(request), on=clock.today())
        return _stream(exports.as_jsonl(rows), "application/x-ndjson", "penalties.jsonl")


def _masked(request: Request) -> bool:
    principal = principal_of(request)
    return principal is None or principal.role != AGENCY


def _stream(chunks, media_type: str, filename: str) -> Stream:
    return Stream(
        chunks,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-cache"},
    )
