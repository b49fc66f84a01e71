"""A small city for the supervision tests: two districts, three homes each, a roster of three inspectors each."""

from __future__ import annotations

from datetime import date
from typing import Any

from stdnum.cn import uscc as uscc_rules

from credit.accounts.system import system_principal
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.seeding import ensure_agencies
from credit.supervision import service as supervision
from credit.supervision.schemas import InspectorIn
from credit.timeutil import today

TIANNING, WUJIN = "320402", "320412"
SETUP = system_principal("setup")


def code(n: int, district: str) -> str:
    body = f"52{district}MJ{n:07d}"
    return body + uscc_rules.calc_check_digit(body)


def first_of_month(on: date | None = None) -> date:
    return (on or today()).replace(day=1)


async def small_city(homes: int = 3, inspectors: int = 3) -> dict[str, Any]:
    """Homes and a roster in 天宁 and 武进; returns {"homes": {uscc: id}, "inspectors": {district: [ids]}}."""
    await ensure_agencies()
    world: dict[str, Any] = {"homes": {}, "inspectors": {}}
    for district in (TIANNING, WUJIN):
        for n in range(1, homes + 1):
            row = await registry.create_institution(
                InstitutionIn(
                    **{
                        "uscc": code(n, district),
                        "name": f"{'天宁' if district == TIANNING else '武进'}测试养老院{n}",
                        "district_code": district,
                        "beds": 60,
                        "owner_type": "private_nonprofit",
                    }
                ),
                SETUP,
            )
            world["homes"][row["uscc"]] = row["id"]
        world["inspectors"][district] = [
            (
                await supervision.add_inspector(
                    InspectorIn(
                        name=f"王{'天武'[district == WUJIN]}{n}",
                        certificate_number=f"{district}{n:05d}",
                        agency_code="civil_affairs",
                        district_code=district,
                    ),
                    SETUP,
                )
            )["id"]
            for n in range(1, inspectors + 1)
        ]
    return world
