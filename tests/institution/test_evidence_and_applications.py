"""Institution self-service, part A (issue 18): evidence files with an objection and with the home's credit-repair
applications, made from /my — repair of a penalty (NDRC Order No. 36 《信用修复管理办法》: after the shortest
publication period, with evidence and a credit commitment; civil affairs decides) and early removal from the list
(民发〔2019〕103号: after two full years listed, civil affairs decides) — with their status and withdrawal before a
decision. Files are judged by their bytes, kept out of reach of a guessable URL, and read only by the home and
civil affairs in scope.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from pathlib import Path

import pytest

from credit.accounts.roles import Principal
from credit.audit.tables import AuditEntry
from credit.evidence.tables import EvidenceFile
from credit.listings import service as listings
from credit.listings.schemas import ProposalIn
from credit.listings.tables import ListingEntry, RemovalApplication
from credit.records.tables import Penalty, RepairApplication
from credit.settings import settings
from credit.sharing.reports import report_penalty
from credit.sharing.schemas import PenaltyReport
from credit.timeutil import today
from credit.validation import typed_from_text
from tests.institution.test_home_self_service import NEW_PASSWORD, homes, open_account, sign_in_home  # noqa: F401
from tests.workspace.workspace_helpers import TIANNING, WUJIN, csrf, post, sign_in

HEALTH = Principal(user_id=0, username="agency:health", role="agency", agency_code="health", via="key")
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
REPAIR_FORM = {
    "applicant_name": "张院长",
    "applicant_contact": "13912345678",
    "statement": "罚款已于上月缴清，诊疗活动已停止并整改",
    "obligations_met_on": (today() - timedelta(days=3)).isoformat(),
    "evidence": "缴款凭证、整改报告",
    "agree": "1",
}


async def penalty_of(home: dict, n: int = 1) -> dict:
    """A 3,000-yuan fine of the health commission: minor information, repairable at once (Order No. 36)."""
    body = {
        "decision_number": f"常卫罚〔2026〕{home['id']}0{n}号",
        "subject_name": home["name"],
        "uscc": home["uscc"],
        "facts": "医务室未取得许可开展诊疗",
        "legal_basis": "《医疗机构管理条例》第四十三条",
        "penalty_kind": "罚款",
        "content": "罚款三千元",
        "fine_yuan": "3000.00",
        "decision_date": (today() - timedelta(days=20)).isoformat(),
        "deciding_agency": "常州市卫生健康委员会",
    }
    return (await report_penalty(typed_from_text(PenaltyReport, body), HEALTH)).penalty


async def send(client, path: str, data: dict, files: list[tuple[str, bytes, str]] = ()):
    """Post a form as the browser does with a file input: multipart, the CSRF token in the body."""
    parts = [("evidence_files", (name, content, kind)) for name, content, kind in files]
    return await client.post(path, data={**data, "_csrf_token": csrf(client)}, files=parts or None)


async def as_regulator(client, username: str = "tianning") -> None:
    await client.post("/logout", data={"_csrf_token": csrf(client)})
    await sign_in(client, username)


def stored_files() -> list[Path]:
    return [p for p in settings.evidence_dir.rglob("*") if p.is_file()]


@pytest.fixture
async def home_user(client, homes):
    """The 天宁 home's user, signed in with its own password."""
    await sign_in_home(client, await open_account(client, homes))
    return homes[TIANNING]


async def test_a_home_applies_for_repair_with_evidence_and_civil_affairs_accepts(client, home_user):
    penalty = await penalty_of(home_user)
    form = await client.get(f"/my/penalties/{penalty['id']}/repair")
    assert form.status_code == 200 and 'data-testid="commitment-text"' in form.text
    applied = await send(
        client, f"/my/penalties/{penalty['id']}/repair", REPAIR_FORM, [("缴款凭证.pdf", PDF, "application/pdf")]
    )
    assert applied.status_code == 303, applied.text
    application = await RepairApplication.select().first().run()
    assert application["status"] == "applied" and application["applied_on"] == today()
    assert application["commitment"].startswith("本机构郑重承诺")  # the text the home was shown and agreed to
    file = await EvidenceFile.select().first().run()
    assert file["sha256"] == hashlib.sha256(PDF).hexdigest() and file["content_type"] == "application/pdf"
    assert "缴款凭证" not in file["storage_key"] and str(penalty["id"]) != file["storage_key"]
    status = await client.get(f"/my/penalties/{penalty['id']}/repair")
    assert "办理中" in status.text and f'href="/my/evidence/{file["id"]}"' in status.text

    await as_regulator(client)
    page = await client.get(f"/workspace/penalties/{penalty['id']}/repair")
    assert f'href="/workspace/evidence/{file["id"]}"' in page.text
    decided = await post(
        client,
        f"/workspace/penalties/{penalty['id']}/repair/{application['id']}/decision",
        {"decision": "accept", "reasons": "罚款已缴清，整改到位", "version": str(application["version"])},
    )
    assert decided.status_code == 303
    assert (await Penalty.select(Penalty.repaired_on).where(Penalty.id == penalty["id"]).first().run())[
        "repaired_on"
    ] == today()
    actions = [r["action"] for r in await AuditEntry.select(AuditEntry.action).run()]
    assert "repair.apply" in actions and "repair.accept" in actions


