"""Who may write what: a role x operation matrix over every write route of the app (JSON API and workspace forms).

Each row names an operation, a role and the status that role gets. An allowed row writes; a refused row answers
4xx and leaves every table exactly as it was. A test enumerates the app's routes and fails when a write route is
neither in the matrix nor in the commented exclusions below, so a new route cannot ship without its row.

Roles: admin, city regulator, district regulator of the home's district (in scope) and of another district
(out of scope), officer of the reporting agency (health) and of another agency (fire rescue), the two agencies'
API keys, and anonymous. The penalties are reported by the health commission: one matched to the 天宁 home and
one in the review queue (unknown USCC, no institution), which only its reporting agency and city-level
regulators may edit, revoke or match.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from stdnum.cn import uscc as uscc_rules

from credit.accounts.roles import Principal
from credit.accounts.service import create_user, issue_token
from credit.accounts.system import system_principal
from credit.feedback import service as feedback
from credit.feedback.schemas import FeedbackIn
from credit.feedback.tables import Feedback
from credit.listings import service as listings
from credit.listings.schemas import EarlyRemovalIn, ProposalIn
from credit.listings.tables import ListingEntry
from credit.piccolo_app import TABLES
from credit.records import hazard_reports, repair, service as records
from credit.records.schemas import HazardReportIn, RepairApplicationIn
from credit.registry import changes as registry_changes, service as registry
from credit.registry.schemas import InstitutionIn, RegistryChangeFiling
from credit.seeding import ensure_agencies
from credit.sharing.keys import issue_key
from credit.sharing.reports import report_penalty
from credit.sharing.schemas import PenaltyReport
from credit.supervision import service as supervision
from credit.supervision.schemas import InspectorIn, ResultIn
from credit.supervision.tables import InspectionDraw, Inspector, SupervisionTask
from credit.timeutil import today
from credit.validation import typed_from_text
from tests.factories import fire_inspection_in

TIANNING, WUJIN = "320402", "320412"
PASSWORD = "correct horse battery staple"
SETUP = system_principal("setup")
PUBLISHER = system_principal("publisher")
HEALTH_KEY = Principal(user_id=0, username="agency:health", role="agency", agency_code="health", via="key")

USERS = {
    "admin": {"role": "admin"},
    "city": {"role": "city_regulator"},
    "district_in": {"role": "district_regulator", "district_code": TIANNING},
    "district_out": {"role": "district_regulator", "district_code": WUJIN},
    "officer_own": {"role": "agency_officer", "agency_code": "health"},
    "officer_other": {"role": "agency_officer", "agency_code": "fire_rescue"},
    "home_own": {"role": "institution", "institution_uscc": "{uscc}"},  # a user of the 天宁 home (机构端)
}
KEYS = {"key_own": "health", "key_other": "fire_rescue"}
API_ROLES = (*USERS, *KEYS, "anonymous")
FORM_ROLES = (*USERS, "anonymous")  # agency keys are for the JSON API; the workspace is for people

# Routes with a write method that the matrix leaves out, and why.
EXCLUDED = {
    ("POST", "/login"): "signing in writes no record; covered in tests/accounts",
    ("POST", "/logout"): "signing out writes no record; covered in tests/accounts",
    ("POST", "/api/v1/me/password"): "any signed-in user changes only their own password, with the current one; "
    "tests/accounts/test_password_policy.py",
    ("POST", "/my/password"): "a home's user changes only their own password, with the current one; "
    "tests/institution/test_home_self_service.py",
    ("POST", "/shortlist/add"): "changes only the visitor's own shortlist cookie, writes no record; "
    "tests/portal/test_shortlist.py",
    ("POST", "/shortlist/remove"): "changes only the visitor's own shortlist cookie, writes no record; "
    "tests/portal/test_shortlist.py",
}
# The list procedure (proposal, notice, objection, decision, removal, early removal, withdrawal, measures) has its
# own role x step matrix in tests/listings/test_listing_roles.py.
EXCLUDED_PREFIXES = ("/api/v1/listings", "/workspace/listings")


def code(n: int, district: str = TIANNING) -> str:
    body = f"52{district}MJ{n:07d}"
    return body + uscc_rules.calc_check_digit(body)


def days_ago(n: int) -> str:
    return (today() - timedelta(days=n)).isoformat()


def institution(n: int, **changes: Any) -> dict[str, Any]:
    return {
        "uscc": code(n),
        "name": f"测试养老院{n}",
        "district_code": TIANNING,
        "beds": 80,
        "owner_type": "private_nonprofit",
        "status": "active",
        **changes,
    }


def penalty(number: str, **changes: Any) -> dict[str, Any]:
    return {
        "decision_number": number,
        "facts": "医务室未取得许可开展诊疗",
        "legal_basis": "《医疗机构管理条例》第四十三条",
        "penalty_kind": "罚款",
        "content": "罚款三千元",
        "fine_yuan": "3000.00",
        "decision_date": days_ago(20),
        "deciding_agency": "常州市卫生健康委员会",
        **changes,
    }


CHECKLIST = {
    "fire_resistance": "pass",
    "resident_floors": "pass",
    "fire_separation": "pass",
    "evacuation": "pass",
    "fire_facilities": "pass",
    "fire_management": "fail",
    "micro_fire_station": "na",
}
GRADING = {"decided_on": days_ago(3), "environment": 110, "facilities": 120, "operations": 140, "services": 560}
PERSON = {"name": "李秀英", "role": "care_staff", "id_number": "11010519491231002X"}
FEEDBACK = {"what_happened": "夜间无人值守", "uscc": code(1), "website": ""}
REPAIR = {
    "applicant_name": "王芳",
    "applicant_contact": "13912345678",
    "statement": "罚款已缴清，已整改",
    "obligations_met_on": days_ago(5),
    "evidence": "缴款凭证",
    "commitment": "本机构承诺依法诚信经营。",
}
# The home applies itself: dated today, agreeing to the commitment text it is shown instead of writing one.
HOME_REPAIR = {**{k: v for k, v in REPAIR.items() if k != "commitment"}, "agree": "1"}
HOME_API_REPAIR = {**HOME_REPAIR, "agree": True}


def as_form(body: dict[str, Any]) -> dict[str, str]:
    """A JSON body as the workspace form posts it: every value a string, flags as 1/0."""
    return {k: ("1" if v else "0") if isinstance(v, bool) else str(v) for k, v in body.items()}


# operation -> (method, path template, body, kind); the path is filled from the world's ids.
Body = Callable[[dict[str, Any]], dict[str, Any]]
OPERATIONS: dict[str, tuple[str, str, Body, str]] = {
    "api_create_institution": ("POST", "/api/v1/institutions", lambda w: institution(9), "api"),
    "api_update_institution": (
        "PUT",
        "/api/v1/institutions/{uscc}",
        lambda w: {**institution(1), "beds": 90, "version": 1},
        "api",
    ),
    "api_add_practitioner": ("POST", "/api/v1/institutions/{uscc}/practitioners", lambda w: PERSON, "api"),
    # Gradings go to a second 天宁 home: the first is on the list (its early-removal rows), and a listed home
    # may not be graded (民发〔2019〕103号 measures; [grading.eligibility]).
    "api_create_grading": ("POST", "/api/v1/institutions/{graded_uscc}/gradings", lambda w: GRADING, "api"),
    "api_create_fire_inspection": (
        "POST",
        "/api/v1/institutions/{uscc}/fire-inspections",
        lambda w: {"inspected_on": days_ago(2), "checklist": CHECKLIST},
        "api",
    ),
    "api_rectify_hazard": (
        "POST",
        "/api/v1/hazards/{hazard}/rectification",
        lambda w: {"rectified_on": days_ago(1), "version": 1},
        "api",
    ),
    "api_create_penalty": (
        "POST",
        "/api/v1/institutions/{uscc}/penalties",
        lambda w: penalty("天民罚字〔2026〕9号"),
        "api",
    ),
    "api_edit_matched_penalty": (
        "PUT",
        "/api/v1/penalties/{matched}",
        lambda w: {**w["matched_body"], "rectified_on": days_ago(1), "version": 1},
        "api",
    ),
    "api_edit_unmatched_penalty": (
        "PUT",
        "/api/v1/penalties/{unmatched}",
        lambda w: {**w["unmatched_body"], "rectified_on": days_ago(1), "version": 1},
        "api",
    ),
    "api_revoke_unmatched_penalty": (
        "PUT",
        "/api/v1/penalties/{unmatched}",
        lambda w: {**w["unmatched_body"], "revoked": True, "revoked_on": days_ago(1), "version": 1},
        "api",
    ),
    "api_report_penalty": (
        "POST",
        "/api/v1/penalties",
        lambda w: penalty("常卫罚〔2026〕9号", subject_name="测试养老院1", uscc=code(1)),
        "api",
    ),
    "api_match_subject": ("POST", "/api/v1/match", lambda w: {"uscc": code(1)}, "api"),
    "form_create_institution": ("POST", "/workspace/institutions/new", lambda w: as_form(institution(9)), "form"),
    "form_update_institution": (
        "POST",
        "/workspace/institutions/{home}/edit",
        lambda w: as_form({**institution(1), "beds": 90, "version": 1}),
        "form",
    ),
    "form_add_practitioner": (
        "POST",
        "/workspace/institutions/{home}/practitioners/new",
        lambda w: as_form(PERSON),
        "form",
    ),
    "form_create_grading": (
        "POST",
        "/workspace/institutions/{graded_home}/gradings/new",
        lambda w: as_form(GRADING),
        "form",
    ),
    "form_create_fire_inspection": (
        "POST",
        "/workspace/institutions/{home}/fire-inspections/new",
        lambda w: {"inspected_on": days_ago(2), **{f"checklist.{k}": v for k, v in CHECKLIST.items()}},
        "form",
    ),
    "form_rectify_hazard": (
        "POST",
        "/workspace/hazards/{hazard}/rectify",
        lambda w: {"rectified_on": days_ago(1), "version": "1"},
        "form",
    ),
    "form_create_penalty": (
        "POST",
        "/workspace/institutions/{home}/penalties/new",
        lambda w: as_form(penalty("天民罚字〔2026〕9号")),
        "form",
    ),
    "form_edit_matched_penalty": (
        "POST",
        "/workspace/penalties/{matched}/edit",
        lambda w: as_form({**w["matched_body"], "rectified_on": days_ago(1), "version": 1}),
        "form",
    ),
    "form_edit_unmatched_penalty": (
        "POST",
        "/workspace/penalties/{unmatched}/edit",
        lambda w: as_form({**w["unmatched_body"], "rectified_on": days_ago(1), "version": 1}),
        "form",
    ),
    "form_revoke_unmatched_penalty": (
        "POST",
        "/workspace/penalties/{unmatched}/edit",
        lambda w: as_form({**w["unmatched_body"], "revoked": True, "revoked_on": days_ago(1), "version": 1}),
        "form",
    ),
    "form_match_unmatched_penalty": ("POST", "/workspace/review/{unmatched}", lambda w: {"uscc": code(1)}, "form"),
    # Credit repair (信用修复, NDRC Order No. 36). The matched penalty is a 3,000-yuan fine: minor information,
    # repairable at once; {repair_penalty} has an open application {application}.
    "api_apply_repair": ("POST", "/api/v1/penalties/{matched}/repair", lambda w: REPAIR, "api"),
    "api_apply_repair_unmatched": ("POST", "/api/v1/penalties/{unmatched}/repair", lambda w: REPAIR, "api"),
    "api_decide_repair": (
        "POST",
        "/api/v1/penalties/{repair_penalty}/repair/{application}/decision",
        lambda w: {"decision": "accept", "reasons": "缴款凭证核实无误", "version": 1},
        "api",
    ),
    "api_withdraw_repair": (
        "POST",
        "/api/v1/penalties/{repair_penalty}/repair/{application}/withdrawal",
        lambda w: {"reasons": "申请人撤回", "version": 1},
        "api",
    ),
    "form_apply_repair": ("POST", "/workspace/penalties/{matched}/repair", lambda w: REPAIR, "form"),
    "form_apply_repair_unmatched": ("POST", "/workspace/penalties/{unmatched}/repair", lambda w: REPAIR, "form"),
    "form_decide_repair": (
        "POST",
        "/workspace/penalties/{repair_penalty}/repair/{application}/decision",
        lambda w: {"decision": "reject", "reasons": "证明材料不全", "version": "1"},
        "form",
    ),
    "form_withdraw_repair": (
        "POST",
        "/workspace/penalties/{repair_penalty}/repair/{application}/withdrawal",
        lambda w: {"withdraw_reasons": "申请人撤回", "version": "1"},
        "form",
    ),
    # The supervision loop (issue 19): the roster, conflicts of interest, and a task's result, publication and
    # confirmed rectification. {open_task} has no result yet, {recorded_task} an unpublished result,
    # {rectify_task} a published order to rectify.
    "api_add_inspector": (
        "POST",
        "/api/v1/supervision/inspectors",
        lambda w: {
            "name": "李建国",
            "certificate_number": "32040299001",
            "agency_code": "civil_affairs",
            "district_code": TIANNING,
        },
        "api",
    ),
    "api_record_conflict": (
        "POST",
        "/api/v1/supervision/inspectors/{inspector}/conflicts",
        lambda w: {"uscc": code(1), "reason": "近亲属在该院任职"},
        "api",
    ),
    "api_update_inspector": (
        "PUT",
        "/api/v1/supervision/inspectors/{inspector}",
        lambda w: {**INSPECTOR, "name": "王建华（更正）"},
        "api",
    ),
    "api_deactivate_inspector": (
        "PUT",
        "/api/v1/supervision/inspectors/{inspector}",
        lambda w: {**INSPECTOR, "active": False},
        "api",
    ),
    # An inspector left without a district (rows from before the roster's rules): city-level regulators only.
    "api_update_inspector_without_district": (
        "PUT",
        "/api/v1/supervision/inspectors/{loose_inspector}",
        lambda w: {**INSPECTOR, "certificate_number": "32040200002"},
        "api",
    ),
    "api_correct_supervision_result": (
        "POST",
        "/api/v1/supervision/tasks/{rectify_task}/corrections",
        lambda w: {
            "reason": "整改期限录入错误",
            "kind": "general",
            "inspected_on": days_ago(0),
            "checklist": {**SUPERVISION_CHECKLIST, "fees": "fail"},
            "outcome": "rectify",
            "rectify_by": (today() + timedelta(days=20)).isoformat(),
        },
        "api",
    ),
    "api_record_supervision_result": (
        "POST",
        "/api/v1/supervision/tasks/{open_task}/result",
        lambda w: {
            "kind": "general",
            "inspected_on": days_ago(0),
            "checklist": SUPERVISION_CHECKLIST,
            "outcome": "no_problem",
        },
        "api",
    ),
    "api_publish_supervision_result": (
        "POST",
        "/api/v1/supervision/tasks/{recorded_task}/publication",
        lambda w: {},
        "api",
    ),
    "api_confirm_supervision_rectification": (
        "POST",
        "/api/v1/supervision/tasks/{rectify_task}/rectification",
        lambda w: {"rectified_on": days_ago(0)},
        "api",
    ),
    "form_add_inspector": (
        "POST",
        "/workspace/supervision/inspectors",
        lambda w: {
            "name": "李建国",
            "certificate_number": "32040299001",
            "agency_code": "civil_affairs",
            "district_code": TIANNING,
        },
        "form",
    ),
    "form_record_conflict": (
        "POST",
        "/workspace/supervision/inspectors/{inspector}/conflicts",
        lambda w: {"uscc": code(1), "reason": "近亲属在该院任职"},
        "form",
    ),
    "form_update_inspector": (
        "POST",
        "/workspace/supervision/inspectors/{inspector}",
        lambda w: {**INSPECTOR, "name": "王建华（更正）"},
        "form",
    ),
    "form_deactivate_inspector": (
        "POST",
        "/workspace/supervision/inspectors/{inspector}/active",
        lambda w: {"active": "no"},
        "form",
    ),
    "form_correct_supervision_result": (
        "POST",
        "/workspace/supervision/tasks/{rectify_task}/correction",
        lambda w: {
            "reason": "整改期限录入错误",
            "kind": "general",
            "inspected_on": days_ago(0),
            "outcome": "rectify",
            "rectify_by": (today() + timedelta(days=20)).isoformat(),
            **{f"checklist.{k}": v for k, v in SUPERVISION_CHECKLIST.items()},
            "checklist.fees": "fail",
        },
        "form",
    ),
    "form_record_supervision_result": (
        "POST",
        "/workspace/supervision/tasks/{open_task}/result",
        lambda w: {
            "kind": "general",
            "inspected_on": days_ago(0),
            "outcome": "no_problem",
            **{f"checklist.{k}": v for k, v in SUPERVISION_CHECKLIST.items()},
        },
        "form",
    ),
    "form_publish_supervision_result": (
        "POST",
        "/workspace/supervision/tasks/{recorded_task}/publication",
        lambda w: {},
        "form",
    ),
    "form_confirm_supervision_rectification": (
        "POST",
        "/workspace/supervision/tasks/{rectify_task}/rectification",
        lambda w: {"rectified_on": days_ago(0)},
        "form",
    ),
    # Citizen feedback (投诉与意见, issue 18): anyone files (a public write, rate limited per address); civil
    # affairs in scope answers. {feedback} is a received report about the 天宁 home.
    "form_file_feedback": ("POST", "/feedback", lambda w: FEEDBACK, "form"),
    "form_accept_feedback": (
        "POST",
        "/workspace/feedback/{feedback}/accept",
        lambda w: {"reply": "已受理，将现场检查", "version": "1"},
        "form",
    ),
    "form_transfer_feedback": (
        "POST",
        "/workspace/feedback/{feedback}/transfer",
        lambda w: {"to": "12345", "reply": "已转12345热线", "version": "1"},
        "form",
    ),
    "form_close_feedback": (
        "POST",
        "/workspace/feedback/{feedback}/close",
        lambda w: {"reply": "经核查不属实", "substantiated": "no", "version": "1"},
        "form",
    ),
    # Institution self-service (机构端): civil affairs opens the home's accounts; the home objects to its notice.
    "form_create_home_account": (
        "POST",
        "/workspace/institutions/{home}/accounts/new",
        lambda w: {"username": "kangle.new", "display_name": "新用户"},
        "form",
    ),
    "form_home_objection": ("POST", "/my/notices/{entry}/objection", lambda w: {"text": "已全部履行判决义务"}, "form"),
    # The home's own credit-repair applications from /my (NDRC Order No. 36; early removal, 民发〔2019〕103号).
    "form_home_apply_repair": ("POST", "/my/penalties/{matched}/repair", lambda w: HOME_REPAIR, "form"),
    "form_home_apply_repair_unmatched": ("POST", "/my/penalties/{unmatched}/repair", lambda w: HOME_REPAIR, "form"),
    "form_home_withdraw_repair": (
        "POST",
        "/my/penalties/{repair_penalty}/repair/{application}/withdrawal",
        lambda w: {"withdraw_reasons": "材料不全，补齐后再申请", "version": "1"},
        "form",
    ),
    "form_home_apply_removal": (
        "POST",
        "/my/entries/{listed_entry}/removal",
        lambda w: {"statement": "已整改到位", "agree": "1"},
        "form",
    ),
    "form_home_withdraw_removal": ("POST", "/my/entries/{removal_entry}/removal/withdrawal", lambda w: {}, "form"),
    # The home asks from /my (registry changes, hazard rectification); civil affairs decides in the workspace.
    "form_home_request_change": (
        "POST",
        "/my/changes",
        lambda w: {"field": "phone", "requested_value": "0519-81234567"},
        "form",
    ),
    "form_home_request_fees": (
        "POST",
        "/my/changes",
        lambda w: {"field": "fees", "fee_min": "1200", "fee_max": "3500"},
        "form",
    ),
    "form_home_withdraw_change": ("POST", "/my/changes/{change}/withdraw", lambda w: {}, "form"),
    "form_decide_registry_change": (
        "POST",
        "/workspace/registry-changes/{change}/decision",
        lambda w: {"decision": "approved"},
        "form",
    ),
    "form_home_report_rectification": (
        "POST",
        "/my/hazards/{hazard}/report",
        lambda w: {"rectified_on": days_ago(1), "text": "已更换防火门"},
        "form",
    ),
    "form_decide_hazard_report": (
        "POST",
        "/workspace/hazard-reports/{report}/decision",
        lambda w: {"decision": "confirmed"},
        "form",
    ),
    # The same actions of the home through its JSON API (/api/v1/my, a bearer token of the home's user).
    "api_home_objection": (
        "POST",
        "/api/v1/my/notices/{entry}/objection",
        lambda w: {"text": "已全部履行判决义务"},
        "api",
    ),
    "api_home_apply_repair": ("POST", "/api/v1/my/penalties/{matched}/repair", lambda w: HOME_API_REPAIR, "api"),
    "api_home_apply_repair_unmatched": (
        "POST",
        "/api/v1/my/penalties/{unmatched}/repair",
        lambda w: HOME_API_REPAIR,
        "api",
    ),
    "api_home_withdraw_repair": (
        "POST",
        "/api/v1/my/penalties/{repair_penalty}/repair/{application}/withdrawal",
        lambda w: {"reasons": "材料不全，补齐后再申请", "version": 1},
        "api",
    ),
    "api_home_apply_removal": (
        "POST",
        "/api/v1/my/entries/{listed_entry}/removal",
        lambda w: {"statement": "已整改到位", "agree": True},
        "api",
    ),
    "api_home_withdraw_removal": ("POST", "/api/v1/my/entries/{removal_entry}/removal/withdrawal", lambda w: {}, "api"),
    "api_home_request_change": (
        "POST",
        "/api/v1/my/changes",
        lambda w: {"field": "phone", "requested_value": "0519-81234567"},
        "api",
    ),
    "api_home_request_fees": (
        "POST",
        "/api/v1/my/changes",
        lambda w: {"field": "fees", "fee_min": 1200, "fee_max": 3500},
        "api",
    ),
    "api_home_withdraw_change": ("POST", "/api/v1/my/changes/{change}/withdrawal", lambda w: {}, "api"),
    "api_home_report_rectification": (
        "POST",
        "/api/v1/my/hazards/{hazard}/rectification",
        lambda w: {"rectified_on": days_ago(1), "text": "已更换防火门"},
        "api",
    ),
}
SUPERVISION_CHECKLIST = dict.fromkeys(("licences", "service_quality", "safety", "fees", "contracts"), "pass")
INSPECTOR = {
    "name": "王建华",
    "certificate_number": "32040200001",
    "agency_code": "civil_affairs",
    "district_code": TIANNING,
}

API_OK = {"POST": 201, "PUT": 200}
FORM_OK = 303
LOGIN = "login"  # anonymous on a workspace form: sent to the sign-in page


def expect(operation: str, allowed: set[str]) -> dict[str, int | str]:
    """Status of each role: allowed roles succeed, the rest are refused (401 anonymous, 403 signed in)."""
    method, _, _, kind = OPERATIONS[operation]
    ok = API_OK[method] if kind == "api" else FORM_OK
    roles = API_ROLES if kind == "api" else FORM_ROLES
    return {
        role: ok if role in allowed else (LOGIN if kind == "form" else 401) if role == "anonymous" else 403
        for role in roles
    }


CITY = {"admin", "city"}
IN_SCOPE = CITY | {"district_in"}
REPORTING_AGENCY = {"officer_own", "key_own"}
EXPECTED: dict[str, dict[str, int | str]] = {}
for prefix in ("api", "form"):
    EXPECTED[f"{prefix}_create_institution"] = expect(f"{prefix}_create_institution", IN_SCOPE)
    EXPECTED[f"{prefix}_update_institution"] = expect(f"{prefix}_update_institution", IN_SCOPE)
    EXPECTED[f"{prefix}_add_practitioner"] = expect(f"{prefix}_add_practitioner", IN_SCOPE)
    EXPECTED[f"{prefix}_create_grading"] = expect(f"{prefix}_create_grading", IN_SCOPE)
    # Fire rescue officers record inspections and rectifications of any home; other agencies do not.
    EXPECTED[f"{prefix}_create_fire_inspection"] = expect(
        f"{prefix}_create_fire_inspection", IN_SCOPE | {"officer_other"}
    )
    EXPECTED[f"{prefix}_rectify_hazard"] = expect(f"{prefix}_rectify_hazard", IN_SCOPE | {"officer_other"})
    # Any agency officer records its own agency's penalty against any home; keys report through /penalties.
    EXPECTED[f"{prefix}_create_penalty"] = expect(
        f"{prefix}_create_penalty", IN_SCOPE | {"officer_own", "officer_other"}
    )
    EXPECTED[f"{prefix}_edit_matched_penalty"] = expect(f"{prefix}_edit_matched_penalty", IN_SCOPE | REPORTING_AGENCY)
    # The review queue: the reporting agency and city-level regulators only, never a district regulator.
    EXPECTED[f"{prefix}_edit_unmatched_penalty"] = expect(f"{prefix}_edit_unmatched_penalty", CITY | REPORTING_AGENCY)
    EXPECTED[f"{prefix}_revoke_unmatched_penalty"] = expect(
        f"{prefix}_revoke_unmatched_penalty", CITY | REPORTING_AGENCY
    )
# The account is opened on its own page, which shows the initial password once: 201, not a redirect.
EXPECTED["form_create_home_account"] = {
    role: 201 if status == FORM_OK else status for role, status in expect("form_create_home_account", IN_SCOPE).items()
}
# Only the home's own user objects from /my; staff are refused there (403), whatever their scope.
EXPECTED["form_home_objection"] = expect("form_home_objection", {"home_own"})
# ... and applies for repair of its own penalties or early removal of its own entries, and withdraws them; a
# penalty with no institution is no home's (404 to the home's user, who cannot learn it exists).
for operation in ("apply_repair", "withdraw_repair", "apply_removal", "withdraw_removal"):
    EXPECTED[f"form_home_{operation}"] = expect(f"form_home_{operation}", {"home_own"})
EXPECTED["form_home_apply_repair_unmatched"] = {**expect("form_home_apply_repair_unmatched", set()), "home_own": 404}
# Only the home's own user asks (and withdraws) from /my; only civil affairs in scope decides (a home's user reaches
# no workspace page: 403).
for operation in ("home_request_change", "home_request_fees", "home_withdraw_change", "home_report_rectification"):
    EXPECTED[f"form_{operation}"] = expect(f"form_{operation}", {"home_own"})
for operation in ("decide_registry_change", "decide_hazard_report"):
    EXPECTED[f"form_{operation}"] = expect(f"form_{operation}", IN_SCOPE)
# The home's JSON API: the home's own user only (staff and agency keys 403, anonymous 401), like /my; a penalty with
# no institution is no home's (404).
for operation in (
    "objection",
    "apply_repair",
    "withdraw_repair",
    "apply_removal",
    "withdraw_removal",
    "request_change",
    "request_fees",
    "withdraw_change",
    "report_rectification",
):
    EXPECTED[f"api_home_{operation}"] = expect(f"api_home_{operation}", {"home_own"})
EXPECTED["api_home_apply_repair_unmatched"] = {**expect("api_home_apply_repair_unmatched", set()), "home_own": 404}
EXPECTED["form_match_unmatched_penalty"] = expect("form_match_unmatched_penalty", CITY | REPORTING_AGENCY)
# Credit repair: civil affairs in scope only (DESIGN: civil affairs decides); on a penalty with no institution no
# scope rule passes, for anyone.
for prefix in ("api", "form"):
    for operation in ("apply_repair", "decide_repair", "withdraw_repair"):
        EXPECTED[f"{prefix}_{operation}"] = expect(f"{prefix}_{operation}", IN_SCOPE)
    EXPECTED[f"{prefix}_apply_repair_unmatched"] = expect(f"{prefix}_apply_repair_unmatched", set())
# The supervision loop: regulators in scope of the home (the roster: of the inspector's district).
for operation in (
    "add_inspector",
    "update_inspector",
    "deactivate_inspector",
    "correct_supervision_result",
    "record_conflict",
    "record_supervision_result",
    "publish_supervision_result",
    "confirm_supervision_rectification",
):
    for prefix in ("api", "form"):
        EXPECTED[f"{prefix}_{operation}"] = expect(f"{prefix}_{operation}", IN_SCOPE)
EXPECTED["api_update_inspector_without_district"] = expect("api_update_inspector_without_district", CITY)
# Citizen feedback: the form is public (every role, anonymous included); the queue is civil affairs' in scope.
EXPECTED["form_file_feedback"] = {role: FORM_OK for role in FORM_ROLES}
for operation in ("accept_feedback", "transfer_feedback", "close_feedback"):
    EXPECTED[f"form_{operation}"] = expect(f"form_{operation}", IN_SCOPE)
# The agency API takes agency keys only (401 for everyone else, signed-in people included).
EXPECTED["api_report_penalty"] = {role: 201 if role in KEYS else 401 for role in API_ROLES}
EXPECTED["api_match_subject"] = {role: 200 if role in KEYS else 401 for role in API_ROLES}
ROWS = [(operation, role, status) for operation, by_role in EXPECTED.items() for role, status in by_role.items()]
# Reads that answer on a write method: allowed rows must also write nothing.
READS = {"api_match_subject"}
# Tables a request may touch without writing a record (last-used stamps of the credentials it came with).
CREDENTIAL_TABLES = {"account_user", "api_token", "agency_key"}


@pytest.fixture
async def world(client) -> dict[str, Any]:
    """The 天宁 home with an open major hazard, a matched and an unmatched health-commission penalty, the
    users and keys of every role, and one signed-in client per role."""
    await ensure_agencies()
    home = await registry.create_institution(InstitutionIn(**institution(1)), SETUP)
    graded = await registry.create_institution(InstitutionIn(**institution(3)), SETUP)
    inspection = await records.create_fire_inspection(
        home["id"],
        fire_inspection_in(
            {
                "inspected_on": days_ago(5),
                "checklist": CHECKLIST,
                "hazards": [
                    {"category": "facility_equipment", "description": "防火门损坏", "rectify_by": days_ago(-20)}
                ],
            }
        ),
        SETUP,
    )
    matched_body = penalty("常卫罚〔2026〕1号", subject_name="测试养老院1", uscc=code(1))
    unmatched_body = penalty("常卫罚〔2026〕2号", subject_name="某养老院（报送名称）", uscc=code(99))
    matched = (await report_penalty(typed_from_text(PenaltyReport, matched_body), HEALTH_KEY)).penalty
    unmatched = (await report_penalty(typed_from_text(PenaltyReport, unmatched_body), HEALTH_KEY)).penalty
    repair_body = penalty("常卫罚〔2026〕3号", subject_name="测试养老院1", uscc=code(1))
    repair_penalty = (await report_penalty(typed_from_text(PenaltyReport, repair_body), HEALTH_KEY)).penalty
    application = await repair.apply(repair_penalty["id"], typed_from_text(RepairApplicationIn, REPAIR), SETUP)
    report = await feedback.submit(FeedbackIn(what_happened="护理员态度恶劣", uscc=code(1)))
    entry = await listings.propose(
        ProposalIn(
            uscc=home["uscc"], behaviour="court_debtor", facts="人民法院认定为失信被执行人", basis="（2026）苏04执1号"
        ),
        SETUP,
    )
    listed_entry, removal_entry = (
        await listed_two_years(home["id"], "8", matched["id"]),
        await listed_two_years(home["id"], "9", matched["id"]),
    )
    await listings.apply_early_removal(removal_entry, EarlyRemovalIn(**{"statement": "已整改到位"}), SETUP)
    assert matched["institution"] == home["id"] and unmatched["institution"] is None
    # What the home asked already: an open change of its address, a rectification report of a second hazard.
    own = Principal(user_id=0, username="home_own", role="institution", institution_uscc=home["uscc"])
    change = await registry_changes.request_change(
        RegistryChangeFiling(field="address", requested_value="天宁区青龙东路 1 号"), own
    )
    second = await records.create_fire_inspection(
        home["id"],
        fire_inspection_in(
            {
                "inspected_on": days_ago(4),
                "checklist": CHECKLIST,
                "hazards": [{"category": "fire", "description": "消防通道堵塞", "rectify_by": days_ago(-20)}],
            }
        ),
        SETUP,
    )
    rectification = await hazard_reports.report_rectification(
        second["hazards"][0]["id"], HazardReportIn(**{"rectified_on": days_ago(1), "text": "已清理通道"}), own
    )
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for username, extra in USERS.items():
        await create_user(
            username, password=PASSWORD, actor="test", **{k: v.format(uscc=home["uscc"]) for k, v in extra.items()}
        )
        headers[username] = {"Authorization": f"Bearer {(await issue_token(username, actor='test')).token}"}
    for name, agency in KEYS.items():
        headers[name] = {"Authorization": f"Bearer {(await issue_key(agency, 'test')).key}"}
    ids = {
        "uscc": home["uscc"],
        "home": home["id"],
        "graded_uscc": graded["uscc"],
        "graded_home": graded["id"],
        "hazard": inspection["hazards"][0]["id"],
        "matched": matched["id"],
        "unmatched": unmatched["id"],
        "repair_penalty": repair_penalty["id"],
        "application": application["id"],
        **await supervision_tasks(home["id"]),
        "feedback": (await Feedback.select(Feedback.id).where(Feedback.reference == report.reference).first().run())[
            "id"
        ],
        "entry": entry["id"],
        "listed_entry": listed_entry,
        "removal_entry": removal_entry,
        "change": change["id"],
        "report": rectification["id"],
    }
    return {"ids": ids, "headers": headers, "matched_body": matched_body, "unmatched_body": unmatched_body}


async def listed_two_years(home_id: int, behaviour: str, penalty_id: int) -> int:
    """An entry of the home listed two years and ten days ago: early removal may be applied for (set up directly;
    the steps that lead there are the list procedure's own tests)."""
    entry = await listings.propose(
        ProposalIn(
            uscc=(await registry.get_institution(home_id))["uscc"],
            behaviour=behaviour,
            facts="未按规定报送年度报告",
            basis="民发〔2019〕103号",
            penalty_ids=[penalty_id],
        ),
        SETUP,
    )
    listed_on = today() - timedelta(days=365 * 2 + 10)
    await (
        ListingEntry.update(
            {
                ListingEntry.status: "listed",
                ListingEntry.listed_on: listed_on,
                ListingEntry.expires_on: listed_on + timedelta(days=365 * 3),
                ListingEntry.early_removal_from: today() - timedelta(days=10),
            }
        )
        .where(ListingEntry.id == entry["id"])
        .run()
    )
    return entry["id"]


async def supervision_tasks(home_id: int) -> dict[str, int]:
    """An inspector of 天宁 and three tasks of the home (one per draw): open, recorded, published with an order to
    rectify."""
    inspector = await supervision.add_inspector(
        InspectorIn(
            name="王建华", certificate_number="32040200001", agency_code="civil_affairs", district_code=TIANNING
        ),
        SETUP,
    )
    loose = Inspector(
        name="赵六", certificate_number="LEGACY-1", agency_code="civil_affairs", district_code="", recorded_by="old"
    )
    await loose.save().run()
    ids = {"inspector": inspector["id"], "loose_inspector": loose.id}
    for n, name in enumerate(("open_task", "recorded_task", "rectify_task")):
        draw = InspectionDraw(
            month=f"2000-0{n + 1}", drawn_on=today().replace(day=1), seed="s", institutions=[], inspectors={}
        )
        await draw.save().run()
        task = SupervisionTask(
            draw=draw.id,
            month=draw.month,
            institution=home_id,
            district_code=TIANNING,
            inspectors=[inspector["id"]],
            due_on=today(),
        )
        await task.save().run()
        ids[name] = task.id
    general = {"kind": "general", "inspected_on": today(), "checklist": SUPERVISION_CHECKLIST}
    await supervision.record_result(ids["recorded_task"], ResultIn(**{**general, "outcome": "interview"}), SETUP)
    await supervision.record_result(
        ids["rectify_task"],
        ResultIn(
            **{
                **general,
                "checklist": {**SUPERVISION_CHECKLIST, "fees": "fail"},
                "outcome": "rectify",
                "rectify_by": today() + timedelta(days=10),
            }
        ),
        SETUP,
    )
    await supervision.publish_result(ids["rectify_task"], PUBLISHER)  # not the recorder (separation of duties)
    return ids


async def sign_in(http, username: str) -> str:
    """Sign in through the form (anonymous: only fetch the CSRF cookie); the CSRF token to post with."""
    page = await http.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    if username != "anonymous":
        response = await http.post("/login", data={"username": username, "password": PASSWORD, "_csrf_token": token})
        assert response.status_code == 303, response.text
    return http.cookies["ec_csrf"]


async def snapshot() -> dict[str, Any]:
    """Every row of every table (credential tables: their row counts)."""
    state: dict[str, Any] = {}
    for table in TABLES:
        name = table._meta.tablename
        if name in CREDENTIAL_TABLES:
            state[name] = await table.count().run()
        else:
            key = table._meta.primary_key._meta.name  # "id", or "institution" for the search index
            state[name] = sorted((await table.select().run()), key=lambda r: r[key])
    return state


@pytest.mark.parametrize("operation, role, status", ROWS, ids=[f"{o}-{r}-{s}" for o, r, s in ROWS])
async def test_each_role_may_do_exactly_what_its_scope_allows(client, world, operation, role, status):
    method, template, body, kind = OPERATIONS[operation]
    path = template.format(**world["ids"])
    if kind == "api":
        before = await snapshot()
        response = await client.request(method, path, json=body(world), headers=world["headers"][role])
    else:
        csrf = await sign_in(client, role)
        before = await snapshot()
        response = await client.post(path, data={**body(world), "_csrf_token": csrf})
    after = await snapshot()
    if status == LOGIN:
        assert response.status_code in (302, 303, 401), response.text
        assert response.status_code == 401 or "/login" in response.headers["location"]
    else:
        assert response.status_code == status, response.text
    allowed = status in (200, 201, 303)
    if allowed and operation not in READS:
        assert after != before, "an allowed write changed nothing"
        assert len(after["audit_entry"]) > len(before["audit_entry"]), "an allowed write left no audit entry"
    else:
        assert after == before, "a refused request wrote something"
    if not allowed and kind == "api":
        assert response.headers["content-type"].startswith("application/problem+json")


def write_routes() -> set[tuple[str, str]]:
    from credit.app import create_app

    routes = set()
    for route in create_app().routes:
        for method in sorted(getattr(route, "methods", set()) & {"POST", "PUT", "PATCH", "DELETE"}):
            routes.add((method, re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)))
    return routes


