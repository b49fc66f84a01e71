"""Form helpers: read a posted form, turn a refusal into plain-word messages beside each field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from litestar import Request

from credit.errors import FieldError
from portal.workspace.labels import field_label

CSRF_FIELD = "_csrf_token"

# English reasons of the services -> the same in plain Chinese (patterns tried in order).
_REASONS_ZH: list[tuple[str, str]] = [
    (r"is required", "必须填写"),
    (r"must be a whole number", "须为整数"),
    (r"must be at least (\S+)", r"不能小于 \1"),
    (r"must be at most (\S+)", r"不能大于 \1"),
    (r"must be a date like (\S+)", r"须为日期，例如 \1"),
    (r"must not be in the future.*", "不能晚于今天"),
    (r"must be 18 characters", "须为 18 位"),
    (r"check character does not match", "校验位不正确，请核对号码"),
    (r"contains characters that are not allowed", "含有不允许的字符"),
    (r"contains an invalid part.*", "含有无效部分（登记机关、地区或出生日期）"),
    (r"is not valid", "无效"),
    (r"is longer than (\d+) characters", r"不能超过 \1 个字符"),
    (r"must be one of .*", "请从列出的选项中选择"),
    (r"must be a number", "须为数字"),
    (r"must not be negative", "不能为负数"),
    (r"has more precision than one fen.*", "最多保留到分（两位小数）"),
    (r"is not a known district code", "不是本市的区县代码"),
    # What a home offers (credit.registry.offers)
    (r"has an unknown item '(.*)': use .*", r"含有未知项目“\1”"),
    (r"cannot be none and something else at once", "不能既选“无”又选其他项目"),
    (r"must not be less than the lowest monthly fee \((\d+)\)", r"不能低于月收费下限（\1 元）"),
    (r"must be a web address starting with http:// or https://", "须为以 http:// 或 https:// 开头的网址"),
    (r"must be a list of codes", "须为项目代码的列表"),
    (r"must be pass, fail or na", "请选择合格、不合格或不适用"),
    (r"is not one of the seven checklist areas", "不是七个检查项目之一"),
    (r"must not be before the date the hazard was found", "不能早于隐患发现日期"),
    (r"must not be before the decision date", "不能早于处罚决定日期"),
    (r"must be yes or no", "须为是或否"),
    (r"is not the USCC of this institution", "不是本机构的统一社会信用代码"),
    (r"is already registered", "已经登记，不能重复登记"),
    (r"not eligible for grading: (.*)", r"目前不能评定等级（\1）"),
    (r"is not the current password", "不是当前密码"),
    (r"use 3-64 lowercase letters, .*", "请使用 3–64 个小写字母、数字、点、下划线或连字符，以字母或数字开头"),
    (r"is already taken", "已被使用"),
    (r"the home already has (\d+) active accounts \(at most (\d+)\)", r"已有 \1 个有效账号（最多 \2 个）"),
    (r"must differ from the current password", "须与当前密码不同"),
    (r"rule 'length': must be at least (\d+) characters \(this one has (\d+)\)", r"至少需要 \1 个字符（现为 \2 个）"),
    (r"rule 'not common': .*", "是常用密码，请另选一个"),
    (r"rule 'not the username': .*", "不能包含用户名"),
    (r"rule 'not blank': .*", "不能为空"),
    (r"the total (\d+) is below the lowest level \((\d+)\)", r"总分 \1 低于最低等级分数线 \2"),
    (r"level (\d) needs at least (\d+) for \w+, got (\d+)", r"评为 \1 级至少需要 \2 分，现为 \3 分"),
    (r"a first grading may reach level (\d) at most, got (\d)", r"首次评定最高为 \1 级，现为 \2 级"),
    # Evidence files and credit-repair applications (credit.evidence, credit.records.repair, credit.listings)
    (r"at most (\d+) files may be attached \(this has (\d+)\)", r"最多可附 \1 个文件（现为 \2 个）"),
    (r"(.+): the file is empty", r"“\1”是空文件"),
    (r"(.+): the file is larger than (.+)", r"“\1”超过 \2"),
    (r"(.+): is not a PDF, JPEG or PNG file by its content", r"“\1”按其内容不是 PDF、JPEG 或 PNG 文件（与文件名无关）"),
    (r"must be ticked: .*", "须勾选：申请须同时作出信用承诺"),
    (r"repair is open from (\S+), when .*", r"自 \1 起（最短公示期届满）方可申请信用修复"),
    (r"a repair application for this penalty is already open", "该处罚已有一份办理中的修复申请"),
    (r"the application is (\w+), no longer open", "该申请已办结，不能再撤回或决定"),
    (r"already repaired on (\S+)", r"已于 \1 完成信用修复"),
    (r"the decision is revoked: .*", "处罚决定已撤销，不再公示也不计分"),
    (r"early removal may be applied for from (\S+)", r"自 \1 起方可申请提前移出"),
    (r"an application is already waiting for a decision", "已有一份申请在等待决定"),
    (r"there is no pending early-removal application to withdraw", "没有等待决定的提前移出申请，无法撤回"),
]


def reason_zh(reason: str) -> str:
    for pattern, zh in _REASONS_ZH:
        if re.fullmatch(pattern, reason):
            return re.sub(pattern, zh, reason)
    return reason


def message(field: str, reason: str) -> dict[str, str]:
    """{zh, en}: the field's name and what is wrong with it, in plain words."""
    zh_label, en_label = field_label(field)
    return {"zh": f"{zh_label}{reason_zh(reason)}。", "en": f"{en_label} {reason}."}


def field_messages(errors: list[FieldError], rename: Mapping[str, str] | None = None) -> dict[str, dict[str, str]]:
    """Field name -> {zh, en} (several problems of one field are joined); `rename` maps service field
    names to form field names where they differ."""
    found: dict[str, dict[str, str]] = {}
    for error in errors:
        field = (rename or {}).get(error.field, error.field)
        text = message(field, error.reason)
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
