"""Supervision operations (one transaction each): keep the inspector roster and its conflicts, draw the month,
record each task's result, publish it, confirm a rectification; read the roster, the tasks and what is overdue."""

from __future__ import annotations

import calendar as month_calendar
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import msgspec

from credit import db
from credit.accounts.roles import Principal, require_scope
from credit.changes import Audit, Event, record_changed
from credit.disclosures.tables import Disclosure
from credit.errors import Duplicate, NotFound, ProcedureRefused, ValidationFailed
from credit.listings.service import calendar as working_calendar
from credit.public import supervision as public
from credit.reasons import Reason
from credit.records.tables import FireInspection, MajorHazard
from credit.registry.districts import is_known_district
from credit.registry.service import institution_in_scope
from credit.registry.tables import Institution
from credit.sharing.tables import Agency
from credit.supervision import draw as drawing
from credit.supervision.schemas import (
    ConflictIn,
    InspectorIn,
    InspectorUpdateIn,
    ResultCorrectionIn,
    ResultIn,
    SupervisionRectificationIn,
)
from credit.supervision.tables import (
    InspectionDraw,
    Inspector,
    InspectorConflict,
    ResultCorrection,
    SupervisionTask,
)
from credit.timeutil import now_utc, today
from credit.validation import Checker

KINDS = ("fire", "general")
OPEN, RECORDED, PUBLISHED = "open", "recorded", "published"
CHECK_VALUES = ("pass", "fail")


# --------------------------------------------------------------------------- roster


async def add_inspector(data: InspectorIn, by: Principal) -> dict[str, Any]:
    """Put a law-enforcement officer on the roster of a district.

    Returns the stored inspector. Raises ValidationFailed (field errors), Forbidden (district outside the
    principal's scope) or Duplicate (certificate number already on the roster).
    """
    check = Checker(data)
    clean: dict[str, Any] = {
        "name": check.text("name", max_length=100),
        "certificate_number": check.text("certificate_number", max_length=40),
        "agency_code": check.text("agency_code", max_length=32),
        "district_code": check.text("district_code", max_length=6),
    }
    if clean["district_code"] and not is_known_district(clean["district_code"]):
        check.fail("district_code", Reason("unknown_district"), clean["district_code"])
    if clean["agency_code"] and not await Agency.exists().where(Agency.code == clean["agency_code"]).run():
        check.fail("agency_code", Reason("unknown_agency"), clean["agency_code"])
    check.done()
    require_scope(by, clean["district_code"])
    async with db.transaction():
        if await Inspector.exists().where(Inspector.certificate_number == clean["certificate_number"]).run():
            raise Duplicate("certificate_number", clean["certificate_number"])
        row = Inspector(**clean, active=True, recorded_by=by.username, created_at=now_utc())
        await row.save().run()
        stored = inspector_out(row.to_dict())
        await record_changed(audit=Audit(by.username, "inspector.create", "inspector", row.id, {"after": stored}))
    return stored


def inspector_out(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("id", "name", "certificate_number", "agency_code", "district_code", "active")}


async def inspector_in_scope(inspector_id: int, by: Principal) -> dict[str, Any]:
    """The stored inspector. Raises NotFound, or Forbidden when the inspector's district is outside the principal's
    scope (an inspector with no district, which only rows from before the roster's rules can be, is in no district
    regulator's scope: only city-level regulators may change it)."""
    row = await Inspector.select().where(Inspector.id == inspector_id).first().run()
    if row is None:
        raise NotFound(f"inspector {inspector_id}")
    require_scope(by, row["district_code"])
    return row