async def test_a_rejected_application_shows_its_reasons_to_the_home(client, home_user):
    penalty = await penalty_of(home_user)
    assert (await send(client, f"/my/penalties/{penalty['id']}/repair", REPAIR_FORM)).status_code == 303
    application = await RepairApplication.select().first().run()
    await as_regulator(client)
    await post(
        client,
        f"/workspace/penalties/{penalty['id']}/repair/{application['id']}/decision",
        {"decision": "reject", "reasons": "未提供缴款凭证原件", "version": str(application["version"])},
    )
    await client.post("/logout", data={"_csrf_token": csrf(client)})
    page = await home_page_again(client, f"/my/penalties/{penalty['id']}/repair")
    assert re.search(r'data-testid="application-status">不予修复', page.text)
    assert "未提供缴款凭证原件" in page.text
    assert 'data-testid="repair-form"' in page.text  # a rejected application may be renewed


async def home_page_again(client, path: str):
    """Sign the home's user in again (its own password set) and open `path`."""
    page = await client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    await client.post("/login", data={"username": "kangle.zhang", "password": NEW_PASSWORD, "_csrf_token": token})
    return await client.get(path)


async def test_a_home_withdraws_its_application_before_a_decision_and_not_after(client, home_user):
    penalty = await penalty_of(home_user)
    await send(client, f"/my/penalties/{penalty['id']}/repair", REPAIR_FORM)
    application = await RepairApplication.select().first().run()
    path = f"/my/penalties/{penalty['id']}/repair/{application['id']}/withdrawal"
    no_reason = await post(client, path, {"withdraw_reasons": "", "version": "1"})
    assert no_reason.status_code == 422 and "撤回理由" in no_reason.text
    done = await post(client, path, {"withdraw_reasons": "材料不全，补齐后再申请", "version": "1"})
    assert done.status_code == 303
    assert (await RepairApplication.select().first().run())["status"] == "withdrawn"
    again = await post(client, path, {"withdraw_reasons": "再次撤回", "version": "2"})
    assert again.status_code == 409 and "该申请已办结" in again.text


async def test_a_text_file_named_pdf_is_refused_and_nothing_is_written(client, home_user):
    penalty = await penalty_of(home_user)
    before = stored_files()
    refused = await send(
        client,
        f"/my/penalties/{penalty['id']}/repair",
        {**REPAIR_FORM, "statement": "罚款已缴清"},
        [("receipt.pdf", b"this is plain text, not a PDF\n", "application/pdf")],
    )
    assert refused.status_code == 422
    assert "“receipt.pdf”按其内容不是 PDF、JPEG 或 PNG 文件" in refused.text
    assert 'value="张院长"' in refused.text and "罚款已缴清" in refused.text  # the values are kept
    assert await RepairApplication.count().run() == 0 and await EvidenceFile.count().run() == 0
    assert stored_files() == before


async def test_empty_too_big_and_too_many_files_are_refused_naming_each(client, home_user, monkeypatch):
    import dataclasses

    from credit.evidence import service as evidence

    penalty = await penalty_of(home_user)
    monkeypatch.setattr(
        evidence, "settings", dataclasses.replace(settings, evidence_max_bytes=1000, evidence_max_files=2)
    )
    refused = await send(
        client,
        f"/my/penalties/{penalty['id']}/repair",
        REPAIR_FORM,
        [
            ("empty.png", b"", "image/png"),
            ("big.pdf", PDF + bytes(1000), "application/pdf"),
            ("c.png", PNG, "image/png"),
        ],
    )
    assert refused.status_code == 422
    assert "最多可附 2 个文件（现为 3 个）" in refused.text
    assert "“empty.png”是空文件" in refused.text and "“big.pdf”超过 1000 bytes" in refused.text
    assert await RepairApplication.count().run() == 0 and await EvidenceFile.count().run() == 0


async def test_a_png_named_pdf_is_kept_and_served_as_the_png_it_is(client, home_user):
    penalty = await penalty_of(home_user)
    done = await send(
        client, f"/my/penalties/{penalty['id']}/repair", REPAIR_FORM, [("scan.pdf", PNG, "application/pdf")]
    )
    assert done.status_code == 303
    file = await EvidenceFile.select().first().run()
    download = await client.get(f"/my/evidence/{file['id']}")
    assert download.status_code == 200 and download.content == PNG
    assert download.headers["content-type"] == "image/png"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"].startswith("attachment;")


