"""Scheduled work of the disclosures domain: rescoring, publishing, retiring penalties, the random draw."""

from __future__ import annotations

import hashlib
import math
import random
from datetime import date, timedelta

from scoring import Penalty as PenaltyFacts
from scoring import policy_for, publication_end
from scoring.policy import InspectionDraw as InspectionDrawRules

from credit import db
from credit.accounts.tables import User
from credit.disclosures.days import days_to_publish, refuse_future
from credit.accounts.units import public_teams
from credit.disclosures.rescoring import rescore_all, rescore_marked
from credit.disclosures.service import publish
from credit.disclosures.tables import Disclosure
from credit.records.tables import Penalty
from credit.registry.tables import Institution
from credit.scheduling.tables import InspectionDraw
from credit.changes import Event, record_changed, record_many
from credit.timeutil import today as local_today

# Random inspection (双随机): the share of homes drawn and the weight of each level are policy data
# ([inspection_draw] of the policy in force on the draw's day).
INSPECTORS_PER_DISTRICT = 2
BATCH = 1000


async def rescore_changed(on: date) -> str:
    result = await rescore_marked(on)
    return f"{result.evaluated} rescored, {result.changed} changed"


async def rescore_everything(on: date) -> str:
    result = await rescore_all(on)
    return f"{result.evaluated} rescored, {result.changed} changed"


async def publish_disclosure(on: date, today: date | None = None) -> str:
    """Publish the day's disclosure, first catching up every day missed since the last published one (a
    failed or killed run, a server that was down), oldest first, each its own atomic publication, so the
    chain has no holes. A day after today, or before the last published one, is refused (DayRefused)."""
    today = today or local_today()
    refuse_future(on, today)
    latest = await Disclosure.select(Disclosure.day).order_by(Disclosure.day, ascending=False).first().run()
    if latest and latest["day"] >= on and await Disclosure.exists().where(Disclosure.day == on).run():
        return f"{on} already published"
    wanted = days_to_publish(on, latest["day"] if latest else None)
    await rescore_marked(on)
    published = [await publish(day, today) for day in wanted]
    caught_up = [p.day.isoformat() for p in published[:-1] if p.created]
    note = f"; caught up {', '.join(caught_up)}" if caught_up else ""
    last = published[-1]
    return f"{on} {'published' if last.created else 'already published'} ({last.digest[:12]}){note}"


async def retire_penalties(on: date) -> str:
    """Mark penalties whose publication period has ended, and tell the feed they left the public view."""
    policy = policy_for(on)
    retired, last_id = 0, 0
    while True:
        rows = await Penalty.select(Penalty.id, Penalty.severity, Penalty.decision_date, Penalty.is_fire_safety,
                                    Penalty.publication_end, Penalty.institution).where(
            (Penalty.id > last_id) & Penalty.retired_on.is_null() & (Penalty.revoked == False)).order_by(  # noqa: E712
            Penalty.id).limit(BATCH).run()
        if not rows:
            return f"{retired} penalties left the public view"
        last_id = rows[-1]["id"]
        ended = []
        for row in rows:
            end = publication_end(PenaltyFacts(id=row["id"], severity=row["severity"],
                                               decision_date=row["decision_date"],
                                               is_fire_safety=row["is_fire_safety"],
                                               publication_end=row["publication_end"]), policy)
            if end <= on:
                ended.append((row, end))
        if ended:
            async with db.transaction():
                for row, end in ended:
                    await Penalty.update({Penalty.retired_on: end}).where(Penalty.id == row["id"]).run()
                await record_many([Event("penalty", "retired", row["id"], {
                    "penalty": row["id"], "institution": row["institution"], "publication_end": end})
                    for row, end in ended], institutions=[row["institution"] for row, _ in ended])
            retired += len(ended)


async def draw_random_inspections(on: date) -> str:
    """The month's random inspection list (双随机): homes drawn with a higher share of C and D, and
    inspectors drawn from each district's regulators. The seed is stored so anyone can redo the draw."""
    month = on.strftime("%Y-%m")
    if await InspectionDraw.exists().where(InspectionDraw.month == month).run():
        return f"{month} already drawn"
    latest = await Disclosure.select(Disclosure.digest).order_by(Disclosure.day, ascending=False).first().run()
    seed = hashlib.sha256(f"{month}:{latest['digest'] if latest else ''}".encode()).hexdigest()
    homes, inspectors = await draw(seed, on)
    async with db.transaction():
        await InspectionDraw(month=month, drawn_on=on, seed=seed, institutions=homes, inspectors=inspectors).save().run()
        await record_changed(Event("inspection_draw", "published", 0, {
            "month": month, "seed": seed, "institutions": homes, "inspection_teams": await public_teams(inspectors)}))
    return f"{month}: {len(homes)} institutions drawn"


def pick_homes(rnd: random.Random, candidates: list[dict], rules: InspectionDrawRules) -> list[dict]:
    """Draw `rules.share` of `candidates` (at least one) without replacement, each pick weighted by the
    home's credit level (`credit_level`, "" when not yet rated)."""
    wanted = max(1, math.ceil(len(candidates) * rules.share))
    pool, picked = list(candidates), []
    for _ in range(min(wanted, len(pool))):
        pick = rnd.choices(range(len(pool)), [float(rules.weight(r["credit_level"])) for r in pool])[0]
        picked.append(pool.pop(pick))
    return picked


async def draw(seed: str, on: date) -> tuple[list[dict], dict[str, list[str]]]:
    """The draw for a seed on `on`: the same seed, day and registry give the same result.

    Each district's share and each level's weight come from the policy in force on `on`; a lower level
    is drawn more often (SAMR 国市监信发〔2022〕6号). The draw comes on top of every home's yearly inspection.
    """
    rules = policy_for(on).inspection_draw
    if rules is None:
        raise ValueError(f"the policy in force on {on} has no [inspection_draw] section")
    rnd = random.Random(seed)
    rows = await Institution.select(Institution.uscc, Institution.name, Institution.district_code,
                                    Institution.credit_level).where(Institution.status == "active").order_by(
        Institution.uscc).run()
    by_district: dict[str, list[dict]] = {}
    for row in rows:
        by_district.setdefault(row["district_code"], []).append(row)
    homes, inspectors = [], {}
    for district in sorted(by_district):
        homes.extend(pick_homes(rnd, by_district[district], rules))
        regulators = [u["username"] for u in await User.select(User.username).where(
            (User.role == "district_regulator") & (User.district_code == district) & (User.active == True)  # noqa: E712
        ).order_by(User.username).run()]
        if not regulators:
            regulators = [u["username"] for u in await User.select(User.username).where(
                (User.role == "city_regulator") & (User.active == True)).order_by(User.username).run()]  # noqa: E712
        inspectors[district] = rnd.sample(regulators, min(INSPECTORS_PER_DISTRICT, len(regulators)))
    return homes, inspectors