async def update_inspector(inspector_id: int, data: InspectorUpdateIn, by: Principal) -> dict[str, Any]:
    """Correct an inspector's name, certificate number (执法证号), agency or district, and deactivate or reactivate
    them (`active`). A deactivated inspector is not drawn any more; tasks already drawn keep
    their inspectors. The principal must be in scope of the inspector's district and of the new one.

    Returns the stored inspector. Raises NotFound, Forbidden, ValidationFailed (field errors) or Duplicate (the
    certificate number belongs to another inspector).
    """
    current = await inspector_in_scope(inspector_id, by)
    check = Checker(data)
    clean: dict[str, Any] = {
        "name": check.text("name", max_length=100),
        "certificate_number": check.text("certificate_number", max_length=40),
        "agency_code": check.text("agency_code", max_length=32),
        "district_code": check.text("district_code", max_length=6),
        "active": data.active,
    }
    if clean["district_code"] and not is_known_district(clean["district_code"]):
        check.fail("district_code", Reason("unknown_district"), clean["district_code"])
    if clean["agency_code"] and not await Agency.exists().where(Agency.code == clean["agency_code"]).run():
        check.fail("agency_code", Reason("unknown_agency"), clean["agency_code"])
    check.done()
    require_scope(by, clean["district_code"])
    before = inspector_out(current)
    async with db.transaction():
        if (
            await Inspector.exists()
            .where((Inspector.certificate_number == clean["certificate_number"]) & (Inspector.id != inspector_id))
            .run()
        ):
            raise Duplicate("certificate_number", clean["certificate_number"])
        await (
            Inspector.update({getattr(Inspector, k): v for k, v in clean.items()})
            .where(Inspector.id == inspector_id)
            .run()
        )
        after = {**before, **clean}
        action = "inspector.update"
        if before["active"] != after["active"]:
            action = "inspector.reactivate" if after["active"] else "inspector.deactivate"
        await record_changed(
            audit=Audit(by.username, action, "inspector", inspector_id, {"before": before, "after": after})
        )
    return after


async def record_conflict(inspector_id: int, data: ConflictIn, by: Principal) -> dict[str, Any]:
    """Record that an inspector must not inspect a home (回避: kin, former employer, ...).

    Raises NotFound (inspector or home), ValidationFailed, Forbidden (the home is outside the principal's scope)
    or Duplicate (already recorded).
    """
    inspector = await Inspector.select().where(Inspector.id == inspector_id).first().run()
    if inspector is None:
        raise NotFound(f"inspector {inspector_id}")
    check = Checker(data)
    uscc = check.text("uscc", max_length=18).upper()
    reason = check.text("reason", max_length=500)
    home = (
        await Institution.select(Institution.id, Institution.district_code)
        .where(Institution.uscc == uscc)
        .first()
        .run()
        if uscc
        else None
    )
    if uscc and home is None:
        check.fail("uscc", Reason("not_registered_institution"), uscc)
    check.done()
    assert home is not None  # check.done() raised otherwise
    require_scope(by, home["district_code"])
    async with db.transaction():
        if (
            await InspectorConflict.exists()
            .where((InspectorConflict.inspector == inspector_id) & (InspectorConflict.institution == home["id"]))
            .run()
        ):
            raise Duplicate("uscc", uscc)
        row = InspectorConflict(
            inspector=inspector_id, institution=home["id"], reason=reason, recorded_by=by.username, recorded_on=today()
        )
        await row.save().run()
        stored = {
            "id": row.id,
            "inspector": inspector_id,
            "uscc": uscc,
            "reason": reason,
            "recorded_on": row.recorded_on,
        }
        await record_changed(
            audit=Audit(by.username, "inspector.conflict", "inspector", inspector_id, {"after": stored})
        )
    return stored


async def roster(by: Principal, district_code: str = "") -> list[dict[str, Any]]:
    """The roster (a district regulator sees its own district's), with each inspector's conflicts."""
    scope = by.district_code if by.role == "district_regulator" else district_code
    query = Inspector.select().order_by(Inspector.district_code).order_by(Inspector.id)
    if scope:
        query = query.where(Inspector.district_code == scope)
    rows = [inspector_out(r) for r in await query.run()]
    conflicts: dict[int, list[dict[str, Any]]] = {}
    for c in await InspectorConflict.select(
        InspectorConflict.inspector,
        InspectorConflict.reason,
        InspectorConflict.institution.uscc.as_alias("uscc"),
        InspectorConflict.institution.name.as_alias("name"),
    ).run():
        conflicts.setdefault(c["inspector"], []).append({"uscc": c["uscc"], "name": c["name"], "reason": c["reason"]})
    return [{**r, "conflicts": conflicts.get(r["id"], [])} for r in rows]


# --------------------------------------------------------------------------- the draw and its tasks


def due_date(month: str, drawn_on: date, due: str, due_days: int) -> date:
    """The task's due date: the last day of the draw's month, or `due_days` after the draw."""
    if due == "days":
        return drawn_on + timedelta(days=due_days)
    year, number = (int(p) for p in month.split("-"))
    return date(year, number, month_calendar.monthrange(year, number)[1])


