"""Versioned scoring policies (信用评价办法): loading and validation.

A policy is a TOML file in `scoring/policies/` named `<version>.toml`. Every
number the rules use comes from it; `parse_policy` refuses a malformed one
with a `PolicyError` naming the key path.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from types import MappingProxyType
from typing import Any

from scoring.facts import FIRE_AREAS, GRADING_PARTS, SEVERITIES, Severity

LEVEL_NAMES: tuple[str, ...] = ("A", "B", "C", "D")
GRADING_LEVELS: tuple[int, ...] = (5, 4, 3, 2, 1)


class PolicyError(ValueError):
    """A policy is malformed: `path` names the key (e.g. "levels.B"), `reason` says why."""

    def __init__(self, source: str, path: str, reason: str) -> None:
        self.source = source
        self.path = path
        self.reason = reason
        super().__init__(f"{source}: {path or '<root>'}: {reason}")


class PolicyNotFound(LookupError):
    """No bundled policy has the requested version, or none is in force on the requested date."""


@dataclass(frozen=True, slots=True)
class ScoreRules:
    """Where the score starts and the range it is kept in (section [score]).

    `clamp_is_note` (policy 2026.1 on): keeping the score inside the range is shown as a note
    ("capped at 100"), never as a reason such as a deduction.
    """

    base: Decimal
    minimum: Decimal
    maximum: Decimal
    clamp_is_note: bool = False


@dataclass(frozen=True, slots=True)
class PartMaxima:
    """The maximum of each grading part score (section [grading.part_maxima])."""

    environment: int
    facilities: int
    operations: int
    services: int

    @property
    def total(self) -> int:
        return self.environment + self.facilities + self.operations + self.services


@dataclass(frozen=True, slots=True)
class GradingEligibility:
    """Who may be graded (section [grading.eligibility], policy 2026.1 on; national defaults otherwise).

    `listed`: not while on the joint-punishment list. `any_penalty_years`: a local variant, no
    penalty of any severity within that many years (0: off). `first_grading_max_level`: a local
    variant, the highest level a home's first grading may reach (0: off).
    """

    listed: bool = True
    any_penalty_years: int = 0
    first_grading_max_level: int = 0


@dataclass(frozen=True, slots=True)
class GradingRules:
    """Grading validity, eligibility, level thresholds and points (section [grading])."""

    validity_years: int
    ineligible_after_serious_penalty_years: int
    part_maxima: PartMaxima
    level_thresholds: Mapping[int, int]  # level -> lowest total, level 5 first
    points: Mapping[int, Decimal]  # level -> points for a valid grading
    eligibility: GradingEligibility = GradingEligibility()
    part_minimums: Mapping[int, Mapping[str, int]] = field(
        default_factory=lambda: MappingProxyType({})
    )  # level -> part -> lowest


@dataclass(frozen=True, slots=True)
class FirePoints:
    """Points of each fire-safety finding, all <= 0 (section [fire.points])."""

    compliant: Decimal
    basically_compliant: Decimal
    non_compliant: Decimal
    no_recent_inspection: Decimal
    open_major_hazard: Decimal


@dataclass(frozen=True, slots=True)
class FireRules:
    """The fire-safety outcome rule and its points (section [fire])."""

    recent_inspection_months: int
    critical_areas: frozenset[str]
    basically_compliant_max_fails: int
    points: FirePoints


@dataclass(frozen=True, slots=True)
class SeverityRules:
    """Points and publication period in months of one penalty severity (e.g. [penalties.serious])."""

    points: Decimal
    minimum_months: int
    maximum_months: int


@dataclass(frozen=True, slots=True)
class PenaltyRules:
    """Penalty points, reductions and publication periods (section [penalties])."""

    minor: SeverityRules
    general: SeverityRules
    serious: SeverityRules
    fire_safety_minimum_months: int
    rectified_factor: Decimal
    past_minimum_factor: Decimal

    def for_severity(self, severity: str) -> SeverityRules:
        """Return the rules of `severity`; raises AttributeError on an unknown one."""
        rules: SeverityRules = getattr(self, severity)
        return rules


@dataclass(frozen=True, slots=True)
class ListingRules:
    """Joint-punishment list periods, used by the listing procedure (section [listing])."""

    objection_working_days: int
    duration_years: int
    early_removal_after_years: int
    # --- list and calendar (民发〔2019〕103号), optional keys (policies before 2026.1 lack them) ---
    confirmation_margin_working_days: int = 3  # extra working days before listing on an unconfirmed deadline
    source: str = ""  # the rule these periods come from (a local variant names its own)


@dataclass(frozen=True, slots=True)
class LevelCaps:
    """The best credit level a home may have whatever its score (section [caps], policy 2026.1 on).

    None: no such cap. `new_institution` applies while the home has operated for fewer than
    `new_institution_months` months (Beijing 京民养老发〔2023〕233号).
    """

    open_major_hazard: str | None = None
    fire_non_compliant: str | None = None
    new_institution: str | None = None
    new_institution_months: int = 12


@dataclass(frozen=True, slots=True)
class InspectionDraw:
    """The monthly random inspection (双随机) (section [inspection_draw]).

    `share` of each district's active homes is drawn; a home's chance is proportional to the
    weight of its credit level ("" = not yet rated).
    """

    share: Decimal
    weights: Mapping[str, Decimal]

    def weight(self, level: str | None) -> Decimal:
        return self.weights.get(level or "", self.weights[""])


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One item of the general inspection checklist (section [supervision], `checklist`)."""

    code: str
    label_zh: str
    label_en: str


