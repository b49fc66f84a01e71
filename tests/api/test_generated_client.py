"""An agency's developer generates a Python client from the served OpenAPI document and runs the agency's day
through it (issue 20; DESIGN.md "Interfaces (stable contract)"): the generator warns about nothing, and every
response of the scenario parses into a typed object, not None and not a raw dict.

The server is a real uvicorn process on the session's database of each engine, seeded with the demo city.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from credit.db import engine_for_url
from tests.conftest import ENGINES, empty_all_tables
from tests.live_server import live_server, run_cli, server_env

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
CONFIG = ROOT / "scripts" / "openapi-python-client.yml"
PACKAGE = "eldercredit_client"


@pytest.fixture(scope="module", params=ENGINES)
def server(request, database_urls, tmp_path_factory):
    """The app under uvicorn on a free port, with the demo city and an agency key for the health commission."""
    url = database_urls[request.param]
    asyncio.run(empty_all_tables(engine_for_url(url)))
    env = server_env(tmp_path_factory.mktemp("live"), DATABASE_URL=url)
    run_cli(env, "seed", "--demo", "--count", "40", "--as-of", "2026-06-30")  # 40: a listed entry among them
    key = re.findall(r"eca_[\w-]+", run_cli(env, "agencies", "key", "health"))[-1]
    with live_server(env) as base:
        yield {"base": base, "key": key}
    asyncio.run(empty_all_tables(engine_for_url(url)))


@pytest.fixture(scope="module")
def generated(server, tmp_path_factory):
    """The generator's output and the imported client package."""
    folder = tmp_path_factory.mktemp("client")
    run = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--url",
            f"{server['base']}/schema/openapi.json",
            "--output-path",
            str(folder / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(CONFIG),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=folder,
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    sys.path.insert(0, str(folder))
    try:
        yield {
            "output": run.stdout + run.stderr,
            "returncode": run.returncode,
            "package": importlib.import_module(PACKAGE) if run.returncode == 0 else None,
        }
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def module(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


@pytest.fixture(scope="module")
def agency(generated, server):
    client = module("client").AuthenticatedClient(
        base_url=server["base"], token=server["key"], raise_on_unexpected_status=True
    )
    with client:  # closes its connections at the end of the module
        yield client


def test_the_generator_warns_about_nothing(generated):
    assert generated["returncode"] == 0, generated["output"]
    assert not re.search(r"warning|error", generated["output"], re.IGNORECASE), generated["output"]


def test_an_agency_reports_a_penalty_and_reads_it_back_from_the_feed(generated, agency):
    models, api = module("models"), module("api.agencies")
    cursor = 0
    while (page := module("api.agencies.read_feed").sync(client=agency, after=cursor, limit=1000)).events:
        assert isinstance(page, models.FeedPage)
        cursor = page.next_
    home = module("api.institutions.search_institutions").sync(client=agency).items[0]
    report = models.PenaltyReport.from_dict(
        {
            "decision_number": "常卫医罚〔2026〕第0099号",
            "subject_name": home.name,
            "uscc": home.uscc,
            "facts": "医疗废物处置不规范",
            "legal_basis": "《医疗废物管理条例》第四十六条",
            "penalty_kind": "罚款",
            "content": "罚款五千元五角",
            "fine_yuan": "5000.50",
            "decision_date": "2026-05-06",
            "deciding_agency": "常州市卫生健康委员会",
        }
    )

    stored = importlib.import_module(f"{api.__name__}.report_penalty").sync(client=agency, body=report)

    assert isinstance(stored, models.PenaltyOut)
    assert (stored.fine_yuan, stored.severity, stored.uscc) == ("5000.50", models.PenaltyOutSeverity.GENERAL, home.uscc)
    events = module("api.agencies.read_feed").sync(client=agency, after=cursor, limit=1000).events
    created = [e for e in events if (e.type_, e.op) == ("penalty", "created")]
    assert [e.data["decision_number"] for e in created] == ["常卫医罚〔2026〕第0099号"]
    assert all(e.seq > cursor for e in events)


def test_an_agency_matches_a_name_to_ranked_candidates(generated, agency):
    models = module("models")
    home = module("api.institutions.search_institutions").sync(client=agency).items[0]

    found = module("api.agencies.match_subject").sync(client=agency, body=models.MatchIn(name=home.name))

    assert isinstance(found[0], models.CandidateOut)
    assert found[0].uscc == home.uscc and found[0].reasons


def test_an_agency_records_a_measure_on_a_listed_subject(generated, agency):
    models = module("models")
    entry = module("api.listings.current_list").sync(client=agency).items[0]
    body = models.MeasureIn(measure=models.MeasureInMeasure.RESTRICT_SUBSIDIES, applied_on=date(2026, 6, 30))

    measure = module("api.agencies.report_measure").sync(client=agency, entry_id=entry.id, body=body)

    assert isinstance(measure, models.MeasureOut)
    assert (measure.entry, measure.measure, measure.agency) == (
        entry.id,
        models.MeasureOutMeasure.RESTRICT_SUBSIDIES,
        "health",
    )


def test_an_agency_downloads_the_list_export(generated, agency):
    models = module("models")
    listed = module("api.listings.current_list").sync(client=agency)

    lines = module("api.exports.export_listings_jsonl").sync(client=agency).splitlines()
    table = module("api.exports.export_listings_csv").sync(client=agency)

    entries = [models.ListedOut.from_dict(json.loads(line)) for line in lines]
    assert sorted(e.id for e in entries) == sorted(e.id for e in listed.items) and listed.total == len(entries)
    assert all(isinstance(e.status, models.ListedOutStatus) for e in entries)
    assert table.lstrip("\ufeff").splitlines()[0] and len(table.lstrip("\ufeff").splitlines()) == len(entries) + 1


def test_the_public_profile_parses_into_typed_parts(generated, agency):
    models = module("models")
    home = module("api.institutions.search_institutions").sync(client=agency).items[0]

    profile = module("api.institutions.get_institution").sync(client=agency, uscc=home.uscc)

    assert isinstance(profile, models.InstitutionProfile)
    assert isinstance(profile.credit, models.Credit) and isinstance(profile.credit.level, models.CreditLevel)
    assert all(isinstance(c, models.Contribution) for c in profile.credit.contributions)