async def draw_month(on: date) -> str:
    """The month's random inspection (双随机): draw the homes and their inspectors (credit.supervision.draw) from a
    snapshot stored with the draw, and give each drawn home its task, in one transaction. Idempotent per month."""
    month = on.strftime("%Y-%m")
    if await InspectionDraw.exists().where(InspectionDraw.month == month).run():
        return f"{month} already drawn"
    rules, supervision = drawing.rules_on(on)
    latest = await Disclosure.select(Disclosure.digest).order_by(Disclosure.day, ascending=False).first().run()
    seed = hashlib.sha256(f"{month}:{latest['digest'] if latest else ''}".encode()).hexdigest()
    snapshot = await drawing.take_snapshot(month)
    drawn = drawing.compute(seed, snapshot, rules, supervision)
    due_on = due_date(month, on, supervision.due, supervision.due_days)
    async with db.transaction():
        row = InspectionDraw(
            month=month,
            drawn_on=on,
            seed=seed,
            institutions=drawn.homes,
            inspectors=drawn.teams,
            snapshot=snapshot,
            snapshot_digest=drawing.snapshot_digest(snapshot),
        )
        await row.save().run()
        for home in drawn.homes:
            await (
                SupervisionTask(
                    draw=row.id,
                    month=month,
                    institution=home["id"],
                    district_code=home["district_code"],
                    inspectors=drawn.teams[home["uscc"]],
                    due_on=due_on,
                )
                .save()
                .run()
            )
        await record_changed(
            Event(
                "inspection_draw",
                "published",
                row.id,
                {
                    "month": month,
                    "seed": seed,
                    "snapshot_digest": row.snapshot_digest,
                    "institutions": drawn.homes,
                    "inspectors": await public.public_teams_of(drawn.teams),
                },
            )
        )
    short = sum(1 for team in drawn.teams.values() if len(team) < supervision.inspectors_per_task)
    note = f"; {short} short of inspectors" if short else ""
    return f"{month}: {len(drawn.homes)} institutions drawn{note}"


# --------------------------------------------------------------------------- results


async def task_in_scope(task_id: int, by: Principal) -> dict[str, Any]:
    """The stored task. Raises NotFound, or Forbidden when its home is outside the principal's district."""
    task = await SupervisionTask.select().where(SupervisionTask.id == task_id).output(load_json=True).first().run()
    if task is None:
        raise NotFound(f"task {task_id}")
    await institution_in_scope(task["institution"], by)
    return task


def _check_checklist(check: Checker, raw: Any, items: tuple) -> dict[str, str]:
    values = raw if isinstance(raw, Mapping) else {}
    if not isinstance(raw, Mapping):
        check.fail("checklist", Reason("checklist_required"))
        return {}
    codes = [i.code for i in items]
    for key in values:
        if key not in codes:
            check.fail(f"checklist.{key}", Reason("unknown_checklist_item", codes=", ".join(codes)))
    clean = {}
    for code in codes:
        value = values.get(code)
        if value not in CHECK_VALUES:
            check.fail(f"checklist.{code}", Reason("pass_or_fail"), value)
        else:
            clean[code] = value
    return clean


async def earliest_open_hazard(inspection_id: int) -> date | None:
    """The soonest rectify-by date of the inspection's open major hazards (重大事故隐患), None without any."""
    row = (
        await MajorHazard.select(MajorHazard.rectify_by)
        .where((MajorHazard.inspection == inspection_id) & MajorHazard.rectified_on.is_null())
        .order_by(MajorHazard.rectify_by)
        .first()
        .run()
    )
    return row["rectify_by"] if row else None


