"""Display labels of the workspace: Chinese first, English second (codes stay English in code)."""

from __future__ import annotations

from credit.listings.behaviours import BEHAVIOURS
from credit.registry.districts import DISTRICTS
from credit.registry.offers import CARE_LEVELS as OFFER_CARE_LEVELS, SERVICES as OFFER_SERVICES
from scoring import FIRE_AREAS, HAZARD_CATEGORIES
from scoring.labels import FIRE_AREAS_EN, HAZARD_CATEGORIES_EN

Label = tuple[str, str]  # (zh, en)

OWNER_TYPES: dict[str, Label] = {
    "public": ("公办", "Public"),
    "private_nonprofit": ("民办非营利", "Private non-profit"),
    "enterprise": ("企业", "Enterprise"),
    "public_private": ("公建民营", "Publicly built, privately run"),
}
STATUSES: dict[str, Label] = {"active": ("运营中", "Active"), "closed": ("已关闭", "Closed")}
PRACTITIONER_ROLES: dict[str, Label] = {
    "legal_representative": ("法定代表人", "Legal representative"),
    "manager": ("管理人员", "Manager"),
    "care_staff": ("护理员", "Care staff"),
}
SEVERITIES: dict[str, Label] = {
    "minor": ("轻微", "Minor"),
    "general": ("一般", "General"),
    "serious": ("严重", "Serious"),
}
SUBJECT_KINDS: dict[str, Label] = {
    "legal_person": ("法人及非法人组织", "Legal person"),
    "natural_person": ("自然人", "Natural person"),
    "individual_business": ("个体工商户", "Individual business"),
}
LISTING_BEHAVIOURS: dict[str, Label] = {code: b.short for code, b in BEHAVIOURS.items()}  # short labels
AREAS: dict[str, Label] = {code: (zh, FIRE_AREAS_EN[code]) for code, zh in FIRE_AREAS.items()}
# The hazard categories' names are the domain's (scoring.facts in Chinese, scoring.labels in English, the words
# of the credit explanation); here only capitalised to stand alone as an option or a column value.
HAZARDS: dict[str, Label] = {
    code: (zh, HAZARD_CATEGORIES_EN[code][:1].upper() + HAZARD_CATEGORIES_EN[code][1:])
    for code, zh in HAZARD_CATEGORIES.items()
}
# A home's report of a hazard's rectification (credit.records.hazard_reports), as both sides see it.
HAZARD_REPORT_STATUSES: dict[str, Label] = {
    "reported": ("已报告整改，待民政部门确认", "rectification reported, awaiting confirmation"),
    "confirmed": ("整改已确认", "rectification confirmed"),
    "refused": ("整改未获确认", "rectification not confirmed"),
}
RESULTS: dict[str, Label] = {"pass": ("合格", "Pass"), "fail": ("不合格", "Fail"), "na": ("不适用", "N/A")}
OUTCOMES: dict[str, Label] = {
    "compliant": ("达标", "Compliant"),
    "basically_compliant": ("基本达标", "Basically compliant"),
    "non_compliant": ("不达标", "Non-compliant"),
}
DISTRICT_NAMES: dict[str, Label] = dict(DISTRICTS)
SERVICES: dict[str, Label] = dict(OFFER_SERVICES)  # what a home offers (credit.registry.offers)
CARE_LEVELS: dict[str, Label] = dict(OFFER_CARE_LEVELS)
ENTITY_TYPES: dict[str, Label] = {
    "institution": ("机构", "Institution"),
    "penalty": ("行政处罚", "Penalty"),
    "grading": ("等级评定", "Grading"),
    "fire_inspection": ("消防检查", "Fire inspection"),
    "hazard": ("重大事故隐患", "Major hazard"),
    "practitioner": ("从业人员", "Practitioner"),
}

# What an audit entry did (its action code "kind.verb"), in words; an unknown code is shown as it is.
ACTION_VERBS: dict[str, Label] = {
    "create": ("新建", "Created"),
    "update": ("修改", "Updated"),
    "match": ("匹配到机构", "Matched to a home"),
    "repair": ("信用修复", "Credit repair"),
    "rectify": ("记录整改", "Rectification recorded"),
    "rectification_reported": ("机构报告已整改", "Reported rectified by the home"),
    "approve": ("批准", "Approved"),
    "approved": ("批准", "Approved"),
    "reject": ("驳回", "Rejected"),
    "rejected": ("驳回", "Rejected"),
    "withdraw": ("撤回", "Withdrawn"),
    "request": ("申请", "Requested"),
    "apply": ("申请", "Applied for"),
}


def action_label(action: str) -> Label:
    kind, _, verb = action.partition(".")
    words = ACTION_VERBS.get(verb)
    if words is None:
        return (action, action)
    entity = ENTITY_TYPES.get(kind)
    if entity is None or verb not in ("create", "update"):
        return words
    return (words[0] + entity[0], f"{entity[1]} {words[1].lower()}")  # 新建行政处罚 / Penalty created


