"""/my: a home's credit-repair applications (信用修复): repair of one of its penalties (NDRC Order No. 36) and early
removal of one of its list entries (民发〔2019〕103号), each with the credit commitment, a statement and evidence
files; the status (open / accepted / rejected with the reasons) and withdrawal before a decision.

Civil affairs decides in the workspace (/workspace/penalties/{id}/repair, /workspace/listings/{id}). Another
home's penalty or entry is a 404 here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from credit.accounts.auth import provide_principal, requires_institution
from credit.accounts.roles import Principal
from credit.clock import Clock
from credit.errors import (
    Forbidden,
    IllegalTransition,
    NotFound,
    ProcedureRefused,
    StaleVersion,
    ValidationFailed,
)
from credit.evidence.commitment import COMMITMENT_EN, COMMITMENT_ZH
from credit.evidence.store import StoreUnavailable
from credit.listings import self_service
from credit.listings.schemas import HomeEarlyRemovalIn
from credit.records import repair
from credit.records.schemas import HomeRepairApplicationIn, RepairWithdrawalIn
from credit.validation import typed_from_text
from portal.my.throttle import TooManyPosts, limit_posts, on_too_many
from portal.my.uploads import MAX_BODY_BYTES, posted_with_files, retry_later, store_down_errors
from portal.my.views import on_forbidden, on_not_found, page, password_first
from portal.workspace.forms import version_of
from portal.workspace.listings import step_errors
from portal.workspace.repairs import STATUS_NAMES

REPAIR_FIELDS = ("applicant_name", "applicant_contact", "statement", "obligations_met_on", "evidence", "agree")
REMOVAL_STATUS = {
    "pending": ("办理中", "open"),
    "approved": ("已准予提前移出", "accepted: removed from the list"),
    "rejected": ("不予提前移出", "rejected"),
    "withdrawn": ("已撤回", "withdrawn"),
}
SAVED = {
    "applied": (
        "申请已提交，民政部门将在规定的工作日内作出决定。",
        "Your application is submitted; civil affairs decides within the working days the policy sets.",
    ),
    "withdrawn": ("申请已撤回。", "Your application is withdrawn."),
}


def refusal_messages(error: ValidationFailed | ProcedureRefused | IllegalTransition | StaleVersion) -> dict:
    """The refusal beside its field (a rule not met: at the top of the form, `form`)."""
    if isinstance(error, ValidationFailed):
        return step_errors(error.errors)
    if isinstance(error, StaleVersion):
        return {
            "form": {
                "zh": "该申请刚刚已被处理，请查看当前状态。",
                "en": "The application was just handled: see its state.",
            }
        }
    if isinstance(error, IllegalTransition):
        return {
            "form": {
                "zh": "该名单事项当前不在公示（已列入）状态，不能申请提前移出。",
                "en": f"The entry is {error.current}, not listed: early removal cannot be applied for.",
            }
        }
    return step_errors([error.as_field_error("form")])


def _form_page(template: str, principal: Principal, status: int, **context: Any) -> Template:
    return page(
        template,
        principal,
        status=status,
        commitment=(COMMITMENT_ZH, COMMITMENT_EN),
        **context,
    )


async def repair_page(
    principal: Principal,
    penalty_id: int,
    *,
    on: date,
    status: int = 200,
    saved: str = "",
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, Any] | None = None,
) -> Template:
    """One penalty of the home on the day `on`: when repair opens, its applications with their status and reasons
    and files, the form to apply (none open, not repaired or revoked) and the withdrawal of the open one."""
    penalty = await repair.penalty_for_home(penalty_id, principal)  # NotFound for another home's penalty
    applications = await repair.applications_of(penalty_id, principal)
    open_one = next((a for a in applications if a["status"] == repair.APPLIED), None)
    opens = repair.repair_open_from(penalty)
    return _form_page(
        "repair.html",
        principal,
        status,
        penalty=penalty,
        applications=applications,
        open_one=open_one,
        opens=opens,
        may_apply=open_one is None and not penalty["revoked"] and penalty["repaired_on"] is None,
        too_early=on < opens,
        statuses=STATUS_NAMES,
        saved=SAVED.get(saved),
        values=values or {},
        errors=errors or {},
    )


async def removal_page(
    principal: Principal,
    entry_id: int,
    *,
    on: date,
    status: int = 200,
    saved: str = "",
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, Any] | None = None,
) -> Template:
    """One list entry of the home on the day `on`: from when early removal may be applied for, its applications
    with status, reasons and files, the form to apply and the withdrawal of the waiting one."""
    entry = await self_service.entry_for_home(entry_id, principal, on)  # NotFound for another home's entry
    return _form_page(
        "removal.html",
        principal,
        status,
        entry=entry,
        may_apply=self_service.removal_open(entry, on),
        waiting=next((a for a in entry["applications"] if a["decision"] == "pending"), None),
        statuses=REMOVAL_STATUS,
        saved=SAVED.get(saved),
        values=values or {},
        errors=errors or {},
    )


class MyApplicationsController(Controller):
    path = "/my"
    include_in_schema = False
    guards = [requires_institution, limit_posts]  # the home's posts are rate limited like its other forms
    dependencies = {"principal": Provide(provide_principal)}
    exception_handlers = {Forbidden: on_forbidden, NotFound: on_not_found, TooManyPosts: on_too_many}

    @get("/penalties/{penalty_id:int}/repair", operation_id="myPenaltyRepair")
    async def repair_form(
        self,
        clock: NamedDependency[Clock],
        principal: NamedDependency[Principal],
        penalty_id: FromPath[int],
        saved: FromQuery[str] = "",
    ) -> Template | Redirect:
        if redirect := password_first(principal):
            return redirect
        return await repair_page(principal, penalty_id, on=clock.today(), saved=saved)

    @post("/penalties/{penalty_id:int}/repair", operation_id="myApplyRepair", request_max_body_size=MAX_BODY_BYTES)
    async def apply_repair(
        self,
        clock: NamedDependency[Clock],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        penalty_id: FromPath[int],
    ) -> Template | Redirect:
        """The home applies for repair of one of its penalties, dated today, with the commitment and evidence."""
        if redirect := password_first(principal):
            return redirect
        values, uploads = await posted_with_files(request)
        try:
            entry = typed_from_text(HomeRepairApplicationIn, {k: values.get(k, "") for k in REPAIR_FIELDS})
            await repair.apply(penalty_id, entry, principal, uploads)
        except (ValidationFailed, ProcedureRefused) as error:
            status = 422 if isinstance(error, ValidationFailed) else 409
            return await repair_page(
                principal, penalty_id, on=clock.today(), status=status, values=values, errors=refusal_messages(error)
            )
        except StoreUnavailable:
            down = store_down_errors()
            return retry_later(
                await repair_page(principal, penalty_id, on=clock.today(), status=503, values=values, errors=down)
            )
        return Redirect(f"/my/penalties/{penalty_id}/repair?saved=applied", status_code=303)

    @post("/penalties/{penalty_id:int}/repair/{application_id:int}/withdrawal", operation_id="myWithdrawRepair")
    async def withdraw_repair(
        self,
        clock: NamedDependency[Clock],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        penalty_id: FromPath[int],
        application_id: FromPath[int],
    ) -> Template | Redirect:
        """The home withdraws its open application (with its reasons) before civil affairs decides."""
        if redirect := password_first(principal):
            return redirect
        values, _ = await posted_with_files(request)
        data = RepairWithdrawalIn(reasons=values.get("withdraw_reasons", ""), version=version_of(values))
        try:
            await repair.withdraw(penalty_id, application_id, data, principal)
        except ValidationFailed as error:
            errors = step_errors(
                [replace(e, field="withdraw_reasons") if e.field == "reasons" else e for e in error.errors]
            )
            return await repair_page(principal, penalty_id, on=clock.today(), status=422, values=values, errors=errors)
        except (ProcedureRefused, StaleVersion) as error:
            return await repair_page(
                principal, penalty_id, on=clock.today(), status=409, values=values, errors=refusal_messages(error)
            )
        return Redirect(f"/my/penalties/{penalty_id}/repair?saved=withdrawn", status_code=303)

    @get("/entries/{entry_id:int}/removal", operation_id="myEarlyRemoval")
    async def removal_form(
        self,
        clock: NamedDependency[Clock],
        principal: NamedDependency[Principal],
        entry_id: FromPath[int],
        saved: FromQuery[str] = "",
    ) -> Template | Redirect:
        if redirect := password_first(principal):
            return redirect
        return await removal_page(principal, entry_id, on=clock.today(), saved=saved)

    @post("/entries/{entry_id:int}/removal", operation_id="myApplyEarlyRemoval", request_max_body_size=MAX_BODY_BYTES)
    async def apply_removal(
        self,
        clock: NamedDependency[Clock],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        entry_id: FromPath[int],
    ) -> Template | Redirect:
        """The home applies for early removal of one of its entries (listed two full years), dated today."""
        if redirect := password_first(principal):
            return redirect
        values, uploads = await posted_with_files(request)
        try:
            filed = typed_from_text(HomeEarlyRemovalIn, values)
            await self_service.apply_removal_as_home(entry_id, filed, principal, uploads, clock.today())
        except (ValidationFailed, ProcedureRefused, IllegalTransition) as error:
            status = 422 if isinstance(error, ValidationFailed) else 409
            return await removal_page(
                principal, entry_id, on=clock.today(), status=status, values=values, errors=refusal_messages(error)
            )
        except StoreUnavailable:
            down = store_down_errors()
            return retry_later(
                await removal_page(principal, entry_id, on=clock.today(), status=503, values=values, errors=down)
            )
        return Redirect(f"/my/entries/{entry_id}/removal?saved=applied", status_code=303)

    @post("/entries/{entry_id:int}/removal/withdrawal", operation_id="myWithdrawEarlyRemoval")
    async def withdraw_removal(
        self, clock: NamedDependency[Clock], principal: NamedDependency[Principal], entry_id: FromPath[int]
    ) -> Template | Redirect:
        """The home withdraws its waiting early-removal application."""
        if redirect := password_first(principal):
            return redirect
        try:
            await self_service.withdraw_removal_as_home(entry_id, principal)
        except ProcedureRefused as error:
            return await removal_page(principal, entry_id, on=clock.today(), status=409, errors=refusal_messages(error))
        return Redirect(f"/my/entries/{entry_id}/removal?saved=withdrawn", status_code=303)
