"""Importing files: a clean file is stored whole; a file with any bad row writes nothing and says why."""

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from stdnum.cn import uscc

from credit.importer.reader import UnreadableFile
from credit.importer.service import import_file
from credit.records.tables import Penalty
from credit.registry.tables import Institution
from credit.sharing.tables import ChangeEvent

INSTITUTION_HEADERS = [
    "机构名称",
    "统一社会信用代码",
    "区县代码",
    "地址",
    "床位数",
    "机构性质",
    "法定代表人",
    "成立日期",
]
PENALTY_HEADERS = [
    "行政相对人名称",
    "行政相对人类别",
    "统一社会信用代码",
    "法定代表人",
    "行政处罚决定书文号",
    "违法行为类型",
    "违法事实",
    "处罚依据",
    "处罚类别",
    "处罚内容",
    "罚款金额（万元）",
    "处罚决定日期",
    "公示截止期",
    "处罚机关",
    "数据来源单位",
]


def code(n: int, prefix: str = "52320412MJ") -> str:
    body = f"{prefix}{n:07d}"
    return body + uscc.calc_check_digit(body)


def institution_row(n: int, **changes) -> list:
    row = {
        "机构名称": f"武进区第{n}养老院",
        "统一社会信用代码": code(n),
        "区县代码": "320412",
        "地址": "湖塘镇",
        "床位数": 100 + n,
        "机构性质": "民办非企业",
        "法定代表人": "王芳",
        "成立日期": "2012/5/1",
        **changes,
    }
    return [row[h] for h in INSTITUTION_HEADERS]


def write_csv(path: Path, headers: list, rows: list[list], title: str | None = None) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        if title:
            writer.writerow([title])
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, headers: list, rows: list[list], title: str | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


async def test_a_clean_institution_file_is_stored_whole(db, tmp_path):
    path = write_csv(tmp_path / "homes.csv", INSTITUTION_HEADERS, [institution_row(n) for n in range(1, 6)])
    report = await import_file(path, actor="import")
    assert report.ok and report.written == 5 and report.kind == "institutions"
    stored = await Institution.select().order_by(Institution.beds).run()
    assert [r["beds"] for r in stored] == [101, 102, 103, 104, 105]
    assert stored[0]["owner_type"] == "private_nonprofit" and stored[0]["established_on"] == date(2012, 5, 1)
    # Each new home is announced, then rated once when the import's transaction ends (issue 14 write hook).
    events = await ChangeEvent.select(ChangeEvent.type).order_by(ChangeEvent.seq).run()
    assert [e["type"] for e in events] == ["institution"] * 5 + ["rating"] * 5


async def test_one_bad_row_writes_nothing_and_every_problem_is_reported_by_row_and_column(db, tmp_path):
    rows = [
        institution_row(1),
        institution_row(2, 统一社会信用代码="52320412MJ0000002Q"),
        institution_row(3, 床位数=-5),
        institution_row(4, 区县代码="999999"),
        institution_row(1),
    ]
    path = write_csv(tmp_path / "homes.csv", INSTITUTION_HEADERS, rows)
    report = await import_file(path, actor="import")
    assert not report.ok and report.written == 0
    found = {(p.row, p.column) for p in report.problems}
    assert {(3, "统一社会信用代码"), (4, "床位数"), (5, "区县代码"), (6, "统一社会信用代码")} <= found
    assert any("repeats row 2" in p.reason for p in report.problems)
    assert await Institution.count().run() == 0
    assert await ChangeEvent.count().run() == 0


async def test_an_institution_already_stored_is_reported_not_duplicated(db, tmp_path):
    path = write_csv(tmp_path / "homes.csv", INSTITUTION_HEADERS, [institution_row(1)])
    await import_file(path, actor="import")
    again = await import_file(path, actor="import")
    assert [(p.row, p.reason) for p in again.problems] == [(2, "is already stored")]
    assert await Institution.count().run() == 1


def penalty_row(n: int, **changes) -> list:
    row = {
        "行政相对人名称": "常州市武进区康乐养老院",
        "行政相对人类别": "法人及非法人组织",
        "统一社会信用代码": code(1),
        "法定代表人": "王芳",
        "行政处罚决定书文号": f"武民罚字〔2025〕{n}号",
        "违法行为类型": "未签订服务协议",
        "违法事实": "3名老年人未签协议",
        "处罚依据": "《养老机构管理办法》第四十六条",
        "处罚类别": "罚款",
        "处罚内容": "罚款",
        "罚款金额（万元）": 1.25,
        "处罚决定日期": datetime(2025, 3, 14),
        "公示截止期": "2026-03-14",
        "处罚机关": "常州市武进区民政局",
        "数据来源单位": "常州市武进区民政局",
        **changes,
    }
    return [row[h] for h in PENALTY_HEADERS]


