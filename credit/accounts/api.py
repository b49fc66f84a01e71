"""Accounts JSON API: who am I."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get

from credit.accounts.auth import principal_of, requires_login
from credit.accounts.schemas import CurrentUser


class AccountController(Controller):
    path = "/api/v1"
    tags = ["accounts"]

    @get("/me", operation_id="getCurrentUser", guards=[requires_login])
    async def me(self, request: Request[Any, Any, Any]) -> CurrentUser:
        """The signed-in user or the owner of the bearer token; 401 for anonymous callers."""
        principal = principal_of(request)
        assert principal is not None  # requires_login
        return CurrentUser(user_id=principal.user_id, username=principal.username, role=principal.role,
                           district_code=principal.district_code, agency_code=principal.agency_code,
                           via=principal.via)
