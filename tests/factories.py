"""Test data through the services: each builder calls the operation a user's request would, so the data has
passed the same checks and the write hook (feed, audit, public projection) as real data. Nothing here writes a
table directly. Every builder takes keyword changes over its defaults and returns what the service returned."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from stdnum.cn import uscc as uscc_rules

from credit.accounts.roles import Principal
from credit.accounts.system import system_principal
from credit.listings import service as listings
from credit.listings.schemas import ProposalIn
from credit.records import service as records
from credit.records.schemas import FireInspectionIn, GradingIn, HazardIn, PenaltyIn
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.timeutil import today
from credit.validation import typed_from_text
from scoring import FIRE_AREAS

SETUP = system_principal("factories")
TIANNING = "320402"  # 常州市天宁区
CHECKLIST_PASSED = {area: "pass" for area in FIRE_AREAS}


def uscc(n: int, district: str = TIANNING) -> str:
    """A valid USCC of a private non-profit (52) in `district`, the `n`-th of the test."""
    body = f"52{district}MJ{n:07d}"
    return body + uscc_rules.calc_check_digit(body)


def days_ago(days: int) -> str:
    return (today() - timedelta(days=days)).isoformat()


async def institution(n: int = 1, by: Principal = SETUP, **changes: Any) -> dict[str, Any]:
    """A registered home (registry.create_institution)."""
    data = {
        "uscc": uscc(n, changes.get("district_code", TIANNING)),
        "name": f"常州市测试养老院{n}",
        "district_code": TIANNING,
        "beds": 100,
        "owner_type": "private_nonprofit",
        "legal_representative": "张建国",
        **changes,
    }
    return await registry.create_institution(InstitutionIn(**data), by)


def penalty_report(home: dict[str, Any], number: str = "常卫罚〔2026〕1号", **changes: Any) -> dict[str, Any]:
    """The body of a health-commission penalty on `home`, as an agency posts it to /api/v1/penalties."""
    return {
        "subject_name": home["name"],
        "uscc": home["uscc"],
        "legal_representative": home.get("legal_representative") or "张建国",
        "decision_number": number,
        "facts": "医疗废物处置不规范",
        "legal_basis": "《医疗废物管理条例》第四十六条",
        "penalty_kind": "罚款",
        "content": "罚款五千元",
        "fine_yuan": "5000.00",
        "decision_date": days_ago(10),
        "deciding_agency": "常州市卫生健康委员会",
        **changes,
    }


async def penalty(home: dict[str, Any], by: Principal = SETUP, **changes: Any) -> dict[str, Any]:
    """A penalty recorded by a regulator (records.create_penalty)."""
    return await records.create_penalty(home["id"], typed_from_text(PenaltyIn, penalty_report(home, **changes)), by)


def fire_inspection_in(values: Mapping[str, Any]) -> FireInspectionIn:
    """The struct records.create_fire_inspection takes, from an inspection given as text with its hazards as
    mappings (as the workspace form builds it)."""
    hazards = [typed_from_text(HazardIn, h) for h in values.get("hazards", [])]
    return typed_from_text(FireInspectionIn, {**values, "hazards": hazards})


async def inspection_with_hazard(
    home: dict[str, Any], by: Principal = SETUP, category: str = "facility_equipment", **changes: Any
) -> dict[str, Any]:
    """A fire inspection five days ago, every area passed, with one open major hazard of `category`."""
    data = {
        "inspected_on": days_ago(5),
        "checklist": CHECKLIST_PASSED,
        "hazards": [{"category": category, "description": "防火门损坏", "rectify_by": days_ago(-20)}],
        **changes,
    }
    return await records.create_fire_inspection(home["id"], fire_inspection_in(data), by)


async def grading(home: dict[str, Any], by: Principal = SETUP, **changes: Any) -> dict[str, Any]:
    """A grading decision a month ago whose part scores earn level 3 under the default maxima."""
    data = {
        "decided_on": days_ago(30),
        "environment": 100,
        "facilities": 110,
        "operations": 120,
        "services": 400,
        **changes,
    }
    return await records.create_grading(home["id"], typed_from_text(GradingIn, data), by)


async def list_entry(home: dict[str, Any], by: Principal = SETUP, **changes: Any) -> dict[str, Any]:
    """A list entry for a court's dishonest-debtor designation (notified at once, no penalty needed)."""
    data = {
        "uscc": home["uscc"],
        "behaviour": "court_debtor",
        "facts": "人民法院认定为失信被执行人",
        "basis": "（2026）苏04执1号",
        **changes,
    }
    return await listings.propose(ProposalIn(**data), by)
