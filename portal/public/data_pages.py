"""Open data (开放数据): the data dictionary as a page for citizens (both languages, 长辈模式) and as JSON, the JSON
Schema of every download and the Frictionless `datapackage.json` of the CSVs, all built by credit.opendata.

The machine-readable documents change only with a release (and the data package with the newest disclosure
day): each carries an ETag of its bytes, answers 304 to a matching If-None-Match and may be cached publicly
like the other public pages."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response

from credit.clock import Clock
from credit.errors import NotFound
from credit.opendata import schemas
from credit.opendata.dictionary import DOWNLOADS, DOWNLOADS_BY_NAME, RECORDS, VERSION, Field
from portal.public import caching
from portal.public.pages import not_found_page, page
from portal.public.preferences import Preferences

SCHEMA_SUFFIX = ".schema.json"
TYPE_WORDS = {
    "string": ("文本", "text"),
    "strings": ("文本列表", "list of texts"),
    "integer": ("整数", "whole number"),
    "decimal": ("数字（文本形式，精确）", "number (written as text, exact)"),
    "date": ("日期 YYYY-MM-DD", "date YYYY-MM-DD"),
    "boolean": ("是/否", "yes / no"),
    "record": ("对象", "object"),
    "records": ("对象列表", "list of objects"),
    "undescribed": ("尚未说明", "not described yet"),
}
WORDS = {
    "title": ("数据字典与开放数据", "Data dictionary and open data"),
    "lead": (
        "本系统所有可下载的数据及其每一项的含义、类型、来源和何时为空。机器可读的说明：每个文件的 JSON Schema、"
        "全部字典的 JSON，以及描述 CSV 文件的 Frictionless 数据包。",
        "Every download of this system and what each of its fields means, its type, where it comes from and "
        "when it is empty. Machine-readable: a JSON Schema of each file, the whole dictionary as JSON, and a "
        "Frictionless data package describing the CSV files.",
    ),
    "machine": ("机器可读", "Machine-readable"),
    "dictionary_json": ("数据字典（JSON）", "Data dictionary (JSON)"),
    "datapackage": ("数据包 datapackage.json", "Data package (datapackage.json)"),
    "contents": ("目录", "Contents"),
    "where": ("下载地址", "Where to download"),
    "schema": ("JSON Schema", "JSON Schema"),
    "format": ("格式", "Format"),
    "encoding": ("编码", "Encoding"),
    "fields": ("字段", "Fields"),
    "type": ("类型", "Type"),
    "unit": ("单位", "Unit"),
    "meaning": ("含义", "Meaning"),
    "source": ("来源", "Source"),
    "empty": ("何时为空", "When empty"),
    "never_empty": ("总有值", "always filled"),
    "values": ("取值", "Values"),
    "objects": ("JSON 文件中的对象", "Objects inside the JSON files"),
    "day_note": (
        "{day} 为公示日 YYYY-MM-DD，{month} 为月份 YYYY-MM",
        "{day} is a disclosure day YYYY-MM-DD, {month} a month YYYY-MM",
    ),
    "column": ("列名", "column"),
    "key": ("字段名", "key"),
}


def _pick(text: tuple[str, str] | None, lang: str) -> str:
    return "" if text is None else (text[0] if lang == "zh" else text[1])


def _field_view(field: Field, header: str, lang: str) -> dict[str, Any]:
    return {
        "header": header,
        "label": _pick(field.label, lang),
        "other_label": _pick(field.label, "en" if lang == "zh" else "zh"),
        "type": _pick(TYPE_WORDS[field.type], lang),
        "of": field.of,
        "of_title": _pick(RECORDS[field.of].title, lang) if field.of else "",
        "unit": _pick(field.unit, lang),
        "meaning": _pick(field.meaning, lang),
        "source": _pick(field.source, lang),
        "empty": _pick(field.empty, lang),
        "enum": [v for v in field.enum if v],
        "separator": field.separator,
    }


def dictionary_view(lang: str) -> dict[str, Any]:
    """The page's plain data in one language."""
    downloads = []
    for d in DOWNLOADS:
        fields = (
            [_field_view(c.field, c.header, lang) for c in d.columns]
            if d.columns
            else [_field_view(f, f.name, lang) for f in RECORDS[d.record].fields]
        )
        downloads.append(
            {
                "name": d.name,
                "title": _pick(d.title, lang),
                "description": _pick(d.description, lang),
                "format": {"json": "JSON", "jsonl": "JSON Lines", "csv": "CSV"}[d.format],
                "encoding": schemas.CSV_ENCODING if d.format == "csv" else "utf-8",
                "urls": d.urls,
                "schema": d.schema_path,
                "fields": fields,
            }
        )
    nested = sorted({f.of for d in DOWNLOADS if d.record for f in RECORDS[d.record].fields if f.of})
    seen: list[str] = []
    while nested:  # the objects nested anywhere, each once
        name = nested.pop(0)
        if name not in seen:
            seen.append(name)
            nested += [f.of for f in RECORDS[name].fields if f.of]
    objects = [
        {
            "name": n,
            "title": _pick(RECORDS[n].title, lang),
            "fields": [_field_view(f, f.name, lang) for f in RECORDS[n].fields],
        }
        for n in seen
    ]
    return {"downloads": downloads, "objects": objects, "w": {k: _pick(v, lang) for k, v in WORDS.items()}}


