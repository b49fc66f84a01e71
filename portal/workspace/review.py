"""The review queue in the workspace: agency-reported penalties whose USCC matched no institution, each to be
attached to the right institution by its USCC."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from credit.accounts.roles import Principal
from credit.errors import NotFound, ValidationFailed
from credit.sharing.agencies import AGENCIES
from credit.sharing.reports import resolve_review, review_queue
from portal.workspace.base import WorkspaceController, page
from portal.workspace.forms import field_messages, posted

AGENCY_NAMES = {code: (zh, en) for code, zh, en in AGENCIES}


async def queue_page(
    principal: Principal,
    *,
    status: int = 200,
    saved: str = "",
    row: int | None = None,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, Any] | None = None,
) -> Template:
    """The queue, oldest first; `row`, `values` and `errors` belong to the row just posted."""
    return page(
        "review.html",
        principal,
        status=status,
        items=await review_queue(),
        agencies=AGENCY_NAMES,
        saved=saved,
        row=row,
        values=values or {},
        errors=errors or {},
    )


class ReviewPages(WorkspaceController):
    @get("/review", operation_id="workspaceReviewQueue")
    async def index(self, principal: NamedDependency[Principal], saved: FromQuery[str] = "") -> Template:
        return await queue_page(principal, saved=saved)

    @post("/review/{penalty_id:int}", operation_id="workspaceResolveReview")
    async def resolve(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], penalty_id: FromPath[int]
    ) -> Template | Redirect:
        """Attach a queued penalty to the institution with the typed USCC."""
        values = await posted(request)
        if not any(item["id"] == penalty_id for item in await review_queue()):
            raise NotFound(f"penalty {penalty_id} is not waiting for review")
        try:
            await resolve_review(penalty_id, values.get("uscc", ""), principal)
        except ValidationFailed as error:
            return await queue_page(
                principal, status=422, row=penalty_id, values=values, errors=field_messages(error.errors)
            )
        except NotFound:  # the penalty is in the queue (checked above): the USCC names no institution
            errors = {
                "uscc": {
                    "zh": "统一社会信用代码没有对应的已登记机构，请先登记该机构或核对号码。",
                    "en": "USCC matches no registered institution.",
                }
            }
            return await queue_page(principal, status=422, row=penalty_id, values=values, errors=errors)
        return Redirect(f"/workspace/review?saved={penalty_id}", status_code=303)
