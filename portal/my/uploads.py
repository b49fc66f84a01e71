"""Evidence files (证明材料) in the home's forms: reading a posted form with its files; the limits it shows; the
form again when the evidence store is down."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.response import Template

from credit.errors import FieldError
from credit.evidence import service as evidence
from credit.problems import RETRY_AFTER_SECONDS, STORE_DOWN
from credit.settings import settings
from portal.workspace.forms import CSRF_FIELD
from portal.workspace.listings import step_errors

# The largest body an evidence form takes: every file at its limit, and room for the text fields.
MAX_BODY_BYTES = settings.evidence_max_bytes * settings.evidence_max_files + 1024 * 1024
# What the file input tells the user.
LIMITS = {"max_files": settings.evidence_max_files, "max_mb": f"{settings.evidence_max_bytes / (1024 * 1024):g}"}


async def posted_with_files(
    request: Request[Any, Any, Any], field: str = evidence.FIELD
) -> tuple[dict[str, str], list[evidence.Upload]]:
    """The posted form as field -> trimmed text (CSRF token left out) and the files of `field`. A file input
    left empty (no name, no bytes) is no upload; each file is read up to one byte past the limit."""
    form = await request.form()
    values: dict[str, str] = {}
    for key in form:
        value = form.get(key)
        if key != CSRF_FIELD and key != field and not isinstance(value, UploadFile):
            values[key] = str(value or "").strip()
    uploads = []
    for item in form.getall(field) if field in form else []:
        if not isinstance(item, UploadFile):
            continue
        data = await item.read(settings.evidence_max_bytes + 1)
        if item.filename or data:
            uploads.append(evidence.Upload(item.filename or "", data))
    return values, uploads


def store_down_errors() -> dict[str, dict[str, str]]:
    """The message beside the file input when the store could not take the files (nothing was saved)."""
    return step_errors([FieldError(evidence.FIELD, STORE_DOWN)])


def retry_later(form: Template) -> Template:
    """The form page re-rendered at 503, saying when to try again (as the API's 503 does)."""
    form.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return form