def json_document(request: Request[Any, Any, Any], value: Any, media_type: str) -> Response[bytes]:
    """A JSON document with an ETag of its bytes; 304 when the client has it."""
    body = json.dumps(value, ensure_ascii=False, indent=2).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={caching.MAX_AGE_SECONDS}",
        "X-Content-Type-Options": "nosniff",
        "Access-Control-Allow-Origin": "*",  # open data: readable by any site's validators
    }
    tags = {t.strip().removeprefix("W/") for t in request.headers.get("if-none-match", "").split(",")}
    if etag in tags or "*" in tags:
        return Response(b"", status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def base_url(request: Request[Any, Any, Any]) -> str:
    return str(request.base_url).rstrip("/")


class OpenDataController(Controller):
    path = "/data"
    include_in_schema = False
    exception_handlers = {NotFound: not_found_page}

    @get("/dictionary", operation_id="portalDataDictionary", opt={caching.COMPRESSED_OPT: True})
    async def dictionary_page(self, request: Request[Any, Any, Any], clock: NamedDependency[Clock]) -> Response[bytes]:
        """The data dictionary for people: every download, every field, in the visitor's language and mode."""

        async def build(prefs: Preferences) -> dict[str, Any]:
            return {"d": dictionary_view(prefs.lang), "version": VERSION}

        return await page(
            request, clock, "public/dictionary.html", build, depends_on=caching.Version(f"opendata:{VERSION}", None)
        )

    @get("/dictionary.json", operation_id="portalDataDictionaryJson")
    async def dictionary_json(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        """The data dictionary as JSON (both languages)."""
        return json_document(request, schemas.dictionary(base_url(request)), "application/json")

    @get("/datapackage.json", operation_id="portalDataPackage")
    async def datapackage(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        """The Frictionless data package of the CSV downloads (the newest disclosure day's CSV among them)."""
        day = await caching.disclosure_day()
        return json_document(
            request, schemas.datapackage(base_url(request), day.isoformat() if day else None), "application/json"
        )

    @get(f"/schemas/{VERSION}/{{name:str}}", operation_id="portalDataSchema")
    async def schema(self, request: Request[Any, Any, Any], name: FromPath[str]) -> Response[bytes]:
        """The JSON Schema (draft 2020-12) of one download, e.g. disclosure.schema.json."""
        download = DOWNLOADS_BY_NAME.get(name.removesuffix(SCHEMA_SUFFIX)) if name.endswith(SCHEMA_SUFFIX) else None
        if download is None:
            raise NotFound(f"no schema {name}")
        return json_document(request, schemas.json_schema(download, base_url(request)), "application/schema+json")
