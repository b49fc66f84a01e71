"""Form helpers: read a posted form, turn a refusal into plain-word messages beside each field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from litestar import Request

from credit.errors import FieldError
from portal.reasons import reason_zh
from portal.workspace.labels import field_label

CSRF_FIELD = "_csrf_token"


def message(field: str, error: FieldError) -> dict[str, str]:
    """{zh, en}: the field's name and what is wrong with it, in plain words (the reason translated by its code)."""
    zh_label, en_label = field_label(field)
    return {"zh": f"{zh_label}{reason_zh(error)}。", "en": f"{en_label} {error.reason}."}


def field_messages(errors: list[FieldError], rename: Mapping[str, str] | None = None) -> dict[str, dict[str, str]]:
    """Field name -> {zh, en} (several problems of one field are joined); `rename` maps service field
    names to form field names where they differ."""
    found: dict[str, dict[str, str]] = {}
    for error in errors:
        field = (rename or {}).get(error.field, error.field)
        text = message(field, error)
        if field in found:
            found[field] = {"zh": found[field]["zh"] + text["zh"], "en": found[field]["en"] + " " + text["en"]}
        else:
            found[field] = text
    return found


async def posted(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The posted form as field -> trimmed text (the CSRF token left out; the last value of a repeated field)."""
    form = await request.form()
    return {key: str(form.get(key) or "").strip() for key in form if key != CSRF_FIELD}


def as_text(value: Any) -> str:
    """A stored value as it is typed into a form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def form_values(record: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, str]:
    return {field: as_text(record.get(field)) for field in fields}


def version_of(form: Mapping[str, str]) -> int:
    """The hidden `version` of an edit form (0, which is never current, when missing or garbled)."""
    try:
        return int(form.get("version", ""))
    except ValueError:
        return 0
