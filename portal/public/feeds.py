"""Subscribe (订阅): an Atom feed per home and one for the joint-punishment list.

A home's feed (`/institutions/{uscc}/feed.atom`) has an entry for each change of its credit level (the score
history), each public penalty, grading and fire inspection, and each listing and removal; the list's feed
(`/listings/feed.atom`, also `/listing/feed.atom`) the listings in force and the removals. Everything comes from
the public read side (the home's projection document and credit.public.listed), so nothing the public may not see
can appear, and free text is masked as on the profile. Titles and summaries follow the visitor's language
(`?lang=en`). Cached like the pages: a home's feed under its projection row's own version, the list's feed under
the change feed's tail.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import msgspec
from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response

from credit.clock import Clock
from credit.errors import NotFound
from credit.public import queries as public_queries
from credit.public.listed import listed_entries, removed_entries
from portal.public import atom, caching
from portal.public.i18n import DEFAULT_LANGUAGE, LANGUAGES, number
from portal.public.pages import not_found_page, page
from portal.public.preferences import Preferences
from portal.public.views import area_name, behaviour_text

MAX_ENTRIES = 50

# (zh, en) of every text a feed writes; the catalogs in portal/i18n hold the pages' texts.
TEXTS: dict[str, tuple[str, str]] = {
    "home_title": ("{name}：信用信息动态", "{name}: credit updates"),
    "home_subtitle": (
        "信用等级变化、新公开的行政处罚、等级评定、消防检查和失信联合惩戒名单变化",
        "Changes of the credit level, newly public penalties, gradings, fire inspections and list changes",
    ),
    "list_title": ("失信联合惩戒名单：列入与移出", "Joint-punishment list: listings and removals"),
    "list_subtitle": (
        "养老服务领域失信联合惩戒对象名单的列入与移出（人员姓名已遮蔽）",
        "Listings on and removals from the eldercare joint-punishment list (persons' names masked)",
    ),
    "author": ("养老机构信用信息公示", "Eldercare home credit information"),
    "level_first": ("信用等级评定为 {level}（{score} 分）", "Credit level {level} (score {score})"),
    "level_changed": (
        "信用等级由 {previous} 变为 {level}（{score} 分）",
        "Credit level changed from {previous} to {level} (score {score})",
    ),
    "level_summary": (
        "{name} 自 {day} 起信用等级为 {level}，得分 {score}（评分规则 {policy}）。",
        "From {day} {name} has credit level {level}, score {score} (rules version {policy}).",
    ),
    "penalty_title": ("行政处罚：{number}（{severity}）", "Administrative penalty {number} ({severity})"),
    "penalty_summary": (
        "{agency} 于 {day} 作出处罚决定。违法事实：{facts}。处罚：{content}。公示至 {end}。",
        "Decided by {agency} on {day}. Facts: {facts}. Penalty: {content}. Public until {end}.",
    ),
    "grading_title": ("等级评定：{level} 星", "Grading: {level} stars"),
    "grading_summary": ("评定日期 {day}，有效期至 {expires}。", "Decided on {day}, valid until {expires}."),
    "inspection_title": ("消防安全检查：{outcome}", "Fire-safety inspection: {outcome}"),
    "inspection_summary": ("检查日期 {day}。{failed}{hazards}", "Inspected on {day}. {failed}{hazards}"),
    "inspection_failed": ("未通过：{areas}。", "Failed: {areas}. "),
    "inspection_hazards": ("发现重大事故隐患 {count} 项。", "{count} major accident hazard(s) found."),
    "listed_title": ("列入失信联合惩戒名单：{name}", "Put on the joint-punishment list: {name}"),
    "listed_summary": (
        "{subject}自 {day} 起列入名单{until}。失信行为：{behaviour}。{basis}",
        "{subject} listed from {day}{until}. Conduct: {behaviour}. {basis}",
    ),
    "until": ("，至 {day}", " until {day}"),  # a court's designation has no end of its own
    "removed_title": ("移出失信联合惩戒名单：{name}", "Removed from the joint-punishment list: {name}"),
    "removed_summary": (
        "{subject}于 {day} 移出名单（{reason}），此前自 {listed} 起列入。失信行为：{behaviour}。",
        "{subject} removed on {day} ({reason}); listed from {listed}. Conduct: {behaviour}.",
    ),
    "basis": ("依据：{numbers}。", "Basis: {numbers}."),
    "institution_subject": ("{name}", "{name}"),
    "person_subject": ("{name}（人员：{person}）", "{name} (person: {person})"),
}
WORDS: dict[str, tuple[str, str]] = {
    "minor": ("轻微", "minor"),
    "general": ("一般", "general"),
    "serious": ("严重", "serious"),
    "compliant": ("达标", "compliant"),
    "basically_compliant": ("基本达标", "basically compliant"),
    "non_compliant": ("不达标", "non-compliant"),
    "expired": ("期满", "expired"),
    "repaired": ("信用修复", "credit repaired"),
    "revoked_basis": ("依据被撤销", "basis revoked"),
    "error": ("错误列入", "listed in error"),
    "court_removed": ("法院已移出", "removed by the court"),
}


def text(key: str, lang: str, **values: Any) -> str:
    zh, en = TEXTS[key]
    return (en if lang == "en" else zh).format(**values)


def word(code: str | None, lang: str) -> str:
    zh, en = WORDS.get(code or "", (code or "—", code or "—"))
    return en if lang == "en" else zh


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10]) if isinstance(value, str) and value else None


class Links:
    """Absolute URLs of the pages entries point to, in the feed's language."""

    def __init__(self, base: str, lang: str) -> None:
        self.base = base.rstrip("/")
        self.query = "?lang=en" if lang == "en" else ""

    def page(self, path: str, fragment: str = "") -> str:
        return f"{self.base}{path}{self.query}{'#' + fragment if fragment else ''}"


