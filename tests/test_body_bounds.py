"""Every integer a client sends in a JSON body is bounded by its column: ids, versions and counts past 2^31 - 1
are a 400 problem naming the field, and nothing is written (issue 13, item 8: "integers beyond the column ...
2^31 on PostgreSQL, 2^63 on SQLite ... each answers 4xx problem+json naming the field")."""

from __future__ import annotations

import msgspec
import pytest

from credit.accounts.system import system_principal
from credit.app import create_app
from credit.listings.tables import ListingEntry
from credit.records import service as records
from credit.records.schemas import PenaltyIn
from credit.records.tables import Grading, MajorHazard, Penalty
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.registry.tables import Institution
from credit.validation import typed_from_text
from tests.factories import fire_inspection_in
from tests.test_api_records import GRADING, INSPECTION, PENALTY, institution_body, tokens  # noqa: F401

TOO_BIG = [2**31, 2**63]  # past PostgreSQL integer; past SQLite INTEGER
# Money is not an id, version or count: its integer form is bounded by the amount check (12 integer digits, 422
# naming fine_yuan), proved in tests/test_exact_money.py.
NOT_A_COLUMN_INTEGER = {"fine_yuan"}


def unbounded_integers(info: msgspec.inspect.Type, path: str) -> list[str]:
    """The paths inside a body type where an integer has no upper bound."""
    if isinstance(info, msgspec.inspect.IntType):
        return [] if info.le is not None or info.lt is not None else [path]
    if isinstance(info, msgspec.inspect.StructType):
        return [
            found
            for field in info.fields
            if field.name not in NOT_A_COLUMN_INTEGER
            for found in unbounded_integers(field.type, f"{path}.{field.name}")
        ]
    if isinstance(
        info,
        (
            msgspec.inspect.ListType,
            msgspec.inspect.SetType,
            msgspec.inspect.FrozenSetType,
            msgspec.inspect.VarTupleType,
        ),
    ):
        return unbounded_integers(info.item_type, f"{path}[]")
    if isinstance(info, msgspec.inspect.DictType):
        return unbounded_integers(info.value_type, f"{path}{{}}")
    if isinstance(info, msgspec.inspect.UnionType):
        return [found for member in info.types for found in unbounded_integers(member, path)]
    return []


def request_bodies() -> dict[str, type]:
    bodies = {}
    for route in create_app().routes:
        for handler in getattr(route, "route_handlers", []):
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is not None:
                bodies[f"{sorted(handler.http_methods)[0]} {route.path}"] = data.annotation
    return bodies


def test_every_integer_in_every_request_body_has_an_upper_bound():
    bodies = request_bodies()
    assert len(bodies) >= 15  # the walk sees the API's write routes
    unbounded = [
        f"{route}: {path}"
        for route, body in bodies.items()
        for path in unbounded_integers(msgspec.inspect.type_info(body), body.__name__)
    ]
    assert unbounded == []


@pytest.fixture
async def records_of_a_home(client, tokens):  # noqa: F811
    """A home with a penalty and an open major hazard, made through the services."""
    admin = system_principal("setup")
    home = await registry.create_institution(InstitutionIn(**institution_body(1)), admin)
    penalty = await records.create_penalty(home["id"], typed_from_text(PenaltyIn, PENALTY), admin)
    hazard = {"category": "facility_equipment", "description": "疏散通道堵塞", "rectify_by": "2025-07-01"}
    inspection = await records.create_fire_inspection(
        home["id"], fire_inspection_in({**INSPECTION, "hazards": [hazard]}), admin
    )
    return {"home": home, "penalty": penalty, "hazard": inspection["hazards"][0], "admin": tokens["admin"]}


def assert_problem_naming(response, field: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [error["field"] for error in response.json()["errors"]], response.text


@pytest.mark.parametrize("number", [*TOO_BIG, 2**64 + 1])  # the last one past what msgspec reads as int64
async def test_beds_past_the_column_is_a_problem_naming_beds(client, tokens, number):  # noqa: F811
    response = await client.post("/api/v1/institutions", json=institution_body(1, beds=number), headers=tokens["admin"])
    assert_problem_naming(response, "beds")
    assert await Institution.count().run() == 0


@pytest.mark.parametrize("number", TOO_BIG)
async def test_a_grading_part_past_the_column_is_a_problem_naming_it(client, records_of_a_home, number):
    response = await client.post(
        f"/api/v1/institutions/{records_of_a_home['home']['uscc']}/gradings",
        json={**GRADING, "services": number},
        headers=records_of_a_home["admin"],
    )
    assert_problem_naming(response, "services")
    assert await Grading.count().run() == 0


@pytest.mark.parametrize("number", [*TOO_BIG, -1])
async def test_an_institution_version_out_of_range_is_a_problem_and_changes_nothing(client, records_of_a_home, number):
    home = records_of_a_home["home"]
    response = await client.put(
        f"/api/v1/institutions/{home['uscc']}",
        headers=records_of_a_home["admin"],
        json={**institution_body(1, name="改名养老院"), "version": number},
    )
    assert_problem_naming(response, "version")
    stored = await Institution.select(Institution.name, Institution.version).first().run()
    assert stored == {"name": home["name"], "version": 1}


@pytest.mark.parametrize("number", TOO_BIG)
async def test_a_penalty_version_past_the_column_is_a_problem_and_changes_nothing(client, records_of_a_home, number):
    penalty = records_of_a_home["penalty"]
    response = await client.put(
        f"/api/v1/penalties/{penalty['id']}",
        headers=records_of_a_home["admin"],
        json={**PENALTY, "content": "改为警告", "version": number},
    )
    assert_problem_naming(response, "version")
    stored = await Penalty.select(Penalty.content, Penalty.version).first().run()
    assert stored == {"content": PENALTY["content"], "version": 1}


@pytest.mark.parametrize("number", TOO_BIG)
async def test_a_hazard_version_past_the_column_is_a_problem_and_leaves_it_open(client, records_of_a_home, number):
    response = await client.post(
        f"/api/v1/hazards/{records_of_a_home['hazard']['id']}/rectification",
        headers=records_of_a_home["admin"],
        json={"rectified_on": "2025-06-20", "version": number},
    )
    assert_problem_naming(response, "version")
    assert await MajorHazard.select(MajorHazard.rectified_on).first().run() == {"rectified_on": None}


@pytest.mark.parametrize(
    "field, value, named",
    [
        ("penalty_ids", [2**31], "penalty_ids[0]"),
        ("penalty_ids", [2**63], "penalty_ids[0]"),
        ("penalty_ids", [0], "penalty_ids[0]"),
        ("practitioner_id", 2**31, "practitioner_id"),
        ("practitioner_id", 0, "practitioner_id"),
    ],
)
async def test_an_id_out_of_range_in_a_proposal_is_a_problem_naming_it(client, records_of_a_home, field, value, named):
    body = {
        "uscc": records_of_a_home["home"]["uscc"],
        "behaviour": "9",
        "facts": "虚报床位",
        "basis": "第六条第九项",
        "penalty_ids": [records_of_a_home["penalty"]["id"]],
        field: value,
    }
    response = await client.post("/api/v1/listings", json=body, headers=records_of_a_home["admin"])
    assert_problem_naming(response, named)
    assert await ListingEntry.count().run() == 0