@dataclass(frozen=True, slots=True)
class Supervision:
    """The supervision loop (双随机、一公开) (section [supervision]).

    A drawn home's task is due at the end of the draw's month (`due = "end_of_month"`) or `due_days` after the
    draw; each task gets `inspectors_per_task` inspectors from the roster; a recorded result is published within
    `publication_working_days` working days of the inspection; a general inspection covers `checklist`. The
    regulator who records a result may not also publish it or confirm its rectification (separation of duties)
    unless `allow_self_publication` waives it (default false: strict).
    """

    due: str
    due_days: int
    inspectors_per_task: int
    publication_working_days: int
    checklist: tuple[ChecklistItem, ...]
    allow_self_publication: bool = False


@dataclass(frozen=True, slots=True)
class FeedbackRules:
    """Citizen feedback (section [feedback]): a regulator answers within this many working days."""

    due_working_days: int


@dataclass(frozen=True, slots=True)
class Policy:
    """A validated scoring policy; `levels` maps A..D to the lowest score of each, A first."""

    version: str
    effective_from: date
    score: ScoreRules
    levels: Mapping[str, Decimal]
    grading: GradingRules
    fire: FireRules
    penalties: PenaltyRules
    listing: ListingRules
    source: str = field(default="<string>", compare=False)
    order36: Order36Rules | None = None  # NDRC Order No. 36 (policies from 2026.1); None before it
    caps: LevelCaps = LevelCaps()
    inspection_draw: InspectionDraw | None = None
    supervision: Supervision | None = None
    feedback: FeedbackRules | None = None  # citizen feedback (投诉与意见, issue 18); None before 2026.1


# --------------------------------------------------------------------------- Order No. 36


@dataclass(frozen=True, slots=True)
class LegalWindow:
    """The shortest and longest publication period of a class of failure information, in months."""

    minimum_months: int
    maximum_months: int


@dataclass(frozen=True, slots=True)
class Classification:
    """How a reported penalty gets its class (section [order36.classification]).

    `kinds` maps a 处罚类别 to a class; a kind in `fine_kinds` is classified by the fine: the first of
    `fine_thresholds` (ascending (up to yuan inclusive, class)) that the amount does not exceed, else
    `fine_above_thresholds`; `fine_without_amount` when no amount is given; `unknown` for a kind not listed.
    """

    kinds: Mapping[str, Severity]
    fine_kinds: frozenset[str]
    fine_thresholds: tuple[tuple[Decimal, Severity], ...]
    fine_above_thresholds: Severity
    fine_without_amount: Severity
    unknown: Severity