FIELDS: dict[str, Label] = {
    "current_password": ("当前密码", "Current password"),
    "username": ("用户名", "Username"),
    "display_name": ("姓名", "Name"),
    "institution_uscc": ("机构", "Home"),
    "new_password": ("新密码", "New password"),
    "uscc": ("统一社会信用代码", "USCC"),
    "name": ("名称", "Name"),
    "district_code": ("所属区县", "District"),
    "address": ("地址", "Address"),
    "beds": ("床位数", "Beds"),
    "owner_type": ("举办类型", "Owner type"),
    "legal_representative": ("法定代表人", "Legal representative"),
    "phone": ("联系电话", "Phone"),
    "established_on": ("成立日期", "Established on"),
    "status": ("状态", "Status"),
    "care_levels": ("可接收护理等级", "Care levels accepted"),
    "fee_min": ("月收费下限（元）", "Lowest monthly fee (yuan)"),
    "fee_max": ("月收费上限（元）", "Highest monthly fee (yuan)"),
    "website": ("网站", "Website"),
    "version": ("版本", "Version"),
    "decided_on": ("评定日期", "Decided on"),
    "expires_on": ("有效期至", "Expires on"),
    "level": ("等级", "Level"),
    "environment": ("环境", "Environment"),
    "facilities": ("设施设备", "Facilities & equipment"),
    "operations": ("运营管理", "Operations management"),
    "services": ("服务", "Services"),
    "decision_number": ("决定书文号", "Decision number"),
    "assessor": ("评定机构", "Assessor"),
    "institution": ("机构", "Institution"),
    "inspected_on": ("检查日期", "Inspected on"),
    "inspector": ("检查人员或单位", "Inspector"),
    "note": ("备注", "Note"),
    "outcome": ("结论", "Outcome"),
    "category": ("隐患类别", "Category"),
    "description": ("隐患描述", "Description"),
    "found_on": ("发现日期", "Found on"),
    "rectify_by": ("整改期限", "Rectify by"),
    "rectified_on": ("整改完成日期", "Rectified on"),
    "subject_name": ("行政相对人名称", "Subject name"),
    "subject_kind": ("行政相对人类别", "Subject kind"),
    "violation_type": ("违法行为类型", "Violation type"),
    "facts": ("违法事实", "Facts"),
    "legal_basis": ("处罚依据", "Legal basis"),
    "penalty_kind": ("处罚类别", "Penalty kind"),
    "content": ("处罚内容", "Content"),
    "fine_yuan": ("罚款金额（元）", "Fine (yuan)"),
    "decision_date": ("处罚决定日期", "Decision date"),
    "deciding_agency": ("处罚机关", "Deciding agency"),
    "source_agency": ("数据来源单位", "Data-source agency"),
    "publication_end": ("公示截止期", "Publication end"),
    "severity": ("严重程度", "Severity"),
    "is_fire_safety": ("消防安全类处罚", "Fire-safety penalty"),
    "listing_behaviour": ("列入名单的失信行为", "Listing behaviour"),
    "revoked": ("已撤销", "Revoked"),
    "revoked_on": ("撤销日期", "Revoked on"),
    "role": ("岗位", "Role"),
    "id_number": ("身份证号码", "ID number"),
    "id_masked": ("身份证号码（遮蔽）", "ID number (masked)"),
    "checklist": ("检查项目", "Checklist"),
    "hazards": ("重大事故隐患", "Major hazards"),
    "after": ("内容", "Contents"),
    "hazard": ("隐患", "Hazard"),
    "withdraw_reasons": ("撤回理由", "Reasons for withdrawal"),
    "form": ("申请", "Application"),
    # Credit repair (信用修复, NDRC Order No. 36)
    "applicant_name": ("申请人姓名", "Applicant's name"),
    "applicant_contact": ("申请人联系方式", "Applicant's contact"),
    "statement": ("纠正失信行为、履行义务的情况说明", "Statement: conduct corrected, obligations met"),
    "obligations_met_on": ("履行完毕日期", "Obligations met on"),
    "evidence": ("证明材料", "Evidence"),
    "evidence_files": ("证明材料文件", "Evidence files"),
    "agree": ("信用承诺", "Credit commitment"),
    "commitment": ("信用承诺（公开）", "Credit commitment (public)"),
    "applied_on": ("申请日期", "Applied on"),
    "decision": ("决定", "Decision"),
    "reasons": ("理由", "Reasons"),
    "penalty": ("行政处罚", "Penalty"),
    "reply": ("答复（在查询页公开）", "Reply (shown on the status page)"),
    "to": ("转办单位", "Transfer to"),
    "substantiated": ("反映是否属实", "Substantiated"),
}


def field_label(name: str) -> Label:
    """The label of a form field, also for `checklist.<area>` and `hazards.<n>.<field>`."""
    parts = name.split(".")
    if parts[0] == "checklist" and len(parts) == 2:
        return AREAS.get(parts[1], (parts[1], parts[1]))
    if parts[0] == "hazards" and len(parts) == 3 and parts[1].isdigit():
        zh, en = FIELDS.get(parts[2], (parts[2], parts[2]))
        n = int(parts[1]) + 1
        return f"隐患 {n} {zh}", f"Hazard {n} {en.lower()}"
    return FIELDS.get(name, (name, name.replace("_", " ")))


def options(labels: dict[str, Label]) -> list[tuple[str, str, str]]:
    """(value, zh, en) rows for a select or a radio group."""
    return [(code, zh, en) for code, (zh, en) in labels.items()]
