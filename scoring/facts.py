"""The facts about one institution that the credit score is computed from.

All types are frozen: the scoring engine never changes what it is given.
Records dated after the assessment date are ignored by the rules, so a past
assessment can be recomputed from today's facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

RecordId = int | str
Severity = Literal["minor", "general", "serious"]
ItemResult = Literal["pass", "fail", "na"]

#: The seven areas of the fire-safety standardisation checklist (消防安全标准化), code -> Chinese name.
FIRE_AREAS: Mapping[str, str] = MappingProxyType(
    {
        "fire_resistance": "耐火等级",
        "resident_floors": "楼层设置",
        "fire_separation": "防火分隔",
        "evacuation": "安全疏散和避难",
        "fire_facilities": "建筑消防设施",
        "fire_management": "消防安全管理机构和人员",
        "micro_fire_station": "微型消防站",
    }
)

#: Categories of major accident hazards (重大事故隐患, MCA 2023), code -> Chinese name.
HAZARD_CATEGORIES: Mapping[str, str] = MappingProxyType(
    {
        "facility_equipment": "设施设备缺陷",
        "safety_licence": "缺少安全许可",
        "management_failure": "安全管理严重缺失",
        "illegal_service": "严重违法违规服务",
        "other": "其他",
        "fire": "重大火灾隐患",  # determined by fire rescue (GB 35181); overdue -> listing behaviour 4
    }
)

SEVERITIES: tuple[Severity, ...] = ("minor", "general", "serious")
ITEM_RESULTS: frozenset[str] = frozenset(("pass", "fail", "na"))
GRADING_PARTS: tuple[str, ...] = ("environment", "facilities", "operations", "services")


@dataclass(frozen=True, slots=True)
class Grading:
    """A grading decision (等级评定, GB/T 37276-2018).

    `level` is the decided level 1-5; when it is None the level is derived from
    the four part scores under the policy (see `scoring.grading.level_of`).
    Raises ValueError when neither a level nor all four parts are given.
    """

    id: RecordId
    decided_on: date
    level: int | None = None
    environment: int | Decimal | None = None
    facilities: int | Decimal | None = None
    operations: int | Decimal | None = None
    services: int | Decimal | None = None

    def __post_init__(self) -> None:
        if self.level is not None:
            if self.level not in (1, 2, 3, 4, 5):
                raise ValueError(f"grading {self.id}: level must be 1-5, got {self.level!r}")
            return
        for part in GRADING_PARTS:
            if getattr(self, part) is None:
                raise ValueError(f"grading {self.id}: {part} is required when level is not given")


@dataclass(frozen=True, slots=True)
class FireInspection:
    """A fire-safety standardisation inspection: area code -> 'pass' | 'fail' | 'na'.

    An area missing from the checklist counts as not applicable.
    Raises ValueError on an unknown area or result.
    """

    id: RecordId
    inspected_on: date
    checklist: Mapping[str, ItemResult]

    def __post_init__(self) -> None:
        for area, result in self.checklist.items():
            if area not in FIRE_AREAS:
                raise ValueError(f"inspection {self.id}: unknown fire area {area!r}")
            if result not in ITEM_RESULTS:
                raise ValueError(f"inspection {self.id}: {area} must be pass, fail or na, got {result!r}")


@dataclass(frozen=True, slots=True)
class MajorHazard:
    """A major accident hazard (重大事故隐患), open until `rectified_on`.

    Raises ValueError on an unknown category.
    """

    id: RecordId
    category: str
    found_on: date
    rectify_by: date
    rectified_on: date | None = None

    def __post_init__(self) -> None:
        if self.category not in HAZARD_CATEGORIES:
            raise ValueError(f"hazard {self.id}: unknown category {self.category!r}")


@dataclass(frozen=True, slots=True)
class Penalty:
    """An administrative penalty (行政处罚) as far as the score needs it.

    `publication_end` is an end set by the regulator; the rules clamp it into the
    policy's publication window. A revoked penalty never counts; a repaired one (信用修复,
    `repaired_on`) counts no more from that day.
    Raises ValueError on an unknown severity.
    """

    id: RecordId
    severity: Severity
    decision_date: date
    is_fire_safety: bool = False
    publication_end: date | None = None
    rectified_on: date | None = None
    revoked: bool = False
    repaired_on: date | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"penalty {self.id}: severity must be minor, general or serious, got {self.severity!r}")


@dataclass(frozen=True, slots=True)
class InstitutionFacts:
    """Everything the score of one institution depends on.

    `listed` is True while the institution is on the joint-punishment list
    (失信联合惩戒对象名单). `opened_on` is the day it started operating (the registry's
    established_on), None when unknown. Sequences are stored as tuples.
    """

    institution_id: RecordId
    gradings: tuple[Grading, ...] = ()
    inspections: tuple[FireInspection, ...] = ()
    hazards: tuple[MajorHazard, ...] = ()
    penalties: tuple[Penalty, ...] = ()
    listed: bool = False
    opened_on: date | None = None

    def __post_init__(self) -> None:
        for name in ("gradings", "inspections", "hazards", "penalties"):
            value = getattr(self, name)
            if type(value) is not tuple:
                object.__setattr__(self, name, tuple(value))
