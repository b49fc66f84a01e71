"""What comes next (信用变化预告): the days on which a home's score or level will change by itself, and what the
home could do to raise it, each with the score and level predicted after it.

Pure, like the rest of the engine: facts + policy + a date in, frozen data out. The outlook assumes that
nothing new is recorded after `on` (`known_on` drops or clears everything dated later) and that `policy`
stays in force. Every predicted score is the engine's own `evaluate` on the predicted day, so an outlook can
never disagree with the score the projection will compute that day (tests/scoring/test_outlook.py).

Timed events come from the policy's dates (DESIGN.md "Credit score and level"; Order No. 36 windows):
- `penalty.halves`: the penalty's minimum publication period ends (`penalties.past_minimum_factor`);
- `penalty.ends`: its publication period ends (the explicit end clamped into the legal window) and it stops
  counting;
- `grading.lapses`: the grading's validity ends (`grading.validity_years`);
- `fire.inspection_overdue`: the latest inspection is older than `fire.recent_inspection_months`;
- `cap.new_institution.ends`: the home has operated `caps.new_institution_months`;
- `listing.ends`: the list entry expires (`listing.duration_years`; only with a `ListingTerm`).

Actions (`timed` False), each from the first day it may be done:
- `penalty.repair`: credit repair (信用修复, Order No. 36: once the minimum period has passed; minor at once);
- `penalty.rectify`: the penalty's obligations met and conduct corrected (`penalties.rectified_factor`);
- `hazard.rectify`: an open major hazard rectified (its `rectify_by` deadline given);
- `grading`: the lowest grading level that lifts the credit level (`grade`), once the home is eligible;
- `fire.inspection`: a passed (compliant) fire inspection;
- `listing.early_removal`: early removal from the list may be applied for (`listing.early_removal_after_years`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from scoring.credit import Assessment, evaluate
from scoring.dates import add_months
from scoring.facts import FIRE_AREAS, FireInspection, Grading, InstitutionFacts, MajorHazard, Penalty, RecordId
from scoring.fire import hazard_is_open
from scoring.grading import grading_eligibility, grading_expires_on
from scoring.penalties import PublicationWindow, is_repaired, judging_policy, publication_window, repairable_from
from scoring.policy import Policy


@dataclass(frozen=True, slots=True)
class ListingTerm:
    """The home's entry on the joint-punishment list: listed on `listed_on`, removed automatically on
    `expires_on` (the facts carry only `listed`; the dates come from the list)."""

    listed_on: date
    expires_on: date


@dataclass(frozen=True, slots=True)
class Cause:
    """Why an event happens: a stable `kind` (see the module docstring) and the record behind it."""

    kind: str
    record: RecordId | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """One step of the outlook: on `on` (timed: it happens then; action: it may be done from then) the score
    becomes `score` and the level `level`. `deadline`: a hazard's rectify-by day; `grade`: the grading level
    of a `grading` action."""

    on: date
    causes: tuple[Cause, ...]
    score: Decimal
    level: str
    timed: bool
    deadline: date | None = None
    grade: int | None = None

    @property
    def kind(self) -> str:
        return self.causes[0].kind


@dataclass(frozen=True, slots=True)
class Outlook:
    """The current assessment, the timed events in date order, and the actions that would raise the score."""

    current: Assessment
    events: tuple[Event, ...]
    actions: tuple[Event, ...]


def known_on(facts: InstitutionFacts, on: date) -> InstitutionFacts:
    """The facts as they are known on `on`: records dated later left out, later rectifications and repairs
    cleared (the outlook predicts from what is known, not from what is already booked for the future)."""

    def later(day: date | None) -> bool:
        return day is not None and day > on

    return dataclasses.replace(
        facts,
        gradings=tuple(g for g in facts.gradings if g.decided_on <= on),
        inspections=tuple(i for i in facts.inspections if i.inspected_on <= on),
        hazards=tuple(
            dataclasses.replace(h, rectified_on=None) if later(h.rectified_on) else h
            for h in facts.hazards
            if h.found_on <= on
        ),
        penalties=tuple(
            dataclasses.replace(
                p,
                rectified_on=None if later(p.rectified_on) else p.rectified_on,
                repaired_on=None if later(p.repaired_on) else p.repaired_on,
            )
            if later(p.rectified_on) or later(p.repaired_on)
            else p
            for p in facts.penalties
            if p.decision_date <= on
        ),
    )


def outlook(facts: InstitutionFacts, policy: Policy, on: date, listing: ListingTerm | None = None) -> Outlook:
    """Return what comes next for `facts` after `on` under `policy` (see the module docstring).

    Each timed event's day is the first day the engine gives its score and level: on the day before, the
    engine gives the previous event's (or the current) score and level. Events that change neither are left
    out. Actions are listed only when they would raise the score or lift the level.
    """
    facts = known_on(facts, on)
    current = evaluate(facts, policy, on)
    return Outlook(current, _timed(facts, policy, on, listing, current), _actions(facts, policy, on, listing, current))


def _listed_on(facts: InstitutionFacts, listing: ListingTerm | None, day: date) -> InstitutionFacts:
    if facts.listed and listing is not None and day >= listing.expires_on:
        return dataclasses.replace(facts, listed=False)
    return facts


def _candidates(
    facts: InstitutionFacts, policy: Policy, on: date, listing: ListingTerm | None
) -> dict[date, list[Cause]]:
    """Every day after `on` on which a rule's period ends for one of the records."""
    found: dict[date, list[Cause]] = {}

    def add(day: date, kind: str, record: RecordId | None = None) -> None:
        if day > on:
            found.setdefault(day, []).append(Cause(kind, record))

    for p, window in _windows(facts, policy):
        if p.revoked or p.repaired_on is not None:
            continue
        end = window.end(p.publication_end)
        if window.minimum_end < end:
            add(window.minimum_end, "penalty.halves", p.id)
        add(end, "penalty.ends", p.id)
    latest_grading = max(facts.gradings, key=lambda g: g.decided_on, default=None)
    for g in facts.gradings:
        if latest_grading is not None and g.decided_on == latest_grading.decided_on:
            add(grading_expires_on(g, policy), "grading.lapses", g.id)
    latest_inspection = max(facts.inspections, key=lambda i: i.inspected_on, default=None)
    if latest_inspection is not None:
        due = add_months(latest_inspection.inspected_on, policy.fire.recent_inspection_months)
        add(due, "fire.inspection_overdue", latest_inspection.id)
    if facts.opened_on is not None and policy.caps.new_institution is not None:
        add(facts.opened_on, "cap.new_institution.starts")
        add(add_months(facts.opened_on, policy.caps.new_institution_months), "cap.new_institution.ends")
    if facts.listed and listing is not None:
        add(listing.expires_on, "listing.ends")
    return found


