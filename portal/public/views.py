"""Plain data for the public templates: profiles, comparisons, the chart, the policy explained.

Everything here reads through credit's services and queries and returns dicts and lists; templates
never see a query object. No person's full name or ID number is ever put in a view.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from credit.listings import rules
from credit.public import queries as public_queries
from credit.registry.districts import district_name
from credit.registry.offers import CARE_LEVELS, SERVICES, from_column, label
from portal.public.about_rules import about_rules
from scoring import (
    FIRE_AREAS,
    NOTE_CODES,
    Grading as GradingFacts,
    Policy,
    grading_expires_on,
    grading_is_valid,
    publication_months,
)
from scoring.labels import FIRE_AREAS_EN

PUBLIC_INSTITUTION_FIELDS = ("id", "uscc", "name", "district_code", "address", "beds", "owner_type", "status")


def decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def level_words(level: str) -> str:
    """The message id of a credit level's word (translated in the templates)."""
    return {"A": "Excellent", "B": "Good", "C": "Fair", "D": "Poor"}.get(level, "Not rated")


def level_band(level: str, policy: Policy) -> tuple[Decimal, Decimal | None]:
    """(lowest score, lowest score of the next better level) of `level` under the policy."""
    names = list(policy.levels)
    if level not in policy.levels:
        return Decimal(0), None
    index = names.index(level)
    better = policy.levels[names[index - 1]] if index > 0 else None
    return policy.levels[level], better


