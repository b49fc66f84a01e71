"""Credit repair (信用修复, NDRC Order No. 36) in the workspace: a regulator records an application on the
subject's behalf, accepts or rejects it with reasons, or records its withdrawal; open and overdue applications."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from credit.accounts.roles import Principal
from credit.errors import ProcedureRefused, StaleVersion, ValidationFailed
from credit.records import repair, service as records
from credit.records.schemas import RepairApplicationIn, RepairDecisionIn, RepairWithdrawalIn
from credit.registry.service import get_institution
from credit.validation import typed_from_text
from portal.workspace.base import WorkspaceController, page
from portal.workspace.forms import field_messages, posted, version_of

APPLICATION_FIELDS = (
    "applicant_name",
    "applicant_contact",
    "statement",
    "obligations_met_on",
    "evidence",
    "commitment",
    "applied_on",
)
STATUS_NAMES = {
    "applied": ("办理中", "open"),
    "accepted": ("已修复", "accepted"),
    "rejected": ("不予修复", "rejected"),
    "withdrawn": ("已撤回", "withdrawn"),
}
SAVED = {
    "applied": ("修复申请已登记。", "The application was recorded."),
    "accepted": (
        "已准予信用修复，该处罚不再公示、共享，也不再计入信用分。",
        "Repair granted: the penalty is no longer public, shared or counted.",
    ),
    "rejected": ("已决定不予修复。", "The application was rejected."),
    "withdrawn": ("申请已撤回。", "The application was withdrawn."),
}


def refused(error: ProcedureRefused | StaleVersion) -> dict[str, dict[str, str]]:
    if isinstance(error, StaleVersion):
        return {
            "form": {
                "zh": "别人刚刚处理了这份申请，请查看当前状态。",
                "en": "Someone else just handled this application: see its current state.",
            }
        }
    return {error.field: {"zh": error.reason, "en": error.reason}}


async def repair_page(
    principal: Principal,
    penalty_id: int,
    *,
    status: int = 200,
    saved: str = "",
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, Any] | None = None,
) -> Template:
    """The penalty, its applications (newest last) and the form that fits: apply, or decide the open one."""
    applications = await repair.applications_of(penalty_id, principal)  # checks role and scope
    penalty = await records.get_penalty(penalty_id)
    institution = await get_institution(penalty["institution"])
    open_one = next((a for a in applications if a["status"] == repair.APPLIED), None)
    return page(
        "repair.html",
        principal,
        status=status,
        penalty=penalty,
        institution=institution,
        applications=applications,
        open_one=open_one,
        statuses=STATUS_NAMES,
        saved=SAVED.get(saved),
        values=values or {},
        errors=errors or {},
    )


class RepairPages(WorkspaceController):
    @get("/repairs", operation_id="workspaceOpenRepairs")
    async def index(self, principal: NamedDependency[Principal]) -> Template:
        """The open applications in the principal's scope, the due soonest first; overdue ones marked."""
        items = await repair.open_applications(principal)
        return page("repairs.html", principal, items=items, overdue=sum(1 for i in items if i["overdue"]))

    @get("/penalties/{penalty_id:int}/repair", operation_id="workspacePenaltyRepair")
    async def show(
        self, principal: NamedDependency[Principal], penalty_id: FromPath[int], saved: FromQuery[str] = ""
    ) -> Template:
        return await repair_page(principal, penalty_id, saved=saved)

    @post("/penalties/{penalty_id:int}/repair", operation_id="workspaceApplyRepair")
    async def apply(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], penalty_id: FromPath[int]
    ) -> Template | Redirect:
        """Record an application on the subject's behalf."""
        values = await posted(request)
        try:
            entry = typed_from_text(RepairApplicationIn, {k: values.get(k, "") for k in APPLICATION_FIELDS})
            await repair.apply(penalty_id, entry, principal)
        except ValidationFailed as error:
            return await repair_page(
                principal, penalty_id, status=422, values=values, errors=field_messages(error.errors)
            )
        except ProcedureRefused as error:
            return await repair_page(principal, penalty_id, status=409, values=values, errors=refused(error))
        return Redirect(f"/workspace/penalties/{penalty_id}/repair?saved=applied", status_code=303)

    @post("/penalties/{penalty_id:int}/repair/{application_id:int}/decision", operation_id="workspaceDecideRepair")
    async def decide(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        penalty_id: FromPath[int],
        application_id: FromPath[int],
    ) -> Template | Redirect:
        values = await posted(request)
        data = RepairDecisionIn(
            decision=values.get("decision", ""), reasons=values.get("reasons", ""), version=version_of(values)
        )
        try:
            stored = await repair.decide(penalty_id, application_id, data, principal)
        except ValidationFailed as error:
            return await repair_page(
                principal, penalty_id, status=422, values=values, errors=field_messages(error.errors)
            )
        except (ProcedureRefused, StaleVersion) as error:
            return await repair_page(principal, penalty_id, status=409, values=values, errors=refused(error))
        return Redirect(f"/workspace/penalties/{penalty_id}/repair?saved={stored['status']}", status_code=303)

    @post("/penalties/{penalty_id:int}/repair/{application_id:int}/withdrawal", operation_id="workspaceWithdrawRepair")
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        penalty_id: FromPath[int],
        application_id: FromPath[int],
    ) -> Template | Redirect:
        values = await posted(request)
        data = RepairWithdrawalIn(reasons=values.get("withdraw_reasons", ""), version=version_of(values))
        try:
            await repair.withdraw(penalty_id, application_id, data, principal)
        except ValidationFailed as error:
            return await repair_page(
                principal,
                penalty_id,
                status=422,
                values=values,
                errors=field_messages(error.errors, {"reasons": "withdraw_reasons"}),
            )
        except (ProcedureRefused, StaleVersion) as error:
            return await repair_page(principal, penalty_id, status=409, values=values, errors=refused(error))
        return Redirect(f"/workspace/penalties/{penalty_id}/repair?saved=withdrawn", status_code=303)
