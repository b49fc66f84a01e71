"""Accounts of a home's own users (机构端), opened by civil affairs from the institution's page."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from credit.accounts.home_accounts import accounts_of_home, create_home_account
from credit.accounts.roles import Principal, require_scope
from credit.errors import Duplicate, FieldError, ValidationFailed
from credit.reasons import Reason
from credit.registry import service as registry
from credit.settings import settings
from portal.workspace.base import WorkspaceController, page
from portal.workspace.forms import field_messages, posted


async def accounts_page(
    principal: Principal,
    institution: dict[str, Any],
    *,
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict | None = None,
    created: dict[str, str] | None = None,
) -> Template:
    return page(
        "home_accounts.html",
        principal,
        status=status,
        institution=institution,
        accounts=await accounts_of_home(institution["uscc"]),
        values=values or {},
        errors=errors or {},
        created=created,
        limit=settings.institution_users_max,
    )


class HomeAccountPages(WorkspaceController):
    @get("/institutions/{institution_id:int}/accounts", operation_id="workspaceHomeAccounts")
    async def index(self, principal: NamedDependency[Principal], institution_id: FromPath[int]) -> Template:
        """The home's user accounts and the form to open one (civil affairs of the home's district)."""
        institution = await registry.get_institution(institution_id)
        require_scope(principal, institution["district_code"])
        return await accounts_page(principal, institution)

    @post("/institutions/{institution_id:int}/accounts/new", operation_id="workspaceCreateHomeAccount")
    async def create(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], institution_id: FromPath[int]
    ) -> Template:
        """Open the account; its initial password is shown on this page once, to hand over to the home."""
        institution = await registry.get_institution(institution_id)
        values = await posted(request)
        try:
            user, password = await create_home_account(
                institution["uscc"], values.get("username", ""), principal, display_name=values.get("display_name", "")
            )
        except (ValidationFailed, Duplicate) as error:
            problems = (
                error.errors
                if isinstance(error, ValidationFailed)
                else [FieldError(error.field, Reason("already_taken"), error.value)]
            )
            return await accounts_page(
                principal,
                institution,
                status=422 if isinstance(error, ValidationFailed) else 409,
                values=values,
                errors=field_messages(problems),
            )
        return await accounts_page(
            principal, institution, status=201, created={"username": user["username"], "password": password}
        )