async def _checked_result(task: Mapping[str, Any], data: ResultIn | ResultCorrectionIn) -> dict[str, Any]:
    """The result fields of `data` checked against the task, its home and the policy of its draw: the column
    values to store (publication deadline included). Raises ValidationFailed."""
    drawn_on = db.found(
        await InspectionDraw.select(InspectionDraw.drawn_on).where(InspectionDraw.id == task["draw"]).first().run(),
        "draw",
    )
    _, rules = drawing.rules_on(drawn_on["drawn_on"])
    check = Checker(data)
    hazard_deadline = None
    kind = check.choice("kind", KINDS)
    clean: dict[str, Any] = {
        "kind": kind,
        "checklist": {},
        "fire_inspection": None,
        "findings": check.text("findings", required=False, max_length=2000),
    }
    inspected_on = check.day("inspected_on", required=kind == "general", not_after=today())
    if kind == "fire":
        inspection_id = check.integer("fire_inspection_id", minimum=1, maximum=2147483647)
        if inspection_id is not None:
            inspection = (
                await FireInspection.select(FireInspection.institution, FireInspection.inspected_on)
                .where(FireInspection.id == inspection_id)
                .first()
                .run()
            )
            if inspection is None or inspection["institution"] != task["institution"]:
                check.fail("fire_inspection_id", Reason("not_fire_inspection_here"), inspection_id)
            else:
                clean["fire_inspection"], inspected_on = inspection_id, inspection["inspected_on"]
                hazard_deadline = await earliest_open_hazard(inspection_id)
    elif kind == "general":
        clean["checklist"] = _check_checklist(check, data.checklist, rules.checklist)
    if inspected_on is not None and inspected_on < drawn_on["drawn_on"]:
        check.fail("inspected_on", Reason("before_draw"), inspected_on.isoformat())
    outcome = check.choice("outcome", public.OUTCOMES)
    if hazard_deadline is not None and outcome == "no_problem":
        check.fail("outcome", Reason("no_problem_major_hazard"), outcome)
    if hazard_deadline is not None and outcome == "rectify" and not data.rectify_by:
        # the hazard's own deadline (behaviour 4 follows it)
        check.data = msgspec.structs.replace(data, rectify_by=hazard_deadline)
    rectify_by = check.day("rectify_by", required=outcome == "rectify")
    if outcome != "rectify":
        rectify_by = None
    elif rectify_by is not None and inspected_on is not None and rectify_by <= inspected_on:
        check.fail("rectify_by", Reason("after_inspection"), rectify_by.isoformat())
    if outcome == "no_problem" and "fail" in clean["checklist"].values():
        check.fail("outcome", Reason("no_problem_item_failed"), outcome)
    check.done()
    assert inspected_on is not None  # required: check.done() raised otherwise
    publish_by = working_calendar().add_working_days(inspected_on, rules.publication_working_days)
    return {
        **clean,
        "inspected_on": inspected_on,
        "outcome": outcome,
        "rectify_by": rectify_by,
        "publish_by": publish_by.day,
        "publish_by_confirmed": publish_by.confirmed,
    }


RESULT_FIELDS = ("kind", "outcome", "inspected_on", "rectify_by", "checklist", "fire_inspection", "findings")


async def record_result(task_id: int, data: ResultIn, by: Principal) -> dict[str, Any]:
    """Record the inspection of a task: the fire-safety inspection of the home (`kind` fire, `fire_inspection_id`)
    or a general inspection with the policy's checklist (`kind` general), and its outcome (no_problem / rectify
    with `rectify_by` / interview / case_opened). A fire-safety inspection with an open major hazard cannot be
    "no problem", and an order to rectify without a date takes the hazard's own deadline: past it, the hazard is
    the behaviour-4 proposal the list procedure already makes (credit.listings.jobs). The result is then due for
    publication within the policy's working days of the inspection (a deadline counted on a year whose official
    calendar is not loaded yet is marked unconfirmed).

    Returns the task. Raises NotFound, Forbidden (scope), ValidationFailed (fields), ProcedureRefused (the task's
    result is already recorded).
    """
    task = await task_in_scope(task_id, by)
    result = await _checked_result(task, data)
    values = {getattr(SupervisionTask, k): v for k, v in result.items()}
    values |= {
        SupervisionTask.status: RECORDED,
        SupervisionTask.recorded_by: by.username,
        SupervisionTask.version: task["version"] + 1,
    }
    async with db.transaction():
        updated = (
            await SupervisionTask.update(values)
            .where((SupervisionTask.id == task_id) & (SupervisionTask.status == OPEN))
            .returning(SupervisionTask.id)
            .run()
        )
        if not updated:
            raise ProcedureRefused("task", Reason("result_recorded_already"))
        changes = {k: result[k] for k in (*RESULT_FIELDS, "publish_by") if k != "findings"}
        await record_changed(
            audit=Audit(by.username, "supervision.record", "supervision_task", task_id, {"after": changes})
        )
    return await task_in_scope(task_id, by)