def level_entries(doc: Mapping[str, Any], lang: str, links: Links) -> list[atom.Entry]:
    """One entry for each change of the level in the score history (the first level included)."""
    found: list[atom.Entry] = []
    seen: set[str] = set()
    previous: str | None = None
    for n, point in enumerate(doc["score_history"]):
        level, day = point["level"], _day(point["as_of"])
        if level == previous or day is None:
            continue
        identity = atom.tag("institution", doc["uscc"], "level", day.isoformat(), f"{previous or 'none'}-{level}")
        while identity in seen:  # the same change twice in one day: the second keeps its own id
            identity += "+"
        seen.add(identity)
        score = number(point["score"])
        title = (
            text("level_changed", lang, previous=previous, level=level, score=score)
            if previous
            else text("level_first", lang, level=level, score=score)
        )
        summary = text(
            "level_summary", lang, name=doc["name"], day=day, level=level, score=score, policy=point["policy_version"]
        )
        found.append(atom.Entry(identity, day, title, summary, links.page(f"/institutions/{doc['uscc']}"), "level", n))
        previous = level
    return found


def record_entries(doc: Mapping[str, Any], lang: str, links: Links, on: date) -> list[atom.Entry]:
    """The public penalties, the gradings in force or past (never a revoked one) and the fire inspections."""
    profile = f"/institutions/{doc['uscc']}"
    return (
        penalty_entries(doc, lang, links.page(profile, "penalties-heading"), on)
        + grading_entries(doc, lang, links.page(profile, "grade-heading"), on)
        + inspection_entries(doc, lang, links.page(profile, "fire-heading"), on)
    )


def penalty_entries(doc: Mapping[str, Any], lang: str, link: str, on: date) -> list[atom.Entry]:
    """The penalties of the document: exactly those the public sees (credit.public.view), free text masked."""
    found: list[atom.Entry] = []
    for p in doc["penalties"]:
        day = _day(p["decision_date"]) or on
        found.append(
            atom.Entry(
                atom.tag("institution", doc["uscc"], "penalty", p["id"]),
                day,
                text("penalty_title", lang, number=p["decision_number"], severity=word(p["severity"], lang)),
                text(
                    "penalty_summary",
                    lang,
                    agency=p["deciding_agency"],
                    day=day,
                    facts=p["facts"] or "—",
                    content=p["content"] or p["penalty_kind"],
                    end=_day(p["publication_end"]) or "—",
                ),
                link,
                "penalty",
                p["id"],
            )
        )
    return found


def grading_entries(doc: Mapping[str, Any], lang: str, link: str, on: date) -> list[atom.Entry]:
    found: list[atom.Entry] = []
    for g in doc["gradings"]:
        day = _day(g["decided_on"])
        if g.get("revoked") or day is None or day > on:
            continue
        found.append(
            atom.Entry(
                atom.tag("institution", doc["uscc"], "grading", g["id"]),
                day,
                text("grading_title", lang, level=g["level"]),
                text("grading_summary", lang, day=day, expires=_day(g.get("expires_on")) or "—"),
                link,
                "grading",
                g["id"],
            )
        )
    return found


