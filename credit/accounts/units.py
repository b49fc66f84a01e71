"""The unit (department) a user works for, as the public may see it: never a login name.

Public outputs that need to say who does something (the random inspection draw) name the unit:
a district regulator's district civil-affairs bureau, the city bureau for city regulators and admins,
an agency officer's agency.
"""

from __future__ import annotations

from credit.accounts.roles import AGENCY_OFFICER, DISTRICT_REGULATOR
from credit.accounts.tables import User
from credit.registry.districts import district_name

CITY_UNIT = ("市民政局", "City Civil Affairs Bureau")
UNKNOWN_UNIT = ("民政部门", "Civil affairs")


def unit_label(role: str, district_code: str, agency_zh: str = "", agency_en: str = "") -> tuple[str, str]:
    """(Chinese, English) name of the unit of a user with this role, district and agency."""
    if role == DISTRICT_REGULATOR and district_code:
        return (f"{district_name(district_code)}民政局", f"{district_name(district_code, 'en')} Civil Affairs Bureau")
    if role == AGENCY_OFFICER and agency_zh:
        return agency_zh, agency_en or agency_zh
    return CITY_UNIT


async def units_of(usernames: list[str]) -> dict[str, tuple[str, str]]:
    """username -> (Chinese, English) unit name, for the usernames that exist."""
    if not usernames:
        return {}
    rows = (
        await User.select(
            User.username,
            User.role,
            User.district_code,
            User.agency.name_zh.as_alias("agency_zh"),
            User.agency.name_en.as_alias("agency_en"),
        )
        .where(User.username.is_in(sorted(set(usernames))))
        .run()
    )
    return {
        row["username"]: unit_label(
            row["role"], row["district_code"] or "", row["agency_zh"] or "", row["agency_en"] or ""
        )
        for row in rows
    }


async def public_teams(inspectors: dict[str, list[str]]) -> dict[str, list[dict[str, object]]]:
    """A draw's inspectors (district -> usernames) as the public sees them: district -> the units the
    inspectors come from, each with how many were drawn. No login name survives."""
    units = await units_of([name for names in inspectors.values() for name in names])
    teams: dict[str, list[dict[str, object]]] = {}
    for district, names in sorted(inspectors.items()):
        counted: dict[tuple[str, str], int] = {}
        for name in names:
            unit = units.get(name, UNKNOWN_UNIT)
            counted[unit] = counted.get(unit, 0) + 1
        teams[district] = [{"unit": zh, "unit_en": en, "inspectors": n} for (zh, en), n in counted.items()]
    return teams
