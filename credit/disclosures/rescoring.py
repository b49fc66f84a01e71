"""Rescoring: evaluate institutions under the policy in force and store what changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from scoring import Assessment, evaluate_many, grading_is_valid, level_of, policy_for

from credit import db
from credit.disclosures.queries import contribution_out
from credit.disclosures.tables import CreditScore
from credit.records.facts import load_facts
from credit.registry.tables import Institution
from credit.sharing import feed
from credit.timeutil import now_utc

BATCH = 500


@dataclass
class RescoreResult:
    evaluated: int = 0
    changed: int = 0


def current_grade(facts, policy, on: date) -> int | None:
    """The level of the latest grading still valid on `on`, if any."""
    valid = [g for g in facts.gradings if g.decided_on <= on and grading_is_valid(g, policy, on)]
    if not valid:
        return None
    latest = max(valid, key=lambda g: (g.decided_on, level_of(g, policy) or 0))
    return level_of(latest, policy)


async def rescore_marked(on: date) -> RescoreResult:
    """Rescore the institutions a change marked; the mark is cleared first, so a change made while we
    compute marks the institution again for the next run."""
    result = RescoreResult()
    while True:
        rows = await Institution.select(Institution.id).where(Institution.needs_rescore == True).limit(  # noqa: E712
            BATCH).run()
        if not rows:
            return result
        batch = await _rescore([r["id"] for r in rows], on)
        result.evaluated += batch.evaluated
        result.changed += batch.changed


async def rescore_all(on: date) -> RescoreResult:
    """Rescore every institution (nightly: gradings lapse and penalty periods end without any write)."""
    result = RescoreResult()
    last_id = 0
    while True:
        rows = await Institution.select(Institution.id).where(Institution.id > last_id).order_by(
            Institution.id).limit(BATCH).run()
        if not rows:
            return result
        ids = [r["id"] for r in rows]
        last_id = ids[-1]
        batch = await _rescore(ids, on)
        result.evaluated += batch.evaluated
        result.changed += batch.changed


async def _rescore(ids: list[int], on: date) -> RescoreResult:
    # The mark is cleared before the facts are read: a change committed meanwhile marks it again.
    await Institution.update({Institution.needs_rescore: False}).where(Institution.id.is_in(ids)).run()
    policy = policy_for(on)
    facts = await load_facts(ids, on)
    current = {r["id"]: r for r in await Institution.select(
        Institution.id, Institution.credit_score, Institution.credit_level, Institution.grade).where(
        Institution.id.is_in(list(facts))).run()}
    latest_versions = await _latest_policy_versions(list(facts))
    result = RescoreResult()
    changed: list[tuple[Assessment, int | None]] = []
    for assessment in evaluate_many(facts.values(), policy, on):
        result.evaluated += 1
        row = current[assessment.institution_id]
        grade = current_grade(facts[assessment.institution_id], policy, on)
        stored_score = None if row["credit_score"] is None else Decimal(row["credit_score"])
        if (stored_score != assessment.score or row["credit_level"] != assessment.level or row["grade"] != grade
                or latest_versions.get(assessment.institution_id) != policy.version):
            changed.append((assessment, grade))
    if changed:
        async with db.transaction():
            await _store(changed, row_scores=current, on=on)
    result.changed = len(changed)
    return result


async def _latest_policy_versions(ids: list[int]) -> dict[int, str]:
    rows = await CreditScore.raw(
        "SELECT cs.institution, cs.policy_version FROM credit_score cs WHERE cs.id IN "
        "(SELECT MAX(id) FROM credit_score WHERE institution IN ({}) GROUP BY institution)".format(
            ",".join(str(int(i)) for i in ids))).run() if ids else []
    return {r["institution"]: r["policy_version"] for r in rows}


async def _store(changed: list[tuple[Assessment, int | None]], row_scores: dict, on: date) -> None:
    at = now_utc()
    history, events = [], []
    for assessment, grade in changed:
        contributions = [contribution_out(c) for c in assessment.contributions]
        history.append(CreditScore(institution=assessment.institution_id, score=assessment.score,
                                   level=assessment.level, policy_version=assessment.policy_version,
                                   contributions=contributions, as_of=on, computed_at=at))
        await Institution.update({Institution.credit_score: assessment.score,
                                  Institution.credit_level: assessment.level, Institution.grade: grade}).where(
            Institution.id == assessment.institution_id).run()
        before = row_scores[assessment.institution_id]
        events.append((assessment, before))
    for start in range(0, len(history), 200):
        await CreditScore.insert(*history[start:start + 200]).run()
    await feed.emit_many(("rating", "rescored", assessment.institution_id, {
        "institution": assessment.institution_id, "level": assessment.level, "score": assessment.score,
        "previous_level": before["credit_level"] or None, "policy_version": assessment.policy_version,
        "as_of": on}) for assessment, before in events)
