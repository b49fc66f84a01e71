"""Atom 1.0 documents (RFC 4287) from plain entries: no data access, no wording (portal.public.feeds has both).

Entry ids are tag URIs (RFC 4151) made of the record's identity: the home's USCC (unique in the country, so two
installations never mint the same id) and the record's kind and id, e.g.
`tag:eldercredit,2026:institution:52320402MJ0000001X:penalty:17`. A reader sees the same entry on every request
and across unrelated writes; `updated` is the record's own date
(midnight in the service's time zone), never the time of rendering.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from xml.etree import ElementTree as ET

from credit.settings import settings

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
TAG_AUTHORITY = "tag:eldercredit,2026:"  # fixed for ever: changing it changes every entry id
# Characters XML 1.0 does not allow (a stored free text may carry them, e.g. from a spreadsheet cell)
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def tag(*parts: object) -> str:
    """A tag URI of the record named by `parts`, e.g. tag("institution", uscc, "penalty", 17)."""
    return TAG_AUTHORITY + ":".join(str(p) for p in parts)


def instant(day: date) -> str:
    """A day as an Atom date-time: its midnight in the service's time zone (Asia/Shanghai by default)."""
    return datetime.combine(day, time(0), tzinfo=settings.timezone).isoformat()


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    updated: date
    title: str
    summary: str
    link: str  # absolute URL of the page the entry is about
    category: str  # the kind of change (level, penalty, grading, fire_inspection, listed, removed)
    order: int = 0  # among entries of one kind and day, the later change has the higher number (not rendered)


@dataclass(frozen=True, slots=True)
class Feed:
    id: str
    title: str
    subtitle: str
    author: str
    lang: str  # xml:lang of the texts (zh-CN or en)
    self_url: str
    alternate_url: str  # the HTML page the feed follows
    updated: date  # the newest entry's date (or the page's data day when there is none)
    entries: Sequence[Entry]


def document(feed: Feed) -> bytes:
    """The feed as UTF-8 Atom XML with its declaration."""
    ET.register_namespace("", ATOM)

    def child(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{name}", {k: NOT_XML.sub("", v) for k, v in attributes.items()})
        element.text = None if text is None else NOT_XML.sub("", text)
        return element

    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": feed.lang})
    child(root, "id", feed.id)
    child(root, "title", feed.title)
    child(root, "subtitle", feed.subtitle)
    child(root, "updated", instant(feed.updated))
    child(child(root, "author"), "name", feed.author)
    child(root, "link", rel="self", type="application/atom+xml", href=feed.self_url)
    child(root, "link", rel="alternate", type="text/html", href=feed.alternate_url)
    for e in feed.entries:
        entry = child(root, "entry")
        child(entry, "id", e.id)
        child(entry, "title", e.title)
        child(entry, "updated", instant(e.updated))
        child(entry, "link", rel="alternate", type="text/html", href=e.link)
        child(entry, "category", term=e.category)
        child(entry, "summary", e.summary, type="text")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
