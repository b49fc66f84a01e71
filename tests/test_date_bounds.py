"""Dates outside 1900-01-01 .. 2100-12-31 are refused in every request body: a 422 problem naming the field, and
nothing is written (issue 13, item 8: "dates like 0001-01-01 ... each answers 4xx problem+json naming the field";
the range and its reason are in credit/validation.py, EARLIEST_DAY / LATEST_DAY)."""

from __future__ import annotations

import msgspec
import pytest

from credit.accounts.system import system_principal
from credit.listings import service as listings
from credit.listings.schemas import ProposalIn
from credit.piccolo_app import TABLES
from credit.records import service as records
from credit.records.schemas import PenaltyIn
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.seeding import ensure_agencies
from credit.sharing.keys import issue_key
from credit.timeutil import today
from credit.validation import typed_from_text
from tests.factories import fire_inspection_in
from tests.test_api_records import GRADING, INSPECTION, PENALTY, institution_body, make_uscc, tokens  # noqa: F401
from tests.test_body_bounds import request_bodies
from tests.test_write_matrix import supervision_tasks

OUT_OF_RANGE = ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"]
HAZARD = {"category": "facility_equipment", "description": "疏散通道堵塞", "rectify_by": "2025-07-01"}
REPORT = {**PENALTY, "subject_name": "测试养老院1", "uscc": make_uscc(1), "decision_number": "常卫罚〔2025〕9号"}


def date_fields(info: msgspec.inspect.Type, path: str = "") -> list[str]:
    """The paths of the dates inside a body type (`hazards[].rectify_by`)."""
    if isinstance(info, msgspec.inspect.DateType):
        return [path]
    if isinstance(info, msgspec.inspect.StructType):
        return [
            found
            for field in info.fields
            for found in date_fields(field.type, f"{path}.{field.name}" if path else field.name)
        ]
    if isinstance(info, msgspec.inspect.ListType):
        return date_fields(info.item_type, f"{path}[]")
    if isinstance(info, msgspec.inspect.UnionType):
        return [found for member in info.types for found in date_fields(member, path)]
    return []


def with_hazard(field: str, day: str) -> dict:
    return {**INSPECTION, "hazards": [{**HAZARD, field: day}]}


REPAIR = {
    "applicant_name": "张三",
    "applicant_contact": "0519-1234567",
    "statement": "已整改并缴清罚款",
    "obligations_met_on": "2026-06-01",
    "evidence": "缴款凭证",
    "commitment": "守法经营",
}


RESULT = {
    "kind": "general",
    "inspected_on": today().isoformat(),
    "outcome": "no_problem",
    "checklist": dict.fromkeys(("licences", "service_quality", "safety", "fees", "contracts"), "pass"),
}


