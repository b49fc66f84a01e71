"""The monthly random inspection draw (双随机): homes weighted by credit level, then at least two inspectors per
home from the roster of its district (the second random), avoiding the home's inspectors of the last draw and
anyone recorded in conflict with it (回避).

The draw is a pure function of its seed and a snapshot (the candidate homes, the roster, the conflicts and the
previous draw's teams), and the snapshot is stored with the draw under its digest, so anyone can redo it.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from credit.public.tables import PublicProfile
from credit.registry.tables import Institution
from credit.supervision.tables import InspectionDraw, Inspector, InspectorConflict
from scoring import policy_for
from scoring.policy import InspectionDraw as DrawRules, Supervision as SupervisionRules


@dataclass(frozen=True, slots=True)
class Drawn:
    """The result of a draw: the homes in draw order and each home's inspector ids (uscc -> ids)."""

    homes: list[dict[str, Any]]
    teams: dict[str, list[int]]


def snapshot_digest(snapshot: Mapping[str, Any]) -> str:
    """sha256 of the snapshot's canonical JSON (sorted keys, no spaces): the name a draw gives its snapshot."""
    text = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def pick_homes(rnd: random.Random, candidates: list[dict], rules: DrawRules) -> list[dict]:
    """Draw `rules.share` of `candidates` (at least one) without replacement, each pick weighted by the
    home's public credit level as the snapshot recorded it (`credit_level`, "" when not yet rated)."""
    wanted = max(1, math.ceil(len(candidates) * rules.share))
    pool, picked = list(candidates), []
    for _ in range(min(wanted, len(pool))):
        pick = rnd.choices(range(len(pool)), [float(rules.weight(r["credit_level"])) for r in pool])[0]
        picked.append(pool.pop(pick))
    return picked


def pick_team(rnd: random.Random, home: Mapping[str, Any], snapshot: Mapping[str, Any], wanted: int) -> list[int]:
    """`wanted` inspectors for one home: first from the roster of its district, then (if it is short) from the
    rest of the city; never one who inspected the home in the last draw or who is in conflict with it."""
    barred = set(snapshot["previous"].get(home["uscc"], [])) | set(snapshot["conflicts"].get(home["uscc"], []))
    eligible = [i for i in snapshot["roster"] if i["id"] not in barred]
    local = [i["id"] for i in eligible if i["district_code"] == home["district_code"]]
    team = rnd.sample(local, min(wanted, len(local)))
    if len(team) < wanted:
        others = [i["id"] for i in eligible if i["district_code"] != home["district_code"]]
        team += rnd.sample(others, min(wanted - len(team), len(others)))
    return team


def compute(seed: str, snapshot: Mapping[str, Any], rules: DrawRules, supervision: SupervisionRules) -> Drawn:
    """The draw for a seed and a snapshot: the same seed and snapshot always give the same draw."""
    rnd = random.Random(seed)
    by_district: dict[str, list[dict]] = {}
    for row in snapshot["candidates"]:
        by_district.setdefault(row["district_code"], []).append(row)
    homes: list[dict[str, Any]] = []
    for district in sorted(by_district):
        homes.extend(pick_homes(rnd, by_district[district], rules))
    teams = {home["uscc"]: pick_team(rnd, home, snapshot, supervision.inspectors_per_task) for home in homes}
    return Drawn(homes, teams)


def rules_on(on: date) -> tuple[DrawRules, SupervisionRules]:
    """The [inspection_draw] and [supervision] sections of the policy in force on `on`."""
    policy = policy_for(on)
    if policy.inspection_draw is None or policy.supervision is None:
        raise ValueError(f"the policy in force on {on} has no [inspection_draw] or [supervision] section")
    return policy.inspection_draw, policy.supervision


async def take_snapshot(month: str) -> dict[str, Any]:
    """What a draw of `month` is drawn from, as it stands now: the active homes (by USCC) with the level the public
    sees (the public projection's `level`, the one source of a home's current level; read only), the active roster
    (by id), the conflicts (uscc -> inspector ids) and the teams of the latest earlier draw (uscc -> inspector ids).
    The level is stored in the snapshot under `credit_level`, so a stored draw is redone with the level it used."""
    candidates = (
        await Institution.select(Institution.id, Institution.uscc, Institution.name, Institution.district_code)
        .where(Institution.status == "active")
        .order_by(Institution.uscc)
        .run()
    )
    levels = {
        r["institution"]: r["level"]
        for r in await PublicProfile.select(PublicProfile.institution, PublicProfile.level).run()
    }
    roster = (
        await Inspector.select(Inspector.id, Inspector.district_code)
        .where(Inspector.active.eq(True))
        .order_by(Inspector.id)
        .run()
    )
    conflicts: dict[str, list[int]] = {}
    for row in (
        await InspectorConflict.select(InspectorConflict.inspector, InspectorConflict.institution.uscc.as_alias("uscc"))
        .order_by(InspectorConflict.id)
        .run()
    ):
        conflicts.setdefault(row["uscc"], []).append(row["inspector"])
    last = (
        await InspectionDraw.select(InspectionDraw.inspectors)
        .where(InspectionDraw.month < month)
        .order_by(InspectionDraw.month, ascending=False)
        .output(load_json=True)
        .first()
        .run()
    )
    previous = {
        uscc: ids
        for uscc, ids in ((last or {}).get("inspectors") or {}).items()
        if all(isinstance(i, int) for i in ids)
    }  # draws before the roster named login names
    for row in candidates:
        row["credit_level"] = levels.get(row["id"]) or ""
    return {
        "candidates": candidates,
        "roster": roster,
        "conflicts": {k: sorted(set(v)) for k, v in conflicts.items()},
        "previous": previous,
    }


@dataclass(frozen=True, slots=True)
class Verification:
    """A stored draw redone: whether it matches, the homes that differ, and whether the snapshot is intact."""

    month: str
    matches: bool
    snapshot_intact: bool
    missing: list[str]  # drawn then, not now
    extra: list[str]  # drawn now, not then
    other_teams: list[str]  # drawn both times with different inspectors


class DrawNotFound(LookupError):
    """No draw is stored for the month."""


async def verify(month: str) -> Verification:
    """Recompute the stored draw of `month` from its seed and the snapshot it names, with the policy of its day.

    Raises DrawNotFound. A snapshot whose digest is not the one stored is reported (`snapshot_intact` false).
    """
    row = await InspectionDraw.select().where(InspectionDraw.month == month).output(load_json=True).first().run()
    if row is None:
        raise DrawNotFound(month)
    snapshot = row["snapshot"] or {}
    intact = bool(snapshot) and snapshot_digest(snapshot) == row["snapshot_digest"]
    drawn = compute(row["seed"], snapshot, *rules_on(row["drawn_on"])) if snapshot else Drawn([], {})
    then = [h["uscc"] for h in row["institutions"]]
    now = [h["uscc"] for h in drawn.homes]
    teams = row["inspectors"] or {}
    other = sorted(u for u in set(then) & set(now) if list(teams.get(u, [])) != drawn.teams.get(u))
    missing, extra = sorted(set(then) - set(now)), sorted(set(now) - set(then))
    return Verification(month, intact and then == now and not other, intact, missing, extra, other)