async def test_a_file_of_another_home_is_not_downloadable(client, homes):
    penalty = await penalty_of(homes[TIANNING])
    await sign_in_home(client, await open_account(client, homes))
    await send(client, f"/my/penalties/{penalty['id']}/repair", REPAIR_FORM, [("a.pdf", PDF, "application/pdf")])
    file_id = (await EvidenceFile.select(EvidenceFile.id).first().run())["id"]
    await client.post("/logout", data={"_csrf_token": csrf(client)})
    await sign_in_home(client, await open_account(client, homes, WUJIN, "wujin.li"), "wujin.li")
    assert (await client.get(f"/my/evidence/{file_id}")).status_code == 404
    assert (await client.get(f"/my/penalties/{penalty['id']}/repair")).status_code == 404
    other = await send(client, f"/my/penalties/{penalty['id']}/repair", REPAIR_FORM)
    assert other.status_code == 404 and await RepairApplication.count().run() == 1
    await as_regulator(client, "wujin")  # civil affairs of another district
    assert (await client.get(f"/workspace/evidence/{file_id}")).status_code == 403
    await as_regulator(client, "doctor")  # an agency officer
    assert (await client.get(f"/workspace/evidence/{file_id}")).status_code == 403
    await as_regulator(client, "tianning")
    assert (await client.get(f"/workspace/evidence/{file_id}")).content == PDF


async def test_an_objection_takes_evidence_files_and_the_regulator_sees_them(client, home_user):
    entry_id = home_user["entry_id"]
    objected = await send(
        client,
        f"/my/notices/{entry_id}/objection",
        {"text": "已全部履行判决义务"},
        [("结案通知书.pdf", PDF, "application/pdf")],
    )
    assert objected.status_code == 303, objected.text
    file = await EvidenceFile.select().first().run()
    assert file["owner_kind"] == "objection" and file["owner_id"] == entry_id
    notice = await client.get(f"/my/notices/{entry_id}")
    assert f'href="/my/evidence/{file["id"]}"' in notice.text
    await as_regulator(client)
    page = await client.get(f"/workspace/listings/{entry_id}")
    assert f'href="/workspace/evidence/{file["id"]}"' in page.text and "结案通知书.pdf" in page.text


async def listed_two_years_ago(home: dict) -> int:
    """A behaviour-4 entry of the home, listed two years and ten days ago (set up directly: the steps that led
    there are the list procedure's own tests)."""
    entry = await listings.propose(
        ProposalIn(
            uscc=home["uscc"], behaviour="4", facts="重大火灾隐患逾期未整改", basis="民发〔2019〕103号 第六条第四项"
        ),
        Principal(user_id=0, username="system", role="admin"),
    )
    listed_on = today() - timedelta(days=365 * 2 + 10)
    await (
        ListingEntry.update(
            {
                ListingEntry.status: "listed",
                ListingEntry.listed_on: listed_on,
                ListingEntry.expires_on: listed_on + timedelta(days=365 * 3),
                ListingEntry.early_removal_from: today() - timedelta(days=10),
            }
        )
        .where(ListingEntry.id == entry["id"])
        .run()
    )
    return entry["id"]


async def test_a_home_applies_for_early_removal_withdraws_and_applies_again_for_the_regulator_to_decide(
    client, home_user
):
    entry_id = await listed_two_years_ago(home_user)
    path = f"/my/entries/{entry_id}/removal"
    unagreed = await send(client, path, {"statement": "隐患已整改完毕"})
    assert unagreed.status_code == 422 and "须勾选" in unagreed.text and "隐患已整改完毕" in unagreed.text
    assert await RemovalApplication.count().run() == 0
    applied = await send(
        client,
        path,
        {"statement": "隐患已整改完毕", "agree": "1"},
        [("验收.jpg", b"\xff\xd8\xff\xe0" + bytes(20), "image/jpeg")],
    )
    assert applied.status_code == 303
    assert (await client.post(f"{path}/withdrawal", data={"_csrf_token": csrf(client)})).status_code == 303
    assert (await RemovalApplication.select().first().run())["decision"] == "withdrawn"
    assert (await send(client, path, {"statement": "再次申请", "agree": "1"})).status_code == 303
    status = await client.get(path)
    assert "已撤回" in status.text and "办理中" in status.text

    await as_regulator(client)
    page = await client.get(f"/workspace/listings/{entry_id}")
    assert "本机构郑重承诺" in page.text and "/workspace/evidence/" in page.text
    decided = await post(
        client,
        f"/workspace/listings/{entry_id}/early-removal/decision",
        {"decision": "approved", "reasons": "整改到位，同意提前移出"},
    )
    assert decided.status_code == 303, decided.text
    assert (await listings.entry_detail(entry_id))["removal_reason"] == "repaired"


async def test_early_removal_is_refused_before_two_years_and_for_a_court_designation(client, home_user):
    court = await send(client, f"/my/entries/{home_user['entry_id']}/removal", {"statement": "申请", "agree": "1"})
    assert court.status_code == 409
    assert await RemovalApplication.count().run() == 0 and await EvidenceFile.count().run() == 0
