"""Request and response bodies of the accounts pages and API."""

from __future__ import annotations

import msgspec

from credit.accounts.roles import AGENCY, ROLES
from credit.api_params import one_of


class LoginForm(msgspec.Struct):
    """The login form (urlencoded); missing fields arrive empty and are reported next to the field."""

    username: str = ""
    password: str = ""
    next: str = ""


class CurrentUser(msgspec.Struct):
    """Who the caller is, as the API sees it."""

    user_id: int
    username: str
    role: one_of((*ROLES, AGENCY), "what the caller may do")  # type: ignore[valid-type]
    district_code: str
    agency_code: str
    via: one_of(("session", "token", "key"), "signed in, an API token, or an agency key")  # type: ignore[valid-type]


class PasswordChange(msgspec.Struct, forbid_unknown_fields=True):
    """A user changing their own password."""

    current_password: str = msgspec.field()
    new_password: str = msgspec.field()
