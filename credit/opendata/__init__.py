"""Open data (开放数据): the data dictionary, JSON Schemas and Frictionless data package of every public download.

`dictionary` says once what every field of every download is (labels, type, unit, meaning, source, when empty),
taking columns, enumerations and headers from the modules that write the downloads; `schemas` turns it into
JSON Schema (draft 2020-12), Table Schema and `datapackage.json`. Version `v1` is in every URL and `$id`.
"""
