"""Complete the generated OpenAPI document: every operation may answer problem+json errors (and only those: the
handlers in credit.problems answer every error so), file downloads are text, and the main operations carry
examples (credit.openapi_examples)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin

from credit.openapi_examples import add_examples
from credit.problems import Problem

PROBLEM_COMPONENTS = msgspec.json.schema_components([Problem], ref_template="#/components/schemas/{name}")[1]
# A download's body beside the JSON one Litestar declares: operation id -> media type -> what it is.
DOWNLOADS = {
    "getDisclosure": {
        "text/csv": "`YYYY-MM-DD.csv`: the day's CSV",
        "text/plain": "`YYYY-MM-DD.sig`: the base64 Ed25519 signature of the JSON bytes",
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
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(PROBLEM_COMPONENTS)
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                responses = operation.setdefault("responses", {})
                for status, description in PROBLEMS.items():
                    # replaces Litestar's own 400 body: credit.problems answers every error as problem+json
                    responses[status] = {
                        "description": description,
                        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    }
                document_downloads(operation)
    add_examples(schema)


def is_json(media_type: str) -> bool:
    """`application/json` or a `+json` type; JSON Lines is text, one document a line."""
    return media_type == "application/json" or media_type.endswith("+json")


def document_downloads(operation: dict[str, Any]) -> None:
    """A file or text body is a string; an operation that also answers other media types lists them."""
    for status, response in operation.get("responses", {}).items():
        if status.startswith("2"):
            for media_type, entry in response.get("content", {}).items():
                if not is_json(media_type) and not entry.get("schema"):
                    entry["schema"] = {"type": "string"}
    extra = DOWNLOADS.get(operation.get("operationId", ""), {})
    content = operation.get("responses", {}).get("200", {}).get("content")
    if extra and content is not None:
        for media_type, description in extra.items():
            content[media_type] = {"schema": {"type": "string", "description": description}}
