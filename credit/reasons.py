"""Reason codes: why a field or a step was refused, as a stable code with parameters beside the English sentence.

The English sentence is what the API says (problem+json `detail` and `errors[].reason`); the code and its
parameters are what the portal translates (portal/i18n, context "reason"), so that no page reads English to find
out what went wrong. Every code a service may give is in ENGLISH, with the sentence its parameters fill in."""

from __future__ import annotations

from typing import Any

ENGLISH: dict[str, str] = {
    # Field checks of credit.validation
    "required": "is required",
    "too_long": "is longer than {max_length} characters",
    "nul_character": "must not contain a NUL character",
    "whole_number": "must be a whole number",
    "at_least": "must be at least {minimum}",
    "at_most": "must be at most {maximum}",
    "amount_not_float": ('must be a decimal string such as "5000.50" or a whole number, not a floating-point number'),
    "not_negative": "must not be negative",
    "amount_digits": "must be a decimal number written in digits, such as 5000.50",
    "amount_too_large": "must have at most {digits} digits before the decimal point",
    "amount_fen": "has more precision than one fen (0.01 yuan)",
    "date_format": "must be a date like {example}",
    "date_range": "must be between {earliest} and {latest}",
    "not_future": "must not be in the future (after {today})",
    "month_format": "must be a month like {example}",
    "one_of": "must be one of {allowed}",
    "yes_or_no": "must be yes or no",
    "not_base64": "is not base64",
    "repeated_row": "repeats row {row} of this file",
    # Identifiers (credit.identifiers)
    "id_length": "must be 18 characters",
    "id_characters": "contains characters that are not allowed",
    "id_check_character": "check character does not match",
    "id_component": "contains an invalid part (registration authority, region or birth date)",
    "not_valid": "is not valid",
    # Registry, offers and the home's change requests
    "already_registered": "is already registered",
    "unknown_district": "is not a known district code",
    "unknown_agency": "is not a known agency",
    "not_registered_institution": "is not a registered institution",
    "codes_list": "must be a list of codes",
    "none_and_other": "cannot be none and something else at once",
    "unknown_item": "has an unknown item {item!r}: use {allowed}",
    "web_address": "must be a web address starting with http:// or https://",
    "below_fee_min": "must not be less than the lowest monthly fee ({fee_min})",
    "not_telephone": "is not a telephone number (digits, spaces, hyphens, parentheses)",
    "same_as_registry": "is the value the registry has now",
    "only_for_fees": "belongs to a request of the field fees only",
    "not_for_fees": "is not used by a request of the fee range: give fee_min and fee_max",
    "request_open": "this field has an open request already; withdraw it first",
    "request_closed": "the request is {status} already",
    # Records: penalties, gradings, inspections and hazards
    "uscc_not_this_institution": "is not the USCC of this institution",
    "before_decision_date": "must not be before the decision date",
    "after_application_day": "must not be after the day of the application",
    "grading_not_eligible": "not eligible for grading: {label_en}",
    "grading_below_lowest": "the total {total} is below the lowest level ({lowest})",
    "grading_part_minimum": "level {level} needs at least {minimum} for {part}, got {got}",
    "grading_first_cap": "a first grading may reach level {cap} at most, got {level}",
    "pass_fail_na": "must be pass, fail or na",
    "unknown_checklist_area": "is not one of the seven checklist areas",
    "before_hazard_found": "must not be before the date the hazard was found",
    "hazard_rectified": "the hazard was recorded as rectified on {date}",
    "hazard_report_waiting": "a report of this hazard awaits the regulator's decision already",
    "hazard_report_decided": "the report was decided already ({status})",
    # Evidence files and credit repair
    "too_many_files": "at most {most} files may be attached (this has {count})",
    "file_empty": "{name}: the file is empty",
    "file_too_large": "{name}: the file is larger than {limit}",
    "file_not_document": "{name}: is not a PDF, JPEG or PNG file by its content",
    "evidence_store_unavailable": "the file store cannot be reached just now; please send the files again shortly",
    "commitment_not_ticked": "must be ticked: an application is made with the credit commitment",
    "penalty_revoked": "the decision is revoked: it is no longer public and does not count",
    "already_repaired": "already repaired on {date}",
    "repair_not_open": (
        "repair is open from {date}, when the shortest publication period of this {severity} penalty has passed"
    ),
    "repair_open_already": "a repair application for this penalty is already open",
    "repair_no_policy": "no policy in force defines the credit repair procedure",
    "application_closed": "the application is {status}, no longer open",
    # The list procedure (credit.listings)
    "backdate_reason_needed": "a step dated before today ({today}) needs a backdate_reason",
    "penalty_ids_list": "must be a list of penalty ids",
    "penalty_ids_empty": "name at least one penalty decision behind the entry",
    "penalty_missing": "penalty {penalty_id} does not exist",
    "penalty_other_institution": "penalty {penalty_id} is not against this institution",
    "penalty_id_revoked": "penalty {penalty_id} was revoked",
    "penalty_other_agency": "penalty {penalty_id} was not reported by your agency",
    "not_practitioner_here": "is not a practitioner of this institution",
    "entry_active_already": "the subject already has an active list entry for this behaviour",
    "objection_window_closed": "the objection window closed on {date}",
    "reopened_window_closed": "the reopened objection window closed on {date}",
    "court_follows": (
        "a court's dishonest-debtor designation follows the court's list: a regulator cannot withdraw it; "
        "it ends when the court removes the subject (reason court_removed)"
    ),
    "court_removal_only": "only a court's dishonest-debtor designation ends by the court's removal",
    "listing_runs_until": "the listing runs until {date}",
    "early_removal_from": "early removal may be applied for from {date}",
    "application_waiting": "an application is already waiting for a decision",
    "no_pending_to_withdraw": "there is no pending early-removal application to withdraw",
    "no_pending_application": "there is no pending early-removal application",
    "measures_not_listed": "measures apply to listed entries; this one is {status}",
    "measures_before_listing": "the entry was listed on {date}",
    # Supervision (双随机、一公开)
    "checklist_required": "is required for a general inspection",
    "unknown_checklist_item": "is not an item of the checklist ({codes})",
    "pass_or_fail": "must be pass or fail",
    "not_fire_inspection_here": "is not a fire-safety inspection of this home",
    "before_draw": "must not be before the draw",
    "no_problem_major_hazard": "cannot be no_problem: the fire-safety inspection found a major hazard",
    "after_inspection": "must be after the inspection",
    "no_problem_item_failed": "cannot be no_problem when a checklist item failed",
    "before_inspection": "must not be before the inspection",
    "result_recorded_already": "the result of this task is already recorded",
    "result_not_recorded": "the result of this task is not recorded yet",
    "task_changed": "the task was changed meanwhile; reload it and correct it again",
    "separation_of_duties": (
        "you recorded this result, so another regulator must {step} it (separation of duties); "
        "a district with one regulator asks a city regulator"
    ),
    "only_recorded_published": "only a recorded, unpublished result can be published",
    "no_open_rectification": "no open rectification order on this task",
    # Feedback triage
    "feedback_not_received": "the feedback is {status}: only a received one is accepted",
    "feedback_general": "general feedback names no home to inspect: transfer or close it",
    "feedback_closed": "the feedback is {status}, no longer open",
    # Accounts and passwords
    "already_taken": "is already taken",
    "username_shape": "use 3-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit",
    "unknown_agency_code": "is not an existing agency code",
    "agency_code_needed": "an agency officer needs an agency code",
    "accounts_changed": "the home's accounts changed at the same moment; try again",
    "not_a_role": "is not a role; use one of {roles}",
    "district_needed": "a district regulator needs a known district code",
    "district_only_regulator": "only a district regulator has a district",
    "agency_only_officer": "only an agency officer belongs to an agency",
    "home_uscc_needed": "an institution user needs the home's USCC",
    "home_only_institution_user": "only an institution user belongs to a home",
    "home_accounts_full": "the home already has {active} active accounts (at most {most})",
    "not_current_password": "is not the current password",
    "password_unchanged": "must differ from the current password",
    "password_blank": "rule 'not blank': must not be empty or only whitespace",
    "password_length": "rule 'length': must be at least {minimum} characters (this one has {length})",
    "password_common": "rule 'not common': is on the list of commonly used passwords; choose another",
    "password_username": "rule 'not the username': must not contain the username",
}

# Parameters a code carries beyond those its English sentence names (for the other language's sentence).
MORE_PARAMS: dict[str, set[str]] = {"grading_not_eligible": {"label_zh"}}


class Reason(str):
    """The English sentence of a reason code (so it goes wherever a reason string goes), carrying the `code` and
    its `params`; FieldError and ProcedureRefused take them from it. Raises KeyError for an unknown code."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, **params: Any) -> Reason:
        reason = super().__new__(cls, ENGLISH[code].format(**params))
        reason.code, reason.params = code, params
        return reason

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, Any]]:
        return (self.code,), self.params


def code_of(reason: str) -> tuple[str | None, dict[str, Any]]:
    """(code, params) of a Reason; (None, {}) for a plain sentence."""
    if isinstance(reason, Reason):
        return reason.code, dict(reason.params)
    return None, {}