async def correct_result(task_id: int, data: ResultCorrectionIn, by: Principal) -> dict[str, Any]:
    """Correct a recorded or published result (更正) with a `reason`: the same fields as `record_result`, checked
    the same way. The task holds the corrected result; the result as it was, the new one, the reason, who and when
    are kept as a correction (`corrections`). A published result stays published and shows as corrected on that
    day on the portal, the home's profile, the agency feed and the next disclosure. An unpublished result corrected
    counts as recorded by the corrector (another regulator publishes it).

    Returns the task. Raises NotFound, Forbidden, ValidationFailed, ProcedureRefused (nothing recorded yet, or the
    task changed meanwhile).
    """
    task = await task_in_scope(task_id, by)
    if task["status"] == OPEN:
        raise ProcedureRefused("task", Reason("result_not_recorded"))
    check = Checker(data)
    reason = check.text("reason", max_length=1000)
    try:
        result = await _checked_result(task, data)
    except ValidationFailed as error:
        check.errors.extend(error.errors)
        result = {}
    check.done()
    on = today()
    published = task["status"] == PUBLISHED
    if published:
        result.pop("publish_by"), result.pop("publish_by_confirmed")  # the deadline met stays the one it was
    before = {k: task[k] for k in RESULT_FIELDS}
    after = {k: result[k] for k in RESULT_FIELDS}
    values = {getattr(SupervisionTask, k): v for k, v in result.items()}
    values |= {SupervisionTask.corrected_on: on, SupervisionTask.version: task["version"] + 1}
    if not published:
        values[SupervisionTask.recorded_by] = by.username
    if after["outcome"] != "rectify":
        values[SupervisionTask.rectified_on] = None
    async with db.transaction():
        updated = (
            await SupervisionTask.update(values)
            .where((SupervisionTask.id == task_id) & (SupervisionTask.version == task["version"]))
            .returning(SupervisionTask.id)
            .run()
        )
        if not updated:
            raise ProcedureRefused("task", Reason("task_changed"))
        await (
            ResultCorrection(
                task=task_id,
                reason=reason,
                before=before,
                after=after,
                corrected_by=by.username,
                corrected_on=on,
                created_at=now_utc(),
            )
            .save()
            .run()
        )
        event = None
        if published:
            shown = (await public.published_results(task_id=task_id))[0]
            event = Event("supervision_result", "corrected", task_id, shown)
        await record_changed(
            event,
            Audit(
                by.username,
                "supervision.correct",
                "supervision_task",
                task_id,
                {"reason": reason, "before": before, "after": after},
            ),
            institutions=[task["institution"]] if published else (),
        )
    return await task_in_scope(task_id, by)


async def corrections(task_id: int, by: Principal) -> list[dict[str, Any]]:
    """The task's corrections, oldest first, each with the result before and after (regulators in scope)."""
    await task_in_scope(task_id, by)
    return (
        await ResultCorrection.select()
        .where(ResultCorrection.task == task_id)
        .order_by(ResultCorrection.id)
        .output(load_json=True)
        .run()
    )


async def _separate_duties(task: Mapping[str, Any], by: Principal, step: str) -> None:
    """Refuse `step` to the regulator who recorded the task's result, unless the policy of the draw's day waives
    the separation of duties (`[supervision] allow_self_publication`)."""
    if not task["recorded_by"] or task["recorded_by"] != by.username:
        return
    drawn = db.found(
        await InspectionDraw.select(InspectionDraw.drawn_on).where(InspectionDraw.id == task["draw"]).first().run(),
        "draw",
    )
    if drawing.rules_on(drawn["drawn_on"])[1].allow_self_publication:
        return
    raise ProcedureRefused(
        "task",
        Reason("separation_of_duties", step=step),
    )


async def publish_result(task_id: int, by: Principal) -> dict[str, Any]:
    """Publish a recorded result (一公开): it goes on the portal's monthly page, the home's profile, the agency feed
    and the next daily disclosure. Returns the public result. Raises NotFound, Forbidden, ProcedureRefused."""
    task = await task_in_scope(task_id, by)
    await _separate_duties(task, by, "publish")
    on = today()
    async with db.transaction():
        updated = (
            await SupervisionTask.update(
                {
                    SupervisionTask.status: PUBLISHED,
                    SupervisionTask.published_on: on,
                    SupervisionTask.version: task["version"] + 1,
                }
            )
            .where((SupervisionTask.id == task_id) & (SupervisionTask.status == RECORDED))
            .returning(SupervisionTask.id)
            .run()
        )
        if not updated:
            raise ProcedureRefused(
                "task",
                Reason("only_recorded_published") if task["status"] != OPEN else Reason("result_not_recorded"),
            )
        result = (await public.published_results(task_id=task_id, on=on))[0]
        await record_changed(
            Event("supervision_result", "published", task_id, result),
            Audit(by.username, "supervision.publish", "supervision_task", task_id, {"published_on": on}),
            institutions=[task["institution"]],
        )
    return result


