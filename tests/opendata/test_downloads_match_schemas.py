"""Open data (issue 17): every public download is described by a versioned JSON Schema and the data dictionary,
the CSVs by a Frictionless data package; real downloads from a seeded city, fetched through the app, match them."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any

import msgspec
import pytest
from jsonschema import Draft202012Validator

from credit.accounts.roles import Principal
from credit.demo import build_demo_city
from credit.disclosures import service
from credit.disclosures.schemas import DisclosureDocument
from credit.feedback import service as feedback
from credit.feedback.schemas import FeedbackIn
from credit.opendata.dictionary import DOWNLOADS
from credit.seeding import load_city
from credit.supervision import service as supervision
from credit.supervision.schemas import ResultIn, SupervisionRectificationIn
from credit.supervision.tables import SupervisionTask
from credit.timeutil import today
from portal.public import caching
from tests.supervision.world import TIANNING, first_of_month, small_city

AS_OF = date(2026, 6, 30)
DAY = AS_OF.isoformat()


@pytest.fixture
async def city(client, monkeypatch):
    monkeypatch.setattr(caching, "VERSION_TTL_SECONDS", 0.0)  # the pages follow the seeded data at once
    await load_city(build_demo_city(11, AS_OF, count=40), AS_OF)
    await service.publish(AS_OF)
    return client


GENERAL = {
    "kind": "general",
    "checklist": dict.fromkeys(("licences", "service_quality", "safety", "fees", "contracts"), "pass"),
}
ALICE = Principal(user_id=101, username="alice", role="district_regulator", district_code=TIANNING)
BOB = Principal(user_id=102, username="bob", role="district_regulator", district_code=TIANNING)


@pytest.fixture
async def inspected(client, monkeypatch):
    """A month of random inspections published in 天宁 (one rectification ordered and confirmed), citizen
    feedback about a home, and today's disclosure holding both."""
    monkeypatch.setattr(caching, "VERSION_TTL_SECONDS", 0.0)
    await small_city(homes=40)
    await supervision.draw_month(first_of_month())
    tasks = await SupervisionTask.select().where(SupervisionTask.district_code == TIANNING).run()
    outcomes = [
        {
            "outcome": "rectify",
            "rectify_by": today() + timedelta(days=5),
            "findings": "收费标准未公示，联系电话13912345678",
        },
        {"outcome": "no_problem"},
    ]
    for task, outcome in zip(tasks, outcomes, strict=False):
        await supervision.record_result(task["id"], ResultIn(**{**GENERAL, "inspected_on": today(), **outcome}), ALICE)
        await supervision.publish_result(task["id"], BOB)
    await supervision.confirm_rectification(tasks[0]["id"], SupervisionRectificationIn(rectified_on=today()), BOB)
    home = (await client.get("/api/v1/institutions", params={"district": TIANNING})).json()["items"][0]
    await feedback.submit(FeedbackIn(what_happened="晚饭太凉，护理员态度差", uscc=home["uscc"]))
    await feedback.submit(FeedbackIn(what_happened="希望增加公办养老院床位"))
    await service.publish(today())
    return client


async def schema_of(client, name: str) -> Draft202012Validator:
    response = await client.get(f"/data/schemas/v1/{name}.schema.json")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/schema+json")
    schema = response.json()
    Draft202012Validator.check_schema(schema)
    assert schema["$id"].endswith(f"/data/schemas/v1/{name}.schema.json")
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def csv_rows(body: bytes) -> tuple[list[str], list[dict[str, str]]]:
    assert body.startswith("\ufeff".encode())  # the data package says utf-8-sig
    reader = csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""))
    header = next(reader)
    return header, [dict(zip(header, row, strict=True)) for row in reader]


def errors(validator: Draft202012Validator, value: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(value)]


URLS = {
    "disclosure": f"/api/v1/disclosures/{DAY}",
    "disclosure-csv": f"/api/v1/disclosures/{DAY}.csv",
    "listings-csv": "/listings.csv",
    "supervision-statistics-csv": "/supervision.csv",
    "export-listings-csv": "/api/v1/exports/listings.csv",
    "export-listings-jsonl": "/api/v1/exports/listings.jsonl",
    "export-penalties-csv": "/api/v1/exports/penalties.csv",
    "export-penalties-jsonl": "/api/v1/exports/penalties.jsonl",
}


def test_every_download_has_a_schema_and_a_url_here():
    assert set(URLS) == {d.name for d in DOWNLOADS}


async def test_every_download_of_a_seeded_city_matches_its_json_schema(city):
    counts = {}
    for name, url in URLS.items():
        validator = await schema_of(city, name)
        response = await city.get(url)
        assert response.status_code == 200, url
        if name.endswith("-csv"):
            header, rows = csv_rows(response.content)
            assert header == validator.schema["x-columns"], name  # the same columns, in the same order
            found = [e for row in rows for e in errors(validator, row)]
            counts[name] = len(rows)
        elif name.endswith("-jsonl"):
            lines = [json.loads(line) for line in response.text.splitlines()]
            found = [e for line in lines for e in errors(validator, line)]
            counts[name] = len(lines)
        else:
            document = response.json()
            found = errors(validator, document)
            counts[name] = len(document["institutions"])
        assert found == [], (name, found[:5])
    assert counts["disclosure"] == counts["disclosure-csv"] == 40
    assert counts["listings-csv"] == counts["export-listings-csv"] == counts["export-listings-jsonl"] > 0
    assert counts["export-penalties-csv"] == counts["export-penalties-jsonl"] > 0


