"""What comes next, in words (接下来): the engine's outlook (scoring.outlook) described for people.

Pure. Two views of the same outlook, the split defined here once:
- `public_outlook`: what the profile document (and so the portal and the public API) carries. Penalties are
  named by decision number only while public; a hazard by its category (the public reasons already show it),
  never with its deadline.
- `home_outlook`: what the home itself sees on /my: the same events plus each open hazard's rectify-by day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from credit.public.history import number
from scoring import HAZARD_CATEGORIES, InstitutionFacts, Policy
from scoring.labels import HAZARD_CATEGORIES_EN
from scoring.outlook import Cause, Event, ListingTerm, outlook

_SEVERITY = {"minor": ("轻微", "minor"), "general": ("一般", "general"), "serious": ("严重", "serious")}


def listing_term(entries: Iterable[Mapping[str, Any]]) -> ListingTerm | None:
    """The list term of a home from its entries in force: the home leaves the list (and the D veto) when its
    last entry ends, and may have all removed early once the latest one allows it (both counted from the latest
    listing). None when not listed, or when an entry has no fixed end (a court's designation follows the court's
    list): then nothing about the list can be predicted."""
    listed = [e for e in entries if e.get("status") == "listed"]
    if not listed or any(not e.get("listed_on") or not e.get("expires_on") for e in listed):
        return None
    return ListingTerm(max(_date(e["listed_on"]) for e in listed), max(_date(e["expires_on"]) for e in listed))


def _date(value: Any) -> date:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


class _Words:
    def __init__(
        self, facts: InstitutionFacts, names: Mapping[Any, str], policy: Policy, on: date, private: bool
    ) -> None:
        self.on = on
        self.penalties = {p.id: p for p in facts.penalties}
        self.hazards = {h.id: h for h in facts.hazards}
        self.names = names
        self.policy = policy
        self.private = private

    def penalty(self, record: Any) -> tuple[str, str]:
        p = self.penalties.get(record)
        zh, en = _SEVERITY[p.severity] if p else ("", "")
        name = self.names.get(record)
        if name:
            return f"{zh}行政处罚 {name}", f"{en} penalty {name}"
        return f"一项{zh}行政处罚", f"a {en} penalty"

    def hazard(self, record: Any) -> tuple[str, str]:
        h = self.hazards.get(record)
        if h is None:
            return "重大事故隐患", "major accident hazard"
        return (
            f"重大事故隐患（{HAZARD_CATEGORIES[h.category]}）",
            f"major accident hazard ({HAZARD_CATEGORIES_EN[h.category]})",
        )

    def cause(self, cause: Cause, day: date, event: Event) -> tuple[str, str]:  # noqa: C901 - one line per kind
        k, r = cause.kind, cause.record
        months = self.policy.fire.recent_inspection_months
        if k == "penalty.halves":
            zh, en = self.penalty(r)
            return f"{zh}最短公示期满，扣分减半", f"{en} counts half (its minimum publication period ends)"
        if k == "penalty.ends":
            zh, en = self.penalty(r)
            return f"{zh}公示期满，不再计分", f"{en} stops counting (its publication period ends)"
        if k == "penalty.rectify":
            zh, en = self.penalty(r)
            return f"履行{zh}的义务并整改到位", f"meeting the obligations of {en} and correcting the conduct"
        if k == "penalty.repair":
            zh, en = self.penalty(r)
            if day <= self.on:
                return f"申请{zh}的信用修复（现在即可申请）", f"credit repair of {en} (may be applied for now)"
            return f"申请{zh}的信用修复（{day}起可申请）", f"credit repair of {en} (may be applied for from {day})"
        if k == "hazard.rectify":
            zh, en = self.hazard(r)
            if self.private and event.deadline:
                zh, en = f"整改{zh}，整改期限{event.deadline}", f"rectifying the {en}, due by {event.deadline}"
                h = self.hazards.get(r) if r is not None else None
                if h is not None and h.category == "fire":  # 民发〔2019〕103号 behaviour 4
                    zh += "（逾期未整改的重大火灾隐患可被列入失信联合惩戒对象名单）"
                    en += " (a major fire hazard left past its deadline can lead to listing)"
                return zh, en
            return f"整改{zh}", f"rectifying the {en}"
        if k == "grading":
            return f"参加等级评定并达到{event.grade}级及以上", f"a grading of {event.grade}★ or more"
        if k == "fire.inspection":
            return "通过消防安全检查（达标）", "a passed fire-safety inspection (compliant)"
        if k == "grading.lapses":
            return "等级评定有效期届满", "the grading lapses"
        if k == "fire.inspection_overdue":
            return f"距上次消防安全检查满{months}个月", f"{months} months since the last fire-safety inspection"
        if k == "cap.new_institution.ends":
            return f"运营满{self.policy.caps.new_institution_months}个月", (
                f"{self.policy.caps.new_institution_months} months in operation"
            )
        if k == "cap.new_institution.starts":
            return "开始运营", "the home starts operating"
        if k == "listing.ends":
            return "失信联合惩戒对象名单期满，自动移出", "the list entry expires (removed automatically)"
        if k == "listing.early_removal":
            if day <= self.on:
                return "申请提前移出名单（现在即可申请）", "early removal from the list (may be applied for now)"
            return f"申请提前移出名单（{day}起可申请）", f"early removal from the list (may be applied for from {day})"
        return k, k


def _described(event: Event, words: _Words) -> dict[str, Any]:
    phrases = [words.cause(c, event.on, event) for c in event.causes]
    predicted = f"预计{number(event.score)}分（{event.level}级）"
    predicted_en = f"predicted {number(event.score)} ({event.level})"
    if event.timed:
        text = f"{event.on}起：" + "；".join(p[0] for p in phrases) + f" → {predicted}"
        text_en = f"from {event.on}: " + "; ".join(p[1] for p in phrases) + f" → {predicted_en}"
    else:
        text = "；".join(p[0] for p in phrases) + f" → {predicted}"
        text_en = "; ".join(p[1] for p in phrases) + f" → {predicted_en}"
    out: dict[str, Any] = {
        # an action open already has no date: the document stays the same from day to day until a fact changes
        "on": event.on if event.timed or event.on > words.on else None,
        "timed": event.timed,
        "kinds": [c.kind for c in event.causes],
        "score": event.score,
        "level": event.level,
        "text": text,
        "text_en": text_en,
    }
    if words.private:
        out["deadline"] = event.deadline
    return out


def _build(
    facts: InstitutionFacts,
    policy: Policy,
    on: date,
    entries: Iterable[Mapping[str, Any]],
    public_penalties: Iterable[Mapping[str, Any]],
    private: bool,
) -> list[dict[str, Any]]:
    names = {p["id"]: p["decision_number"] for p in public_penalties if p.get("decision_number")}
    found = outlook(facts, policy, on, listing_term(entries))
    words = _Words(facts, names, policy, on, private)
    return [_described(e, words) for e in (*found.events, *found.actions)]


def public_outlook(
    facts: InstitutionFacts,
    policy: Policy,
    on: date,
    entries: Iterable[Mapping[str, Any]],
    public_penalties: Iterable[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """The outlook as the public sees it: timed events first (date order), then the actions (`timed` false),
    each `{on, timed, kinds, score, level, text, text_en}` (`on` null for an action open now); only public
    records named, no hazard deadline."""
    return _build(facts, policy, on, entries, public_penalties, private=False)


async def outlook_of_home(
    institution_id: int, entries: Iterable[Mapping[str, Any]], penalties: Iterable[Mapping[str, Any]], on: date
) -> list[dict[str, Any]]:
    """The home's own outlook on `on` (for /my): its facts loaded from the tables (credit.public.facts), its list
    entries and its own penalties (all named: the home sees its own record)."""
    from credit.public.facts import load_facts  # the loader reads tables; the rest of this module is pure
    from scoring import policy_for

    facts = (await load_facts([institution_id], on))[institution_id]
    return home_outlook(facts, policy_for(on), on, entries, penalties)


def home_outlook(
    facts: InstitutionFacts,
    policy: Policy,
    on: date,
    entries: Iterable[Mapping[str, Any]],
    penalties: Iterable[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """The outlook as the home sees it on /my: as `public_outlook`, plus each event's `deadline` (an open
    hazard's rectify-by day) in the texts and fields; the home's own penalties named (`penalties`: its rows)."""
    return _build(facts, policy, on, entries, penalties, private=True)
