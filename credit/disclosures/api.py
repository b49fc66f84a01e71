"""Disclosures API: the archive, each day's signed bytes, CSV, signature, and the public key."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, Parameter
from litestar.response import Response

from credit.disclosures import service
from credit.disclosures.queries import draws_count, published_draws
from credit.disclosures.schemas import DisclosureDocument, DisclosurePage, InspectionDrawPage

ARCHIVE_PAGE_SIZE = 100
ListPage = Annotated[int, Parameter(ge=1, le=100000, description="page number, from 1")]
IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}


class DisclosureController(Controller):
    path = "/api/v1/disclosures"
    tags = ["disclosures"]

    @get("/", operation_id="listDisclosures")
    async def archive(self, page: ListPage = 1) -> DisclosurePage:
        """The published disclosures, newest first, with their digests and the previous ones', a page at a time
        (a page past the end is empty)."""
        items = await service.archive(page, ARCHIVE_PAGE_SIZE)
        return msgspec.convert({"items": items, "total": await service.archive_count(), "page": page}, DisclosurePage)

    @get("/public-key", operation_id="disclosurePublicKey", media_type="application/x-pem-file")
    async def public_key(self) -> Response[bytes]:
        """The PEM Ed25519 public key that verifies every disclosure."""
        return Response(service.served_public_key(), media_type="application/x-pem-file")

    @get(
        "/{name:str}",
        operation_id="getDisclosure",
        media_type="application/json",
        responses={
            200: ResponseSpec(
                DisclosureDocument,
                generate_examples=False,
                description="The day's signed snapshot (or its CSV, signature)",
            )
        },
    )
    async def download(self, name: FromPath[str]) -> Response[bytes]:
        """`YYYY-MM-DD`: exactly the signed JSON bytes (a DisclosureDocument); `.csv`: the CSV; `.sig`: the base64
        signature."""
        stem, _, suffix = name.partition(".")
        try:
            day = date.fromisoformat(stem)
        except ValueError:
            raise NotFoundException(f"{name} is not a disclosure (use YYYY-MM-DD, .csv or .sig)") from None
        row = await service.disclosure_of(day)
        headers = {**IMMUTABLE, "ETag": f'"{row["digest"]}"'}
        if suffix == "":
            return Response(service.json_bytes(row), media_type="application/json", headers=headers)
        if suffix == "csv":
            headers["Content-Disposition"] = f'attachment; filename="eldercredit-{day}.csv"'
            return Response(service.csv_bytes(row), media_type="text/csv; charset=utf-8", headers=headers)
        if suffix == "sig":
            return Response(row["signature"].encode(), media_type="text/plain", headers=headers)
        raise NotFoundException(f"unknown format .{suffix}")


class InspectionDrawController(Controller):
    path = "/api/v1/inspection-draws"
    tags = ["disclosures"]

    @get("/", operation_id="listInspectionDraws")
    async def draws(self, page: ListPage = 1) -> InspectionDrawPage:
        """The published monthly random inspection lists (双随机), with the seed of each draw, a page at a time."""
        rows = await published_draws(page, ARCHIVE_PAGE_SIZE)
        return msgspec.convert({"items": rows, "total": await draws_count(), "page": page}, InspectionDrawPage)
