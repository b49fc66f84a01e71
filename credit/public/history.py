"""What changed, in words: each point of the score history explained from the point before it.

Pure. A stored score (credit_score) keeps the assessment's contributions (code, labels, points, records), so
the difference between two consecutive points is the lines that appeared, went or changed their points. Only
public records are named: a penalty by its decision number while the public sees it (the penalties of the
document, credit.public.view); anything else by its reason's label alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from scoring import NOTE_CODES

_QUIET = {"base", *NOTE_CODES}  # lines that never explain a change by themselves


def number(value: Any) -> str:
    """A score or points as people write them: 92, 77.5, -7.5."""
    d = Decimal(str(value)).normalize()
    return f"{d:f}" if d != d.to_integral() else str(d.quantize(Decimal(1)))


def _key(c: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]]:
    return c["code"], tuple(c.get("records") or ())


def _lines(contributions: Iterable[Mapping[str, Any]] | None) -> dict[tuple[str, tuple[Any, ...]], Mapping[str, Any]]:
    return {_key(c): c for c in contributions or () if c["code"] not in _QUIET}


def _name(c: Mapping[str, Any], names: Mapping[Any, str]) -> str | None:
    if c["code"].startswith("penalty."):
        found = [names[r] for r in c.get("records") or () if r in names]
        return "、".join(found) or None
    return None


def changes(
    before: Sequence[Mapping[str, Any]] | None, after: Sequence[Mapping[str, Any]], names: Mapping[Any, str]
) -> list[dict[str, Any]]:
    """The lines that differ between two assessments' contributions: `added` (with its points), `removed`
    (with the points given back) and `changed` (the difference), biggest effect first."""
    old, new = _lines(before), _lines(after)
    items = []
    for key, c in new.items():
        was = old.get(key)
        points = Decimal(str(c["points"]))
        if was is None:
            items.append(_item("added", c, points, names))
        elif Decimal(str(was["points"])) != points:
            items.append(_item("changed", c, points - Decimal(str(was["points"])), names))
    for key, c in old.items():
        if key not in new:
            items.append(_item("removed", c, -Decimal(str(c["points"])), names))
    return sorted(items, key=lambda i: (-abs(i["points"]), i["code"]))


def _item(what: str, c: Mapping[str, Any], points: Decimal, names: Mapping[Any, str]) -> dict[str, Any]:
    return {
        "what": what,
        "code": c["code"],
        "label": c.get("label", ""),
        "label_en": c.get("label_en", ""),
        "points": points,
        "record": _name(c, names),
    }


_WHAT = {
    "added": ("新增：{label}", "{label}"),
    "removed": ("不再计分：{label}", "{label} stopped counting"),
    "changed": ("计分变化：{label}", "{label} now counts differently"),
}


def _phrase(item: Mapping[str, Any]) -> tuple[str, str]:
    zh, en = _WHAT[item["what"]]
    record = f" {item['record']}" if item["record"] else ""
    points = item["points"]
    shown = f"（{'+' if points > 0 else ''}{number(points)}）" if points else ""
    shown_en = f" ({'+' if points > 0 else ''}{number(points)})" if points else ""
    return (
        zh.format(label=item["label"]) + record + shown,
        en.format(label=item["label_en"] + record) + shown_en,
    )


def explain(point: Mapping[str, Any], previous: Mapping[str, Any] | None, names: Mapping[Any, str]) -> dict[str, Any]:
    """The `change` of one history point: direction (first | rose | fell | same), the previous score, the items
    that changed, and one sentence in Chinese (`text`) and English (`text_en`)."""
    score, day = Decimal(str(point["score"])), str(point["as_of"])
    if previous is None:
        return {
            "direction": "first",
            "from": None,
            "items": [],
            "text": f"{day}首次评价：{number(score)}分（{point['level']}级）",
            "text_en": f"first assessed on {day}: {number(score)} ({point['level']})",
        }
    before = Decimal(str(previous["score"]))
    items = changes(previous.get("contributions"), point.get("contributions") or (), names)
    direction = "rose" if score > before else "fell" if score < before else "same"
    if direction == "same":
        head = f"{day}分数不变（{number(score)}分）"
        head_en = f"unchanged at {number(score)} on {day}"
    else:
        head = f"{day}由{number(before)}分{'升至' if direction == 'rose' else '降至'}{number(score)}分"
        head_en = f"{direction} from {number(before)} to {number(score)} on {day}"
    if point["level"] != previous["level"]:
        head += f"，等级{previous['level']}→{point['level']}"
        head_en += f", level {previous['level']} → {point['level']}"
    if point.get("policy_version") != previous.get("policy_version"):
        items.append(
            {
                "what": "policy",
                "code": "policy",
                "label": f"评价办法{point.get('policy_version')}施行",
                "label_en": f"rules version {point.get('policy_version')} took effect",
                "points": Decimal(0),
                "record": None,
            }
        )
    phrases = [(i["label"], i["label_en"]) if i["what"] == "policy" else _phrase(i) for i in items]
    return {
        "direction": direction,
        "from": previous["score"],
        "items": items,
        "text": head + ("：" + "；".join(p[0] for p in phrases) if phrases else ""),
        "text_en": head_en + (": " + "; ".join(p[1] for p in phrases) if phrases else ""),
    }


def explained(
    history: Sequence[Mapping[str, Any]], public_penalties: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The score history as the document sends it: each point's stored fields (as_of, score, level,
    policy_version) plus its `change`; the stored contributions themselves stay out of the document."""
    names = {p["id"]: p["decision_number"] for p in public_penalties if p.get("decision_number")}
    out = []
    previous: Mapping[str, Any] | None = None
    for point in history:
        shown = {k: v for k, v in point.items() if k != "contributions"}
        out.append({**shown, "change": explain(point, previous, names)})
        previous = point
    return out
