"""A home's report of a hazard's rectification carries evidence files (issue 18): PDF/JPEG/PNG judged by their bytes,
attached on /my/hazards (multipart) or through /api/v1/my (base64), exactly as objections and repair applications
do (credit.evidence). The home and civil affairs of its district read them; another home gets a 404; a refused
report keeps no row and no file; the audit entry names each file's sha256. The text description stays optional.
"""

from __future__ import annotations

import hashlib
import json

from credit.audit.tables import AuditEntry
from credit.evidence.tables import EvidenceFile
from credit.records.tables import HazardReport, MajorHazard
from credit.timeutil import today
from tests.institution.test_evidence_and_applications import (  # noqa: F401  (home_user: the fixture)
    PDF,
    PNG,
    as_regulator,
    home_user,
    send,
    stored_files,
)
from tests.institution.test_home_api import home, pdf_file  # noqa: F401  (home: the fixture)
from tests.institution.test_home_requests import add_hazard, sign_in_again
from tests.institution.test_home_self_service import homes, open_account, sign_in_home  # noqa: F401
from tests.workspace.workspace_helpers import WUJIN, post

REPORT = {"rectified_on": today().isoformat(), "text": "已更换防火门并经消防检测合格"}


async def report_with_files(client, hazard_id: int, files) -> int:
    done = await send(client, f"/my/hazards/{hazard_id}/report", REPORT, files)
    assert done.status_code == 303, done.text
    return (await HazardReport.select(HazardReport.id).first().run())["id"]


async def test_a_report_with_files_is_confirmed_and_both_sides_read_the_files(client, home_user):
    hazard_id = await add_hazard(home_user["id"])
    report_id = await report_with_files(
        client, hazard_id, [("检测报告.pdf", PDF, "application/pdf"), ("现场.png", PNG, "image/png")]
    )
    files = await EvidenceFile.select().order_by(EvidenceFile.id).run()
    assert [(f["owner_kind"], f["owner_id"], f["content_type"]) for f in files] == [
        ("hazard_report", report_id, "application/pdf"),
        ("hazard_report", report_id, "image/png"),
    ]
    page = await client.get(f"/my/hazards/{hazard_id}")
    assert f'href="/my/evidence/{files[0]["id"]}"' in page.text and "检测报告.pdf" in page.text
    assert (await client.get(f"/my/evidence/{files[1]['id']}")).content == PNG
    audit = (
        await AuditEntry.select(AuditEntry.changes)
        .where(AuditEntry.action == "hazard.rectification_reported")
        .first()
        .run()
    )
    assert [f["sha256"] for f in json.loads(audit["changes"])["files"]] == [
        hashlib.sha256(PDF).hexdigest(),
        hashlib.sha256(PNG).hexdigest(),
    ]

    await as_regulator(client, "tianning")
    queue = await client.get("/workspace/home-requests")
    assert f'href="/workspace/evidence/{files[0]["id"]}"' in queue.text
    assert (await client.get(f"/workspace/evidence/{files[0]['id']}")).content == PDF
    confirmed = await post(client, f"/workspace/hazard-reports/{report_id}/decision", {"decision": "confirmed"})

    assert confirmed.status_code == 303
    assert (await MajorHazard.select(MajorHazard.rectified_on).first().run())["rectified_on"] == today()
    await as_regulator(client, "wujin")  # civil affairs of another district
    assert (await client.get(f"/workspace/evidence/{files[0]['id']}")).status_code == 403


async def test_a_report_the_regulator_refuses_keeps_its_files_for_the_record(client, home_user):
    hazard_id = await add_hazard(home_user["id"])
    report_id = await report_with_files(client, hazard_id, [("照片.png", PNG, "image/png")])
    await as_regulator(client, "tianning")
    refused = await post(
        client,
        f"/workspace/hazard-reports/{report_id}/decision",
        {"decision": "refused", "reasons": "照片看不出防火门已更换"},
    )
    assert refused.status_code == 303
    await client.post("/logout", data={"_csrf_token": client.cookies["ec_csrf"]})
    await sign_in_again(client)
    page = await client.get(f"/my/hazards/{hazard_id}")
    assert "照片看不出防火门已更换" in page.text and 'data-testid="report-files-' in page.text
    assert (await MajorHazard.select(MajorHazard.rectified_on).first().run())["rectified_on"] is None


