"""Credit score and level (信用评价): facts + policy + date -> Assessment with itemised reasons."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from scoring.dates import last_start_ending_by
from scoring.facts import (
    HAZARD_CATEGORIES,
    SEVERITIES,
    FireInspection,
    Grading,
    InstitutionFacts,
    MajorHazard,
    RecordId,
)
from scoring.fire import FireOutcome
from scoring.grading import level_of
from scoring.labels import HAZARD_CATEGORIES_EN, LABELS, PENALTY_QUALIFIERS, label
from scoring.penalties import judging_policy, publication_months
from scoring.points import ZERO, quantize
from scoring.policy import Policy


@dataclass(frozen=True, slots=True)
class Contribution:
    """One line of the explanation: a stable `code`, its labels, signed `points` and the records behind it."""

    code: str
    label_zh: str
    label_en: str
    points: Decimal
    records: tuple[RecordId, ...] = ()


@dataclass(frozen=True, slots=True)
class Assessment:
    """The credit assessment of one institution on `as_of` under policy `policy_version`.

    `score` equals the sum of the contributions' points exactly. When the institution
    is listed, `level` is the policy's lowest level whatever the score, and a
    zero-point contribution with code "listed" says so (`vetoed` is then True).
    """

    score: Decimal
    level: str
    contributions: tuple[Contribution, ...]
    policy_version: str
    institution_id: RecordId
    as_of: date

    @property
    def vetoed(self) -> bool:
        return any(c.code == "listed" for c in self.contributions)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.contributions)


# A line of the explanation before its records: code, Chinese label, English label, points.
_Line = tuple[str, str, str, Decimal]
# One penalty class's rules on the assessment date: the last decision dates still inside the minimum and the
# maximum publication period, and its lines indexed [rectified][past_minimum].
_SeverityRules = tuple[date, date, tuple[tuple[_Line, ...], ...]]
# The penalty rules of one policy, indexed [is_fire_safety][severity].
_PenaltyRules = tuple[dict[str, _SeverityRules], dict[str, _SeverityRules]]

_OUTCOME_RANK = {FireOutcome.COMPLIANT: 0, FireOutcome.BASICALLY_COMPLIANT: 1, FireOutcome.NON_COMPLIANT: 2}


class _Scorer:
    """The policy's rules specialised to one assessment date, computed once per (policy, date).

    Publication windows, validity and recency become cut-off dates, so each record
    costs comparisons only (see `dates.last_start_ending_by`).
    """

    def __init__(self, policy: Policy, as_of: date) -> None:
        self.policy = policy
        self.as_of = as_of
        self.base = quantize(policy.score.base)
        self.base_line = Contribution("base", *label("base"), self.base)
        self.minimum = quantize(policy.score.minimum)
        self.maximum = quantize(policy.score.maximum)
        bounds = {"minimum": policy.score.minimum, "maximum": policy.score.maximum}
        if policy.score.clamp_is_note:
            self.clamp_lines = (
                ("note.capped", *label("note.capped", **bounds)),
                ("note.floored", *label("note.floored", **bounds)),
            )
        else:
            self.clamp_lines = (("clamp", *label("clamp", **bounds)),) * 2
        self.levels = tuple(policy.levels.items())
        self.level_rank = {name: rank for rank, (name, _) in enumerate(self.levels)}
        caps = policy.caps
        self.cap_lines = {
            name: (
                level,
                Contribution(
                    f"cap.{name}", *label(f"cap.{name}", level=level, months=caps.new_institution_months), ZERO
                ),
            )
            for name, level in (
                ("open_major_hazard", caps.open_major_hazard),
                ("fire_non_compliant", caps.fire_non_compliant),
                ("new_institution", caps.new_institution),
            )
            if level is not None
        }
        self.opened_recently_after = last_start_ending_by(as_of, caps.new_institution_months)
        self.listed_level = self.levels[-1][0]
        self.listed_line = Contribution("listed", *label("listed", level=self.listed_level), ZERO)

        g = policy.grading
        self.grading_valid_after = last_start_ending_by(as_of, 12 * g.validity_years)
        self.grading_lines = {n: (f"grading.{n}", *LABELS[f"grading.{n}"], quantize(p)) for n, p in g.points.items()}
        self.expired_labels = label("grading.expired")

        f = policy.fire
        self.critical = f.critical_areas
        self.max_fails = f.basically_compliant_max_fails
        self.inspection_recent_after = last_start_ending_by(as_of, f.recent_inspection_months)
        self.outcome_lines = {
            o: (f"fire.{o.value}", *LABELS[f"fire.{o.value}"], quantize(getattr(f.points, o.value)))
            for o in FireOutcome
        }
        months = f.recent_inspection_months
        self.no_recent_line = (
            "fire.no_recent_inspection",
            *label("fire.no_recent_inspection", months=months),
            quantize(f.points.no_recent_inspection),
        )
        hazard_points = quantize(f.points.open_major_hazard)
        self.hazard_lines = {
            c: (
                "fire.major_hazard",
                *label("fire.major_hazard", category_zh=zh, category_en=HAZARD_CATEGORIES_EN[c]),
                hazard_points,
            )
            for c, zh in HAZARD_CATEGORIES.items()
        }
        self.penalty_rules = self._rules_of(policy)
        self._judging: dict[str, _PenaltyRules] = {policy.version: self.penalty_rules}
        self._by_decision_date: dict[date, _PenaltyRules] = {}

    def _rules_of(self, policy: Policy) -> _PenaltyRules:
        return (self._penalty_rules(policy, False), self._penalty_rules(policy, True))

    def _penalty_rules_for(self, decision_date: date) -> _PenaltyRules:
        """The penalty rules of the policy that judges a decision of that date (penalties.judging_policy)."""
        if decision_date >= self.policy.effective_from or self.policy.order36 is None:
            return self.penalty_rules
        found = self._by_decision_date.get(decision_date)
        if found is None:
            judge = judging_policy(decision_date, self.policy)
            found = self._judging.get(judge.version)
            if found is None:
                found = self._judging[judge.version] = self._rules_of(judge)
            self._by_decision_date[decision_date] = found
        return found

    def _penalty_rules(self, policy: Policy, fire_safety: bool) -> dict[str, _SeverityRules]:
        rules = policy.penalties
        out: dict[str, _SeverityRules] = {}
        for severity in SEVERITIES:
            low, high = publication_months(severity, fire_safety, policy)
            zh, en = LABELS[f"penalty.{severity}"]
            lines: list[tuple[_Line, ...]] = []  # indexed [rectified][past_minimum]
            for rectified in (False, True):
                row: list[_Line] = []
                for past_minimum in (False, True):
                    points, qualifiers = rules.for_severity(severity).points, []
                    if rectified:
                        points *= rules.rectified_factor
                        qualifiers.append(PENALTY_QUALIFIERS["rectified"])
                    if past_minimum:
                        points *= rules.past_minimum_factor
                        qualifiers.append(PENALTY_QUALIFIERS["past_minimum"])
                    row.append(
                        (
                            f"penalty.{severity}",
                            zh + "".join(f"，{q[0]}" for q in qualifiers),
                            en + "".join(f"; {q[1]}" for q in qualifiers),
                            quantize(points),
                        )
                    )
                lines.append(tuple(row))
            out[severity] = (
                last_start_ending_by(self.as_of, low),
                last_start_ending_by(self.as_of, high),
                tuple(lines),
            )
        return out

    def _grade(self, grading: Grading) -> int:
        return level_of(grading, self.policy) or 0

    def _outcome(self, inspection: FireInspection) -> FireOutcome:
        fails = [area for area, result in inspection.checklist.items() if result == "fail"]
        if not fails:
            return FireOutcome.COMPLIANT
        if len(fails) <= self.max_fails and self.critical.isdisjoint(fails):
            return FireOutcome.BASICALLY_COMPLIANT
        return FireOutcome.NON_COMPLIANT

    def assess(self, facts: InstitutionFacts) -> Assessment:
        lines = [self.base_line]
        self._grading_lines(facts, lines)
        inspection, outcome = self._latest_inspection(facts)
        hazards = self._open_hazards(facts)
        self._fire_lines(inspection, outcome, hazards, lines)
        self._penalty_lines(facts, lines)
        total = self._clamped(sum((c.points for c in lines[1:]), self.base), lines)
        if facts.listed:
            level = self.listed_level
            lines.append(self.listed_line)
        else:
            level = self._capped(self._level_of(total), facts, inspection, outcome, hazards, lines)
        return Assessment(total, level, tuple(lines), self.policy.version, facts.institution_id, self.as_of)

    def _grading_lines(self, facts: InstitutionFacts, lines: list[Contribution]) -> None:
        """The latest grading decision counts, while valid; same-day ties go to the higher level."""
        latest = None
        for g in facts.gradings:
            d = g.decided_on
            if d <= self.as_of and (
                latest is None
                or d > latest.decided_on
                or (d == latest.decided_on and self._grade(g) > self._grade(latest))
            ):
                latest = g
        if latest is None:
            return
        if latest.decided_on <= self.grading_valid_after:
            lines.append(Contribution("grading.expired", *self.expired_labels, ZERO, (latest.id,)))
            return
        level = self._grade(latest)
        if level:
            code, zh, en, points = self.grading_lines[level]
            lines.append(Contribution(code, zh, en, points, (latest.id,)))

    def _latest_inspection(self, facts: InstitutionFacts) -> tuple[FireInspection | None, FireOutcome | None]:
        """The latest inspection up to `as_of`; same-day ties go to the worse outcome.

        The outcome is returned when a tie had to compute it, None otherwise (computed later only if needed).
        """
        inspection: FireInspection | None = None
        outcome: FireOutcome | None = None
        for i in facts.inspections:
            d = i.inspected_on
            if d > self.as_of:
                continue
            if inspection is None or d > inspection.inspected_on:
                inspection, outcome = i, None
            elif d == inspection.inspected_on:
                outcome = outcome or self._outcome(inspection)
                candidate = self._outcome(i)
                if _OUTCOME_RANK[candidate] > _OUTCOME_RANK[outcome]:
                    inspection, outcome = i, candidate
        return inspection, outcome

    def _open_hazards(self, facts: InstitutionFacts) -> list[MajorHazard]:
        as_of = self.as_of
        return [h for h in facts.hazards if h.found_on <= as_of and (h.rectified_on is None or h.rectified_on > as_of)]

    def _fire_lines(
        self,
        inspection: FireInspection | None,
        outcome: FireOutcome | None,
        hazards: list[MajorHazard],
        lines: list[Contribution],
    ) -> None:
        """The fire-safety outcome (any open major hazard makes it non-compliant), recency, and each open hazard."""
        records = () if inspection is None else (inspection.id,)
        if hazards:
            code, zh, en, points = self.outcome_lines[FireOutcome.NON_COMPLIANT]
            lines.append(Contribution(code, zh, en, points, records + tuple(h.id for h in hazards)))
        elif inspection is not None:
            code, zh, en, points = self.outcome_lines[outcome or self._outcome(inspection)]
            lines.append(Contribution(code, zh, en, points, records))
        if (inspection is None or inspection.inspected_on <= self.inspection_recent_after) and self.no_recent_line[3]:
            code, zh, en, points = self.no_recent_line
            lines.append(Contribution(code, zh, en, points, records))
        for h in hazards:
            code, zh, en, points = self.hazard_lines[h.category]
            lines.append(Contribution(code, zh, en, points, (h.id,)))

    def _penalty_lines(self, facts: InstitutionFacts, lines: list[Contribution]) -> None:
        """Penalties inside their publication window; see penalties.penalty_points for the plain rule."""
        as_of = self.as_of
        for p in facts.penalties:
            d = p.decision_date
            if p.revoked or d > as_of or (p.repaired_on is not None and p.repaired_on <= as_of):
                continue
            minimum_cut, maximum_cut, table = self._penalty_rules_for(d)[p.is_fire_safety][p.severity]
            past_minimum = d <= minimum_cut
            if past_minimum:
                end = p.publication_end
                if d <= maximum_cut or (end is not None and end <= as_of):
                    continue
            rectified = p.rectified_on is not None and p.rectified_on <= as_of
            code, zh, en, points = table[rectified][past_minimum]
            lines.append(Contribution(code, zh, en, points, (p.id,)))

    def _clamped(self, total: Decimal, lines: list[Contribution]) -> Decimal:
        """Clamp `total` to the policy's bounds; the clamping is itself a line, so the lines still add up."""
        if self.minimum <= total <= self.maximum:
            return total
        above = total > self.maximum
        bound = self.maximum if above else self.minimum
        lines.append(Contribution(*self.clamp_lines[0 if above else 1], bound - total))
        return bound

    def _level_of(self, total: Decimal) -> str:
        """The first level whose threshold `total` reaches; the lowest level otherwise."""
        for name, threshold in self.levels:
            if total >= threshold:
                return name
        return self.levels[-1][0]

    def _capped(
        self,
        level: str,
        facts: InstitutionFacts,
        inspection: FireInspection | None,
        outcome: FireOutcome | None,
        hazards: list[MajorHazard],
        lines: list[Contribution],
    ) -> str:
        """Apply the policy's level caps, each shown as a zero-point line; returns the capped level."""
        caps = self.cap_lines
        if not caps:
            return level
        applying: list[tuple[str, tuple[RecordId, ...]]] = []
        if hazards and "open_major_hazard" in caps:
            applying.append(("open_major_hazard", tuple(h.id for h in hazards)))
        non_compliant = hazards or (
            inspection is not None and (outcome or self._outcome(inspection)) is FireOutcome.NON_COMPLIANT
        )
        if non_compliant and "fire_non_compliant" in caps:
            applying.append(("fire_non_compliant", () if inspection is None else (inspection.id,)))
        opened = facts.opened_on
        if (
            opened is not None
            and opened <= self.as_of
            and opened > self.opened_recently_after
            and ("new_institution" in caps)
        ):
            applying.append(("new_institution", ()))
        rank = self.level_rank
        for name, records in applying:
            cap, line = caps[name]
            lines.append(Contribution(line.code, line.label_zh, line.label_en, ZERO, records))
            if rank[cap] > rank[level]:
                level = cap
        return level