def matrix_routes() -> set[tuple[str, str]]:
    """The routes the matrix calls, with their path parameters as the app names them."""
    names = {
        "uscc": "uscc",
        "home": "institution_id",
        "graded_uscc": "uscc",
        "graded_home": "institution_id",
        "hazard": "hazard_id",
        "matched": "penalty_id",
        "unmatched": "penalty_id",
        "repair_penalty": "penalty_id",
        "application": "application_id",
        "inspector": "inspector_id",
        "loose_inspector": "inspector_id",
        "open_task": "task_id",
        "recorded_task": "task_id",
        "rectify_task": "task_id",
        "feedback": "feedback_id",
        "entry": "entry_id",
        "listed_entry": "entry_id",
        "removal_entry": "entry_id",
        "change": "request_id",
        "report": "report_id",
    }
    return {
        (method, re.sub(r"\{(\w+)\}", lambda m: "{" + names[m.group(1)] + "}", template))
        for method, template, _, _ in OPERATIONS.values()
    }


def test_every_write_route_is_in_the_matrix_or_excluded_with_a_reason():
    missing = {
        (method, path)
        for method, path in write_routes() - matrix_routes() - set(EXCLUDED)
        if not path.startswith(EXCLUDED_PREFIXES)
    }
    assert missing == set(), f"write routes without a row in the matrix: {sorted(missing)}"
    assert matrix_routes() <= write_routes(), "the matrix names a route the app does not have"


def test_every_operation_has_a_row_for_every_role():
    for operation, (_, _, _, kind) in OPERATIONS.items():
        assert set(EXPECTED[operation]) == set(API_ROLES if kind == "api" else FORM_ROLES), operation


@pytest.mark.parametrize("principal_district", [TIANNING, ""])
def test_a_record_of_no_district_is_in_no_district_regulators_scope(principal_district):
    from credit.accounts.roles import can_write_institution, can_write_unmatched_penalty

    regulator = Principal(user_id=1, username="d", role="district_regulator", district_code=principal_district)
    assert not can_write_institution(regulator, "")
    assert not can_write_unmatched_penalty(regulator, "health")
    assert not can_write_unmatched_penalty(Principal(user_id=2, username="o", role="agency_officer"), "")
    assert can_write_unmatched_penalty(Principal(user_id=3, username="c", role="city_regulator"), "")