# (method, path, body with the date, the field the problem names); {uscc}, {penalty}, {hazard}, {entry} filled in.
CASES = {
    "established_on": (
        "POST",
        "/api/v1/institutions",
        lambda d: institution_body(2, established_on=d),
        "established_on",
    ),
    "established_on (update)": (
        "PUT",
        "/api/v1/institutions/{uscc}",
        lambda d: {**institution_body(1), "established_on": d, "version": 1},
        "established_on",
    ),
    "decided_on": (
        "POST",
        "/api/v1/institutions/{uscc}/gradings",
        lambda d: {**GRADING, "decided_on": d},
        "decided_on",
    ),
    "inspected_on": (
        "POST",
        "/api/v1/institutions/{uscc}/fire-inspections",
        lambda d: {**INSPECTION, "inspected_on": d},
        "inspected_on",
    ),
    "hazards[].rectify_by": (
        "POST",
        "/api/v1/institutions/{uscc}/fire-inspections",
        lambda d: with_hazard("rectify_by", d),
        "hazards.0.rectify_by",
    ),
    "hazards[].found_on": (
        "POST",
        "/api/v1/institutions/{uscc}/fire-inspections",
        lambda d: with_hazard("found_on", d),
        "hazards.0.found_on",
    ),
    "hazards[].rectified_on": (
        "POST",
        "/api/v1/institutions/{uscc}/fire-inspections",
        lambda d: with_hazard("rectified_on", d),
        "hazards.0.rectified_on",
    ),
    "rectified_on (hazard)": (
        "POST",
        "/api/v1/hazards/{hazard}/rectification",
        lambda d: {"rectified_on": d, "version": 1},
        "rectified_on",
    ),
    "decision_date": (
        "POST",
        "/api/v1/institutions/{uscc}/penalties",
        lambda d: {**PENALTY, "decision_number": "新文号", "decision_date": d},
        "decision_date",
    ),
    "publication_end": (
        "POST",
        "/api/v1/institutions/{uscc}/penalties",
        lambda d: {**PENALTY, "decision_number": "新文号", "publication_end": d},
        "publication_end",
    ),
    "rectified_on": (
        "POST",
        "/api/v1/institutions/{uscc}/penalties",
        lambda d: {**PENALTY, "decision_number": "新文号", "rectified_on": d},
        "rectified_on",
    ),
    "revoked_on": (
        "PUT",
        "/api/v1/penalties/{penalty}",
        lambda d: {**PENALTY, "revoked": True, "revoked_on": d, "version": 1},
        "revoked_on",
    ),
    "decision_date (agency report)": (
        "POST",
        "/api/v1/penalties",
        lambda d: {**REPORT, "decision_date": d},
        "decision_date",
    ),
    "applied_on": (
        "POST",
        "/api/v1/listings/{entry}/measures",
        lambda d: {"measure": "other", "text": "t", "applied_on": d},
        "applied_on",
    ),
    # credit repair (NDRC Order No. 36)
    "obligations_met_on": (
        "POST",
        "/api/v1/penalties/{penalty}/repair",
        lambda d: {**REPAIR, "obligations_met_on": d},
        "obligations_met_on",
    ),
    "applied_on (repair)": (
        "POST",
        "/api/v1/penalties/{penalty}/repair",
        lambda d: {**REPAIR, "applied_on": d},
        "applied_on",
    ),
    "on": (
        "POST",
        "/api/v1/listings",
        lambda d: {
            "uscc": make_uscc(1),
            "behaviour": "9",
            "facts": "f",
            "basis": "b",
            "on": d,
            "backdate_reason": "补录",
        },
        "on",
    ),
    **{
        f"on ({step})": (
            "POST",
            f"/api/v1/listings/{{entry}}/{step}",
            lambda d, body=body: {**body, "on": d, "backdate_reason": "补录"},
            "on",
        )
        for step, body in [
            ("notify", {}),
            ("objection", {"text": "异议"}),
            ("decision", {"outcome": "upheld", "reasons": "r"}),
            ("removal", {"reason": "error"}),
            ("early-removal", {"statement": "已整改"}),
            ("early-removal/decision", {"decision": "approved", "reasons": "r"}),
        ]
    },
    # the supervision loop (issue 19): a task's result and its confirmed rectification
    "inspected_on (supervision)": (
        "POST",
        "/api/v1/supervision/tasks/{open_task}/result",
        lambda d: {**RESULT, "inspected_on": d},
        "inspected_on",
    ),
    "rectify_by": (
        "POST",
        "/api/v1/supervision/tasks/{open_task}/result",
        lambda d: {**RESULT, "outcome": "rectify", "rectify_by": d},
        "rectify_by",
    ),
    "rectified_on (supervision)": (
        "POST",
        "/api/v1/supervision/tasks/{rectify_task}/rectification",
        lambda d: {"rectified_on": d},
        "rectified_on",
    ),
}
AGENCY_ROUTES = ("/api/v1/penalties", "/api/v1/listings/{entry}/measures")


def test_every_date_in_every_request_body_has_a_case_here():
    found = {path for body in request_bodies().values() for path in date_fields(msgspec.inspect.type_info(body))}
    covered = {name.split(" (")[0] for name in CASES}
    assert found == covered


@pytest.fixture
async def existing(client, tokens):  # noqa: F811
    """A home with a penalty, an open hazard and a proposed list entry; an admin token and an agency key."""
    await ensure_agencies()
    admin = system_principal("setup")
    home = await registry.create_institution(InstitutionIn(**institution_body(1)), admin)
    penalty = await records.create_penalty(home["id"], typed_from_text(PenaltyIn, PENALTY), admin)
    inspection = await records.create_fire_inspection(
        home["id"], fire_inspection_in({**INSPECTION, "hazards": [HAZARD]}), admin
    )
    entry = await listings.propose(
        ProposalIn(uscc=home["uscc"], behaviour="9", facts="f", basis="b", penalty_ids=[penalty["id"]]),
        admin,
    )
    return {
        "ids": {
            "uscc": home["uscc"],
            "penalty": penalty["id"],
            "hazard": inspection["hazards"][0]["id"],
            "entry": entry["id"],
            **await supervision_tasks(home["id"]),
        },
        "admin": tokens["admin"],
        "agency": {"Authorization": f"Bearer {(await issue_key('health', 't')).key}"},
    }


async def row_counts() -> dict[str, int]:
    return {table._meta.tablename: await table.count().run() for table in TABLES}


@pytest.mark.parametrize("case", CASES)
async def test_a_date_out_of_range_is_a_422_naming_the_field_and_writes_nothing(client, existing, case):
    method, path, body, named = CASES[case]
    headers = existing["agency"] if path in AGENCY_ROUTES else existing["admin"]
    before = await row_counts()
    for day in OUT_OF_RANGE:
        response = await client.request(method, path.format(**existing["ids"]), json=body(day), headers=headers)
        assert response.status_code == 422, (day, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        reasons = {e["field"]: e["reason"] for e in response.json()["errors"]}
        assert reasons.get(named) == "must be between 1900-01-01 and 2100-12-31", (day, reasons)
    assert await row_counts() == before
