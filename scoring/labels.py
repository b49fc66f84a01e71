"""Reason codes and their Chinese and English labels.

Codes are stable (stored and sent to agencies); labels are for people and may be
reworded. `{...}` placeholders are filled from the policy or the record.
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring.facts import RecordId

_CHINESE_NUMERALS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五"}

LABELS: dict[str, tuple[str, str]] = {
    "base": ("基础分", "Base score"),
    **{
        f"grading.{n}": (f"等级评定{_CHINESE_NUMERALS[n]}级（有效期内）", f"Valid grading: level {n} of 5")
        for n in (5, 4, 3, 2, 1)
    },
    "grading.expired": ("等级评定已过有效期", "Grading has lapsed"),
    "fire.compliant": ("消防安全标准化达标", "Fire safety: compliant"),
    "fire.basically_compliant": ("消防安全标准化基本达标", "Fire safety: basically compliant"),
    "fire.non_compliant": ("消防安全标准化不达标", "Fire safety: non-compliant"),
    "fire.no_recent_inspection": (
        "近{months}个月无消防安全检查",
        "No fire-safety inspection in the last {months} months",
    ),
    "fire.major_hazard": ("重大事故隐患未整改（{category_zh}）", "Open major accident hazard ({category_en})"),
    "penalty.minor": ("行政处罚（轻微）", "Administrative penalty (minor)"),
    "penalty.general": ("行政处罚（一般）", "Administrative penalty (general)"),
    "penalty.serious": ("行政处罚（严重）", "Administrative penalty (serious)"),
    "clamp": ("分值限定在{minimum}至{maximum}分之间", "Score kept within {minimum}..{maximum}"),
    "note.capped": ("（说明）最高{maximum}分，超出部分不计", "Note: capped at {maximum}"),
    "note.floored": ("（说明）最低{minimum}分", "Note: floored at {minimum}"),
    "cap.open_major_hazard": (
        "存在未整改的重大事故隐患，信用等级最高为{level}",
        "Open major accident hazard: level {level} at best",
    ),
    "cap.fire_non_compliant": (
        "消防安全标准化不达标，信用等级最高为{level}",
        "Fire safety non-compliant: level {level} at best",
    ),
    "cap.new_institution": (
        "运营不满{months}个月，信用等级最高为{level}",
        "In operation for less than {months} months: level {level} at best",
    ),
    "listed": (
        "列入失信联合惩戒对象名单，信用等级一票否决为{level}",
        "On the joint-punishment list: level {level} whatever the score (veto)",
    ),
    "grading.ineligible.listed": (
        "列入失信联合惩戒对象名单期间不得参加等级评定",
        "Not eligible for grading while on the joint-punishment list",
    ),
    "grading.ineligible.serious_penalty": (
        "近{years}年内受到严重行政处罚，不得参加等级评定",
        "Not eligible for grading: serious penalty in the last {years} years",
    ),
    "grading.ineligible.any_penalty": (
        "近{years}年内受到行政处罚，不得参加等级评定",
        "Not eligible for grading: a penalty in the last {years} years",
    ),
}

PENALTY_QUALIFIERS: dict[str, tuple[str, str]] = {
    "rectified": ("已整改，减计", "rectified, reduced"),
    "past_minimum": ("已过最短公示期，减计", "past its minimum publication period, reduced"),
}

#: Codes of contributions that are notes, not reasons: they keep the sum equal to the score but
#: are never listed as what raised or lowered it.
NOTE_CODES: frozenset[str] = frozenset(("note.capped", "note.floored"))

# The seven areas of the fire-safety checklist (scoring.facts.FIRE_AREAS holds their Chinese names).
FIRE_AREAS_EN: dict[str, str] = {
    "fire_resistance": "Fire-resistance rating",
    "resident_floors": "Floors where residents live",
    "fire_separation": "Fire separation",
    "evacuation": "Evacuation and refuge",
    "fire_facilities": "Building fire facilities",
    "fire_management": "Fire-safety management and staff",
    "micro_fire_station": "Micro fire station",
}

HAZARD_CATEGORIES_EN: dict[str, str] = {
    "facility_equipment": "facility or equipment defect",
    "safety_licence": "missing safety licence",
    "management_failure": "serious management failure",
    "illegal_service": "seriously illegal service",
    "other": "other",
    "fire": "major fire hazard",
}


def label(code: str, **values: object) -> tuple[str, str]:
    """Return the (Chinese, English) labels of `code` with placeholders filled; raises KeyError on an unknown code."""
    zh, en = LABELS[code]
    return zh.format(**values), en.format(**values)


@dataclass(frozen=True, slots=True)
class Reason:
    """A coded reason with its labels and the ids of the records behind it."""

    code: str
    label_zh: str
    label_en: str
    records: tuple[RecordId, ...] = ()