def _timed(
    facts: InstitutionFacts, policy: Policy, on: date, listing: ListingTerm | None, current: Assessment
) -> tuple[Event, ...]:
    events: list[Event] = []
    score, level = current.score, current.level
    for day, causes in sorted(_candidates(facts, policy, on, listing).items()):
        after = evaluate(_listed_on(facts, listing, day), policy, day)
        if (after.score, after.level) != (score, level):
            events.append(Event(day, tuple(causes), after.score, after.level, True))
            score, level = after.score, after.level
    return tuple(events)


def _better(before: Assessment, after: Assessment, policy: Policy) -> bool:
    names = list(policy.levels)
    return after.score > before.score or names.index(after.level) < names.index(before.level)


def _lifts(before: Assessment, after: Assessment, policy: Policy) -> bool:
    names = list(policy.levels)
    return names.index(after.level) < names.index(before.level)


def _actions(
    facts: InstitutionFacts, policy: Policy, on: date, listing: ListingTerm | None, current: Assessment
) -> tuple[Event, ...]:
    actions: list[Event] = []

    def consider(day: date, cause: Cause, changed: InstitutionFacts, deadline: date | None = None) -> None:
        before = current if day == on else evaluate(_listed_on(facts, listing, day), policy, day)
        after = evaluate(_listed_on(changed, listing, day), policy, day)
        if _better(before, after, policy):
            actions.append(Event(day, (cause,), after.score, after.level, False, deadline=deadline))

    for h in facts.hazards:
        if hazard_is_open(h, on):
            rectified = _with_hazard(facts, h, dataclasses.replace(h, rectified_on=on))
            consider(on, Cause("hazard.rectify", h.id), rectified, deadline=h.rectify_by)
    for p, window in _windows(facts, policy):
        if p.revoked or is_repaired(p, on):
            continue
        end = window.end(p.publication_end)
        if not window.start <= on < end:  # not public on `on` (penalties.is_publicly_active)
            continue
        if p.rectified_on is None:
            consider(
                on, Cause("penalty.rectify", p.id), _with_penalty(facts, p, dataclasses.replace(p, rectified_on=on))
            )
        day = max(on, repairable_from(p, judging_policy(p.decision_date, policy)))
        if day < end:
            consider(
                day, Cause("penalty.repair", p.id), _with_penalty(facts, p, dataclasses.replace(p, repaired_on=day))
            )
    _grading_action(facts, policy, on, current, actions)
    _inspection_action(facts, policy, on, current, actions)
    if facts.listed and listing is not None:
        day = max(on, add_months(listing.listed_on, 12 * policy.listing.early_removal_after_years))
        if day < listing.expires_on:
            consider(day, Cause("listing.early_removal"), dataclasses.replace(facts, listed=False))
    return tuple(sorted(actions, key=lambda e: (e.on, -e.score)))


