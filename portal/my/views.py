"""/my: the home's own record, its notices (电子送达) and its objections; the first sign-in sets the password.

Everything here is scoped to the signed-in user's home (`Principal.institution_uscc`); an address of another
home's entry is a 404. Staff are refused (the workspace is theirs), anonymous visitors go to the sign-in page.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from credit.accounts import lifecycle
from credit.accounts.auth import principal_of, provide_principal, requires_institution
from credit.accounts.roles import Principal
from credit.clock import Clock
from credit.disclosures.queries import credit_of
from credit.errors import Forbidden, IllegalTransition, NotFound, ProcedureRefused, ValidationFailed
from credit.evidence.store import StoreUnavailable
from credit.listings import self_service
from credit.listings.schemas import HomeObjectionIn
from credit.public.outlook import outlook_of_home
from credit.records.queries import gradings_of, inspections_of, penalties_of
from credit.registry import service as registry
from credit.registry.districts import district_name
from credit.validation import typed_from_text
from portal.my.throttle import TooManyPosts, limit_posts, on_too_many
from portal.my.uploads import LIMITS, MAX_BODY_BYTES, posted_with_files, retry_later, store_down_errors
from portal.workspace import labels
from portal.workspace.forms import field_messages, posted
from portal.workspace.listings import STATE_LABELS, step_errors

PASSWORD_PATH = "/my/password"
SAVED = {
    "password": ("密码已设置。", "Your password is set."),
    "objection": (
        "异议已提交，民政部门将复核并答复。",
        "Your objection is recorded; civil affairs will review it and answer.",
    ),
}


def page(template: str, principal: Principal | None, *, status: int = 200, **context: Any) -> Template:
    return Template(
        f"my/{template}",
        status_code=status,
        context={
            "principal": principal,
            "role_name": ("养老机构", "Institution"),
            "L": labels,
            "S": STATE_LABELS,
            "limits": LIMITS,  # of the evidence files a form takes
            **context,
        },
    )


def on_forbidden(request: Request[Any, Any, Any], error: Forbidden) -> Template:
    return page(
        "error.html",
        principal_of(request),
        status=403,
        heading=("无权访问", "Not allowed"),
        text=("这些页面只供养老机构本机构的账号使用。", "These pages are for an institution's own accounts."),
        detail=str(error),
    )


def on_not_found(request: Request[Any, Any, Any], error: NotFound) -> Template:
    return page(
        "error.html",
        principal_of(request),
        status=404,
        heading=("找不到该记录", "Not found"),
        text=("本机构没有这条记录，或地址有误。", "Your home has no such record, or the address is wrong."),
        detail="",
    )


def password_first(principal: Principal) -> Redirect | None:
    """Until the home's user has replaced the password civil affairs gave it, every page leads there."""
    return Redirect(PASSWORD_PATH, status_code=303) if principal.password_change_required else None


class MyHomeController(Controller):
    path = "/my"
    include_in_schema = False
    guards = [requires_institution, limit_posts]
    dependencies = {"principal": Provide(provide_principal)}
    exception_handlers = {Forbidden: on_forbidden, NotFound: on_not_found, TooManyPosts: on_too_many}

    @get("/", operation_id="myHome")
    async def home(
        self, clock: NamedDependency[Clock], principal: NamedDependency[Principal], saved: FromQuery[str] = ""
    ) -> Template | Redirect:
        """The home's full record: credit with its reasons, list entries in every state, penalties (public or
        not), inspections with open hazards and their deadlines, gradings."""
        if redirect := password_first(principal):
            return redirect
        home_id = await self_service.home_id(principal)
        institution = await registry.get_institution(home_id)
        entries = await self_service.entries_of_home(principal, clock.today())
        penalties = await penalties_of(home_id)
        events = await outlook_of_home(home_id, entries, penalties, clock.today())
        return page(
            "home.html",
            principal,
            institution=institution,
            district=district_name(institution["district_code"]),
            credit=await credit_of(home_id),
            outlook={"timed": [e for e in events if e["timed"]], "actions": [e for e in events if not e["timed"]]},
            entries=entries,
            penalties=penalties,
            inspections=await inspections_of(home_id),
            gradings=await gradings_of(home_id),
            saved=SAVED.get(saved),
        )

    @get("/notices/{entry_id:int}", operation_id="myNotice")
    async def notice(
        self, clock: NamedDependency[Clock], principal: NamedDependency[Principal], entry_id: FromPath[int]
    ) -> Template | Redirect:
        """One list notice of the home; its first opening is recorded as electronic service (电子送达)."""
        if redirect := password_first(principal):
            return redirect
        entry = await self_service.open_notice(entry_id, principal, clock.now())
        return page("notice.html", principal, entry=entry, values={}, errors={})

    @post("/notices/{entry_id:int}/objection", operation_id="myObjection", request_max_body_size=MAX_BODY_BYTES)
    async def objection(
        self,
        clock: NamedDependency[Clock],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        entry_id: FromPath[int],
    ) -> Template | Redirect:
        """The home's objection with its evidence files, dated today, within the window; refused beside the text
        with the date after it."""
        if redirect := password_first(principal):
            return redirect
        values, uploads = await posted_with_files(request)
        try:
            filed = typed_from_text(HomeObjectionIn, values)
            await self_service.object_as_home(entry_id, filed, principal, uploads, clock.today())
        except (ValidationFailed, ProcedureRefused, IllegalTransition) as error:
            entry = await self_service.open_notice(entry_id, principal, clock.now())
            return page(
                "notice.html",
                principal,
                status=422 if isinstance(error, ValidationFailed) else 409,
                entry=entry,
                values=values,
                errors=_messages(error),
            )
        except StoreUnavailable:
            entry = await self_service.open_notice(entry_id, principal, clock.now())
            return retry_later(
                page("notice.html", principal, status=503, entry=entry, values=values, errors=store_down_errors())
            )
        return Redirect("/my?saved=objection", status_code=303)

    @get("/password", operation_id="myPasswordForm")
    async def password_form(self, principal: NamedDependency[Principal]) -> Template:
        return page("password.html", principal, errors={}, first=principal.password_change_required)

    @post("/password", operation_id="mySetPassword")
    async def set_password(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> Template | Redirect:
        """Replace the password (the first time: the one civil affairs handed over); the rules of the password
        policy are shown beside the field when broken."""
        form = await posted(request)
        try:
            await lifecycle.change_password(
                principal.username,
                form.get("current_password", ""),
                form.get("new_password", ""),
                actor=principal.username,
            )
        except ValidationFailed as error:
            return page(
                "password.html",
                principal,
                status=422,
                errors=field_messages(error.errors),
                first=principal.password_change_required,
            )
        return Redirect("/my?saved=password", status_code=303)


def _messages(error: ValidationFailed | ProcedureRefused | IllegalTransition) -> dict[str, dict[str, str]]:
    if isinstance(error, ValidationFailed):
        return step_errors(error.errors)
    if isinstance(error, ProcedureRefused):
        return step_errors([error.as_field_error("text")])
    return {"text": {"zh": "该名单事项已不在可提出异议的阶段。", "en": "This entry is past the objection step."}}
