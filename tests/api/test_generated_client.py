"""An agency's developer generates a Python client from the served OpenAPI document and runs the agency's day
through it (issue 20; DESIGN.md "Interfaces (stable contract)"): the generator warns about nothing, and every
response of the scenario parses into a typed object, not None and not a raw dict.

The server is a real uvicorn process on the session's database of each engine, seeded with the demo city.
"""

from __future__ import annotations

import asyncio
import base64
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
        yield {"base": base, "key": key, "env": env}
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


HOME_PASSWORD = "our home's software passphrase"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(scope="module")
def home(generated, server, agency):
    """A home's own user (civil affairs opened the account with the CLI) whose software holds a bearer token and
    replaced the initial password through the API; a minor penalty of the home, reported by the health commission."""
    models = module("models")
    found = module("api.institutions.search_institutions").sync(client=agency).items[-1]
    created = run_cli(server["env"], "users", "create", "home.software", "--role", "institution", "--uscc", found.uscc)
    initial = re.search(r"Password \(shown once\): (\S+)", created).group(1)
    token = re.findall(r"ect_[\w-]+", run_cli(server["env"], "users", "token", "home.software"))[-1]
    report = models.PenaltyReport.from_dict(
        {
            "decision_number": "常卫医罚〔2026〕第0199号",
            "subject_name": found.name,
            "uscc": found.uscc,
            "facts": "医务室未取得许可开展诊疗",
            "legal_basis": "《医疗机构管理条例》第四十三条",
            "penalty_kind": "罚款",
            "content": "罚款三千元",
            "fine_yuan": "3000.00",
            "decision_date": "2026-05-06",
            "deciding_agency": "常州市卫生健康委员会",
        }
    )
    penalty = module("api.agencies.report_penalty").sync(client=agency, body=report)
    client = module("client").AuthenticatedClient(base_url=server["base"], token=token, raise_on_unexpected_status=True)
    with client:
        held = module("api.institution_self_service.get_my_home").sync_detailed(client=client)
        assert held.status_code == 403  # the initial password first
        module("api.accounts.change_own_password").sync_detailed(
            client=client, body=models.PasswordChange(current_password=initial, new_password=HOME_PASSWORD)
        )
        yield {"client": client, "uscc": found.uscc, "penalty": penalty.id}


def test_a_home_reads_its_record_and_inbox_through_the_generated_client(generated, home):
    models, api = module("models"), "api.institution_self_service"

    record = module(f"{api}.get_my_home").sync(client=home["client"])
    inbox = module(f"{api}.list_my_notices").sync(client=home["client"])

    assert isinstance(record, models.HomeRecordOut) and record.institution.uscc == home["uscc"]
    assert isinstance(record.credit.level, models.CreditLevel)
    assert home["penalty"] in [p.id for p in record.penalties]
    assert all(isinstance(e, models.HomeEntryOut) for e in inbox)


def test_a_home_applies_for_repair_with_a_file_and_withdraws_through_the_generated_client(generated, home):
    models, api = module("models"), "api.institution_self_service"
    filing = models.RepairFiling(
        applicant_name="王院长",
        applicant_contact="0519-81234567",
        statement="罚款已缴清，医务室已停止诊疗",
        obligations_met_on="2026-05-20",
        evidence="缴款凭证",
        agree=True,
        evidence_files=[models.EvidenceFileIn(file_name="缴款凭证.pdf", content_base64=base64.b64encode(PDF).decode())],
    )

    applied = module(f"{api}.apply_for_my_penalty_repair").sync(
        client=home["client"], penalty_id=home["penalty"], body=filing
    )
    status = module(f"{api}.get_my_penalty_repair").sync(client=home["client"], penalty_id=home["penalty"])
    withdrawn = module(f"{api}.withdraw_my_penalty_repair").sync(
        client=home["client"],
        penalty_id=home["penalty"],
        application_id=applied.id,
        body=models.RepairWithdrawal(reasons="材料不全，补齐后再申请", version=applied.version),
    )

    assert (
        isinstance(applied, models.HomeRepairApplicationOut)
        and applied.status == models.HomeRepairApplicationOutStatus.APPLIED
    )
    assert isinstance(status, models.PenaltyRepairOut) and status.applications[0].files[0].file_name == "缴款凭证.pdf"
    assert withdrawn.status == models.HomeRepairApplicationOutStatus.WITHDRAWN


def test_a_home_asks_for_a_registry_change_and_withdraws_it_through_the_generated_client(generated, home):
    models, api = module("models"), "api.institution_self_service"
    body = models.RegistryChangeFiling(field=models.RegistryChangeFilingField.PHONE, requested_value="0519-88886666")

    asked = module(f"{api}.request_my_registry_change").sync(client=home["client"], body=body)
    listed = module(f"{api}.list_my_registry_changes").sync(client=home["client"])
    withdrawn = module(f"{api}.withdraw_my_registry_change").sync(client=home["client"], request_id=asked.id)

    assert isinstance(asked, models.RegistryChangeOut) and asked.id in [r.id for r in listed]
    assert withdrawn.status == models.RegistryChangeOutStatus.WITHDRAWN