async def test_a_refused_filing_keeps_no_row_and_no_file(client, home_user):
    hazard_id = await add_hazard(home_user["id"])
    before = set(stored_files())
    not_a_document = await send(
        client, f"/my/hazards/{hazard_id}/report", REPORT, [("整改.pdf", b"just text", "application/pdf")]
    )
    assert not_a_document.status_code == 422 and 'id="f-evidence_files-error"' in not_a_document.text
    assert "已更换防火门并经消防检测合格" in not_a_document.text  # the text typed is kept
    await report_with_files(client, hazard_id, [])  # without files, without a description: accepted
    waiting = await send(client, f"/my/hazards/{hazard_id}/report", REPORT, [("b.pdf", PDF, "application/pdf")])

    assert waiting.status_code == 409  # a report awaits a decision already: this file is not kept
    assert await HazardReport.count().run() == 1 and await EvidenceFile.count().run() == 0
    assert set(stored_files()) == before


async def test_another_home_cannot_read_the_files(client, homes, home_user):  # noqa: F811
    hazard_id = await add_hazard(home_user["id"])
    await report_with_files(client, hazard_id, [("检测报告.pdf", PDF, "application/pdf")])
    file_id = (await EvidenceFile.select(EvidenceFile.id).first().run())["id"]
    await client.post("/logout", data={"_csrf_token": client.cookies["ec_csrf"]})
    await sign_in_home(client, await open_account(client, homes, WUJIN, "wujin.li"), "wujin.li")

    assert (await client.get(f"/my/evidence/{file_id}")).status_code == 404
    assert (await client.get(f"/my/hazards/{hazard_id}")).status_code == 404


async def test_the_api_takes_base64_files_and_answers_them_with_the_report(client, home):  # noqa: F811
    hazard_id = await add_hazard(home["id"])
    path = f"/api/v1/my/hazards/{hazard_id}/rectification"
    before = set(stored_files())
    bad = await client.post(
        path, json={**REPORT, "evidence_files": [pdf_file("x.pdf", b"not a pdf")]}, headers=home["auth"]
    )
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["evidence_files"]
    assert await HazardReport.count().run() == 0 and set(stored_files()) == before

    done = await client.post(path, json={**REPORT, "evidence_files": [pdf_file("检测报告.pdf")]}, headers=home["auth"])

    assert done.status_code == 201, done.text
    assert [(f["file_name"], f["sha256"]) for f in done.json()["files"]] == [
        ("检测报告.pdf", hashlib.sha256(PDF).hexdigest())
    ]
    listed = (await client.get("/api/v1/my/hazards", headers=home["auth"])).json()
    assert listed[0]["awaiting"]["files"][0]["id"] == done.json()["files"][0]["id"]


async def test_civil_affairs_in_scope_reads_the_homes_decided_reports_on_the_institution_page(client, home_user):
    hazard_id = await add_hazard(home_user["id"])
    report_id = await report_with_files(client, hazard_id, [("照片.png", PNG, "image/png")])
    file_id = (await EvidenceFile.select(EvidenceFile.id).first().run())["id"]
    await as_regulator(client, "tianning")
    await post(
        client,
        f"/workspace/hazard-reports/{report_id}/decision",
        {"decision": "refused", "reasons": "照片看不出防火门已更换"},
    )

    page = await client.get(f"/workspace/institutions/{home_user['id']}")

    assert page.status_code == 200
    assert f'data-testid="hazard-reports-{hazard_id}"' in page.text and "整改未获确认" in page.text
    assert "照片看不出防火门已更换" in page.text and f'href="/workspace/evidence/{file_id}"' in page.text
    await as_regulator(client, "wujin")  # another district's civil affairs may not read the files
    elsewhere = await client.get(f"/workspace/institutions/{home_user['id']}")
    assert f'href="/workspace/evidence/{file_id}"' not in elsewhere.text
    assert "照片看不出防火门已更换" not in elsewhere.text
