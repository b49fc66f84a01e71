"""Accounts of a home's own users (机构端), opened by civil affairs for one USCC, at most INSTITUTION_USERS_MAX active.

The initial password is generated, shown once to the regulator who hands it over, and must be replaced at the
first sign-in (`must_change_password`).
"""

from __future__ import annotations

from typing import Any

from credit.accounts.passwords import generate_password
from credit.accounts.roles import INSTITUTION, REGULATORS, Principal, require_scope
from credit.accounts.service import create_user
from credit.accounts.tables import User
from credit.errors import Forbidden, NotFound
from credit.registry.tables import Institution


async def create_home_account(
    uscc: str, username: str, by: Principal, *, display_name: str = ""
) -> tuple[dict[str, Any], str]:
    """Open an account for the home's user: a civil-affairs regulator whose scope covers the home's district.

    Returns (the stored user, the initial password to hand over once). Raises Forbidden (another role or
    district), NotFound (no such home), ValidationFailed / Duplicate as `create_user` does.
    """
    if by.role not in REGULATORS:
        raise Forbidden("civil affairs opens the accounts of a home's users")
    home = await Institution.select(Institution.district_code).where(Institution.uscc == uscc).first().run()
    if home is None:
        raise NotFound(f"institution {uscc}")
    require_scope(by, home["district_code"])
    password = generate_password(username)
    user = await create_user(
        username,
        INSTITUTION,
        password,
        institution_uscc=uscc,
        display_name=display_name,
        must_change_password=True,
        actor=by.username,
    )
    return user, password


async def accounts_of_home(uscc: str) -> list[dict[str, Any]]:
    """The home's user accounts: username, name, active, first password still to be set, last sign-in."""
    return (
        await User.select(
            User.id, User.username, User.display_name, User.active, User.must_change_password, User.last_login_at
        )
        .where(User.institution_uscc == uscc)
        .order_by(User.id)
        .run()
    )
