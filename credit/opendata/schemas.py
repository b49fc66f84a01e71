"""The data dictionary as machine-readable documents: JSON Schema (draft 2020-12) of each download, Table Schema
of each CSV, a Frictionless data package of the CSVs, and the dictionary itself as JSON. Pure: the caller passes
the site's base URL (for `$id` and resource URLs) and what was published (the latest disclosure day)."""

from __future__ import annotations

from typing import Any

from credit.opendata.dictionary import (
    DOWNLOADS,
    RECORDS,
    UNDESCRIBED_TYPE,
    VERSION,
    Column,
    Download,
    Field,
    Record,
)

DRAFT = "https://json-schema.org/draft/2020-12/schema"
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
INTEGER_PATTERN = "^-?[0-9]+$"
DECIMAL_TEXT = "^-?[0-9]+(\\.[0-9]+)?$"
CSV_ENCODING = "utf-8-sig"  # every CSV goes through credit.csv_safe, which writes a BOM
TABLE_TYPES = {
    "string": "string",
    "strings": "string",
    "integer": "integer",
    "decimal": "number",
    "date": "date",
    "boolean": "boolean",
    UNDESCRIBED_TYPE: "any",
}


def _json_base(field: Field) -> dict[str, Any]:
    """The JSON Schema of a field's filled value in a JSON document."""
    kind = field.type
    if kind == "string":
        schema: dict[str, Any] = {"type": "string"}
        if field.enum:
            schema["enum"] = list(field.enum)
        if field.pattern:
            schema["pattern"] = field.pattern
        return schema
    if kind == UNDESCRIBED_TYPE:
        return {"not": {}}  # no value is valid until the dictionary describes the field
    if kind == "integer":
        bounds = (("minimum", field.minimum), ("maximum", field.maximum))
        return {"type": "integer", **{k: v for k, v in bounds if v is not None}}
    fixed: dict[str, dict[str, Any]] = {
        "decimal": {"type": "string", "pattern": DECIMAL_TEXT},
        "date": {"type": "string", "format": "date", "pattern": DATE_PATTERN},
        "boolean": {"type": "boolean"},
        "strings": {"type": "array", "items": {"type": "string"}},
        "record": {"$ref": f"#/$defs/{field.of}"},
        "records": {"type": "array", "items": {"$ref": f"#/$defs/{field.of}"}},
    }
    if kind not in fixed:
        raise ValueError(f"{field.name}: unknown type {kind}")
    return fixed[kind]


def _json_value(field: Field) -> dict[str, Any]:
    """The JSON Schema of a field's value in a JSON document, empty values ("" or null) included."""
    schema = _json_base(field)
    if field.empty is not None and field.type == "string" and not field.nullable:
        if "enum" in schema and "" not in schema["enum"]:
            schema["enum"].append("")
        elif "pattern" in schema and "enum" not in schema:
            schema = {"anyOf": [{"const": ""}, schema]}
    if field.nullable:
        schema = {"anyOf": [schema, {"type": "null"}]}
    return {"title": field.label[1], "description": field.meaning[1], **schema}


def _csv_value(field: Field) -> dict[str, Any]:
    """The JSON Schema of a field's cell in a CSV row (always text; empty is "")."""
    schema: dict[str, Any] = {"type": "string"}
    if field.type == UNDESCRIBED_TYPE:
        schema = {"not": {}}
    elif field.enum:
        schema["enum"] = list(field.enum)
    elif field.type == "integer":
        schema["pattern"] = INTEGER_PATTERN
    elif field.type == "decimal":
        schema["pattern"] = DECIMAL_TEXT
    elif field.type == "date":
        schema |= {"format": "date", "pattern": DATE_PATTERN}
    elif field.type == "boolean":
        schema["enum"] = ["True", "False"]
    elif field.pattern:
        schema["pattern"] = field.pattern
    if field.empty is not None:
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], ""] if "" not in schema["enum"] else schema["enum"]
        elif "pattern" in schema:
            schema = {"anyOf": [{"const": ""}, schema]}
    return {"title": field.label[1], "description": field.meaning[1], **schema}


def _object(record: Record) -> dict[str, Any]:
    return {
        "type": "object",
        "title": record.title[1],
        "properties": {f.name: _json_value(f) for f in record.fields},
        "required": [f.name for f in record.fields if f.name not in record.optional],
        "additionalProperties": False,
    }


def _records_used(name: str, found: dict[str, Record] | None = None) -> dict[str, Record]:
    """The record `name` and every record it refers to, transitively."""
    found = {} if found is None else found
    record = RECORDS[name]
    found[name] = record
    for field in record.fields:
        if field.of and field.of not in found:
            _records_used(field.of, found)
    return found