def inspection_entries(doc: Mapping[str, Any], lang: str, link: str, on: date) -> list[atom.Entry]:
    found: list[atom.Entry] = []
    for i in doc["fire_inspections"]:
        day = _day(i["inspected_on"])
        if day is None or day > on:
            continue
        failed = [area_name(a, lang) for a, result in (i.get("checklist") or {}).items() if result == "fail"]
        hazards = len(i.get("hazards") or ())
        areas = ("、" if lang == "zh" else ", ").join(failed)
        summary = text(
            "inspection_summary",
            lang,
            day=day,
            failed=text("inspection_failed", lang, areas=areas) if failed else "",
            hazards=text("inspection_hazards", lang, count=hazards) if hazards else "",
        )
        found.append(
            atom.Entry(
                atom.tag("institution", doc["uscc"], "fire_inspection", i["id"]),
                day,
                text("inspection_title", lang, outcome=word(i["outcome"], lang)),
                summary.strip(),
                link,
                "fire_inspection",
                i["id"],
            )
        )
    return found


def _subject(e: Mapping[str, Any], lang: str) -> str:
    if e.get("subject_kind") == "practitioner" and e.get("practitioner_name"):
        return text("person_subject", lang, name=e["institution_name"], person=e["practitioner_name"])
    return text("institution_subject", lang, name=e["institution_name"])


def list_entries(
    listed: Sequence[Mapping[str, Any]], removed: Sequence[Mapping[str, Any]], lang: str, links: Links
) -> list[atom.Entry]:
    """A `listed` entry for each entry in force and a `removed` entry for each removal (a removed entry shows
    only as its removal, as it left the list)."""
    found: list[atom.Entry] = []
    for e in listed:
        day = _day(e["listed_on"])
        if day is None:
            continue
        numbers = "；".join(e.get("penalty_numbers") or [])
        expires = _day(e.get("expires_on"))
        found.append(
            atom.Entry(
                atom.tag("institution", e["uscc"], "listing", e["id"], "listed"),
                day,
                text("listed_title", lang, name=e["institution_name"]),
                text(
                    "listed_summary",
                    lang,
                    subject=_subject(e, lang),
                    day=day,
                    until=text("until", lang, day=expires) if expires else "",
                    behaviour=behaviour_text(e["behaviour"], lang),
                    basis=text("basis", lang, numbers=numbers) if numbers else "",
                ).strip(),
                links.page(f"/institutions/{e['uscc']}", "list-heading"),
                "listed",
                e["id"],
            )
        )
    for e in removed:
        day = _day(e["removed_on"])
        if day is None:
            continue
        found.append(
            atom.Entry(
                atom.tag("institution", e["uscc"], "listing", e["id"], "removed"),
                day,
                text("removed_title", lang, name=e["institution_name"]),
                text(
                    "removed_summary",
                    lang,
                    subject=_subject(e, lang),
                    day=day,
                    reason=word(e.get("removal_reason"), lang),
                    listed=_day(e.get("listed_on")) or "—",
                    behaviour=behaviour_text(e["behaviour"], lang),
                ),
                links.page(f"/institutions/{e['uscc']}", "list-heading"),
                "removed",
                e["id"],
            )
        )
    return found


def newest(entries: list[atom.Entry]) -> list[atom.Entry]:
    """Newest first (on one day: by kind, the later change of a kind first; the same order on every request),
    at most MAX_ENTRIES."""
    return sorted(entries, key=lambda e: (e.updated, e.category, e.order, e.id), reverse=True)[:MAX_ENTRIES]


def home_feed(
    doc: Mapping[str, Any], removed: Sequence[Mapping[str, Any]], lang: str, base: str, on: date
) -> atom.Feed:
    links = Links(base, lang)
    entries = newest(
        level_entries(doc, lang, links)
        + record_entries(doc, lang, links, on)
        + list_entries(doc["listed"], removed, lang, links)
    )
    profile = f"/institutions/{doc['uscc']}"
    return atom.Feed(
        id=atom.tag("institution", doc["uscc"]),
        title=text("home_title", lang, name=doc["name"]),
        subtitle=text("home_subtitle", lang),
        author=text("author", lang),
        lang="en" if lang == "en" else "zh-CN",
        self_url=links.page(f"{profile}/feed.atom"),
        alternate_url=links.page(profile),
        updated=entries[0].updated if entries else (_day(doc["credit"].get("as_of")) or on),
        entries=entries,
    )


