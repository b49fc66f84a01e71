"""Understanding a rating (issue 17): each score-history point says what changed, the profile shows what comes
next in both languages, and the chart is readable (bands, distinct dates, a listed point in the D band, label
sizes). Data through tests/factories.py; pages through the app (both engines)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

from credit import db as database
from credit.listings import service as listings
from credit.listings.schemas import DecisionIn, ObjectionIn
from credit.public import projection
from credit.public.outlook import listing_term
from credit.public.queries import profile
from credit.public.tables import PublicProfile
from credit.timeutil import today
from scoring.outlook import ListingTerm
from tests import factories
from tests.listings.test_listing_procedure import REVIEWER

CSS = Path(__file__).resolve().parents[2] / "portal" / "static" / "portal.css"


async def test_history_names_the_serious_penalty_that_lowered_the_score(db):
    # DESIGN.md "Credit score and level": a serious penalty inside its publication period costs 15 points.
    home = await factories.institution(1)
    await factories.penalty(home, number="常消罚决字〔2026〕第12号", severity="serious")
    history = (await profile(home["uscc"]))["score_history"]
    change = history[-1]["change"]
    assert change["direction"] == "fell" and change["from"] == history[-2]["score"]
    assert f"{today()}由85分降至70分" in change["text"] and "常消罚决字〔2026〕第12号" in change["text"]
    assert change["text_en"].startswith(f"fell from 85 to 70 on {today()}, level B → C: ")
    assert "常消罚决字〔2026〕第12号 (-15)" in change["text_en"]
    assert [(i["what"], i["code"], i["record"]) for i in change["items"]] == [
        ("added", "penalty.serious", "常消罚决字〔2026〕第12号")
    ]


async def test_history_says_when_a_penalty_stopped_counting_without_naming_it_once_it_is_not_public(db):
    # Order No. 36: general information is published for at most 1 year; after it the record leaves every
    # public output, so the history says a penalty stopped counting but no longer names it.
    home = await factories.institution(2)
    await factories.penalty(home, number="常民罚〔2026〕7号", severity="general")
    later = today() + timedelta(days=366)
    async with database.transaction():
        await projection.refresh([home["id"]], on=later)
    point = (await profile(home["uscc"]))["score_history"][-1]
    change = point["change"]
    assert change["direction"] == "rose"
    assert f"rose from 80 to 85 on {later}" in change["text_en"] and "stopped counting" in change["text_en"]
    assert "不再计分" in change["text"]
    assert [i["what"] for i in change["items"]] == ["removed"]
    assert "常民罚〔2026〕7号" not in change["text"] + change["text_en"]


async def test_profile_shows_what_comes_next_in_both_languages(client):
    # Order No. 36: a general penalty halves after its 3-month minimum and stops after 1 year; repair may be
    # applied for once the minimum has passed.
    home = await factories.institution(3)
    await factories.penalty(home, number="常民罚〔2026〕8号", severity="general")
    doc = await profile(home["uscc"])
    kinds = [k for e in doc["outlook"] for k in e["kinds"]]
    assert {"penalty.halves", "penalty.ends", "penalty.repair"} <= set(kinds)
    zh = (await client.get(f"/institutions/{home['uscc']}?lang=zh")).text
    en = (await client.get(f"/institutions/{home['uscc']}?lang=en")).text
    assert "接下来" in zh and "最短公示期满，扣分减半" in zh and "常民罚〔2026〕8号" in zh
    assert "What comes next" in en and "counts half (its minimum publication period ends)" in en
    assert "credit repair of general penalty 常民罚〔2026〕8号" in en


def svg_of(page: str) -> ET.Element:
    found = re.search(r'<svg[^>]*data-testid="score-chart".*?</svg>', page, re.S)
    assert found, "no chart on the page"
    return ET.fromstring(found.group(0))


async def listed_home_with_history(n: int) -> dict:
    """A home with a few score changes, then listed (a court's designation, upheld on review): level D."""
    home = await factories.institution(n)
    await factories.grading(home)
    await factories.penalty(home, number="常民罚〔2026〕9号", severity="general")
    for days in (30, 60):
        async with database.transaction():
            await projection.refresh([home["id"]], on=today() + timedelta(days=days))
    entry = await factories.list_entry(home)
    await listings.object_to(entry["id"], ObjectionIn(**{"text": "已履行"}), factories.SETUP)
    await listings.decide(entry["id"], DecisionIn(outcome="upheld", reasons="复核维持"), REVIEWER)
    return home


async def test_chart_has_level_bands_distinct_dates_and_a_listed_point_in_the_d_band(client):
    home = await listed_home_with_history(4)
    svg = svg_of((await client.get(f"/institutions/{home['uscc']}?lang=zh&mode=standard")).text)
    bands = {r.get("data-level"): r for r in svg.iter("rect") if r.get("data-level")}
    assert set(bands) == {"A", "B", "C", "D"}
    assert {t.text for t in svg.iter("text") if "chart-band-label" in (t.get("class") or "")} == {"A", "B", "C", "D"}
    dates = [t.text for t in svg.iter("text") if "chart-date-label" in (t.get("class") or "")]
    assert dates and len(dates) == len(set(dates))
    points = [c for c in svg.iter("circle")]
    listed = points[-1]
    assert listed.get("data-level") == "D" and float(listed.get("data-score")) >= 60  # its score is not D's
    d = bands["D"]
    assert float(d.get("y")) <= float(listed.get("cy")) <= float(d.get("y")) + float(d.get("height"))
    axis = sorted(t.text for t in svg.iter("text") if "chart-axis-label" in (t.get("class") or ""))
    assert {"0", "100"} <= set(axis)


async def test_chart_labels_are_at_least_16_px_and_24_px_in_elderly_mode(client):
    home = await listed_home_with_history(5)
    for mode, smallest in (("standard", 16), ("elder", 24)):
        svg = svg_of((await client.get(f"/institutions/{home['uscc']}?mode={mode}")).text)
        sizes = [float(t.get("font-size")) for t in svg.iter("text")]
        assert sizes and min(sizes) >= smallest, mode
        assert svg.get("width") == svg.get("viewBox").split()[2]  # drawn at its own size: units are px
    # no style sheet rule shrinks the labels (the attributes decide)
    css = CSS.read_text(encoding="utf-8")
    assert not re.search(r"\.chart-label[^{]*\{[^}]*font-size", css)


async def test_history_table_beside_the_chart_explains_each_point(client):
    home = await listed_home_with_history(6)
    page = (await client.get(f"/institutions/{home['uscc']}?lang=en")).text
    table = re.search(r'<table class="history-table".*?</table>', page, re.S).group(0)
    assert "What changed" in table and "first assessed on" in table and "level B → D" in table


async def test_the_outlook_leaves_the_row_unchanged_from_one_day_to_the_next(db):
    # issue 14: a row's version goes up only when its content changes (its pages stay cached); an action open
    # now carries no date, so the outlook does not change the document every day.
    home = await factories.institution(7)
    await factories.penalty(home, number="常民罚〔2026〕10号", severity="general")
    await factories.inspection_with_hazard(home)
    before = await PublicProfile.select(PublicProfile.version).where(PublicProfile.institution == home["id"]).first()
    async with database.transaction():
        await projection.refresh([home["id"]], on=today() + timedelta(days=1))
    after = await PublicProfile.select(PublicProfile.version).where(PublicProfile.institution == home["id"]).first()
    assert after == before
    actions = [e for e in (await profile(home["uscc"]))["outlook"] if not e["timed"]]
    assert {"hazard.rectify", "penalty.rectify"} <= {k for e in actions for k in e["kinds"]}
    assert all(e["on"] is None for e in actions if e["kinds"][0] in ("hazard.rectify", "penalty.rectify"))


def test_a_court_designation_without_end_leaves_the_list_term_unknown():
    # 民发〔2019〕103号 art. 6: a court's designation follows the court's list (no fixed 3 years), so while it is
    # listed neither the list's end nor the level after it can be predicted.
    fixed = {"status": "listed", "listed_on": "2026-03-01", "expires_on": "2029-03-01"}
    court = {"status": "listed", "listed_on": "2026-05-01", "expires_on": None}
    assert listing_term([fixed]) == ListingTerm(date(2026, 3, 1), date(2029, 3, 1))
    assert listing_term([fixed, court]) is None
    assert listing_term([{**fixed, "status": "removed"}]) is None
