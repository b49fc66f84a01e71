"""Keep the public projection equal to the tables: `refresh` some institutions in the writer's transaction,
`refresh_all` batch by batch for what dates change (penalty periods ending, gradings lapsing).

A refresh rescores the institution at once with the scoring engine (microseconds a home): when the score,
level or policy changed it appends the score history (CreditScore), keeps the institution's current credit
columns for the workspace, and tells the feed (`rating rescored`). Then it rebuilds the row's document and
flat columns from the same facts; the row's `version` goes up only when the row's content changed, so a
page cached under it stays valid until that home changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from litestar.serialization import encode_json

from credit import changefeed, db
from credit.disclosures.tables import CreditScore
from credit.public import document, feedback_stats
from credit.public.facts import Records, facts_of, load_records
from credit.public.listed import listed_entries
from credit.public.supervision import results_by_institution
from credit.public.tables import PublicProfile
from credit.public.view import counts_publicly, oldest_public_decision, public_entry, public_form, running_repairs
from credit.registry.offers import search_column
from credit.registry.tables import Institution
from credit.timeutil import now_utc, today
from scoring import Assessment, Policy, evaluate_many, policy_for

BATCH = 500
CHUNK = 100  # rows per INSERT statement (parameter limits)


@dataclass
class Refreshed:
    evaluated: int = 0  # institutions computed
    changed: int = 0  # whose score, level or policy changed (a history row each)
    rows: int = 0  # projection rows written


async def refresh(institution_ids: Iterable[int], on: date | None = None) -> Refreshed:
    """Recompute the given institutions' rows on `on` (today by default); must run inside the caller's
    transaction (the write hook's). Unknown ids are skipped."""
    ids = sorted(set(institution_ids))
    result = Refreshed()
    for start in range(0, len(ids), BATCH):
        await _refresh_batch(ids[start : start + BATCH], on or today(), result)
    return result


async def refresh_all(on: date | None = None) -> Refreshed:
    """Recompute every institution's row, BATCH institutions per transaction."""
    on = on or today()
    result, last_id = Refreshed(), 0
    while True:
        rows = (
            await Institution.select(Institution.id)
            .where(Institution.id > last_id)
            .order_by(Institution.id)
            .limit(BATCH)
            .run()
        )
        if not rows:
            return result
        last_id = rows[-1]["id"]
        async with db.transaction():
            await _refresh_batch([r["id"] for r in rows], on, result)


async def stale_ids(on: date, limit: int = BATCH) -> list[int]:
    """Institutions without a row, or whose row was computed for another day than `on`."""
    rows = await Institution.raw(
        "SELECT i.id FROM institution i LEFT JOIN public_profile p ON p.institution = i.id "
        "WHERE p.institution IS NULL OR p.as_of <> {} ORDER BY i.id LIMIT " + str(int(limit)),
        on,
    ).run()
    return [r["id"] for r in rows]


@dataclass
class _Loaded:
    policy: Policy
    records: Records  # every table read once: the facts and the documents are made of these rows
    facts: dict[int, Any]
    assessments: dict[int, Assessment]
    grades: dict[int, int | None]

    @property
    def institutions(self) -> dict[int, dict[str, Any]]:
        return self.records.institutions


async def _load(ids: list[int], on: date) -> _Loaded:
    policy = policy_for(on)
    records = await load_records(ids, on, all_checklists=True)
    ids = [i for i in ids if i in records.institutions]
    facts = facts_of(ids, records, on)
    assessments = dict(zip(ids, evaluate_many((facts[i] for i in ids), policy, on), strict=True))  # same order
    grades = {i: document.current_grade(facts[i], policy, on) for i in ids}
    return _Loaded(policy, records, facts, assessments, grades)


async def _documents(loaded: _Loaded, on: date) -> dict[int, dict[str, Any]]:
    ids = list(loaded.assessments)
    if not ids:
        return {}
    records = loaded.records
    history = await _history(ids)
    penalties = await _penalties(ids, records, on, loaded.policy)
    supervision = await results_by_institution(ids, on)
    listed_ids = [i for i in ids if loaded.facts[i].listed]
    listed: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if listed_ids:
        for entry in await listed_entries(page_size=100000, institution_ids=listed_ids, on=on):
            listed[entry["institution"]].append(public_entry(entry))
    feedback = await feedback_stats.by_home(ids, on)  # counts only (credit.public.feedback_stats)
    return {
        i: {
            **document.build(
                document.Inputs(
                    institution=records.institutions[i],
                    facts=loaded.facts[i],
                    assessment=loaded.assessments[i],
                    assessed_on=history[i][-1]["as_of"] if history[i] else on,
                    history=history[i],
                    gradings=_gradings(records, i),
                    inspections=_inspections(records, i),
                    penalties=penalties[i],
                    listed=listed[i],
                    supervision=supervision[i],
                ),
                loaded.policy,
                on,
            ),
            "feedback": feedback.get(i, []),
        }
        for i in ids
    }


async def documents_on(ids: list[int], on: date) -> dict[int, dict[str, Any]]:
    """The documents the given institutions would have on `on`, computed without writing anything (a
    disclosure of a day the rows were not computed for)."""
    return await _documents(await _load(ids, on), on)


async def _refresh_batch(ids: list[int], on: date, result: Refreshed) -> None:
    loaded = await _load(ids, on)
    if not loaded.assessments:
        return
    result.evaluated += len(loaded.assessments)
    stored = await _stored_rows(list(loaded.assessments))
    result.changed += await _rescore(stored, loaded.assessments, loaded.grades, on)
    docs = await _documents(loaded, on)
    result.rows += await _write([_row(i, doc, on) for i, doc in docs.items()], stored, on)


def _row(institution_id: int, doc: dict[str, Any], on: date) -> dict[str, Any]:
    credit = doc["credit"]
    return {
        "institution": institution_id,
        "uscc": doc["uscc"],
        "name": doc["name"],
        "district_code": doc["district_code"],
        "beds": doc["beds"],
        "owner_type": doc["owner_type"],
        "status": doc["status"],
        "level": credit["level"],
        "score": credit["score"],
        "grade": doc["grade"],
        "fire_status": doc["fire"]["status"],
        "listed": bool(doc["listed"]),
        "services": search_column(doc["services"]),
        "care_levels": search_column(doc["care_levels"]),
        "fee_min": doc["fee_min"],
        "fee_max": doc["fee_max"],
        "address": doc["address"],
        "phone": doc["phone"],
        "website": doc["website"],
        "as_of": on,
        "document": encode_json(doc).decode(),
    }


async def _stored_rows(ids: list[int]) -> dict[int, dict[str, Any]]:
    """The public rows of `ids` as stored before this batch (grade, document, version), read once for both the
    rescore's comparison and the write."""
    if not ids:
        return {}
    rows = await (
        PublicProfile.select(
            PublicProfile.institution, PublicProfile.grade, PublicProfile.document, PublicProfile.version
        )
        .where(PublicProfile.institution.is_in(ids))
        .run()
    )
    return {r["institution"]: r for r in rows}


async def _write(rows: list[dict[str, Any]], stored: dict[int, dict[str, Any]], on: date) -> int:
    """Insert new rows, update changed ones (version + 1), and only move `as_of` on unchanged ones; `stored` is
    what the rows were before (`_stored_rows`)."""
    ids = [r["institution"] for r in rows]
    at = now_utc()
    new = [PublicProfile(**r, version=1, updated_at=at) for r in rows if r["institution"] not in stored]
    changed = [r for r in rows if r["institution"] in stored and stored[r["institution"]]["document"] != r["document"]]
    changed_ids = {r["institution"] for r in changed}
    same = [i for i in ids if i in stored and i not in changed_ids]
    for row in changed:
        version = stored[row["institution"]]["version"] + 1
        await (
            PublicProfile.update(
                {
                    **{getattr(PublicProfile, k): v for k, v in row.items() if k != "institution"},
                    PublicProfile.version: version,
                    PublicProfile.updated_at: at,
                }
            )
            .where(PublicProfile.institution == row["institution"])
            .run()
        )
    if same:
        await (
            PublicProfile.update({PublicProfile.as_of: on})
            .where(PublicProfile.institution.is_in(same) & (PublicProfile.as_of != on))
            .run()
        )
    for start in range(0, len(new), CHUNK):
        await PublicProfile.insert(*new[start : start + CHUNK]).run()
    return len(new) + len(changed)


async def _rescore(
    stored: dict[int, dict[str, Any]], assessments: dict[int, Assessment], grades: dict[int, int | None], on: date
) -> int:
    """Store what changed since the last stored score (score, level, policy version) or the public grade: a history
    row and a feed event. The current values live in the history and the public profile, never in the registry's
    table (no domain writes another's)."""
    ids = list(assessments)
    latest = await _latest_scores(ids)
    changed: list[tuple[int, Assessment]] = []
    for i, a in assessments.items():
        last = latest.get(i)
        if (
            last is None
            or Decimal(last["score"]) != a.score
            or last["level"] != a.level
            or last["policy_version"] != a.policy_version
            or (stored[i]["grade"] if i in stored else None) != grades[i]
        ):
            changed.append((i, a))
    if not changed:
        return 0
    at = now_utc()
    history = [
        CreditScore(
            institution=i,
            score=a.score,
            level=a.level,
            policy_version=a.policy_version,
            contributions=[document.contribution_out(c) for c in a.contributions],
            as_of=on,
            computed_at=at,
        )
        for i, a in changed
    ]
    for start in range(0, len(history), CHUNK):
        await CreditScore.insert(*history[start : start + CHUNK]).run()
    await changefeed.append(
        [
            (
                "rating",
                "rescored",
                i,
                {
                    "institution": i,
                    "level": a.level,
                    "score": a.score,
                    "previous_level": (latest[i]["level"] or None) if i in latest else None,
                    "policy_version": a.policy_version,
                    "as_of": on,
                },
            )
            for i, a in changed
        ]
    )
    return len(changed)


async def _latest_scores(ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each home's last stored score row (score, level, policy version)."""
    if not ids:
        return {}
    rows = await CreditScore.raw(
        "SELECT cs.institution, cs.score, cs.level, cs.policy_version FROM credit_score cs WHERE cs.id IN "
        "(SELECT MAX(id) FROM credit_score WHERE institution IN ({}) GROUP BY institution)".format(
            ",".join(str(int(i)) for i in ids)
        )
    ).run()
    return {r["institution"]: r for r in rows}


async def _history(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each stored change of the score, oldest first, with the assessment's contributions (what changed is
    explained from them: credit.public.history)."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in (
        await CreditScore.select(
            CreditScore.institution,
            CreditScore.as_of,
            CreditScore.score,
            CreditScore.level,
            CreditScore.policy_version,
            CreditScore.contributions,
        )
        .where(CreditScore.institution.is_in(ids))
        .order_by(CreditScore.computed_at)
        .order_by(CreditScore.id)
        .output(load_json=True)
        .run()
    ):
        found[r.pop("institution")].append(r)
    return found


def _without_created_at(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "created_at"}


def _gradings(records: Records, institution_id: int) -> list[dict[str, Any]]:
    """Grading decisions, newest first."""
    return [_without_created_at(r) for r in records.gradings[institution_id]]


def _inspections(records: Records, institution_id: int) -> list[dict[str, Any]]:
    """Fire inspections, newest first, each with its checklist and its hazards (in id order)."""
    hazards: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for hazard in records.hazards[institution_id]:
        if hazard["inspection"] is not None:
            hazards[hazard["inspection"]].append(_without_created_at(hazard))
    return [
        {
            **_without_created_at(r),
            "checklist": dict(records.checklists[r["id"]]),
            "hazards": hazards[r["id"]],
        }
        for r in records.inspections[institution_id]
    ]


async def _penalties(ids: list[int], records: Records, on: date, policy: Policy) -> dict[int, list[dict[str, Any]]]:
    """The penalties the public sees on `on` (credit.public.view), newest decision first."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    oldest = oldest_public_decision(on, policy)  # a cheap bound first: most stored penalties are long past
    for i in ids:
        found[i] = [
            public_form(r, policy)
            for r in records.penalties[i]
            if r["decision_date"] >= oldest and counts_publicly(r, on, policy)
        ]
    # While a repair application runs, its public credit commitment is shown with the penalty (Order No. 36).
    repairs = await running_repairs([p["id"] for shown in found.values() for p in shown])
    with_repairs: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for i, shown in found.items():
        if shown:
            with_repairs[i] = [{**p, "repair": repairs.get(p["id"])} for p in shown]
    return with_repairs
