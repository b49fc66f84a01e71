"""Evidence files in an S3-compatible bucket (issue 18): with EVIDENCE_S3_* set, the files of an objection or an
application are objects in the bucket (not under EVIDENCE_DIR), private, read back only through the authorised
routes; a refused action leaves no object; the orphan sweep works on the bucket; a store that is down or refuses
answers 503 with Retry-After and nothing is written. A real S3-compatible server (s3rver from npm), no mock.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from credit.accounts.roles import Principal
from credit.evidence import jobs, service as evidence
from credit.evidence.store import name_of
from credit.evidence.tables import EvidenceFile
from credit.listings.tables import ListingEntry
from credit.records import repair
from credit.records.schemas import HomeRepairApplicationIn
from credit.records.tables import HazardReport, RepairApplication
from credit.settings import settings
from credit.timeutil import today
from credit.validation import typed_from_text
from tests.factories import institution
from tests.institution.test_evidence_and_applications import (  # noqa: F401  (the home_user fixture)
    PDF,
    PNG,
    REPAIR_FORM,
    as_regulator,
    home_user,
    penalty_of,
    send,
    stored_files,
)
from tests.institution.test_home_api import bearer, pdf_file
from tests.institution.test_home_requests import add_hazard
from tests.institution.test_home_self_service import homes, open_account, sign_in_home  # noqa: F401
from tests.live_server import run_cli, server_env
from tests.s3_support import CREDENTIALS, running_s3rver, s3, s3_server  # noqa: F401  (the fixtures)
from tests.workspace.workspace_helpers import TIANNING, WUJIN, csrf

THREE_DAYS = 3 * 24 * 3600


async def test_an_objections_files_are_objects_in_the_bucket_read_by_the_home_and_its_regulator_only(client, homes, s3):
    server, prefix = s3
    await sign_in_home(client, await open_account(client, homes))
    entry_id = homes[TIANNING]["entry_id"]
    before = stored_files()

    objected = await send(
        client,
        f"/my/notices/{entry_id}/objection",
        {"text": "已全部履行判决义务"},
        [("结案通知书.pdf", PDF, "application/pdf"), ("回执.png", PNG, "image/png")],
    )

    assert objected.status_code == 303, objected.text
    files = await EvidenceFile.select().order_by(EvidenceFile.id).run()
    assert server.names(prefix) == sorted(prefix + name_of(f["storage_key"]) for f in files)
    assert [server.read(prefix + name_of(f["storage_key"])) for f in files] == [PDF, PNG]
    assert stored_files() == before  # nothing under EVIDENCE_DIR
    first = files[0]["id"]
    own = await client.get(f"/my/evidence/{first}")
    assert own.status_code == 200 and own.content == PDF and own.headers["content-type"] == "application/pdf"

    await as_regulator(client, "tianning")
    assert (await client.get(f"/workspace/evidence/{files[1]['id']}")).content == PNG
    await as_regulator(client, "wujin")  # civil affairs of another district
    assert (await client.get(f"/workspace/evidence/{first}")).status_code == 403
    await client.post("/logout", data={"_csrf_token": csrf(client)})
    await sign_in_home(client, await open_account(client, homes, WUJIN, "wujin.li"), "wujin.li")
    assert (await client.get(f"/my/evidence/{first}")).status_code == 404


async def test_a_refused_objection_leaves_no_object_in_the_bucket(client, home_user, s3):
    server, prefix = s3
    path = f"/my/notices/{home_user['entry_id']}/objection"
    assert (await send(client, path, {"text": "第一次异议"})).status_code == 303

    refused = await send(client, path, {"text": "再次异议"}, [("补充材料.pdf", PDF, "application/pdf")])

    assert refused.status_code == 409  # objected already: refused after the file went to the bucket
    assert server.names(prefix) == [] and await EvidenceFile.count().run() == 0


async def test_the_sweep_removes_an_old_orphan_object_and_keeps_referenced_young_and_foreign_ones(db, s3):
    server, prefix = s3
    home = await institution(1)
    penalty = await penalty_of(home)
    own = Principal(user_id=0, username="home.user", role="institution", institution_uscc=home["uscc"])
    entry = typed_from_text(HomeRepairApplicationIn, REPAIR_FORM)
    await repair.apply(penalty["id"], entry, own, [evidence.Upload("缴款凭证.pdf", PDF)])
    (referenced,) = server.names(prefix)
    old, young = await orphan(), await orphan()  # written, their rows never committed
    foreign, elsewhere = f"{prefix}operator-notes.txt", "another-app/ab/" + "ab" * 24
    server.write(foreign, b"kept by the operator")
    server.write(elsewhere, PDF)  # outside the prefix: not the store's
    for name in (referenced, prefix + name_of(old), foreign):
        server.age(name, THREE_DAYS)

    result = await jobs.sweep()

    assert (result.removed, result.referenced, result.recent, result.foreign) == (1, 1, 1, 1)
    assert result.removed_bytes == len(PDF)
    assert server.names(prefix) == sorted([referenced, prefix + name_of(young), foreign])
    assert server.read(referenced) == PDF and server.names("another-app/") == [elsewhere]


async def orphan() -> str:
    """The key of a file an upload wrote whose transaction never recorded it."""
    async with evidence.kept(evidence.check([evidence.Upload("凭证.pdf", PDF)])) as keys:
        return keys[0]


@pytest.fixture
async def stoppable(home_user, tmp_path, monkeypatch):
    """A bucket of its own for this test, on an s3rver the test may stop: the server."""
    with running_s3rver(tmp_path / "s3") as server:
        monkeypatch.setattr(evidence, "settings", dataclasses.replace(settings, evidence_s3=server.config()))
        yield server


async def test_with_the_store_stopped_uploads_and_downloads_answer_503_and_nothing_is_written(
    client, home_user, stoppable
):
    entry_id = home_user["entry_id"]
    penalty = await penalty_of(home_user)
    assert (
        await send(client, f"/my/notices/{entry_id}/objection", {"text": "异议"}, [("a.pdf", PDF, "application/pdf")])
    ).status_code == 303
    file_id = (await EvidenceFile.select(EvidenceFile.id).first().run())["id"]
    stoppable.stop()

    applied = await send(
        client, f"/my/penalties/{penalty['id']}/repair", REPAIR_FORM, [("缴款凭证.pdf", PDF, "application/pdf")]
    )
    download = await client.get(f"/my/evidence/{file_id}")

    assert applied.status_code == 503 and applied.headers["retry-after"] == "5"
    assert re.search(r'data-field="evidence_files">[^<]*文件存储暂时无法访问，本次提交未保存', applied.text)
    assert 'value="张院长"' in applied.text  # what was typed is kept
    assert await RepairApplication.count().run() == 0 and await EvidenceFile.count().run() == 1
    assert download.status_code == 503 and download.headers["retry-after"] == "5"
    assert "文件暂时无法下载" in download.text
    await as_regulator(client, "tianning")
    in_workspace = await client.get(f"/workspace/evidence/{file_id}")
    assert in_workspace.status_code == 503 and "文件暂时无法下载" in in_workspace.text


async def test_with_the_store_stopped_a_hazard_report_answers_503_on_its_form_and_nothing_is_recorded(
    client, home_user, stoppable
):
    hazard_id = await add_hazard(home_user["id"])
    stoppable.stop()

    reported = await send(
        client,
        f"/my/hazards/{hazard_id}/report",
        {"rectified_on": today().isoformat(), "text": "已更换防火门"},
        [("检测报告.pdf", PDF, "application/pdf")],
    )

    assert reported.status_code == 503 and reported.headers["retry-after"] == "5"
    assert re.search(r'data-field="evidence_files">[^<]*文件存储暂时无法访问，本次提交未保存', reported.text)
    assert "已更换防火门" in reported.text  # what was typed is kept
    assert await HazardReport.count().run() == 0 and await EvidenceFile.count().run() == 0


async def test_through_the_api_a_stopped_store_is_a_503_problem_and_the_objection_is_not_recorded(
    client, homes, stoppable
):
    auth = await bearer("kangle.api", institution_uscc=homes[TIANNING]["uscc"])
    entry_id = homes[TIANNING]["entry_id"]
    stoppable.stop()

    refused = await client.post(
        f"/api/v1/my/notices/{entry_id}/objection",
        json={"text": "异议", "evidence_files": [pdf_file()]},
        headers=auth,
    )

    assert refused.status_code == 503 and refused.headers["retry-after"] == "5"
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == [
        ("evidence_files", "evidence_store_unavailable")
    ]
    entry = await ListingEntry.select(ListingEntry.status).where(ListingEntry.id == entry_id).first().run()
    assert entry["status"] == "notified" and await EvidenceFile.count().run() == 0


async def test_a_store_refusing_the_credentials_is_a_503_too(client, homes, s3_server, monkeypatch):
    wrong = s3_server.config("refused/", access_key="NOT-A-KEY")  # s3rver answers InvalidAccessKeyId
    monkeypatch.setattr(evidence, "settings", dataclasses.replace(settings, evidence_s3=wrong))
    auth = await bearer("kangle.api", institution_uscc=homes[TIANNING]["uscc"])

    refused = await client.post(
        f"/api/v1/my/notices/{homes[TIANNING]['entry_id']}/objection",
        json={"text": "异议", "evidence_files": [pdf_file()]},
        headers=auth,
    )

    assert refused.status_code == 503 and await EvidenceFile.count().run() == 0
    assert s3_server.names("refused/") == []


def test_the_cli_sweeps_the_bucket_configured_by_the_environment(tmp_path, s3_server):
    prefix = "cli/"
    env = server_env(
        tmp_path,
        EVIDENCE_S3_ENDPOINT=s3_server.endpoint,
        EVIDENCE_S3_BUCKET="evidence",
        EVIDENCE_S3_ACCESS_KEY=CREDENTIALS,
        EVIDENCE_S3_SECRET_KEY=CREDENTIALS,
        EVIDENCE_S3_PREFIX=prefix,
        EVIDENCE_ORPHAN_GRACE_HOURS="1",
    )
    run_cli(env, "migrate", timeout=120)
    old, young = prefix + name_of("ab" * 24), prefix + name_of("cd" * 24)
    s3_server.write(old, PDF)
    s3_server.write(young, PDF)
    s3_server.age(old, 2 * 3600)

    output = " ".join(run_cli(env, "jobs", "run", "evidence_cleanup").split())

    assert re.search(r"evidence_cleanup: succeeded 1 orphaned files removed .* 1 unreferenced within", output)
    assert s3_server.names(prefix) == [young]
