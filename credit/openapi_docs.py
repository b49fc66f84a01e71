"""Complete the generated OpenAPI document: every operation may answer problem+json errors."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin

PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "reason": {"type": "string"}}}},
        "current": {"type": "object"}, "current_state": {"type": "string"},
    },
}
PROBLEMS = {
    "400": "Malformed request (body or parameters of the wrong shape)",
    "401": "Not signed in, or the token or key is unknown or revoked",
    "403": "The role or district does not allow this",
    "404": "No such record",
    "405": "Method not allowed",
    "409": "Conflict: stale version, duplicate, or a step not allowed in the current state",
    "422": "A field broke a rule; `errors` names each field and reason",
    "429": "Rate limit reached; retry later",
}


def document_problems(app: Litestar) -> None:
    """Add the problem responses to every operation of the served schema (once, at start)."""
    schema: dict[str, Any] = app.plugins.get(OpenAPIPlugin).provide_openapi_schema()
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    reference = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                responses = operation.setdefault("responses", {})
                for status, description in PROBLEMS.items():
                    response = responses.setdefault(status, {"description": description})
                    response.setdefault("content", {}).update(reference)
