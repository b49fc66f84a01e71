"""What a home offers (服务项目、护理等级、收费标准、网站): the closed sets, their labels, and the checks.

Defined once here and reused by every output (API enums, workspace form, importer, public pages). Every one of
these facts is optional, and "not reported" (None, NULL in the tables) is never the same as zero or "none
offered": a home that reports no service at all has the empty set, one that reports nothing has None.

Stored in the registry as text: the codes in the order of their set, joined by commas ("" is the reported
empty set, NULL not reported); fees in whole yuan a month.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from credit.reasons import Reason
from credit.validation import Checker

Label = tuple[str, str]  # (zh, en)

SERVICES: dict[str, Label] = {
    "medical_care": ("医养结合", "Integrated medical care"),
    "dementia_care": ("认知障碍照护", "Dementia care"),
    "rehabilitation": ("康复护理", "Rehabilitation nursing"),
    "hospice": ("临终关怀", "Hospice care"),
    "day_care": ("日间照料", "Day care"),
}
CARE_LEVELS: dict[str, Label] = {
    "self_care": ("自理", "Self-care"),
    "partly_dependent": ("半失能", "Partly dependent"),
    "dependent": ("失能", "Dependent"),
}
SET_FIELDS: dict[str, dict[str, Label]] = {"services": SERVICES, "care_levels": CARE_LEVELS}
FEE_FIELDS = ("fee_min", "fee_max")
OFFER_FIELDS = ("services", "care_levels", "fee_min", "fee_max", "website")

MAX_FEE = 999_999  # yuan a month; more is a typing error
WEBSITE_MAX_LENGTH = 300
# How people separate the items of a cell or field: 、 , ， ; ； and spaces.
SEPARATORS = re.compile(r"[、,，;；\s]+")
NONE_WORDS = frozenset({"none", "无", "没有"})  # the reported empty set


def split_items(text: str) -> list[str]:
    return [item for item in SEPARATORS.split(text.strip()) if item]


def _code_of(item: str, vocabulary: Mapping[str, Label]) -> str | None:
    """The code of an item given as a code or as its Chinese or English label."""
    if item in vocabulary:
        return item
    for code, (zh, en) in vocabulary.items():
        if item == zh or item.casefold() == en.casefold():
            return code
    return None


def check_codes(check: Checker, field: str, vocabulary: Mapping[str, Label] | None = None) -> list[str] | None:
    """The codes of a set field: None when not reported (absent, null or blank); a list (codes, a word per code
    in Chinese or English) or a text of items separated by 、,; or spaces; `无` / `none` for the reported empty set.
    Returns the codes in the set's order, or None; each unknown item is a field error naming it. `vocabulary`:
    the set, when `field` is not named for it."""
    vocabulary = vocabulary or SET_FIELDS[field]
    value = check.raw(field)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        items = split_items(value)
    elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        items = [v.strip() for v in value if v.strip()]
    else:
        check.fail(field, Reason("codes_list"), value)
        return None
    if any(item.casefold() in NONE_WORDS for item in items):
        if len(items) > 1:
            check.fail(field, Reason("none_and_other"), value)
            return None
        return []
    codes: set[str] = set()
    for item in items:
        code = _code_of(item, vocabulary)
        if code is None:
            check.fail(field, Reason("unknown_item", item=item, allowed=", ".join(vocabulary)), item)
        else:
            codes.add(code)
    return [code for code in vocabulary if code in codes]


def check_website(check: Checker, field: str = "website") -> str | None:
    """An http or https address with a host name, or None when not reported."""
    text = check.text(field, required=False, max_length=WEBSITE_MAX_LENGTH)
    if not text:
        return None
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError:
        host = ""
    if parts.scheme.lower() not in {"http", "https"} or "." not in host or re.search(r"\s", text):
        check.fail(field, Reason("web_address"), text)
        return None
    return text


def check_offers(check: Checker) -> dict[str, Any]:
    """The offer fields, checked and in stored form (set fields as text); every problem is a field error."""
    clean: dict[str, Any] = {field: to_column(check_codes(check, field)) for field in SET_FIELDS}
    clean["fee_min"], clean["fee_max"] = check_fees(check)
    clean["website"] = check_website(check)
    return clean


def check_fees(check: Checker) -> tuple[int | None, int | None]:
    """The monthly fee range (`fee_min`, `fee_max`): each whole yuan 0..MAX_FEE or not reported (None), the
    highest not below the lowest; every problem is a field error naming its field."""
    before = len(check.errors)
    fee_min = check.integer("fee_min", minimum=0, maximum=MAX_FEE, required=False)
    fee_max = check.integer("fee_max", minimum=0, maximum=MAX_FEE, required=False)
    if len(check.errors) == before and fee_min is not None and fee_max is not None and fee_max < fee_min:
        check.fail("fee_max", Reason("below_fee_min", fee_min=fee_min), fee_max)
    return fee_min, fee_max


# The fee range in words, as a change request shows and stores it; fee_range reads it back.
NOT_REPORTED = ("未报送", "not reported")
_FEE_WORDS = {
    "both": ("{low}–{high} 元/月", "{low}–{high} yuan a month"),
    "low": ("最低 {low} 元/月，最高未报送", "from {low} yuan a month, highest not reported"),
    "high": ("最高 {high} 元/月，最低未报送", "up to {high} yuan a month, lowest not reported"),
}
_FEE_PATTERNS = (
    re.compile(r"(?P<low>\d+)–(?P<high>\d+) 元/月"),
    re.compile(r"最低 (?P<low>\d+) 元/月，最高未报送"),
    re.compile(r"最高 (?P<high>\d+) 元/月，最低未报送"),
)


def fee_words(fee_min: int | None, fee_max: int | None) -> tuple[str, str]:
    """The range in words (zh, en): "1200–3500 元/月", one end "未报送" (not reported), or just "未报送"."""
    if fee_min is None and fee_max is None:
        return NOT_REPORTED
    kind = "both" if fee_min is not None and fee_max is not None else "low" if fee_min is not None else "high"
    zh, en = _FEE_WORDS[kind]
    return zh.format(low=fee_min, high=fee_max), en.format(low=fee_min, high=fee_max)


def fee_range(text: str) -> tuple[int | None, int | None]:
    """The (fee_min, fee_max) of a range as fee_words wrote it in Chinese. Raises ValueError for other text."""
    if text == NOT_REPORTED[0]:
        return None, None
    for match in (pattern.fullmatch(text) for pattern in _FEE_PATTERNS):
        if match:
            found = match.groupdict()
            low, high = found.get("low"), found.get("high")
            return (None if low is None else int(low)), (None if high is None else int(high))
    raise ValueError(f"not a fee range as written by fee_words: {text!r}")


def to_column(codes: list[str] | None) -> str | None:
    return None if codes is None else ",".join(codes)


def from_column(text: str | None) -> list[str] | None:
    """The stored text of a set field as its codes (None: not reported)."""
    if text is None:
        return None
    return [code for code in text.split(",") if code]


def as_public(row: Mapping[str, Any]) -> dict[str, Any]:
    """The offer fields of a stored institution row as they go out: set fields as lists of codes."""
    return {
        "services": from_column(row.get("services")),
        "care_levels": from_column(row.get("care_levels")),
        "fee_min": row.get("fee_min"),
        "fee_max": row.get("fee_max"),
        "website": row.get("website"),
    }


def search_column(codes: list[str] | None) -> str | None:
    """A set as the public projection's flat column: `,a,b,` so that `LIKE '%,a,%'` finds exactly a."""
    return None if codes is None else "," + ",".join(codes) + ","


def set_text(codes: list[str] | None, vocabulary: Mapping[str, Label]) -> str:
    """A set as a person writes it (the Chinese names joined by 、; 无 for none; "" when not reported): what a
    change request shows and what check_codes reads back."""
    if codes is None:
        return ""
    return "、".join(vocabulary[c][0] for c in codes if c in vocabulary) or "无"


def label(vocabulary: Mapping[str, Label], code: str, lang: str) -> str:
    names = vocabulary.get(code)
    if names is None:
        return code
    return names[0] if lang == "zh" else names[1]
