"""The data dictionary itself (issue 17): every field of every download is described in both languages, each CSV
column sits beside the field it names, and a field the dictionary does not know makes its download fail."""

from __future__ import annotations

from jsonschema import Draft202012Validator

from credit.disclosures.service import CSV_COLUMNS, institution_line
from credit.opendata import schemas
from credit.opendata.dictionary import DOWNLOADS, RECORDS, UNDESCRIBED_TYPE, Download, Record, described


def every_field():
    for record in RECORDS.values():
        yield record.name, record.fields
    for download in DOWNLOADS:
        yield download.name, tuple(c.field for c in download.columns)


def test_every_field_is_described_in_chinese_and_english():
    for owner, fields in every_field():
        for field in fields:
            assert field.type != UNDESCRIBED_TYPE, f"{owner}: {field.name} is not in credit.opendata.dictionary"
            assert all(field.label) and all(field.meaning) and all(field.source), (owner, field.name)


def test_each_csv_column_is_the_field_its_header_names():
    for download in DOWNLOADS:
        for column in download.columns:
            assert column.header.startswith(column.field.label[0]) or column.header == column.field.name, (
                download.name,
                column.header,
                column.field.name,
            )


def test_the_disclosure_line_and_its_csv_columns_are_the_described_fields():
    line = institution_line(
        {
            "uscc": "x",
            "name": "x",
            "district_code": "x",
            "grade": None,
            "fire": {"status": "none"},
            "listed": [],
            "credit": {"level": "A", "score": 100, "policy_version": "2026.1", "contributions": []},
        }
    )
    assert list(line) == [f.name for f in RECORDS["institution"].fields]
    assert [c.field.name for c in next(d for d in DOWNLOADS if d.name == "disclosure-csv").columns] == list(CSV_COLUMNS)


def test_a_field_the_dictionary_does_not_know_rejects_every_value():
    known = RECORDS["feedback_month"]
    record = Record("probe", ("探针", "probe"), (*known.fields, described({}, "fees")))
    RECORDS["probe"] = record
    try:
        schema = schemas.json_schema(Download("probe", ("p", "p"), ("p", "p"), "jsonl", ("/p",), record="probe"), "")
    finally:
        del RECORDS["probe"]
    row = {"month": "2026-11", "received": 1, "substantiated": 0, "closed_on_time": 1}
    validator = Draft202012Validator(schema)
    assert validator.is_valid({**row, "fees": None}) is False and validator.is_valid(row) is False  # required too