def _windows(facts: InstitutionFacts, policy: Policy) -> list[tuple[Penalty, PublicationWindow]]:
    """Each penalty with its publication window."""
    return [(p, publication_window(p, policy)) for p in facts.penalties]


def _with_hazard(facts: InstitutionFacts, old: MajorHazard, new: MajorHazard) -> InstitutionFacts:
    return dataclasses.replace(facts, hazards=tuple(new if h is old else h for h in facts.hazards))


def _with_penalty(facts: InstitutionFacts, old: Penalty, new: Penalty) -> InstitutionFacts:
    return dataclasses.replace(facts, penalties=tuple(new if p is old else p for p in facts.penalties))


def eligible_for_grading_from(facts: InstitutionFacts, policy: Policy, on: date) -> date | None:
    """The first day from `on` on which the home may be graded (grading_eligibility empty); None while listed
    (the list entry decides) or when no day within the penalty windows frees it."""
    if facts.listed and policy.grading.eligibility.listed:
        return None
    days = [on]
    years = (policy.grading.ineligible_after_serious_penalty_years, policy.grading.eligibility.any_penalty_years)
    for p in facts.penalties:
        days.extend(add_months(p.decision_date, 12 * y) for y in years if y)
    for day in sorted(d for d in days if d >= on):
        if not grading_eligibility(facts, policy, day):
            return day
    return None


def _grading_action(
    facts: InstitutionFacts, policy: Policy, on: date, current: Assessment, actions: list[Event]
) -> None:
    """The lowest grading level that would lift the credit level, decided on the first eligible day."""
    day = eligible_for_grading_from(facts, policy, on)
    if day is None:
        return
    before = current if day == on else evaluate(facts, policy, day)

    def graded(grade: int) -> Assessment:
        return evaluate(
            dataclasses.replace(facts, gradings=(*facts.gradings, Grading("outlook", day, grade))), policy, day
        )

    # A higher grade never lowers the score (DESIGN.md invariant): search the lowest grade that lifts the level.
    grades = sorted(policy.grading.points)
    found = None
    low, high = 0, len(grades) - 1
    while low <= high:
        middle = (low + high) // 2
        after = graded(grades[middle])
        if _lifts(before, after, policy):
            found, high = (grades[middle], after), middle - 1
        else:
            low = middle + 1
    if found is not None:
        actions.append(Event(day, (Cause("grading"),), found[1].score, found[1].level, False, grade=found[0]))


def _inspection_action(
    facts: InstitutionFacts, policy: Policy, on: date, current: Assessment, actions: list[Event]
) -> None:
    """A passed fire inspection on `on` (every area passes), when it would raise the score or lift the level."""
    passed = FireInspection("outlook", on, dict.fromkeys(FIRE_AREAS, "pass"))
    after = evaluate(dataclasses.replace(facts, inspections=(*facts.inspections, passed)), policy, on)
    if _better(current, after, policy):
        actions.append(Event(on, (Cause("fire.inspection"),), after.score, after.level, False))
