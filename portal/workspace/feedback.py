"""The citizen feedback triage queue (投诉与意见) in the workspace: the open reports in the regulator's scope, and
on each one: accept it (an inspection is requested), transfer it to 12345 or an agency, or close it with a reply.
The complainant's name and phone are shown here only, to the handling regulator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from credit.accounts.roles import Principal
from credit.errors import ProcedureRefused, StaleVersion, ValidationFailed
from credit.feedback import service as feedback
from credit.feedback.schemas import AcceptIn, CloseIn, TransferIn
from credit.validation import typed_from_text
from portal.workspace.base import WorkspaceController, page
from portal.workspace.forms import field_messages, posted, version_of

S = TypeVar("S", bound=msgspec.Struct)

STATUS_NAMES = {
    "received": ("待处理", "received"),
    "accepted": ("已受理，待核查", "accepted, inspection requested"),
    "transferred": ("已转办", "transferred"),
    "closed": ("已办结", "closed"),
}
SAVED = {
    "accepted": ("已受理，核查任务已列入工作台。", "Accepted: the inspection is on the dashboard."),
    "transferred": ("已转办，答复已在查询页公开。", "Transferred: the reply is on the status page."),
    "closed": ("已办结，答复已在查询页公开。", "Closed: the reply is on the status page."),
}


def refused(error: ProcedureRefused | StaleVersion) -> dict[str, dict[str, str]]:
    if isinstance(error, StaleVersion):
        return {
            "form": {
                "zh": "别人刚刚处理了这件反映，请查看当前状态。",
                "en": "Someone else just handled this report: see its current state.",
            }
        }
    return {"form": {"zh": error.reason, "en": error.reason}}


async def item_page(
    principal: Principal,
    feedback_id: int,
    *,
    status: int = 200,
    saved: str = "",
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, Any] | None = None,
) -> Template:
    found = await feedback.item(feedback_id, principal)  # checks role and scope
    return page(
        "feedback_item.html",
        principal,
        status=status,
        f=found,
        statuses=STATUS_NAMES,
        targets=feedback.TRANSFER_TARGETS,
        saved=SAVED.get(saved),
        values=values or {},
        errors=errors or {},
    )


class FeedbackQueue(WorkspaceController):
    @get("/feedback", operation_id="workspaceFeedbackQueue")
    async def index(self, principal: NamedDependency[Principal], all: FromQuery[str] = "") -> Template:
        """The open feedback in the principal's scope, the due soonest first; `?all=1` also the answered ones."""
        items = await feedback.queue(principal, open_only=not all)
        return page(
            "feedback_queue.html",
            principal,
            items=items,
            statuses=STATUS_NAMES,
            all=bool(all),
            overdue=sum(1 for i in items if i["overdue"] and i["status"] in feedback.OPEN),
        )

    @get("/feedback/{feedback_id:int}", operation_id="workspaceFeedbackItem")
    async def show(
        self, principal: NamedDependency[Principal], feedback_id: FromPath[int], saved: FromQuery[str] = ""
    ) -> Template:
        return await item_page(principal, feedback_id, saved=saved)

    @post("/feedback/{feedback_id:int}/accept", operation_id="workspaceFeedbackAccept")
    async def accept(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], feedback_id: FromPath[int]
    ) -> Template | Redirect:
        """Accept: an inspection of the home is requested (on the dashboard until the feedback is closed)."""
        return await _answer(request, principal, feedback_id, feedback.accept, AcceptIn)

    @post("/feedback/{feedback_id:int}/transfer", operation_id="workspaceFeedbackTransfer")
    async def transfer(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], feedback_id: FromPath[int]
    ) -> Template | Redirect:
        """Transfer to 12345 or one of the seven agencies, with the reply to the citizen."""
        return await _answer(request, principal, feedback_id, feedback.transfer, TransferIn)

    @post("/feedback/{feedback_id:int}/close", operation_id="workspaceFeedbackClose")
    async def close(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], feedback_id: FromPath[int]
    ) -> Template | Redirect:
        """Close with a reply to the citizen, saying whether the report was substantiated."""
        return await _answer(request, principal, feedback_id, feedback.close, CloseIn)


async def _answer(
    request: Request[Any, Any, Any],
    principal: Principal,
    feedback_id: int,
    call: Callable[[int, S, Principal], Awaitable[dict[str, Any]]],
    kind: type[S],
) -> Template | Redirect:
    """Run one answer from its form, as the struct `kind` its service takes (the fields it has of these)."""
    values = await posted(request)
    form = {
        "reply": values.get("reply", ""),
        "to": values.get("to", ""),
        "substantiated": values.get("substantiated", ""),
        "version": version_of(values),
    }
    try:
        stored = await call(feedback_id, typed_from_text(kind, form), principal)
    except ValidationFailed as error:
        return await item_page(principal, feedback_id, status=422, values=values, errors=field_messages(error.errors))
    except (ProcedureRefused, StaleVersion) as error:
        return await item_page(principal, feedback_id, status=409, values=values, errors=refused(error))
    return Redirect(f"/workspace/feedback/{feedback_id}?saved={stored['status']}", status_code=303)
