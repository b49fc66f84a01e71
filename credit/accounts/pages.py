"""The sign-in and sign-out pages (HTML forms, CSRF-protected)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from credit.accounts import service
from credit.accounts.auth import SESSION_USER_KEY, principal_of, safe_next
from credit.accounts.roles import INSTITUTION, Principal
from credit.accounts.schemas import LoginForm
from credit.accounts.sessions import start_session
from credit.accounts.throttle import LOGIN_THROTTLE_STORE, CountingStore, LoginThrottle
from credit.client_address import client_address
from credit.settings import settings
from credit.timeutil import now_utc

MISSING_USERNAME = "请填写用户名。Please enter your username."
MISSING_PASSWORD = "请填写密码。Please enter your password."
WRONG_CREDENTIALS = "用户名或密码不正确。The username or password is incorrect."


def _page(
    status: int, *, username: str = "", next_path: str = "", errors: dict[str, str] | None = None, notice: str = ""
) -> Template:
    return Template(
        "accounts/login.html",
        status_code=status,
        context={"username": username, "next": next_path, "errors": errors or {}, "notice": notice},
    )


def after_sign_in(principal: Principal, next_path: str) -> str:
    """Where a signed-in user goes: `next` when it is theirs to see; a home's users only under /my (and first to
    the password form while civil affairs' initial password is still theirs)."""
    if principal.role != INSTITUTION:
        return safe_next(next_path)
    if principal.password_change_required:
        return "/my/password"
    target = safe_next(next_path, "/my")
    return target if target == "/my" or target.startswith("/my/") else "/my"


class LoginController(Controller):
    include_in_schema = False

    @get("/login", operation_id="loginPage", name="login")
    async def login_page(
        self, request: Request[Any, Any, Any], next_path: Annotated[str, QueryParameter(name="next")] = ""
    ) -> Response[Any]:
        """The sign-in form; a signed-in user goes straight on."""
        if (principal := principal_of(request)) is not None:
            return Redirect(after_sign_in(principal, next_path), status_code=303)
        return _page(200, next_path=safe_next(next_path, ""))

    @post("/login", operation_id="login")
    async def login(self, request: Request[Any, Any, Any], data: URLEncodedBody[LoginForm]) -> Response[Any]:
        """Check the form; on success start a fresh session and go to `next` (or the workspace)."""
        username, next_path = data.username.strip(), safe_next(data.next, "")
        errors = {
            field: reason
            for field, reason in (("username", MISSING_USERNAME), ("password", MISSING_PASSWORD))
            if not getattr(data, field).strip()
        }
        if errors:
            return _page(422, username=username, next_path=next_path, errors=errors)
        store = request.app.stores.get(LOGIN_THROTTLE_STORE)
        assert isinstance(store, CountingStore)  # registered by create_app
        throttle = LoginThrottle(store, client_address(request), username)
        try:
            principal = await service.authenticate(username, data.password, throttle=throttle)
        except service.TooManyFailedLogins as throttled:
            until = throttled.until.astimezone(settings.timezone).strftime("%H:%M")
            notice = (
                f"此地址登录失败次数过多，请于 {until} 后再试。"
                f"Too many failed sign-ins from this address: try again after {until}."
            )
            response = _page(429, username=username, next_path=next_path, notice=notice)
            response.headers["Retry-After"] = str(max(1, int((throttled.until - now_utc()).total_seconds())))
            return response
        except service.InvalidCredentials:
            return _page(401, username=username, next_path=next_path, errors={"password": WRONG_CREDENTIALS})
        start_session(request, {SESSION_USER_KEY: principal.user_id}, settings.secret_key)
        return Redirect(after_sign_in(principal, next_path), status_code=303)

    @post("/logout", operation_id="logout")
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        """End the session and go to the home page."""
        request.clear_session()
        return Redirect("/", status_code=303)