async def test_a_penalty_workbook_with_a_title_row_and_excel_dates_converts_wan_yuan_exactly(db, tmp_path):
    await import_file(write_csv(tmp_path / "homes.csv", INSTITUTION_HEADERS, [institution_row(1)]), "import")
    rows = [
        penalty_row(1),
        penalty_row(2, **{"罚款金额（万元）": 0.35, "处罚类别": "警告"}),
        penalty_row(3, 统一社会信用代码=code(9), 处罚类别="吊销许可证件"),
    ]
    path = write_xlsx(tmp_path / "penalties.xlsx", PENALTY_HEADERS, rows, title="2025年行政处罚信息公示")
    report = await import_file(path, actor="import")
    assert report.ok and report.kind == "penalties" and report.written == 3
    stored = {r["decision_number"]: r for r in await Penalty.select().run()}
    first = stored["武民罚字〔2025〕1号"]
    assert first["fine_fen"] == 1250000 and first["decision_date"] == date(2025, 3, 14)
    assert first["severity"] == "general" and first["match_status"] == "matched"
    assert stored["武民罚字〔2025〕2号"]["fine_fen"] == 350000
    assert stored["武民罚字〔2025〕2号"]["severity"] == "minor"
    unmatched = stored["武民罚字〔2025〕3号"]
    assert unmatched["match_status"] == "review" and unmatched["institution"] is None
    assert unmatched["severity"] == "serious"


async def test_a_penalty_decided_in_the_future_or_with_an_odd_fine_is_refused(db, tmp_path):
    rows = [
        penalty_row(1, 处罚决定日期="2099-01-01"),
        penalty_row(2, **{"罚款金额（万元）": "-1"}),
        penalty_row(3, **{"罚款金额（万元）": "0.0000001"}),
    ]
    report = await import_file(write_csv(tmp_path / "p.csv", PENALTY_HEADERS, rows), actor="import")
    reasons = {(p.row, p.column): p.reason for p in report.problems}
    assert "must not be in the future" in reasons[(2, "处罚决定日期")]
    assert reasons[(3, "罚款金额（万元）")] == "must not be negative"
    assert "precision" in reasons[(4, "罚款金额（万元）")]
    assert await Penalty.count().run() == 0


@pytest.mark.parametrize(
    "cell, reason",
    [
        ("1e9", "must be a decimal number written in digits, such as 5000.50"),
        (1e30, "must have at most 12 digits before the decimal point"),
        ("99999999999999999999.99", "must have at most 12 digits before the decimal point"),
        ("100000000", "must have at most 12 digits before the decimal point"),  # 万元: 10^12 yuan
        ("NaN", "must be a decimal number written in digits, such as 5000.50"),
        ("Infinity", "must be a decimal number written in digits, such as 5000.50"),
        ("-0.5", "must not be negative"),
    ],
)
async def test_a_fine_out_of_range_or_not_in_digits_is_a_row_and_column_problem(db, tmp_path, cell, reason):
    """CSV text and Excel number cells alike: a problem in the report, never a traceback, nothing written."""
    rows = [penalty_row(1), penalty_row(2, **{"罚款金额（万元）": cell})]
    report = await import_file(write_xlsx(tmp_path / "p.xlsx", PENALTY_HEADERS, rows), actor="import")
    assert [(p.row, p.column, p.reason) for p in report.problems] == [(3, "罚款金额（万元）", reason)]
    assert report.written == 0 and await Penalty.count().run() == 0


async def test_the_largest_fine_in_wan_yuan_is_stored_to_the_fen(db, tmp_path):
    rows = [penalty_row(1, **{"罚款金额（万元）": "99999999.999999"})]
    report = await import_file(write_xlsx(tmp_path / "p.xlsx", PENALTY_HEADERS, rows), actor="import")
    assert report.ok
    assert (await Penalty.select(Penalty.fine_fen).first().run())["fine_fen"] == 99999999999999


def test_a_file_without_a_known_header_row_is_refused_with_the_expected_headers(tmp_path):
    path = write_csv(tmp_path / "x.csv", ["a", "b"], [[1, 2]])
    with pytest.raises(UnreadableFile, match="no header row found"):
        import asyncio

        asyncio.run(import_file(path, actor="import"))


def test_an_unsupported_file_type_is_refused(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(UnreadableFile, match="unsupported file type"):
        import asyncio

        asyncio.run(import_file(path, actor="import"))