def schema_url(base_url: str, download: Download) -> str:
    return base_url.rstrip("/") + download.schema_path


def json_schema(download: Download, base_url: str) -> dict[str, Any]:
    """The JSON Schema of a JSON document or JSON Lines line, or of one CSV row (an object keyed by header)."""
    head = {
        "$schema": DRAFT,
        "$id": schema_url(base_url, download),
        "title": download.title[1],
        "description": download.description[1],
        "x-version": VERSION,
    }
    if download.format == "csv":
        return {
            **head,
            "type": "object",
            "properties": {c.header: _csv_value(c.field) for c in download.columns},
            "required": [c.header for c in download.columns],
            "additionalProperties": False,
            "x-columns": [c.header for c in download.columns],
        }
    used = _records_used(download.record)
    top = _object(used.pop(download.record))
    return {**head, **{k: v for k, v in top.items() if k != "title"}, "$defs": {n: _object(r) for n, r in used.items()}}


def table_field(column: Column) -> dict[str, Any]:
    field = column.field
    out: dict[str, Any] = {
        "name": column.header,
        "title": f"{field.label[0]} {field.label[1]}",
        "description": field.meaning[1],
        "type": TABLE_TYPES[field.type],
    }
    constraints: dict[str, Any] = {}
    if field.empty is None:
        constraints["required"] = True
    if field.enum and field.type == "string":
        constraints["enum"] = [v for v in field.enum if v]
    elif field.pattern and field.type == "string":
        constraints["pattern"] = field.pattern.removeprefix("^").removesuffix("$")
    if field.minimum is not None:
        constraints["minimum"] = field.minimum
    if field.maximum is not None:
        constraints["maximum"] = field.maximum
    if constraints:
        out["constraints"] = constraints
    return out


def table_schema(download: Download) -> dict[str, Any]:
    return {"fields": [table_field(c) for c in download.columns], "missingValues": [""]}


def resource_path(download: Download, disclosure_day: str | None) -> str | None:
    """The URL of the newest file of a CSV download (None when there is none yet)."""
    url = download.urls[0]
    if "{day}" in url:
        return url.replace("{day}", disclosure_day) if disclosure_day else None
    return url.split("?", 1)[0]  # without a month: the latest published month


def datapackage(base_url: str, disclosure_day: str | None) -> dict[str, Any]:
    """A Frictionless data package of every CSV download (the newest file of each), with its Table Schema."""
    base = base_url.rstrip("/")
    resources = []
    for download in DOWNLOADS:
        path = resource_path(download, disclosure_day) if download.format == "csv" else None
        if path is None:
            continue
        resources.append(
            {
                "name": download.name,
                "title": download.title[1],
                "description": download.description[1],
                "path": base + path,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": CSV_ENCODING,
                "profile": "tabular-data-resource",
                "dialect": {"delimiter": ",", "header": True},
                "schema": table_schema(download),
                "jsonSchema": schema_url(base, download),  # the same rows as JSON Schema (one object a row)
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "eldercredit",
        "id": f"{base}/data/datapackage.json",
        "title": "养老机构信用评价与信息公示 open data",
        "description": "The public CSV downloads of the eldercare credit system; see /data/dictionary.",
        "version": f"{VERSION.removeprefix('v')}.0.0",
        "homepage": f"{base}/data/dictionary",
        "resources": resources,
    }


def _field_entry(field: Field, header: str | None = None) -> dict[str, Any]:
    def both(text: tuple[str, str] | None) -> dict[str, str] | None:
        return None if text is None else {"zh": text[0], "en": text[1]}

    return {
        "name": header or field.name,
        "key": field.name,
        "label": both(field.label),
        "type": field.type,
        "unit": both(field.unit),
        "meaning": both(field.meaning),
        "source": both(field.source),
        "empty": both(field.empty),
        "enum": list(field.enum),
        "of": field.of or None,
    }


def dictionary(base_url: str) -> dict[str, Any]:
    """The whole data dictionary: every download with its fields, and the objects the JSON downloads nest."""
    return {
        "version": VERSION,
        "downloads": [
            {
                "name": d.name,
                "title": {"zh": d.title[0], "en": d.title[1]},
                "description": {"zh": d.description[0], "en": d.description[1]},
                "format": d.format,
                "urls": list(d.urls),
                "encoding": CSV_ENCODING if d.format == "csv" else "utf-8",
                "schema": schema_url(base_url, d),
                "fields": [_field_entry(c.field, c.header) for c in d.columns]
                or [_field_entry(f) for f in RECORDS[d.record].fields],
            }
            for d in DOWNLOADS
        ],
        "objects": {
            r.name: {"title": {"zh": r.title[0], "en": r.title[1]}, "fields": [_field_entry(f) for f in r.fields]}
            for r in RECORDS.values()
        },
    }
