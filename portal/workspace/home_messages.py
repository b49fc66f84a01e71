"""What the home asks from /my, in words both sides share: the registry fields it may change, a request's values in
both languages, and refusals of its forms and of the regulator's decisions in plain words ({field: {zh, en}}).

Here, not under portal.my, so that the workspace pages need nothing of /my."""

from __future__ import annotations

from typing import Any

from credit.errors import ProcedureRefused, ValidationFailed
from credit.registry.changes import FEES
from credit.registry.offers import fee_range, fee_words
from portal.reasons import reason_zh

Label = tuple[str, str]

FIELD_NAMES: dict[str, Label] = {
    "phone": ("联系电话", "Phone"),
    "address": ("地址", "Address"),
    "website": ("网站", "Website"),
    "services": ("服务项目", "Services"),
    "care_levels": ("可接收护理等级", "Care levels accepted"),
    FEES: ("月收费标准", "Monthly fees"),
}


def value_words(field: str, text: str) -> Label:
    """A request's or the registry's value (zh, en): the fee range in both languages, other values as written
    (en "" when the Chinese text is all there is)."""
    return fee_words(*fee_range(text)) if field == FEES and text else (text, "")


def with_words(request: dict[str, Any]) -> dict[str, Any]:
    """A change request with `current_words` and `requested_words` (zh, en) for the pages."""
    field = request["field"]
    return {
        **request,
        "current_words": value_words(field, request["current_value"]),
        "requested_words": value_words(field, request["requested_value"]),
    }


def messages(error: ValidationFailed | ProcedureRefused, labels: dict[str, Label]) -> dict[str, dict[str, str]]:
    problems = error.errors if isinstance(error, ValidationFailed) else [error.as_field_error()]
    found: dict[str, dict[str, str]] = {}
    for problem in problems:
        zh_label, en_label = labels.get(problem.field, (problem.field, problem.field))
        text = {"zh": f"{zh_label}：{reason_zh(problem)}。", "en": f"{en_label}: {problem.reason}."}
        if problem.field in found:
            text = {"zh": found[problem.field]["zh"] + text["zh"], "en": found[problem.field]["en"] + " " + text["en"]}
        found[problem.field] = text
    return found
