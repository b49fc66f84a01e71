"""What of the supervision loop is public (一公开), defined once: each published inspection result with the home,
the date, the inspectors masked (surname + *, certificate number with its middle hidden; never a login name), the
outcome and the rectification deadline with whether it was met, the publication deadline (marked when counted
before the year's official calendar was published) and the day of the latest correction; the monthly statistics
by district; and the published draws. The portal page, its CSV, the agency feed, the daily disclosure and the
profile all read here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from credit.csv_safe import csv_text
from credit.identifiers import mask_free_text, mask_name
from credit.supervision.tables import InspectionDraw, Inspector, SupervisionTask
from credit.timeutil import today

OUTCOMES = ("no_problem", "rectify", "interview", "case_opened")
OUTCOME_NAMES = {
    "no_problem": ("未发现问题", "No problem found"),
    "rectify": ("责令整改", "Ordered to rectify"),
    "interview": ("约谈", "Interview (约谈)"),
    "case_opened": ("立案调查", "Case opened"),
}
STATISTICS = ("checks", "with_problems", "rectification_notices", "interviews", "cases", "rectified_on_time")


def mask_certificate(number: str) -> str:
    """A law-enforcement certificate number (执法证号) with its middle hidden: first 2 and last 3 kept."""
    number = number.strip()
    if len(number) <= 5:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 5) + number[-3:]


def public_inspector(row: dict[str, Any]) -> dict[str, str]:
    return {"name": mask_name(row["name"]), "certificate": mask_certificate(row["certificate_number"])}


def rectification_state(task: dict[str, Any], on: date) -> str:
    """ "" (nothing ordered), "on_time", "late" (confirmed after the deadline), "overdue", or "pending"."""
    if task["outcome"] != "rectify" or task["rectify_by"] is None:
        return ""
    if task["rectified_on"] is not None:
        return "on_time" if task["rectified_on"] <= task["rectify_by"] else "late"
    return "overdue" if task["rectify_by"] < on else "pending"


def public_result(task: dict[str, Any], inspectors: dict[int, dict[str, Any]], on: date) -> dict[str, Any]:
    """One published result as the public sees it (also the payload of the feed event)."""
    return {
        "task": task["id"],
        "month": task["month"],
        "uscc": task["uscc"],
        "institution_name": task["name"],
        "district_code": task["district_code"],
        "inspected_on": task["inspected_on"],
        "kind": task["kind"],
        "inspectors": [public_inspector(inspectors[i]) for i in task["inspectors"] if i in inspectors],
        "outcome": task["outcome"],
        "findings": mask_free_text(task["findings"] or ""),
        "rectify_by": task["rectify_by"],
        "rectified_on": task["rectified_on"],
        "rectification": rectification_state(task, on),
        "published_on": task["published_on"],
        "publish_by": task["publish_by"],
        "publish_by_confirmed": task["publish_by_confirmed"],
        "corrected_on": task["corrected_on"],
    }


async def inspectors_by_id(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return {}
    rows = (
        await Inspector.select(Inspector.id, Inspector.name, Inspector.certificate_number)
        .where(Inspector.id.is_in(wanted))
        .run()
    )
    return {r["id"]: r for r in rows}


def _task_columns():
    return (
        *SupervisionTask.all_columns(),
        SupervisionTask.institution.uscc.as_alias("uscc"),
        SupervisionTask.institution.name.as_alias("name"),
    )


async def published_results(
    month: str | None = None,
    institution_ids: list[int] | None = None,
    task_id: int | None = None,
    on: date | None = None,
    published_on: date | None = None,
) -> list[dict[str, Any]]:
    """The published results of a month (or of some homes, one task, or published or corrected on one day), by
    district."""
    on = on or today()
    query = SupervisionTask.select(*_task_columns()).where(SupervisionTask.status == "published")
    if month is not None:
        query = query.where(SupervisionTask.month == month)
    if institution_ids is not None:
        query = query.where(SupervisionTask.institution.is_in(institution_ids or [0]))
    if task_id is not None:
        query = query.where(SupervisionTask.id == task_id)
    if published_on is not None:
        query = query.where(
            (SupervisionTask.published_on == published_on) | (SupervisionTask.corrected_on == published_on)
        )
    rows = await query.order_by(SupervisionTask.district_code).order_by(SupervisionTask.id).output(load_json=True).run()
    inspectors = await inspectors_by_id(i for r in rows for i in r["inspectors"])
    return [public_result(r, inspectors, on) for r in rows]


async def results_by_institution(ids: list[int], on: date) -> dict[int, list[dict[str, Any]]]:
    """Each home's published results, newest first (the `supervision` part of its public profile)."""
    found: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    rows = (
        await SupervisionTask.select(SupervisionTask.id, SupervisionTask.institution)
        .where((SupervisionTask.status == "published") & SupervisionTask.institution.is_in(ids or [0]))
        .run()
    )
    owners = {r["id"]: r["institution"] for r in rows}
    if owners:
        for result in await published_results(institution_ids=sorted(set(owners.values())), on=on):
            found[owners[result["task"]]].append(result)
    for results in found.values():
        results.sort(key=lambda r: (r["month"], r["task"]), reverse=True)
    return found


