"""The served OpenAPI document is a contract the seven agencies generate clients from (issue 20; DESIGN.md,
"Interfaces (stable contract)"): every operation has an explicit, stable operation id; every success response
names its schema; every closed set of values is an enum; the document is valid OpenAPI."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

METHODS = ("get", "post", "put", "patch", "delete")
# Operation ids agencies already code against (DESIGN.md "Interfaces"): renaming one breaks their clients.
STABLE_IDS = {
    ("get", "/api/v1/institutions"): "searchInstitutions",
    ("get", "/api/v1/institutions/{uscc}"): "getInstitution",
    ("get", "/api/v1/listings"): "currentList",
    ("get", "/api/v1/feed"): "readFeed",
    ("post", "/api/v1/penalties"): "reportPenalty",
    ("post", "/api/v1/match"): "matchSubject",
    ("post", "/api/v1/listings/{entry_id}/measures"): "reportMeasure",
    ("get", "/api/v1/exports/listings.csv"): "exportListingsCsv",
    ("get", "/api/v1/disclosures"): "listDisclosures",
}


async def served_document(client) -> dict:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document: dict):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def names_a_schema(media_type: str, schema: dict) -> bool:
    """A JSON body is a component (or a list of one); a file or text body is a string."""
    if media_type != "application/json" and not media_type.endswith("+json"):
        return schema.get("type") == "string"
    if schema.get("type") == "array":
        schema = schema.get("items", {})
    return schema.get("$ref", "").startswith("#/components/schemas/")


def success_responses_without_a_schema(document: dict) -> list[str]:
    missing = []
    for method, path, operation in operations(document):
        for status, response in operation.get("responses", {}).items():
            if not status.startswith("2") or status == "204":
                continue
            content = response.get("content") or {}
            if not content:
                missing.append(f"{method.upper()} {path} {status}: no content")
            missing += [
                f"{method.upper()} {path} {status} {media}: {entry.get('schema')}"
                for media, entry in content.items()
                if not names_a_schema(media, entry.get("schema") or {})
            ]
    return missing


async def test_the_served_document_is_valid_openapi(client):
    validate(await served_document(client))


async def test_every_operation_has_an_explicit_operation_id(client):
    document = await served_document(client)
    implicit = [
        f"{m.upper()} {p}"
        for m, p, op in operations(document)
        if not op.get("operationId") or not op["operationId"][0].islower() or "_" in op["operationId"]
    ]
    assert implicit == []


async def test_operation_ids_agencies_code_against_are_unchanged(client):
    document = await served_document(client)
    assert {key: document["paths"][key[1]][key[0]]["operationId"] for key in STABLE_IDS} == STABLE_IDS


async def test_every_success_response_names_its_schema(client):
    assert success_responses_without_a_schema(await served_document(client)) == []


async def test_every_error_response_is_the_shared_problem_schema(client):
    document = await served_document(client)
    others = [
        f"{m.upper()} {p} {status}"
        for m, p, op in operations(document)
        for status, response in op["responses"].items()
        if status[0] in "45"
        if response.get("content") != {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    ]
    assert others == []


@pytest.mark.parametrize(
    ("schema", "field", "values"),
    [
        ("PenaltyOut", "severity", {"minor", "general", "serious"}),
        ("PenaltyOut", "subject_kind", {"legal_person", "natural_person", "individual_business"}),
        ("ProposalIn", "behaviour", {*(str(n) for n in range(1, 10)), "court_debtor"}),
        (
            "MeasureIn",
            "measure",
            {"restrict_subsidies", "restrict_procurement", "more_inspections", "no_honours", "other"},
        ),
        ("PractitionerIn", "role", {"legal_representative", "manager", "care_staff"}),
        ("DecisionIn", "outcome", {"upheld", "withdrawn"}),
        ("PublicEntryOut", "status", {"proposed", "notified", "objected", "listed", "removed", "withdrawn"}),
        ("FireInspectionOut", "outcome", {"compliant", "basically_compliant", "non_compliant"}),
    ],
)
async def test_closed_sets_declare_their_allowed_values(client, schema, field, values):
    """The values a client may send or receive are in the document, not learned from a 422."""
    document = await served_document(client)
    prop = document["components"]["schemas"][schema]["properties"][field]
    declared = prop.get("enum") or next((arm["enum"] for arm in prop.get("oneOf", []) if "enum" in arm), [])
    assert set(declared) == values


async def test_money_is_a_decimal_string_with_a_pattern(client):
    """DESIGN.md: fines are exact decimals in yuan; a float would lose fen."""
    document = await served_document(client)
    fine = document["components"]["schemas"]["PenaltyOut"]["properties"]["fine_yuan"]
    assert {"type": "string"} in fine["oneOf"] and {"type": "number"} not in fine["oneOf"]
    assert fine["pattern"] == r"^-?\d{1,13}(\.\d{1,2})?$" and fine["examples"] == ["5000.50"]


async def test_the_examples_on_the_main_operations_fit_their_own_schemas(client):
    """An agency copies the examples first: each must be a body the schema allows (issue 20)."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    document = await served_document(client)
    registry = Registry().with_resource("urn:api", Resource(contents=document, specification=DRAFT202012))
    examples: dict[str, list[str]] = {}
    for _, _, operation in operations(document):
        bodies = [operation.get("requestBody", {}).get("content", {}).get("application/json", {})]
        bodies += [
            r.get("content", {}).get("application/json", {})
            for s, r in operation["responses"].items()
            if s.startswith("2")
        ]
        for body in bodies:
            if "example" in body:
                schema = (
                    {"$ref": f"urn:api{body['schema']['$ref']}"}
                    if "$ref" in body["schema"]
                    else {**body["schema"], "items": {"$ref": f"urn:api{body['schema']['items']['$ref']}"}}
                )
                errors = [
                    e.message for e in Draft202012Validator(schema, registry=registry).iter_errors(body["example"])
                ]
                examples.setdefault(operation["operationId"], []).extend(errors)
    assert set(examples) >= {"reportPenalty", "readFeed", "matchSubject", "reportMeasure", "proposeListEntry"}
    assert {op: errors for op, errors in examples.items() if errors} == {}