def list_feed(
    listed: Sequence[Mapping[str, Any]], removed: Sequence[Mapping[str, Any]], lang: str, base: str, on: date
) -> atom.Feed:
    links = Links(base, lang)
    entries = newest(list_entries(listed, removed, lang, links))
    return atom.Feed(
        id=atom.tag("listing"),
        title=text("list_title", lang),
        subtitle=text("list_subtitle", lang),
        author=text("author", lang),
        lang="en" if lang == "en" else "zh-CN",
        self_url=links.page("/listings/feed.atom"),
        alternate_url=links.page("/listings"),
        updated=entries[0].updated if entries else on,
        entries=entries,
    )


def feed_preferences(request: Request[Any, Any, Any]) -> Preferences:
    """A feed's language comes from its URL only (`?lang=en`, else Chinese): a subscription is a URL, a feed
    reader keeps no cookie, and a feed must never change the language the visitor chose for the pages."""
    lang = request.query_params.get("lang")
    return Preferences(lang if lang in LANGUAGES else DEFAULT_LANGUAGE, "standard")


FEED_HEADERS = {"Vary": "Accept-Encoding"}  # no cookie changes a feed (feed_preferences)
USCC_SHAPE = re.compile(r"\s*[0-9A-Za-z]{18}\s*")


async def profile_row(uscc: str) -> public_queries.ProfileRow:
    """The home's projection row; NotFound (the HTML 404 page) for an unknown code, and at once for text that
    cannot be a credit code (18 letters and digits), which thus never reaches the database."""
    if not USCC_SHAPE.fullmatch(uscc):
        raise NotFound(f"institution {uscc[:40]}")
    return await public_queries.profile_row(uscc)


def _base(request: Request[Any, Any, Any]) -> str:
    return str(request.base_url).rstrip("/")


class FeedPages(Controller):
    """The Atom feeds of the public portal."""

    include_in_schema = False
    opt = {caching.COMPRESSED_OPT: True}
    exception_handlers = {NotFound: not_found_page}

    @get("/institutions/{uscc:str}/feed.atom", operation_id="portalInstitutionFeed")
    async def institution_feed(
        self, request: Request[Any, Any, Any], clock: NamedDependency[Clock], uscc: FromPath[str]
    ) -> Response[bytes]:
        """One home's changes, newest first; cached under the home's projection row version (a listing or a
        removal changes the row too)."""
        row = await profile_row(uscc)
        base = _base(request)

        async def build(prefs: Preferences) -> dict[str, Any]:
            doc = msgspec.json.decode(row.document)
            removed = await removed_entries(MAX_ENTRIES, institution_id=doc["id"])
            return {"body": atom.document(home_feed(doc, removed, prefs.lang, base, clock.today()))}

        version = caching.row_version([row.version])
        return await page(
            request,
            clock,
            "feed.atom",
            build,
            media_type=atom.MEDIA_TYPE,
            preferences=feed_preferences,
            extra_headers=FEED_HEADERS,
            depends_on=caching.Version(f"{version.tag}|{base}", version.at),
        )

    @get(["/listings/feed.atom", "/listing/feed.atom"], operation_id="portalListingsFeed")
    async def listings_feed(self, request: Request[Any, Any, Any], clock: NamedDependency[Clock]) -> Response[bytes]:
        """Listings in force and removals, newest first; cached under the change feed's tail."""
        base = _base(request)
        tail = await caching.current_version()

        async def build(prefs: Preferences) -> dict[str, Any]:
            on = clock.today()
            listed = await listed_entries(page_size=MAX_ENTRIES, on=on)
            removed = await removed_entries(MAX_ENTRIES, on=on)
            return {"body": atom.document(list_feed(listed, removed, prefs.lang, base, on))}

        return await page(
            request,
            clock,
            "feed.atom",
            build,
            media_type=atom.MEDIA_TYPE,
            preferences=feed_preferences,
            extra_headers=FEED_HEADERS,
            depends_on=caching.Version(f"feed:{tail.seq}|{base}", tail.at),
        )