_SCORERS: dict[tuple[int, date], tuple[Policy, _Scorer]] = {}


def _scorer(policy: Policy, as_of: date) -> _Scorer:
    key = (id(policy), as_of)
    cached = _SCORERS.get(key)
    if cached is not None and cached[0] is policy:
        return cached[1]
    if len(_SCORERS) >= 2048:  # the outlook asks for many days (scoring.outlook)
        _SCORERS.clear()
    scorer = _Scorer(policy, as_of)
    _SCORERS[key] = (policy, scorer)
    return scorer


def evaluate(facts: InstitutionFacts, policy: Policy, as_of: date) -> Assessment:
    """Return the credit assessment of `facts` on `as_of` under `policy`.

    Pure and deterministic; records dated after `as_of` are ignored. The score starts
    at the policy base, adds the valid grading, the fire-safety outcome and hazards,
    and the publicly active penalties, then is clamped into the policy's range; the
    contributions (including "base" and any "clamp") add up to the score exactly.
    Raises GradingError when a grading without a level has an out-of-range part score.
    """
    return _scorer(policy, as_of).assess(facts)


def evaluate_many(facts: Iterable[InstitutionFacts], policy: Policy, as_of: date) -> Iterator[Assessment]:
    """Return a lazy iterator of assessments, one per institution in `facts`, in the same order.

    Equivalent to `evaluate` on each, with the policy's rules prepared once for the batch.
    """
    assess = _Scorer(policy, as_of).assess
    return map(assess, facts)


def level_for(score: Decimal, policy: Policy) -> str:
    """Return the credit level (A..D) of `score` under `policy`, ignoring any listing."""
    for level, threshold in policy.levels.items():
        if score >= threshold:
            return level
    return list(policy.levels)[-1]
