"""Domain errors -> RFC 9457 problem+json responses (field and reason for every problem)."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import asyncpg
import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import ExceptionHandler

from credit.errors import (
    Duplicate,
    Forbidden,
    IllegalTransition,
    NotFound,
    ProcedureRefused,
    ReportConflict,
    StaleVersion,
    ValidationFailed,
)
from credit.evidence.store import StoreUnavailable
from credit.reasons import Reason

PROBLEM_JSON = "application/problem+json"
RETRY_AFTER_SECONDS = 5  # what a 503 tells the client to wait before trying again
log = logging.getLogger(__name__)
STORE_DOWN = Reason("evidence_store_unavailable")


class ProblemField(msgspec.Struct):
    """A field of the request and why it was refused (`penalty_ids[0]`, `version`, `body`)."""

    field: str
    reason: str
    code: (
        Annotated[
            str,
            msgspec.Meta(
                description="a stable code of the reason (credit/reasons.py), for clients that word it themselves"
            ),
        ]
        | None
    ) = None


class Problem(msgspec.Struct):
    """An error (RFC 9457 problem details): what went wrong; for input problems `errors` names each field with its
    reason. The schema of every error response in the OpenAPI document (credit.openapi_docs); `problem` writes it."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemField] = []
    current: (
        Annotated[
            dict[str, Any],
            msgspec.Meta(description="the stored record, when a stale version or another payload conflicted"),
        ]
        | None
    ) = None
    current_state: (
        Annotated[str, msgspec.Meta(description="the entry's state, when a step is not allowed in it")] | None
    ) = None


def problem(status: int, title: str, detail: str, **extra: Any) -> Response[dict[str, Any]]:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return Response(body, status_code=status, media_type=PROBLEM_JSON)


def on_validation_failed(_: Request, error: ValidationFailed) -> Response:
    errors = [{"field": e.field, "reason": e.reason, "code": e.code} for e in error.errors]
    return problem(422, "Invalid input", str(error), errors=errors)


def on_duplicate(_: Request, error: Duplicate) -> Response:
    return problem(409, "Already exists", str(error), errors=[{"field": error.field, "reason": "already exists"}])


def on_report_conflict(_: Request, error: ReportConflict) -> Response:
    return problem(
        409,
        "Decision number already reported with different content",
        str(error),
        errors=[{"field": "decision_number", "reason": "already reported with different content"}],
        current=error.current,
    )


def on_stale(_: Request, error: StaleVersion) -> Response:
    return problem(409, "Edit conflict", str(error), current=error.current)


def on_illegal_transition(_: Request, error: IllegalTransition) -> Response:
    return problem(409, "Not allowed in the current state", str(error), current_state=error.current)


def on_procedure_refused(_: Request, error: ProcedureRefused) -> Response:
    return problem(
        409,
        "Procedure refused",
        str(error),
        errors=[{"field": error.field, "reason": error.reason, "code": error.code}],
    )


def on_not_found(_: Request, error: NotFound) -> Response:
    return problem(404, "Not found", str(error))


def on_forbidden(_: Request, error: Forbidden) -> Response:
    return problem(403, "Forbidden", str(error) or "not allowed for your role or district")


def on_http(request: Request, error: HTTPException) -> Response:
    extra: dict[str, Any] = {}
    if isinstance(error, ValidationException) and isinstance(error.extra, list):
        extra["errors"] = [
            {"field": e.get("key") or e.get("source") or "body", "reason": e.get("message", "")}
            for e in error.extra
            if isinstance(e, dict)
        ]
    response = problem(
        error.status_code, error.__class__.__name__.replace("Exception", "") or "Error", error.detail, **extra
    )
    response.headers.update(error.headers or {})  # e.g. Allow on 405, Retry-After on 429
    return response


def unavailable(detail: str, **extra: Any) -> Response[dict[str, Any]]:
    """503 problem+json with Retry-After: a part the app needs is down for a moment; nothing was written."""
    response = problem(503, "Service unavailable", detail, **extra)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def on_database_unavailable(request: Request, error: Exception) -> Response:
    """The database is restarting or unreachable: a clean 503 the client may retry, one log line."""
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, type(error).__name__)
    return unavailable("the database cannot be reached just now; please retry shortly")


def on_store_unavailable(request: Request, error: StoreUnavailable) -> Response:
    """The evidence store (folder or S3 bucket) is down or refusing: 503, the field named on an upload."""
    log.warning("evidence store unavailable on %s %s: %s", request.method, request.url.path, error)
    if request.method in {"GET", "HEAD"}:
        return unavailable("the evidence file store cannot be reached just now; please retry shortly")
    return unavailable(
        f"nothing was saved: {STORE_DOWN}",
        errors=[{"field": "evidence_files", "reason": str(STORE_DOWN), "code": STORE_DOWN.code}],
    )


def on_too_deep(request: Request, error: RecursionError) -> Response:
    log.warning("refused a body nested too deeply on %s %s", request.method, request.url.path)
    return problem(
        400,
        "Invalid body",
        "the request body is nested too deeply",
        errors=[{"field": "body", "reason": "is nested too deeply"}],
    )


def on_unrepresentable(request: Request, error: Exception) -> Response:
    """A value the database or the calendar cannot hold (a NUL byte in text, a number or date out of range) that
    slipped past the field checks: the transaction was rolled back, so nothing was written."""
    log.warning("refused an unrepresentable value on %s %s: %s", request.method, request.url.path, error)
    return problem(
        422,
        "Invalid input",
        "a value is out of range or holds a character that cannot be stored",
        errors=[{"field": "body", "reason": str(error).splitlines()[0][:200]}],
    )


def on_unexpected(request: Request, error: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(500, "Internal error", "something went wrong on our side; it has been logged")


EXCEPTION_HANDLERS: dict[int | type[Exception], ExceptionHandler] = {
    ValidationFailed: on_validation_failed,
    ReportConflict: on_report_conflict,
    Duplicate: on_duplicate,
    StaleVersion: on_stale,
    IllegalTransition: on_illegal_transition,
    ProcedureRefused: on_procedure_refused,
    NotFound: on_not_found,
    Forbidden: on_forbidden,
    HTTPException: on_http,
    # Connection failures (refused, reset, restarting server) mean "try again", not "we have a bug".
    ConnectionError: on_database_unavailable,
    asyncpg.exceptions.PostgresConnectionError: on_database_unavailable,
    asyncpg.exceptions.OperatorInterventionError: on_database_unavailable,
    asyncpg.exceptions.InterfaceError: on_database_unavailable,
    asyncpg.exceptions.InternalClientError: on_database_unavailable,
    StoreUnavailable: on_store_unavailable,
    RecursionError: on_too_deep,
    OverflowError: on_unrepresentable,
    asyncpg.exceptions.DataError: on_unrepresentable,
    Exception: on_unexpected,
}
