"""Scheduled work of the disclosures domain: rescoring, publishing, retiring penalties; the random draw is
credit.supervision's (called from here for the scheduler)."""

from __future__ import annotations

from datetime import date

from credit import db
from credit.changes import Event, record_many
from credit.disclosures.days import days_to_publish, refuse_future
from credit.disclosures.rescoring import rescore_all, rescore_marked
from credit.disclosures.service import publish
from credit.disclosures.tables import Disclosure
from credit.records.tables import Penalty
from credit.supervision.service import draw_month
from credit.timeutil import today as local_today
from scoring import Penalty as PenaltyFacts, policy_for, publication_end

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
        rows = (
            await Penalty.select(
                Penalty.id,
                Penalty.severity,
                Penalty.decision_date,
                Penalty.is_fire_safety,
                Penalty.publication_end,
                Penalty.institution,
            )
            .where((Penalty.id > last_id) & Penalty.retired_on.is_null() & Penalty.revoked.eq(False))
            .order_by(Penalty.id)
            .limit(BATCH)
            .run()
        )
        if not rows:
            return f"{retired} penalties left the public view"
        last_id = rows[-1]["id"]
        ended = []
        for row in rows:
            end = publication_end(
                PenaltyFacts(
                    id=row["id"],
                    severity=row["severity"],
                    decision_date=row["decision_date"],
                    is_fire_safety=row["is_fire_safety"],
                    publication_end=row["publication_end"],
                ),
                policy,
            )
            if end <= on:
                ended.append((row, end))
        if ended:
            async with db.transaction():
                for row, end in ended:
                    await Penalty.update({Penalty.retired_on: end}).where(Penalty.id == row["id"]).run()
                await record_many(
                    [
                        Event(
                            "penalty",
                            "retired",
                            row["id"],
                            {"penalty": row["id"], "institution": row["institution"], "publication_end": end},
                        )
                        for row, end in ended
                    ],
                    institutions=[row["institution"] for row, _ in ended],
                )
            retired += len(ended)


async def draw_random_inspections(on: date) -> str:
    """The month's random inspection (双随机) and its tasks: credit.supervision owns the draw."""
    return await draw_month(on)