@dataclass(frozen=True, slots=True)
class Order36Rules:
    """NDRC Order No. 36 《信用修复管理办法》: classes of failure information, their legal windows, repair."""

    publish_minor: bool
    legal_windows: Mapping[str, LegalWindow]
    classification: Classification
    repair_decision_working_days: int


# --------------------------------------------------------------------------- parsing


class _Reader:
    """Reads raw TOML values, raising PolicyError with the key path on the first problem."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, reason: str) -> PolicyError:
        return PolicyError(self.source, path, reason)

    def table(self, raw: Any, path: str, keys: Iterable[str], optional: Iterable[str] = ()) -> Mapping[str, Any]:
        if not isinstance(raw, Mapping):
            raise self.fail(path, f"expected a table, got {_kind(raw)}")
        expected = tuple(keys)
        allowed = expected + tuple(optional)
        for key in raw:
            if key not in allowed:
                raise self.fail(_join(path, str(key)), "unknown key")
        for key in expected:
            if key not in raw:
                raise self.fail(_join(path, key), "missing key")
        return raw

    def number(self, raw: Any, path: str) -> Decimal:
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise self.fail(path, f"expected a number, got {_kind(raw)}")
        if isinstance(raw, float) and not math.isfinite(raw):
            raise self.fail(path, "must be a finite number")
        return Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)

    def integer(self, raw: Any, path: str, minimum: int = 0) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise self.fail(path, f"expected an integer, got {_kind(raw)}")
        if raw < minimum:
            raise self.fail(path, f"must be at least {minimum}, got {raw}")
        return raw

    def flag(self, raw: Any, path: str) -> bool:
        if not isinstance(raw, bool):
            raise self.fail(path, f"expected true or false, got {_kind(raw)}")
        return raw

    def level(self, raw: Any, path: str) -> str:
        for name in LEVEL_NAMES:
            if raw == name:
                return name
        raise self.fail(path, f"expected a credit level ({', '.join(LEVEL_NAMES)}), got {raw!r}")

    def at_most_zero(self, raw: Any, path: str) -> Decimal:
        value = self.number(raw, path)
        if value > 0:
            raise self.fail(path, f"must not be positive (a deduction), got {value}")
        return value

    def factor(self, raw: Any, path: str) -> Decimal:
        value = self.number(raw, path)
        if not 0 <= value <= 1:
            raise self.fail(path, f"must be between 0 and 1, got {value}")
        return value

    def descending(self, values: Mapping[Any, Any], path: str, order: Iterable[Any]) -> None:
        previous = None
        for key in order:
            if previous is not None and not values[key] < values[previous]:
                raise self.fail(
                    _join(path, str(key)),
                    f"thresholds must descend: {values[key]} is not below "
                    f"{_join(path, str(previous))} ({values[previous]})",
                )
            previous = key


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(raw: Any) -> str:
    return {dict: "table", list: "array", str: "string", bool: "boolean"}.get(type(raw), type(raw).__name__)


def parse_policy(data: str | Mapping[str, Any], source: str = "<string>") -> Policy:
    """Validate a policy given as TOML text or as an already-parsed mapping.

    Returns the Policy. Raises PolicyError naming the key path and the reason on
    invalid TOML, an unknown or missing key, a value of the wrong type, thresholds
    that do not descend, a non-positive maximum, or an out-of-range value.
    """
    r = _Reader(source)
    if isinstance(data, str):
        try:
            data = tomllib.loads(data)
        except tomllib.TOMLDecodeError as error:
            raise r.fail("", f"invalid TOML: {error}") from None
    order36_raw = data.get("order36") if isinstance(data, Mapping) else None
    if isinstance(data, Mapping) and "order36" in data:
        data = {k: v for k, v in data.items() if k != "order36"}
    root = r.table(
        data,
        "",
        ("version", "effective_from", "score", "levels", "grading", "fire", "penalties", "listing"),
        optional=("caps", "inspection_draw", "supervision", "feedback"),
    )

    version = root["version"]
    if not isinstance(version, str):
        raise r.fail("version", f"expected a string, got {_kind(version)}")
    if not version or version != version.strip() or "/" in version:
        raise r.fail("version", f"must be a non-empty name without spaces or slashes, got {version!r}")
    effective_from = root["effective_from"]
    if isinstance(effective_from, datetime) or not isinstance(effective_from, date):
        raise r.fail("effective_from", f"expected a date (YYYY-MM-DD), got {_kind(effective_from)}")

    score = _score(r, root["score"])
    penalties = _penalties(r, root["penalties"])
    return Policy(
        version=version,
        effective_from=effective_from,
        score=score,
        levels=_levels(r, root["levels"], score),
        grading=_grading(r, root["grading"]),
        fire=_fire(r, root["fire"]),
        penalties=penalties,
        listing=_listing(r, root["listing"]),
        source=source,
        order36=None if order36_raw is None else _order36(r, order36_raw, penalties),
        caps=_caps(r, root["caps"]) if "caps" in root else LevelCaps(),
        inspection_draw=_inspection_draw(r, root["inspection_draw"]) if "inspection_draw" in root else None,
        supervision=_supervision(r, root["supervision"]) if "supervision" in root else None,
        feedback=_feedback(r, root["feedback"]) if "feedback" in root else None,
    )


def _feedback(r: _Reader, raw: Any) -> FeedbackRules:
    t = r.table(raw, "feedback", ("due_working_days",))
    return FeedbackRules(due_working_days=r.integer(t["due_working_days"], "feedback.due_working_days", minimum=1))


def _score(r: _Reader, raw: Any) -> ScoreRules:
    t = r.table(raw, "score", ("base", "minimum", "maximum"), optional=("clamp_is_note",))
    rules = ScoreRules(
        base=r.number(t["base"], "score.base"),
        minimum=r.number(t["minimum"], "score.minimum"),
        maximum=r.number(t["maximum"], "score.maximum"),
        clamp_is_note=r.flag(t.get("clamp_is_note", False), "score.clamp_is_note"),
    )
    if rules.minimum > rules.maximum:
        raise r.fail("score.minimum", f"must not exceed score.maximum ({rules.maximum})")
    if not rules.minimum <= rules.base <= rules.maximum:
        raise r.fail("score.base", f"must lie between score.minimum and score.maximum, got {rules.base}")
    return rules


def _levels(r: _Reader, raw: Any, score: ScoreRules) -> Mapping[str, Decimal]:
    t = r.table(raw, "levels", LEVEL_NAMES)
    levels = {name: r.number(t[name], f"levels.{name}") for name in LEVEL_NAMES}
    r.descending(levels, "levels", LEVEL_NAMES)
    if levels[LEVEL_NAMES[-1]] > score.minimum:
        raise r.fail(f"levels.{LEVEL_NAMES[-1]}", "must not exceed score.minimum, so that every score has a level")
    return MappingProxyType(levels)


def _grading(r: _Reader, raw: Any) -> GradingRules:
    keys = ("validity_years", "ineligible_after_serious_penalty_years", "part_maxima", "level_thresholds", "points")
    t = r.table(raw, "grading", keys, optional=("eligibility", "part_minimums"))
    m = r.table(t["part_maxima"], "grading.part_maxima", GRADING_PARTS)
    maxima = PartMaxima(*(r.integer(m[p], f"grading.part_maxima.{p}", minimum=1) for p in GRADING_PARTS))
    level_keys = tuple(str(level) for level in GRADING_LEVELS)
    th = r.table(t["level_thresholds"], "grading.level_thresholds", level_keys)
    thresholds = {int(k): r.integer(th[k], f"grading.level_thresholds.{k}") for k in level_keys}
    r.descending(thresholds, "grading.level_thresholds", GRADING_LEVELS)
    if thresholds[5] > maxima.total:
        raise r.fail("grading.level_thresholds.5", f"must not exceed the sum of the part maxima ({maxima.total})")
    pt = r.table(t["points"], "grading.points", level_keys)
    points = {int(k): r.number(pt[k], f"grading.points.{k}") for k in level_keys}
    for k in level_keys[1:]:
        if points[int(k)] > points[int(k) + 1]:
            raise r.fail(
                f"grading.points.{k}", f"a lower grading level must not earn more points than level {int(k) + 1}"
            )
    if points[1] < 0:
        raise r.fail("grading.points.1", "must not be negative")
    return GradingRules(
        validity_years=r.integer(t["validity_years"], "grading.validity_years", minimum=1),
        ineligible_after_serious_penalty_years=r.integer(
            t["ineligible_after_serious_penalty_years"], "grading.ineligible_after_serious_penalty_years"
        ),
        part_maxima=maxima,
        level_thresholds=MappingProxyType(thresholds),
        points=MappingProxyType(points),
        eligibility=_eligibility(r, t["eligibility"]) if "eligibility" in t else GradingEligibility(),
        part_minimums=_part_minimums(r, t.get("part_minimums", {}), maxima),
    )


def _eligibility(r: _Reader, raw: Any) -> GradingEligibility:
    names = ("listed", "any_penalty_years", "first_grading_max_level")
    t = r.table(raw, "grading.eligibility", names)
    path = "grading.eligibility.first_grading_max_level"
    first = r.integer(t["first_grading_max_level"], path)
    if first > max(GRADING_LEVELS):
        raise r.fail(path, f"must be 0 (no cap) or a grading level 1-5, got {first}")
    return GradingEligibility(
        listed=r.flag(t["listed"], "grading.eligibility.listed"),
        any_penalty_years=r.integer(t["any_penalty_years"], "grading.eligibility.any_penalty_years"),
        first_grading_max_level=first,
    )


def _part_minimums(r: _Reader, raw: Any, maxima: PartMaxima) -> Mapping[int, Mapping[str, int]]:
    level_keys = tuple(str(level) for level in GRADING_LEVELS)
    t = r.table(raw, "grading.part_minimums", (), optional=level_keys)
    out = {}
    for key, parts in t.items():
        path = f"grading.part_minimums.{key}"
        p = r.table(parts, path, (), optional=GRADING_PARTS)
        minimums = {}
        for part, value in p.items():
            minimum = r.integer(value, f"{path}.{part}")
            if minimum > getattr(maxima, part):
                raise r.fail(f"{path}.{part}", f"must not exceed grading.part_maxima.{part} ({getattr(maxima, part)})")
            minimums[part] = minimum
        out[int(key)] = MappingProxyType(minimums)
    return MappingProxyType(out)


def _fire(r: _Reader, raw: Any) -> FireRules:
    t = r.table(raw, "fire", ("recent_inspection_months", "critical_areas", "basically_compliant_max_fails", "points"))
    areas = t["critical_areas"]
    if not isinstance(areas, list):
        raise r.fail("fire.critical_areas", f"expected an array of area codes, got {_kind(areas)}")
    for i, area in enumerate(areas):
        if area not in FIRE_AREAS:
            raise r.fail(f"fire.critical_areas[{i}]", f"unknown fire area {area!r}; known: {', '.join(FIRE_AREAS)}")
    names = ("compliant", "basically_compliant", "non_compliant", "no_recent_inspection", "open_major_hazard")
    p = r.table(t["points"], "fire.points", names)
    points = FirePoints(*(r.at_most_zero(p[n], f"fire.points.{n}") for n in names))
    if not points.compliant >= points.basically_compliant >= points.non_compliant:
        raise r.fail(
            "fire.points",
            "a worse outcome must not earn more points: compliant >= basically_compliant >= non_compliant",
        )
    return FireRules(
        recent_inspection_months=r.integer(t["recent_inspection_months"], "fire.recent_inspection_months", minimum=1),
        critical_areas=frozenset(areas),
        basically_compliant_max_fails=r.integer(
            t["basically_compliant_max_fails"], "fire.basically_compliant_max_fails"
        ),
        points=points,
    )


def _penalties(r: _Reader, raw: Any) -> PenaltyRules:
    t = r.table(
        raw, "penalties", ("fire_safety_minimum_months", "rectified_factor", "past_minimum_factor", *SEVERITIES)
    )
    by_severity = {}
    for severity in SEVERITIES:
        path = f"penalties.{severity}"
        s = r.table(t[severity], path, ("points", "minimum_months", "maximum_months"))
        rules = SeverityRules(
            points=r.at_most_zero(s["points"], f"{path}.points"),
            minimum_months=r.integer(s["minimum_months"], f"{path}.minimum_months"),
            maximum_months=r.integer(s["maximum_months"], f"{path}.maximum_months"),
        )
        if rules.maximum_months < rules.minimum_months:
            raise r.fail(f"{path}.maximum_months", f"must not be below {path}.minimum_months ({rules.minimum_months})")
        by_severity[severity] = rules
    return PenaltyRules(
        **by_severity,
        fire_safety_minimum_months=r.integer(t["fire_safety_minimum_months"], "penalties.fire_safety_minimum_months"),
        rectified_factor=r.factor(t["rectified_factor"], "penalties.rectified_factor"),
        past_minimum_factor=r.factor(t["past_minimum_factor"], "penalties.past_minimum_factor"),
    )


LISTING_OPTIONAL = ("confirmation_margin_working_days", "source")


def _listing(r: _Reader, raw: Any) -> ListingRules:
    names = ("objection_working_days", "duration_years", "early_removal_after_years")
    optional = {k: v for k, v in raw.items() if k in LISTING_OPTIONAL} if isinstance(raw, Mapping) else {}
    t = r.table({k: v for k, v in raw.items() if k not in optional} if optional else raw, "listing", names)
    extra: dict[str, Any] = {}
    if "confirmation_margin_working_days" in optional:
        extra["confirmation_margin_working_days"] = r.integer(
            optional["confirmation_margin_working_days"], "listing.confirmation_margin_working_days"
        )
    if "source" in optional:
        if not isinstance(optional["source"], str):
            raise r.fail("listing.source", f"expected a string, got {_kind(optional['source'])}")
        extra["source"] = optional["source"]
    days = {n: r.integer(t[n], f"listing.{n}", minimum=1) for n in names}
    rules = ListingRules(
        days["objection_working_days"], days["duration_years"], days["early_removal_after_years"], **extra
    )
    if rules.early_removal_after_years > rules.duration_years:
        raise r.fail(
            "listing.early_removal_after_years", f"must not exceed listing.duration_years ({rules.duration_years})"
        )
    return rules


def _order36(r: _Reader, raw: Any, penalties: PenaltyRules) -> Order36Rules:
    t = r.table(raw, "order36", ("publish_minor", "legal_windows", "classification", "repair"))
    if not isinstance(t["publish_minor"], bool):
        raise r.fail("order36.publish_minor", f"expected a boolean, got {_kind(t['publish_minor'])}")
    lw = r.table(t["legal_windows"], "order36.legal_windows", SEVERITIES)
    windows: dict[str, LegalWindow] = {}
    for severity in SEVERITIES:
        path = f"order36.legal_windows.{severity}"
        w = r.table(lw[severity], path, ("minimum_months", "maximum_months"))
        window = LegalWindow(
            r.integer(w["minimum_months"], f"{path}.minimum_months"),
            r.integer(w["maximum_months"], f"{path}.maximum_months"),
        )
        if window.maximum_months < window.minimum_months:
            raise r.fail(f"{path}.maximum_months", f"must not be below {path}.minimum_months")
        rules = penalties.for_severity(severity)
        if not window.minimum_months <= rules.minimum_months <= rules.maximum_months <= window.maximum_months:
            raise r.fail(
                f"penalties.{severity}",
                f"the publication period must lie inside {path} "
                f"({window.minimum_months}..{window.maximum_months} months)",
            )
        windows[severity] = window
    rp = r.table(t["repair"], "order36.repair", ("decision_working_days",))
    return Order36Rules(
        publish_minor=t["publish_minor"],
        legal_windows=MappingProxyType(windows),
        classification=_classification(r, t["classification"]),
        repair_decision_working_days=r.integer(
            rp["decision_working_days"], "order36.repair.decision_working_days", minimum=1
        ),
    )


def _class(r: _Reader, raw: Any, path: str) -> Severity:
    for severity in SEVERITIES:
        if raw == severity:
            return severity
    raise r.fail(path, f"must be one of {', '.join(SEVERITIES)}, got {raw!r}")


def _classification(r: _Reader, raw: Any) -> Classification:
    path = "order36.classification"
    keys = ("unknown", "fine_without_amount", "fine_kinds", "fine_above_thresholds", "kinds", "fines")
    t = r.table(raw, path, keys)
    kinds_raw = t["kinds"]
    if not isinstance(kinds_raw, Mapping):
        raise r.fail(f"{path}.kinds", f"expected a table, got {_kind(kinds_raw)}")
    kinds = {str(k): _class(r, v, f"{path}.kinds.{k}") for k, v in kinds_raw.items()}
    fine_kinds = t["fine_kinds"]
    if not isinstance(fine_kinds, list) or not all(isinstance(k, str) and k for k in fine_kinds):
        raise r.fail(f"{path}.fine_kinds", "expected an array of 处罚类别 names")
    fines = t["fines"]
    if not isinstance(fines, list):
        raise r.fail(f"{path}.fines", f"expected an array of tables, got {_kind(fines)}")
    thresholds: list[tuple[Decimal, Severity]] = []
    for i, item in enumerate(fines):
        f = r.table(item, f"{path}.fines[{i}]", ("up_to_yuan", "class"))
        amount = r.number(f["up_to_yuan"], f"{path}.fines[{i}].up_to_yuan")
        if amount < 0 or (thresholds and amount <= thresholds[-1][0]):
            raise r.fail(f"{path}.fines[{i}].up_to_yuan", "thresholds must be non-negative and ascend")
        thresholds.append((amount, _class(r, f["class"], f"{path}.fines[{i}].class")))
    return Classification(
        kinds=MappingProxyType(kinds),
        fine_kinds=frozenset(fine_kinds),
        fine_thresholds=tuple(thresholds),
        fine_above_thresholds=_class(r, t["fine_above_thresholds"], f"{path}.fine_above_thresholds"),
        fine_without_amount=_class(r, t["fine_without_amount"], f"{path}.fine_without_amount"),
        unknown=_class(r, t["unknown"], f"{path}.unknown"),
    )


def _caps(r: _Reader, raw: Any) -> LevelCaps:
    names = ("open_major_hazard", "fire_non_compliant", "new_institution", "new_institution_months")
    t = r.table(raw, "caps", (), optional=names)
    return LevelCaps(
        **{n: r.level(t[n], f"caps.{n}") for n in names[:3] if n in t},
        new_institution_months=r.integer(t.get("new_institution_months", 12), "caps.new_institution_months", 1),
    )


def _inspection_draw(r: _Reader, raw: Any) -> InspectionDraw:
    t = r.table(raw, "inspection_draw", ("share", "weights"))
    share = r.number(t["share"], "inspection_draw.share")
    if not 0 < share <= 1:
        raise r.fail("inspection_draw.share", f"must be above 0 and at most 1, got {share}")
    w = r.table(t["weights"], "inspection_draw.weights", (*LEVEL_NAMES, "unrated"))
    weights = {}
    for name in (*LEVEL_NAMES, "unrated"):
        value = r.number(w[name], f"inspection_draw.weights.{name}")
        if value <= 0:  # a weight of 0 would leave a home out of the draw altogether
            raise r.fail(f"inspection_draw.weights.{name}", f"must be above 0, got {value}")
        weights["" if name == "unrated" else name] = value
    for better, worse in itertools.pairwise(LEVEL_NAMES):
        if weights[worse] < weights[better]:
            raise r.fail(
                f"inspection_draw.weights.{worse}",
                f"a worse level must not be drawn less often than {better} ({weights[better]})",
            )
    return InspectionDraw(share=share, weights=MappingProxyType(weights))


DUE_RULES = ("end_of_month", "days")


def _supervision(r: _Reader, raw: Any) -> Supervision:
    t = r.table(
        raw,
        "supervision",
        ("checklist",),
        optional=("due", "due_days", "inspectors_per_task", "publication_working_days", "allow_self_publication"),
    )
    due = t.get("due", "end_of_month")
    if due not in DUE_RULES:
        raise r.fail("supervision.due", f"must be one of {', '.join(DUE_RULES)}, got {due!r}")
    items, seen = [], set()
    if not isinstance(t["checklist"], list) or not t["checklist"]:
        raise r.fail("supervision.checklist", "expected a non-empty array of tables")
    for n, item in enumerate(t["checklist"]):
        path = f"supervision.checklist[{n}]"
        entry = r.table(item, path, ("code", "zh", "en"))
        code = entry["code"]
        if not isinstance(code, str) or not code or code in seen:
            raise r.fail(f"{path}.code", f"must be a unique non-empty name, got {code!r}")
        seen.add(code)
        items.append(ChecklistItem(code, str(entry["zh"]), str(entry["en"])))
    return Supervision(
        due=due,
        due_days=r.integer(t.get("due_days", 30), "supervision.due_days", 1),
        inspectors_per_task=r.integer(t.get("inspectors_per_task", 2), "supervision.inspectors_per_task", 2),
        publication_working_days=r.integer(
            t.get("publication_working_days", 20), "supervision.publication_working_days", 1
        ),
        checklist=tuple(items),
        allow_self_publication=r.flag(t.get("allow_self_publication", False), "supervision.allow_self_publication"),
    )


# --------------------------------------------------------------------------- bundled policies


@functools.cache
def _bundled() -> Mapping[str, Policy]:
    policies: dict[str, Policy] = {}
    folder = resources.files("scoring") / "policies"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        source = f"scoring/policies/{entry.name}"
        policy = parse_policy(entry.read_text(encoding="utf-8"), source)
        if entry.name != f"{policy.version}.toml":
            raise PolicyError(source, "version", f"must match the file name, got {policy.version!r}")
        policies[policy.version] = policy
    dates = [p.effective_from for p in policies.values()]
    if len(set(dates)) != len(dates):
        raise PolicyError("scoring/policies", "effective_from", "two policies take effect on the same date")
    return MappingProxyType(policies)


def available_policies() -> tuple[Policy, ...]:
    """Return the bundled policies, oldest `effective_from` first. Raises PolicyError if one is malformed."""
    return _bundled_in_order()[0]


@functools.cache
def _bundled_in_order() -> tuple[tuple[Policy, ...], tuple[date, ...]]:
    """The bundled policies oldest first, and their `effective_from` dates (for bisect: scoring asks for the
    policy of a day hundreds of thousands of times in a rebuild, once per penalty judged by its own date)."""
    ordered = tuple(sorted(_bundled().values(), key=lambda p: p.effective_from))
    return ordered, tuple(p.effective_from for p in ordered)


def load_policy(version: str) -> Policy:
    """Return the bundled policy `version` (e.g. "2020.1").

    Raises PolicyNotFound for an unknown version, PolicyError if a policy file is malformed.
    """
    try:
        return _bundled()[version]
    except KeyError:
        known = ", ".join(p.version for p in available_policies()) or "none"
        raise PolicyNotFound(f"no scoring policy with version {version!r} (available: {known})") from None


def policy_for(on: date, policies: Iterable[Policy] | None = None) -> Policy:
    """Return the policy in force on `on`: the one with the latest `effective_from` <= `on`.

    Chooses among `policies` when given, else among the bundled ones.
    Raises PolicyNotFound when none is in force yet.
    """
    if policies is None:
        ordered, starts = _bundled_in_order()
        index = bisect.bisect_right(starts, on)
        if index == 0:
            raise PolicyNotFound(f"no scoring policy is in force on {on.isoformat()}")
        return ordered[index - 1]
    candidates = [p for p in policies if p.effective_from <= on]
    if not candidates:
        raise PolicyNotFound(f"no scoring policy is in force on {on.isoformat()}")
    return max(candidates, key=lambda p: p.effective_from)
