"""/my/changes: the home asks civil affairs to change its registry data (phone, address, website, services, care
levels, the monthly fee range) and follows its requests.

Nothing the home asks for is public before a regulator of its district approves it (portal.workspace.home_requests).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from credit.accounts.auth import provide_principal, requires_institution
from credit.accounts.roles import Principal
from credit.errors import Forbidden, NotFound, ProcedureRefused, ValidationFailed
from credit.registry import changes
from credit.registry.offers import CARE_LEVELS, SERVICES
from credit.registry.schemas import RegistryChangeFiling
from credit.registry.service import get_institution_by_uscc
from credit.validation import typed_from_text
from portal.my.throttle import TooManyPosts, limit_posts, on_too_many
from portal.my.views import on_forbidden, on_not_found, page, password_first
from portal.workspace.forms import posted
from portal.workspace.home_messages import FIELD_NAMES, messages, value_words, with_words

STATUS_NAMES = {
    "open": ("待民政部门审核", "awaiting civil affairs' review"),
    "approved": ("已批准，登记信息已更新", "approved: the registry was changed"),
    "rejected": ("未批准", "rejected"),
    "withdrawn": ("已撤回", "withdrawn"),
}
SAVED = {
    "requested": (
        "变更申请已提交。民政部门审核通过前，公示信息不会改变。",
        "Your request is filed; nothing public changes before civil affairs approves it.",
    ),
    "withdrawn": ("变更申请已撤回。", "Your request was withdrawn."),
}


class MyChangesController(Controller):
    path = "/my/changes"
    include_in_schema = False
    guards = [requires_institution, limit_posts]
    dependencies = {"principal": Provide(provide_principal)}
    exception_handlers = {Forbidden: on_forbidden, NotFound: on_not_found, TooManyPosts: on_too_many}

    async def _page(
        self,
        principal: Principal,
        *,
        status: int = 200,
        values: dict | None = None,
        errors: dict | None = None,
        saved: str = "",
    ) -> Template:
        requests = await changes.requests_of_home(principal)  # NotFound when the home is not registered
        values, errors = values or {}, errors or {}
        fees_posted = values.get("field") == changes.FEES  # the fee form's values and errors stay with it
        return page(
            "changes.html",
            principal,
            status=status,
            institution=(home := await get_institution_by_uscc(principal.institution_uscc)),
            current={name: value_words(name, changes.shown(home, name)) for name in FIELD_NAMES},
            requests=[with_words(r) for r in requests],
            open_fields={r["field"] for r in requests if r["status"] == changes.OPEN},
            fields=FIELD_NAMES,
            fields_options=[(k, zh, en) for k, (zh, en) in FIELD_NAMES.items() if k != changes.FEES],
            statuses=STATUS_NAMES,
            services=SERVICES,
            care_levels=CARE_LEVELS,
            values={} if fees_posted else values,
            errors={} if fees_posted else errors,
            fee_values=values if fees_posted else {},
            fee_errors={("fees" if k == "field" else k): v for k, v in errors.items()} if fees_posted else {},
            saved=SAVED.get(saved),
        )

    @get("/", operation_id="myRegistryChanges")
    async def index(self, principal: NamedDependency[Principal], saved: FromQuery[str] = "") -> Template | Redirect:
        """The home's registry data, its change requests with their status and reasons, and the form to ask."""
        if redirect := password_first(principal):
            return redirect
        return await self._page(principal, saved=saved)

    @post("/", operation_id="myRequestRegistryChange")
    async def create(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> Template | Redirect:
        """File a request for one field; refused beside the field with the values kept."""
        if redirect := password_first(principal):
            return redirect
        values = await posted(request)
        try:
            await changes.request_change(typed_from_text(RegistryChangeFiling, values), principal)
        except (ValidationFailed, ProcedureRefused) as error:
            status = 422 if isinstance(error, ValidationFailed) else 409
            return await self._page(principal, status=status, values=values, errors=messages(error, LABELS))
        return Redirect("/my/changes?saved=requested", status_code=303)

    @post("/{request_id:int}/withdraw", operation_id="myWithdrawRegistryChange")
    async def withdraw(self, principal: NamedDependency[Principal], request_id: FromPath[int]) -> Template | Redirect:
        """Withdraw an open request (before civil affairs decides)."""
        if redirect := password_first(principal):
            return redirect
        try:
            await changes.withdraw_change(request_id, principal)
        except ProcedureRefused as error:
            return await self._page(principal, status=409, errors=messages(error, LABELS))
        return Redirect("/my/changes?saved=withdrawn", status_code=303)


LABELS = {
    "field": ("要变更的项目", "Item to change"),
    "requested_value": ("新的内容", "New value"),
    "fee_min": ("月收费最低（元）", "Lowest monthly fee (yuan)"),
    "fee_max": ("月收费最高（元）", "Highest monthly fee (yuan)"),
    "note": ("说明", "Explanation"),
    "decision": ("申请", "Request"),
}
