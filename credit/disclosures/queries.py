"""Read the credit assessment of an institution: the latest stored one, or one computed now."""

from __future__ import annotations

import json
from typing import Any

from credit.accounts.units import public_teams
from credit.disclosures.tables import CreditScore
from credit.public.facts import load_facts
from credit.public.supervision import public_teams_of
from credit.supervision.tables import InspectionDraw
from credit.timeutil import today
from scoring import evaluate, policy_for


def contribution_out(c) -> dict[str, Any]:
    return {"code": c.code, "label": c.label_zh, "label_en": c.label_en, "points": c.points, "records": list(c.records)}


async def credit_of(institution_id: int) -> dict[str, Any]:
    """{level, score, policy_version, as_of, contributions}: the stored assessment if any, else computed today."""
    row = (
        await CreditScore.select()
        .where(CreditScore.institution == institution_id)
        .order_by(CreditScore.computed_at, ascending=False)
        .first()
        .run()
    )
    if row is not None:
        contributions = row["contributions"]
        if isinstance(contributions, str):
            contributions = json.loads(contributions)
        return {
            "level": row["level"],
            "score": row["score"],
            "policy_version": row["policy_version"],
            "as_of": row["as_of"],
            "contributions": contributions,
        }
    on = today()
    facts = (await load_facts([institution_id], on))[institution_id]
    assessment = evaluate(facts, policy_for(on), on)
    return {
        "level": assessment.level,
        "score": assessment.score,
        "policy_version": assessment.policy_version,
        "as_of": on,
        "contributions": [contribution_out(c) for c in assessment.contributions],
    }


async def published_draws(page: int = 1, page_size: int | None = None) -> list[dict[str, Any]]:
    """The monthly random inspection draws (双随机), newest first, with their seeds, as the public sees them:
    each drawn home's inspectors from the roster masked (`teams`: uscc -> [{name, certificate}], see
    credit.public.supervision) and the digest of the snapshot drawn from. Draws made before the roster named the
    regulators of each district: those are named by their unit and counted (`inspection_teams`), never by their
    login names."""
    query = (
        InspectionDraw.select(
            InspectionDraw.id,
            InspectionDraw.month,
            InspectionDraw.drawn_on,
            InspectionDraw.seed,
            InspectionDraw.institutions,
            InspectionDraw.inspectors,
            InspectionDraw.snapshot_digest,
        )
        .order_by(InspectionDraw.month, ascending=False)
        .output(load_json=True)
    )
    if page_size is not None:
        query = query.limit(page_size).offset((page - 1) * page_size)
    out = []
    for row in await query.run():
        teams = row.pop("inspectors") or {}
        if row["snapshot_digest"]:
            out.append({**row, "teams": await public_teams_of(teams)})
        else:
            out.append({**row, "inspection_teams": await public_teams(teams)})
    return out


async def draws_count() -> int:
    return await InspectionDraw.count().run()


async def score_history(institution_id: int) -> list[dict[str, Any]]:
    """Each stored change of the institution's score, oldest first."""
    return (
        await CreditScore.select(CreditScore.as_of, CreditScore.score, CreditScore.level, CreditScore.policy_version)
        .where(CreditScore.institution == institution_id)
        .order_by(CreditScore.computed_at)
        .run()
    )
