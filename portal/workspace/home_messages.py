"""What the home asks from /my, in words both sides share: the registry fields it may change, and refusals of its
forms and of the regulator's decisions in plain words ({field: {zh, en}}).

Here, not under portal.my, so that the workspace pages need nothing of /my."""

from __future__ import annotations

from credit.errors import ProcedureRefused, ValidationFailed
from portal.reasons import reason_zh

Label = tuple[str, str]

FIELD_NAMES: dict[str, Label] = {
    "phone": ("联系电话", "Phone"),
    "address": ("地址", "Address"),
    "website": ("网站", "Website"),
    "services": ("服务项目", "Services"),
    "care_levels": ("可接收护理等级", "Care levels accepted"),
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
