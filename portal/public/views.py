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
from portal.workspace.labels import AREAS
from scoring import (
    FIRE_AREAS,
    NOTE_CODES,
    Grading as GradingFacts,
    Policy,
    grading_expires_on,
    grading_is_valid,
    publication_months,
)

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


def chart(history: Sequence[Mapping[str, Any]], policy: Policy) -> dict[str, Any] | None:
    """The score history as SVG geometry (viewBox 0 0 600 240): points, threshold lines and labels."""
    if not history:
        return None
    width, height, left, right, top, bottom = 600, 240, 48, 16, 16, 40
    low, high = float(policy.score.minimum), float(policy.score.maximum)
    span = (high - low) or 1.0

    def y(score: float) -> float:
        return round(top + (high - score) / span * (height - top - bottom), 1)

    n = len(history)
    step = (width - left - right) / max(n - 1, 1)
    points = []
    for i, h in enumerate(history):
        x = round(left + (i * step if n > 1 else (width - left - right) / 2), 1)
        points.append(
            {"x": x, "y": y(float(h["score"])), "score": decimal(h["score"]), "level": h["level"], "as_of": h["as_of"]}
        )
    bands = [
        {"level": name, "y": y(float(minimum)), "score": minimum}
        for name, minimum in policy.levels.items()
        if float(minimum) > low
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "bottom": height - bottom,
        "top": top,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "bands": bands,
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


def profile_of(doc: Mapping[str, Any], policy: Policy, on: date, lang: str) -> dict[str, Any]:
    """Everything the institution page shows, from one projection row's document: the level, the reasons
    and the facts come from the same row, so the page never mixes an old level with new records."""
    institution = {k: doc[k] for k in PUBLIC_INSTITUTION_FIELDS}
    institution["district_name"] = district_name(doc["district_code"], lang)
    institution["offers"] = contact_and_offers(doc, lang)
    credit = doc["credit"]
    contributions = contribution_rows(credit["contributions"], lang)
    level = credit["level"] or ""
    minimum, better = level_band(level, policy)
    history = [{**h, "score": decimal(h["score"]), "as_of": _day(h["as_of"])} for h in doc["score_history"]]
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
        "chart": chart(history, policy),
        "feedback": doc.get("feedback", []),  # monthly counts only (credit.public.feedback_stats)
    }


async def profile(uscc: str, policy: Policy, on: date, lang: str) -> dict[str, Any]:
    """The institution page's data: one read of the home's projection row. Raises NotFound."""
    return profile_of(await public_queries.profile(uscc), policy, on, lang)


def area_name(code: str, lang: str) -> str:
    names = AREAS.get(code, (code, code))
    return names[1] if lang == "en" else names[0]


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
            {"code": a, "zh": AREAS[a][0], "en": AREAS[a][1]} for a in FIRE_AREAS if a in policy.fire.critical_areas
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