@dataclass(frozen=True, slots=True)
class DistrictStatistics:
    """One district's counts ("" is the whole city)."""

    district_code: str
    checks: int = 0
    with_problems: int = 0
    rectification_notices: int = 0
    interviews: int = 0
    cases: int = 0
    rectified_on_time: int = 0


def statistics_of(results: list[dict[str, Any]]) -> list[DistrictStatistics]:
    """Per district, as the seed report counts them: checks done, homes with problems, rectification notices,
    约谈, cases opened, rectifications confirmed by their deadline. A last row "" totals the city."""
    counts: dict[str, dict[str, int]] = {}
    for r in results:
        for code in (r["district_code"], ""):
            c = counts.setdefault(code, dict.fromkeys(STATISTICS, 0))
            c["checks"] += 1
            c["with_problems"] += r["outcome"] != "no_problem"
            c["rectification_notices"] += r["outcome"] == "rectify"
            c["interviews"] += r["outcome"] == "interview"
            c["cases"] += r["outcome"] == "case_opened"
            c["rectified_on_time"] += r["rectification"] == "on_time"
    ordered = sorted(code for code in counts if code) + ([""] if counts else [])
    return [DistrictStatistics(code, **counts[code]) for code in ordered]


async def statistics(month: str) -> list[DistrictStatistics]:
    return statistics_of(await published_results(month))


CSV_HEADER = (
    "区县代码 district code",
    "区县 district",
    "检查数 checks",
    "发现问题 homes with problems",
    "整改通知 rectification notices",
    "约谈 interviews",
    "立案 cases",
    "按期整改 rectified on time",
)


def statistics_csv(rows: list[DistrictStatistics], district_name: Callable[[str], str]) -> str:
    """The statistics as CSV through the one safe CSV writer; the city total (全市) is the last row."""
    return csv_text(
        CSV_HEADER,
        (
            [
                r.district_code,
                district_name(r.district_code) if r.district_code else "全市",
                *(getattr(r, k) for k in STATISTICS),
            ]
            for r in rows
        ),
    )


async def months_published() -> list[str]:
    """The months with a draw, newest first."""
    rows = await InspectionDraw.select(InspectionDraw.month).order_by(InspectionDraw.month, ascending=False).run()
    return [r["month"] for r in rows]


async def public_teams_of(inspectors: dict[str, list[Any]]) -> dict[str, list[dict[str, str]]]:
    """A draw's teams (uscc -> inspector ids) with the inspectors masked."""
    people = await inspectors_by_id(i for ids in inspectors.values() for i in ids if isinstance(i, int))
    return {uscc: [public_inspector(people[i]) for i in ids if i in people] for uscc, ids in inspectors.items()}
