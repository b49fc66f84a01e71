"""Pure scoring engine: an institution's facts + a versioned policy + a date -> credit score, level and reasons.

No database, no web, no clock: the assessment date is always an argument. Never imports `credit`.
"""

from scoring.classification import classify, split_kinds
from scoring.credit import Assessment, Contribution, evaluate, evaluate_many, level_for
from scoring.dates import add_months
from scoring.facts import (
    FIRE_AREAS,
    HAZARD_CATEGORIES,
    FireInspection,
    Grading,
    InstitutionFacts,
    MajorHazard,
    Penalty,
)
from scoring.fire import FireOutcome, checklist_outcome, fire_outcome, hazard_is_open, inspection_due, open_hazards
from scoring.grading import (
    GradingError,
    LevelProblem,
    decided_level_problems,
    grading_eligibility,
    grading_expires_on,
    grading_is_valid,
    grading_level,
    level_of,
)
from scoring.labels import NOTE_CODES, Reason
from scoring.penalties import (
    PublicationWindow,
    is_publicly_active,
    is_repaired,
    judging_policy,
    penalty_points,
    publication_end,
    publication_months,
    publication_window,
    repairable_from,
)
from scoring.policy import (
    Policy,
    PolicyError,
    PolicyNotFound,
    available_policies,
    load_policy,
    parse_policy,
    policy_for,
)

__all__ = [
    "FIRE_AREAS",
    "HAZARD_CATEGORIES",
    "NOTE_CODES",
    "Assessment",
    "Contribution",
    "FireInspection",
    "FireOutcome",
    "Grading",
    "GradingError",
    "InstitutionFacts",
    "MajorHazard",
    "Penalty",
    "Policy",
    "PolicyError",
    "PolicyNotFound",
    "PublicationWindow",
    "Reason",
    "add_months",
    "available_policies",
    "checklist_outcome",
    "decided_level_problems",
    "LevelProblem",
    "evaluate",
    "evaluate_many",
    "fire_outcome",
    "grading_eligibility",
    "grading_expires_on",
    "grading_is_valid",
    "grading_level",
    "hazard_is_open",
    "inspection_due",
    "is_publicly_active",
    "level_for",
    "level_of",
    "load_policy",
    "open_hazards",
    "parse_policy",
    "penalty_points",
    "policy_for",
    "publication_end",
    "publication_months",
    "publication_window",
    "classify",
    "split_kinds",
    "is_repaired",
    "judging_policy",
    "repairable_from",
]
