"""What every workspace controller shares: sign-in guard, the principal, HTML error pages, rendering."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request
from litestar.di import Provide
from litestar.response import Template

from credit.accounts.auth import principal_of, provide_principal, requires_login
from credit.accounts.roles import AGENCY_OFFICER, DISTRICT_REGULATOR, Principal, can_write_institution
from credit.errors import Forbidden, NotFound
from credit.records.service import FIRE_INSPECTOR_AGENCY
from portal.workspace import labels

ROLE_NAMES = {
    "admin": ("系统管理员", "Administrator"),
    "city_regulator": ("市级民政", "City regulator"),
    "district_regulator": ("区县民政", "District regulator"),
    "agency_officer": ("成员单位", "Agency officer"),
}


def page(template: str, principal: Principal | None, *, status: int = 200, **context: Any) -> Template:
    """A workspace page: the template gets the principal, the label tables and `context` (plain data)."""
    return Template(
        f"workspace/{template}",
        status_code=status,
        context={
            "principal": principal,
            "role_name": ROLE_NAMES.get(principal.role) if principal else None,
            "L": labels,
            **context,
        },
    )


def district_scope(principal: Principal) -> str:
    """The district a principal's lists are limited to ("" for the whole city)."""
    return principal.district_code if principal.role == DISTRICT_REGULATOR else ""


def permissions(principal: Principal, district_code: str) -> dict[str, bool]:
    """What the principal may do on an institution's page (the services check again on every write)."""
    regulator = can_write_institution(principal, district_code)
    agency = principal.role == AGENCY_OFFICER
    return {
        "edit": regulator,
        "grading": regulator,
        "practitioner": regulator,
        "fire": regulator or (agency and principal.agency_code == FIRE_INSPECTOR_AGENCY),
        "penalty": regulator or agency,
    }


def require(allowed: bool, what: str) -> None:
    if not allowed:
        raise Forbidden(what)


def on_forbidden(request: Request[Any, Any, Any], error: Forbidden) -> Template:
    return page(
        "error.html",
        principal_of(request),
        status=403,
        heading=("无权操作", "Not allowed"),
        text=("您的角色或辖区不允许此操作。", "Your role or district does not allow this."),
        detail=str(error),
    )


def on_not_found(request: Request[Any, Any, Any], error: NotFound) -> Template:
    return page(
        "error.html",
        principal_of(request),
        status=404,
        heading=("找不到该记录", "Not found"),
        text=(
            "您要找的记录不存在，可能已被删除或地址有误。",
            "The record you asked for does not exist, or the address is wrong.",
        ),
        detail=str(error),
    )


class WorkspaceController(Controller):
    """Base of the workspace controllers: signed-in users only, HTML error pages."""

    path = "/workspace"
    include_in_schema = False
    guards = [requires_login]
    dependencies = {"principal": Provide(provide_principal)}
    exception_handlers = {Forbidden: on_forbidden, NotFound: on_not_found}
