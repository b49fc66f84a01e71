"""Request and response bodies of the accounts pages and API."""

from __future__ import annotations

from typing import Annotated

import msgspec

from credit.accounts.roles import AGENCY, ROLES
from credit.api_params import closed_set


class LoginForm(msgspec.Struct):
    """The login form (urlencoded); missing fields arrive empty and are reported next to the field."""

    username: str = ""
    password: str = ""
    next: str = ""


class CurrentUser(msgspec.Struct):
    """Who the caller is, as the API sees it."""

    user_id: int
    username: str
    role: Annotated[str, closed_set((*ROLES, AGENCY), "what the caller may do")]
    district_code: str
    agency_code: str
    via: Annotated[str, closed_set(("session", "token", "key"), "signed in, an API token, or an agency key")]


class PasswordChange(msgspec.Struct, forbid_unknown_fields=True):
    """A user changing their own password."""

    current_password: str = msgspec.field()
    new_password: str = msgspec.field()