def contribution_rows(contributions: list[Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    rows = []
    for c in contributions:
        points = decimal(c.get("points")) or Decimal(0)
        rows.append(
            {
                "code": c["code"],
                "label": c.get("label_en") if lang == "en" and c.get("label_en") else c.get("label"),
                "points": points,
                "records": len(c.get("records") or ()),
            }
        )
    return rows


def current_grading(gradings: Sequence[Mapping[str, Any]], policy: Policy, on: date) -> dict[str, Any]:
    """{valid: latest grading still valid or None, lapsed: the latest lapsed one when none is valid}."""
    usable = [g for g in gradings if not g["revoked"] and g["decided_on"] <= on]
    facts = {g["id"]: GradingFacts(id=g["id"], decided_on=g["decided_on"], level=g["level"]) for g in usable}
    valid = [g for g in usable if grading_is_valid(facts[g["id"]], policy, on)]
    latest_valid = max(valid, key=lambda g: (g["decided_on"], g["level"]), default=None)
    lapsed = None
    if latest_valid is None and usable:
        lapsed = max(usable, key=lambda g: g["decided_on"])
        lapsed = {**lapsed, "expires_on": grading_expires_on(facts[lapsed["id"]], policy)}
    if latest_valid:
        latest_valid = {**latest_valid, "expires_on": grading_expires_on(facts[latest_valid["id"]], policy)}
    return {"valid": latest_valid, "lapsed": lapsed}


# The chart's geometry (SVG user units = CSS pixels: the SVG is drawn at its own size and scrolls sideways on a
# narrow screen, so a label of 16 units is 16 px on every screen). Elderly mode: 24 px labels, a larger chart.
CHART_SIZES = {
    False: {"width": 640, "height": 300, "font": 16, "left": 56, "right": 40, "top": 16, "bottom": 48},
    True: {"width": 760, "height": 400, "font": 24, "left": 76, "right": 56, "top": 20, "bottom": 64},
}


def _bands(policy: Policy) -> list[tuple[str, Decimal, Decimal]]:
    """(level, lowest score, upper bound) of each level, best first; the best level's bound is the maximum."""
    levels = list(policy.levels.items())
    out = []
    for index, (name, minimum) in enumerate(levels):
        upper = levels[index - 1][1] if index else policy.score.maximum
        out.append((name, max(Decimal(minimum), policy.score.minimum), Decimal(upper)))
    return out


def _plotted(score: Decimal, level: str, bands: list[tuple[str, Decimal, Decimal]]) -> Decimal:
    """Where a point is drawn: its score, kept inside its level's band (a listed home is D whatever its score,
    so its point is drawn in the D band just below the next level; the table gives the real score)."""
    for index, (name, low, high) in enumerate(bands):
        if name == level:
            if index and score >= high:  # above its band (a veto or a cap): just below the better level
                return high - min(Decimal(2), (high - low) / 4)
            return max(score, low)
    return score


def _date_labels(count: int, width: float, font: int) -> list[int]:
    """The indices of the dates to label: all when they fit, else an even choice with the first and the last;
    each label about six font sizes wide (YYYY-MM-DD), with a gap."""
    fits = max(int(width // (font * 6.5)) + 1, 2)
    if count <= fits:
        return list(range(count))
    return sorted({round(k * (count - 1) / (fits - 1)) for k in range(fits)})


def chart(history: Sequence[Mapping[str, Any]], policy: Policy, elder: bool = False) -> dict[str, Any] | None:
    """The score history as SVG geometry: the y-axis from the policy's minimum to its maximum with each level's
    band shaded and labelled, one point per distinct day (that day's last score) evenly spaced, each day at most
    one x-axis label, a point drawn inside its level's band."""
    if not history:
        return None
    size = CHART_SIZES[elder]
    width, height, font = size["width"], size["height"], size["font"]
    left, right, top, bottom = size["left"], width - size["right"], size["top"], height - size["bottom"]
    low, high = float(policy.score.minimum), float(policy.score.maximum)
    span = (high - low) or 1.0

    def y(score: float) -> float:
        return round(top + (high - score) / span * (bottom - top), 1)

    last_of_day: dict[Any, Mapping[str, Any]] = {}
    for h in history:
        last_of_day[h["as_of"]] = h  # oldest first: the day's last point wins
    days = list(last_of_day.values())
    bands = _bands(policy)
    n = len(days)
    step = (right - left) / max(n - 1, 1)
    points = []
    for i, h in enumerate(days):
        x = round(left + (i * step if n > 1 else (right - left) / 2), 1)
        score = decimal(h["score"]) or Decimal(0)
        level = h["level"]
        points.append(
            {
                "x": x,
                "y": y(float(_plotted(score, level, bands))),
                "score": score,
                "level": level,
                "as_of": h["as_of"],
            }
        )
    labelled = _date_labels(n, right - left, font)
    ticks = [
        {
            "x": points[i]["x"],
            "as_of": points[i]["as_of"],
            "anchor": "middle" if 0 < i < n - 1 or n == 1 else ("start" if i == 0 else "end"),
        }
        for i in labelled
    ]
    shaded = [
        {
            "level": name,
            "y": y(float(upper)),
            "height": round(y(float(minimum)) - y(float(upper)), 1),
            "label_y": round((y(float(minimum)) + y(float(upper))) / 2 + font * 0.35, 1),
        }
        for name, minimum, upper in bands
    ]
    thresholds = sorted({float(policy.score.minimum), float(policy.score.maximum), *(float(m) for _, m, _ in bands)})
    return {
        "width": width,
        "height": height,
        "font": font,
        "left": left,
        "right": right,
        "bottom": bottom,
        "top": top,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "shaded": shaded,
        "bands": [{"score": Decimal(str(t)), "y": y(t) + font * 0.35} for t in thresholds],
        "ticks": ticks,
        "tick_y": bottom + font + 8,
        "first": points[0],
        "last": points[-1],
    }


def _codes(value: str | list[str] | None) -> list[str] | None:
    """A set field as codes, from a document (a list) or a search row (`,a,b,`); None: not reported."""
    return from_column(value) if isinstance(value, str) else value


def map_links(district: str, address: str) -> dict[str, str] | None:
    """Links that open the address in the visitor's map app (`geo:`, which phones hand to their map app) and in
    a web map's search: plain links, no map script on our pages. The district's Chinese name goes first, as map
    searches in China expect. None without an address."""
    if not address.strip():
        return None
    place = address.strip() if district in address else f"{district}{address.strip()}"
    query = quote(place, safe="")
    return {"geo": f"geo:0,0?q={query}", "web": f"https://uri.amap.com/search?keyword={query}&src=eldercredit"}


def contact_and_offers(record: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """How to reach a home and what it offers, for a result card, the profile and the comparison, from a
    profile document or a search row alike. None in a field: not reported (shown so, never as 0 or none)."""
    address = record.get("address") or ""
    phone = record.get("phone") or ""
    services, care_levels = _codes(record.get("services")), _codes(record.get("care_levels"))
    low, high = record.get("fee_min"), record.get("fee_max")
    return {
        "address": address,
        "phone": phone,
        "tel": re.sub(r"[^0-9+]", "", phone.split("转")[0].split("ext")[0]),
        "district_name": district_name(record["district_code"], lang),
        "map": map_links(district_name(record["district_code"], "zh"), address),
        "services": None if services is None else [label(SERVICES, c, lang) for c in services],
        "care_levels": None if care_levels is None else [label(CARE_LEVELS, c, lang) for c in care_levels],
        "fee": None if low is None and high is None else {"low": low, "high": high},
        "website": record.get("website") or None,
    }


def _day(value: Any) -> date | None:
    return date.fromisoformat(value[:10]) if isinstance(value, str) and value else value or None


def outlook_rows(events: Sequence[Mapping[str, Any]], lang: str) -> dict[str, list[dict[str, Any]]]:
    """The outlook of a document as the page shows it: {timed: the days the score changes by itself, actions:
    what would raise it}, each with its text in the page's language."""
    rows = [
        {
            **e,
            "on": _day(e["on"]),
            "deadline": _day(e.get("deadline")),
            "score": decimal(e["score"]),
            "text": e["text_en"] if lang == "en" else e["text"],
        }
        for e in events
    ]
    return {"timed": [r for r in rows if r["timed"]], "actions": [r for r in rows if not r["timed"]]}


def history_rows(points: Sequence[Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The score history with each point's change in words in the page's language (empty before the texts)."""
    out = []
    for h in points:
        change = h.get("change") or {}
        out.append(
            {
                **h,
                "score": decimal(h["score"]),
                "as_of": _day(h["as_of"]),
                "why": change.get("text_en" if lang == "en" else "text", ""),
            }
        )
    return out


def profile_of(doc: Mapping[str, Any], policy: Policy, on: date, lang: str, elder: bool = False) -> dict[str, Any]:
    """Everything the institution page shows, from one projection row's document: the level, the reasons
    and the facts come from the same row, so the page never mixes an old level with new records."""
    institution = {k: doc[k] for k in PUBLIC_INSTITUTION_FIELDS}
    institution["district_name"] = district_name(doc["district_code"], lang)
    institution["offers"] = contact_and_offers(doc, lang)
    credit = doc["credit"]
    contributions = contribution_rows(credit["contributions"], lang)
    level = credit["level"] or ""
    minimum, better = level_band(level, policy)
    history = history_rows(doc["score_history"], lang)
    gradings = [{**g, "decided_on": _day(g["decided_on"])} for g in doc["gradings"]]
    fire = doc["fire"]
    return {
        "institution": institution,
        "credit": {
            "level": level,
            "words": level_words(level),
            "score": decimal(credit["score"]),
            "as_of": _day(credit["as_of"]),
            "policy_version": credit["policy_version"],
            "minimum": minimum,
            "better": better,
            "veto": any(c["code"] == "listed" for c in contributions),
            "contributions": contributions,
            "lowered": sorted(
                (c for c in contributions if c["points"] < 0 and c["code"] not in NOTE_CODES), key=lambda c: c["points"]
            ),
            "caps": [c for c in contributions if c["code"].startswith("cap.")],
            "notes": [c for c in contributions if c["code"] in NOTE_CODES],
        },
        "grading": current_grading(gradings, policy, on),
        "fire": {
            "status": fire["status"],
            "inspected_on": _day(fire["inspected_on"]),
            "failed_areas": [area_name(a, lang) for a in fire["failed_areas"]],
            "open_hazards": fire["open_hazards"],
            "inspection_due": fire.get("inspection_due", False),
            "inspection_months": policy.fire.recent_inspection_months,
        },
        "penalties": doc["penalties"],
        "listed": [{**e, "behaviour_text": behaviour_text(e["behaviour"], lang)} for e in doc["listed"]],
        "supervision": [
            {**r, "inspected_on": _day(r["inspected_on"]), "rectify_by": _day(r["rectify_by"])}
            for r in doc.get("supervision", [])
        ],
        "history": history,
        "chart": chart(history, policy, elder),
        "outlook": outlook_rows(doc.get("outlook", []), lang),
        "feedback": doc.get("feedback", []),  # monthly counts only (credit.public.feedback_stats)
    }


async def profile(uscc: str, policy: Policy, on: date, lang: str) -> dict[str, Any]:
    """The institution page's data: one read of the home's projection row. Raises NotFound."""
    return profile_of(await public_queries.profile(uscc), policy, on, lang)


def area_name(code: str, lang: str) -> str:
    if lang == "en":
        return FIRE_AREAS_EN.get(code, code)
    return FIRE_AREAS.get(code, code)


def behaviour_text(code: str, lang: str) -> str:
    zh, en = rules.BEHAVIOURS.get(code, (code, code))
    return en if lang == "en" else zh


def about(policy: Policy) -> dict[str, Any]:
    """The policy in force, as numbers for the about page (nothing here is written by hand)."""
    levels = list(policy.levels.items())
    bands = []
    for i, (name, minimum) in enumerate(levels):
        upper = levels[i - 1][1] if i > 0 else None
        bands.append({"level": name, "words": level_words(name), "minimum": minimum, "below": upper})
    severities = []
    for severity in ("minor", "general", "serious"):
        r = policy.penalties.for_severity(severity)
        fire_low, fire_high = publication_months(severity, True, policy)
        severities.append(
            {
                "severity": severity,
                "points": r.points,
                "minimum_months": r.minimum_months,
                "maximum_months": r.maximum_months,
                "fire_minimum_months": fire_low,
                "fire_maximum_months": fire_high,
            }
        )
    return {
        "version": policy.version,
        "effective_from": policy.effective_from,
        "score": policy.score,
        "bands": bands,
        "grading_points": sorted(policy.grading.points.items(), reverse=True),
        "grading": policy.grading,
        "fire": policy.fire,
        "critical_areas": [
            {"code": a, "zh": FIRE_AREAS[a], "en": FIRE_AREAS_EN[a]}
            for a in FIRE_AREAS
            if a in policy.fire.critical_areas
        ],
        "severities": severities,
        "penalties": policy.penalties,
        "listing": policy.listing,
        "order36": order36_about(policy),
        "rules": about_rules(policy),
    }


def order36_about(policy: Policy) -> dict[str, Any] | None:
    """The Order No. 36 classes, classification table and repair time of the policy (None before it)."""
    rules = policy.order36
    if rules is None:
        return None
    table = rules.classification
    fines, previous = [], None
    for up_to, severity in table.fine_thresholds:
        fines.append({"up_to": up_to, "above": None, "severity": severity})
        previous = up_to
    if previous is not None:
        fines.append({"up_to": None, "above": previous, "severity": table.fine_above_thresholds})
    return {
        "publish_minor": rules.publish_minor,
        "windows": rules.legal_windows,
        "kinds": [{"kind": k, "severity": v} for k, v in table.kinds.items()],
        "fine_kinds": "、".join(sorted(table.fine_kinds)),
        "fines": fines,
        "unknown": table.unknown,
        "repair_days": rules.repair_decision_working_days,
    }
