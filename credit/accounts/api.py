"""Accounts JSON API: who am I, and change my password."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import JSONBody

from credit.accounts import lifecycle
from credit.accounts.auth import principal_of, requires_account
from credit.accounts.schemas import CurrentUser, PasswordChange


class AccountController(Controller):
    path = "/api/v1"
    tags = ["accounts"]

    @get("/me", operation_id="getCurrentUser", guards=[requires_account])
    async def me(self, request: Request[Any, Any, Any]) -> CurrentUser:
        """The signed-in user or the owner of the bearer token; 401 for anonymous callers."""
        principal = principal_of(request)
        assert principal is not None  # requires_account
        return CurrentUser(
            user_id=principal.user_id,
            username=principal.username,
            role=principal.role,
            district_code=principal.district_code,
            agency_code=principal.agency_code,
            via=principal.via,
        )

    @post("/me/password", operation_id="changeOwnPassword", guards=[requires_account], status_code=204)
    async def change_password(self, request: Request[Any, Any, Any], data: JSONBody[PasswordChange]) -> None:
        """Change the caller's own password: `current_password` must be right and `new_password` must pass
        the password policy (at least 12 characters, not only whitespace, not a common password, not
        containing the username); 422 names the field and the rule otherwise, and nothing is written."""
        principal = principal_of(request)
        assert principal is not None  # requires_account
        await lifecycle.change_password(
            principal.username, data.current_password, data.new_password, actor=principal.username
        )