async def test_inspection_results_feedback_counts_and_statistics_match_their_schemas(inspected):
    month = first_of_month().strftime("%Y-%m")
    document = (await inspected.get(f"/api/v1/disclosures/{today().isoformat()}")).json()
    assert len(document["supervision_results"]) == 2 and document["feedback"]["districts"]
    assert errors(await schema_of(inspected, "disclosure"), document) == []
    rows_schema = await schema_of(inspected, "supervision-statistics-csv")
    for url in ("/supervision.csv", f"/api/v1/supervision/statistics.csv?month={month}"):
        header, rows = csv_rows((await inspected.get(url)).content)
        assert header == rows_schema.schema["x-columns"] and len(rows) == 2  # 天宁 and the city total
        assert [e for row in rows for e in errors(rows_schema, row)] == []


async def test_a_field_the_schema_does_not_describe_fails_the_validation(city):
    document = (await city.get(f"/api/v1/disclosures/{DAY}")).json()
    disclosure = await schema_of(city, "disclosure")
    document["institutions"][0]["beds"] = 10
    assert any("beds" in e for e in errors(disclosure, document))
    rows = await schema_of(city, "disclosure-csv")
    _, read = csv_rows((await city.get(f"/api/v1/disclosures/{DAY}.csv")).content)
    assert any("fee" in e for e in errors(rows, {**read[0], "收费 fee": "3000"}))
    lacking = dict(read[0])
    lacking.pop("信用等级 level")
    assert errors(rows, lacking)


async def test_the_data_package_describes_every_csv_and_validates_against_the_downloads(city, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    response = await city.get("/data/datapackage.json")
    assert response.status_code == 200
    descriptor = response.json()
    assert {r["name"] for r in descriptor["resources"]} == {n for n in URLS if n.endswith("-csv")}
    for resource in descriptor["resources"]:
        assert resource["encoding"] == "utf-8-sig" and resource["format"] == "csv"
        url = resource["path"].removeprefix("http://testserver")
        assert url == URLS[resource["name"]]
        (tmp_path / f"{resource['name']}.csv").write_bytes((await city.get(url)).content)
        resource["path"] = f"{resource['name']}.csv"
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:10]
    assert report.tasks[0].stats["rows"] == 40  # the day's disclosure: every home's row was read and checked

    # A column the package does not describe, or a level outside A-D, fails it.
    disclosure = tmp_path / "disclosure-csv.csv"
    rows = list(csv.reader(io.StringIO(disclosure.read_text(encoding="utf-8-sig"), newline="")))
    rows[0].append("收费 fee")
    rows[1][3] = "E"  # 信用等级 level
    rows[1].append("3000")
    with disclosure.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows(rows)
    found = {row[0] for row in frictionless.validate(str(tmp_path / "datapackage.json")).flatten(["type"])}
    assert {"extra-label", "constraint-error"} <= found


async def test_the_dictionary_names_every_field_of_every_download_in_both_languages(city):
    dictionary = (await city.get("/data/dictionary.json")).json()
    assert dictionary["version"] == "v1"
    for download in dictionary["downloads"]:
        schema = (await city.get(download["schema"].removeprefix("http://testserver"))).json()
        assert [f["name"] for f in download["fields"]] == list(schema["properties"]), download["name"]
        for field in download["fields"]:
            assert field["label"]["zh"] and field["label"]["en"] and field["meaning"]["zh"] and field["source"]["en"]


@pytest.mark.parametrize("query", ["", "?lang=en", "?mode=elder", "?lang=en&mode=elder"])
async def test_the_dictionary_page_is_readable_in_both_languages_and_modes(city, query):
    response = await city.get("/data/dictionary" + query)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "public" in response.headers["cache-control"] or "private" in response.headers["cache-control"]
    text = response.text
    assert ("Data dictionary" in text) == ("lang=en" in query) and ("数据字典" in text) != ("lang=en" in query)
    assert "/data/schemas/v1/disclosure.schema.json" in text and "统一社会信用代码 uscc" in text
    assert ('class="mode-elder"' in text) == ("elder" in query)


async def test_disclosures_and_the_footer_link_to_the_dictionary(city):
    text = (await city.get("/disclosures")).text
    assert 'data-testid="data-dictionary-link"' in text and 'data-testid="footer-data-dictionary"' in text


async def test_schemas_are_cacheable_and_an_unknown_schema_is_a_404_page(city):
    first = await city.get("/data/schemas/v1/disclosure.schema.json")
    assert first.headers["cache-control"].startswith("public") and first.headers["etag"]
    again = await city.get("/data/schemas/v1/disclosure.schema.json", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    missing = await city.get("/data/schemas/v1/nothing.schema.json")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")


async def test_the_openapi_disclosure_document_names_every_member_a_disclosure_has(inspected):
    """A client generated from /schema must see what a day's disclosure holds (results and feedback included)."""
    document = (await inspected.get(f"/api/v1/disclosures/{today().isoformat()}")).json()
    schemas = (await inspected.get("/schema/openapi.json")).json()["components"]["schemas"]
    described = set(schemas["DisclosureDocument"]["properties"])
    assert set(document) == described
    decoded = msgspec.convert(document, DisclosureDocument, strict=False)
    assert len(decoded.supervision_results) == 2 and decoded.feedback and decoded.feedback.districts
