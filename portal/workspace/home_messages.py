"""What the home asks from /my, in words both sides share: the registry fields it may change, and refusals of its
forms and of the regulator's decisions in plain words ({field: {zh, en}}).

Here, not under portal.my, so that the workspace pages need nothing of /my."""

from __future__ import annotations

from credit.errors import FieldError, ProcedureRefused, ValidationFailed
from portal.workspace.listings import plain_reason

Label = tuple[str, str]

FIELD_NAMES: dict[str, Label] = {
    "phone": ("联系电话", "Phone"),
    "address": ("地址", "Address"),
    "website": ("网站", "Website"),
    "services": ("服务项目", "Services"),
    "care_levels": ("可接收护理等级", "Care levels accepted"),
}

# The services' reasons of the home's forms in plain Chinese (the shared table has the common ones).
_REASONS_ZH = {
    "is the value the registry has now": "与现在登记的内容相同",
    "is not a telephone number (digits, spaces, hyphens, parentheses)": (
        "不是电话号码（只能有数字、空格、连字符和括号）"
    ),
    "this field has an open request already; withdraw it first": "该项目已有待审核的申请，请先撤回",
    "a report of this hazard awaits the regulator's decision already": "该隐患已有待确认的整改报告",
    "must not be before the date the hazard was found": "不能早于隐患发现日期",
}


def _zh(reason: str) -> str:
    if reason in _REASONS_ZH:
        return _REASONS_ZH[reason]
    if reason.startswith("the hazard was recorded as rectified on "):
        return "该隐患已于 " + reason.removeprefix("the hazard was recorded as rectified on ") + " 记录为已整改"
    if reason.startswith("the request is ") and reason.endswith(" already"):
        return "该申请已经办结，不能再撤回"
    return plain_reason(reason)


def messages(error: ValidationFailed | ProcedureRefused, labels: dict[str, Label]) -> dict[str, dict[str, str]]:
    problems = error.errors if isinstance(error, ValidationFailed) else [FieldError(error.field, error.reason)]
    found: dict[str, dict[str, str]] = {}
    for problem in problems:
        zh_label, en_label = labels.get(problem.field, (problem.field, problem.field))
        text = {"zh": f"{zh_label}：{_zh(problem.reason)}。", "en": f"{en_label}: {problem.reason}."}
        if problem.field in found:
            text = {"zh": found[problem.field]["zh"] + text["zh"], "en": found[problem.field]["en"] + " " + text["en"]}
        found[problem.field] = text
    return found
