"""Jinja filters defined once: masks, dates, stars, bilingual labels."""

from __future__ import annotations

from datetime import date

from jinja2 import Environment
from markupsafe import Markup, escape

from credit.identifiers import mask_name
from credit.registry.districts import district_name


def format_date(value: date | str | None) -> str:
    """A date as YYYY-MM-DD; an ISO text (from a stored JSON document) keeps its date part."""
    if isinstance(value, str):
        return value[:10] or "—"
    return value.strftime("%Y-%m-%d") if value else "—"


def stars(level: int | None) -> str:
    return "★" * (level or 0) + "☆" * (5 - (level or 0))


def both(label: tuple[str, str] | None) -> Markup:
    """A (zh, en) label as the workspace shows it: Chinese, then English marked as English."""
    if not label:
        return Markup("—")
    zh, en = label
    if not en or en == zh:
        return escape(zh)
    return escape(zh) + Markup(' <span lang="en">') + escape(en) + Markup("</span>")


def register_filters(environment: Environment) -> None:
    environment.filters.update(
        mask_name=mask_name,
        date=format_date,
        stars=stars,
        district=district_name,
        both=both,
    )
