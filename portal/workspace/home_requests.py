"""What homes ask of civil affairs from /my, in the workspace: registry changes to approve or reject, and reports
of hazard rectification to confirm or refuse (each with reasons the home sees). Regulators of the home's district."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from credit.accounts.roles import REGULATORS, Principal
from credit.errors import Forbidden, ProcedureRefused, ValidationFailed
from credit.records import hazard_reports
from credit.records.schemas import HazardReportDecisionIn
from credit.registry import changes
from credit.registry.schemas import ChangeDecision
from credit.validation import typed_from_text
from portal.workspace.base import WorkspaceController, page
from portal.workspace.forms import posted
from portal.workspace.home_messages import FIELD_NAMES, messages, with_words

LABELS = {"decision": ("决定", "Decision"), "reasons": ("理由", "Reasons")}
SAVED = {
    "approved": ("已批准，登记信息已更新并公示。", "Approved: the registry and the public pages now show it."),
    "rejected": ("已驳回，理由已告知机构。", "Rejected; the home sees your reasons."),
    "confirmed": ("已确认整改，隐患记为已整改。", "Confirmed: the hazard is recorded as rectified."),
    "refused": (
        "未予确认，隐患仍为未整改，理由已告知机构。",
        "Not confirmed: the hazard stays open; the home sees your reasons.",
    ),
}


def _require_regulator(principal: Principal) -> None:
    if principal.role not in REGULATORS:
        raise Forbidden("civil affairs decides on what homes ask")


async def requests_page(
    principal: Principal,
    *,
    status: int = 200,
    saved: str = "",
    errors: dict[str, dict[str, dict[str, str]]] | None = None,
    values: dict[str, dict[str, str]] | None = None,
) -> Template:
    """The open change requests and the pending rectification reports in the principal's scope, oldest first;
    `errors` / `values` are keyed by the form ("change-3", "report-5")."""
    return page(
        "home_requests.html",
        principal,
        status=status,
        change_requests=[with_words(r) for r in await changes.open_requests(principal)],
        reports=await hazard_reports.pending_reports(principal),
        fields=FIELD_NAMES,
        saved=SAVED.get(saved),
        errors=errors or {},
        values=values or {},
    )


class HomeRequestPages(WorkspaceController):
    @get("/home-requests", operation_id="workspaceHomeRequests")
    async def index(self, principal: NamedDependency[Principal], saved: FromQuery[str] = "") -> Template:
        """Registry changes and hazard rectification reports awaiting a decision."""
        _require_regulator(principal)
        return await requests_page(principal, saved=saved)

    @post("/registry-changes/{request_id:int}/decision", operation_id="workspaceDecideRegistryChange")
    async def decide_change(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], request_id: FromPath[int]
    ) -> Template | Redirect:
        """Approve (the registry changes, publicly) or reject with reasons."""
        values = await posted(request)
        return await _decided(
            principal,
            f"change-{request_id}",
            values,
            changes.decide_change(request_id, typed_from_text(ChangeDecision, values), principal),
        )

    @post("/hazard-reports/{report_id:int}/decision", operation_id="workspaceDecideHazardReport")
    async def decide_report(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], report_id: FromPath[int]
    ) -> Template | Redirect:
        """Confirm the rectification (the hazard is rectified on the reported date) or refuse with reasons."""
        values = await posted(request)
        return await _decided(
            principal,
            f"report-{report_id}",
            values,
            hazard_reports.decide_report(report_id, typed_from_text(HazardReportDecisionIn, values), principal),
        )


async def _decided(
    principal: Principal, key: str, values: dict[str, str], decision: Awaitable[Any]
) -> Template | Redirect:
    """Run a decision posted from the queue: back to the queue with the outcome, or the queue again with the
    refusal beside the item `key` and its values kept (nothing changed)."""
    try:
        await decision
    except (ValidationFailed, ProcedureRefused) as error:
        return await requests_page(
            principal,
            status=422 if isinstance(error, ValidationFailed) else 409,
            errors={key: messages(error, LABELS)},
            values={key: values},
        )
    return Redirect(f"/workspace/home-requests?saved={values['decision']}", status_code=303)