async def confirm_rectification(task_id: int, data: SupervisionRectificationIn, by: Principal) -> dict[str, Any]:
    """Confirm that an ordered rectification was done on `rectified_on`. Returns the task. Raises NotFound,
    Forbidden, ValidationFailed, ProcedureRefused (no rectification ordered, or already confirmed)."""
    task = await task_in_scope(task_id, by)
    await _separate_duties(task, by, "confirm the rectification of")
    check = Checker(data)
    rectified_on = check.day("rectified_on", not_after=today())
    if rectified_on is not None and task["inspected_on"] and rectified_on < task["inspected_on"]:
        check.fail("rectified_on", Reason("before_inspection"), rectified_on.isoformat())
    check.done()
    async with db.transaction():
        updated = (
            await SupervisionTask.update(
                {SupervisionTask.rectified_on: rectified_on, SupervisionTask.version: task["version"] + 1}
            )
            .where(
                (SupervisionTask.id == task_id)
                & (SupervisionTask.outcome == "rectify")
                & SupervisionTask.rectified_on.is_null()
            )
            .returning(SupervisionTask.id)
            .run()
        )
        if not updated:
            raise ProcedureRefused("task", Reason("no_open_rectification"))
        event = None
        if task["status"] == PUBLISHED:
            event = Event(
                "supervision_result", "rectified", task_id, (await public.published_results(task_id=task_id))[0]
            )
        await record_changed(
            event,
            Audit(by.username, "supervision.rectified", "supervision_task", task_id, {"rectified_on": rectified_on}),
            institutions=[task["institution"]],
        )
    return await task_in_scope(task_id, by)


# --------------------------------------------------------------------------- the dashboard


@dataclass(frozen=True, slots=True)
class Overdue:
    """What the district dashboard shows as late: tasks not inspected by their due date, results not published
    within the policy's working days, ordered rectifications past their deadline without confirmation; and, beside
    them, the unpublished results whose deadline was counted before its year's official calendar was published."""

    inspections: list[dict[str, Any]]
    publications: list[dict[str, Any]]
    rectifications: list[dict[str, Any]]
    unconfirmed: list[dict[str, Any]]


async def tasks(by: Principal, month: str | None = None) -> list[dict[str, Any]]:
    """The tasks in the principal's scope (a district regulator: its district), newest month first, with the home
    and the inspectors' names (regulators see them in full)."""
    query = (
        SupervisionTask.select(
            *SupervisionTask.all_columns(),
            SupervisionTask.institution.uscc.as_alias("uscc"),
            SupervisionTask.institution.name.as_alias("name"),
        )
        .order_by(SupervisionTask.month, ascending=False)
        .order_by(SupervisionTask.id)
    )
    if by.role == "district_regulator":
        query = query.where(SupervisionTask.district_code == by.district_code)
    if month:
        query = query.where(SupervisionTask.month == month)
    rows = await query.output(load_json=True).run()
    people = await public.inspectors_by_id(i for r in rows for i in r["inspectors"])
    on = today()
    return [
        {
            **r,
            "inspector_names": [people[i]["name"] for i in r["inspectors"] if i in people],
            "rectification": public.rectification_state(r, on),
        }
        for r in rows
    ]


async def overdue(by: Principal, on: date | None = None) -> Overdue:
    on = on or today()
    rows = await tasks(by)
    return Overdue(
        inspections=[t for t in rows if t["status"] == OPEN and t["due_on"] < on],
        publications=[t for t in rows if t["status"] == RECORDED and t["publish_by"] and t["publish_by"] < on],
        rectifications=[t for t in rows if public.rectification_state(t, on) == "overdue"],
        unconfirmed=[t for t in rows if t["status"] == RECORDED and t["publish_by"] and not t["publish_by_confirmed"]],
    )


async def agencies() -> list[tuple[str, str, str]]:
    """(code, Chinese name, English name) of the agencies an inspector may belong to."""
    rows = await Agency.select(Agency.code, Agency.name_zh, Agency.name_en).order_by(Agency.id).run()
    return [(r["code"], r["name_zh"], r["name_en"]) for r in rows]
