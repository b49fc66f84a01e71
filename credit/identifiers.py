"""Identifiers: USCC (统一社会信用代码, GB 32100) and 身份证 numbers (GB 11643), hashing and masking."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from credit.reasons import Reason

_REASONS = {
    InvalidLength: "id_length",
    InvalidFormat: "id_characters",
    InvalidChecksum: "id_check_character",
    InvalidComponent: "id_component",
}


def _reason(error: ValidationError) -> str:
    for kind, code in _REASONS.items():
        if isinstance(error, kind):
            return Reason(code)
    return Reason("not_valid")


def check_uscc(value: str) -> tuple[str, str | None]:
    """Return (normalised USCC, None) when valid, else (input, reason)."""
    try:
        return uscc.validate(value), None
    except ValidationError as error:
        return value, _reason(error)


def check_id_number(value: str) -> tuple[str, str | None]:
    """Return (normalised 身份证 number, None) when valid, else (input, reason)."""
    try:
        return ric.validate(value), None
    except ValidationError as error:
        return value, _reason(error)


def id_hmac(id_number: str, secret_key: str) -> str:
    """Keyed hash of an ID number: lets us match a person without storing the number."""
    return hmac.new(secret_key.encode(), id_number.upper().encode(), hashlib.sha256).hexdigest()


def mask_id(id_number: str) -> str:
    """First 6 + ******** + last 4, the only form an ID number is ever shown in."""
    return f"{id_number[:6]}********{id_number[-4:]}"


def mask_name(name: str) -> str:
    """Surname + one * per remaining character (张* / 欧阳**); two-character surnames are kept whole."""
    name = name.strip()
    if not name:
        return ""
    surname_length = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:surname_length] + "*" * (len(name) - surname_length)


COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "百里",
    ]
)


# Free text (facts, content, notes, objections, measure text) may quote a person's ID or mobile number.
# Every public and agency output passes it through mask_free_text; the stored record keeps the original.
FREE_TEXT_FIELDS = frozenset(
    {
        "facts",
        "content",
        "legal_basis",
        "basis",
        "violation_type",
        "note",
        "notes",
        "description",
        "objection_text",
        "text",
        "statement",
        "reason",
        "reasons",
    }
)
_DIGIT_RUN = re.compile(r"[0-9]+[Xx]?")
_SCALARS = (str, int, float, Decimal, date, type(None))
_MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")
ID_LENGTH, OLD_ID_LENGTH = 18, 15


def looks_like_id_number(candidate: str) -> bool:
    """18 characters whose GB 11643 check character and birth date are right (the place is not looked up,
    so a number of a county missing from the library's table is still caught)."""
    if len(candidate) != ID_LENGTH or not (candidate.isascii() and candidate[:-1].isdigit()):
        return False
    try:
        return ric.calc_check_digit(candidate) == candidate[-1].upper() and bool(ric.get_birth_date(candidate))
    except ValidationError:
        return False


def _looks_like_old_id_number(candidate: str) -> bool:
    """A 15-digit number of the first generation (region + YYMMDD birth date + sequence, no check digit)."""
    try:
        return (
            len(candidate) == OLD_ID_LENGTH
            and candidate.isdigit()
            and bool(date(1900 + int(candidate[6:8]), int(candidate[8:10]), int(candidate[10:12])))
        )
    except ValueError:
        return False


def _mask_run(run: str) -> str:
    """Mask every ID number inside one run of digits, wherever in the run it starts: the middle eight of
    each window that looks like one are hidden (windows may overlap, so none can shield a real number)."""
    if len(run) == OLD_ID_LENGTH and _looks_like_old_id_number(run):
        return f"{run[:6]}*****{run[-4:]}"
    hidden: set[int] = set()
    for start in range(len(run) - ID_LENGTH + 1):
        if looks_like_id_number(run[start : start + ID_LENGTH]):
            hidden.update(range(start + 6, start + ID_LENGTH - 4))
    return "".join("*" if i in hidden else c for i, c in enumerate(run)) if hidden else run


def mask_free_text(text: str) -> str:
    """The text with every ID number (18-digit with a right check character, or 15-digit old form) shown as
    first 6 + ******** + last 4, and every mainland mobile number (1[3-9] + 9 digits, not part of a longer
    digit run) as 3 + **** + 4. USCCs, decision numbers and other digit runs are left as they are."""
    if not text:
        return text
    text = _DIGIT_RUN.sub(lambda m: _mask_run(m.group()) if len(m.group()) >= OLD_ID_LENGTH else m.group(), text)
    return _MOBILE.sub(r"\1****\2", text)


def mask_free_text_fields(value: Any) -> Any:
    """A copy of a JSON-like value with the free-text fields (FREE_TEXT_FIELDS, at any depth) masked."""
    if isinstance(value, _SCALARS):  # most of a document; checked first, the Mapping check is slow
        return value
    if isinstance(value, (dict, Mapping)):
        return {
            k: (mask_free_text(v) if k in FREE_TEXT_FIELDS else v) if isinstance(v, str) else mask_free_text_fields(v)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [mask_free_text_fields(v) for v in value]
    return value


def keep_stored_free_text(submitted: Mapping[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    """`submitted` with each free-text field that came back exactly as the masked form of the stored text
    replaced by the stored text: a form filled from a masked read must not overwrite the record's original."""
    return {
        k: stored[k]
        if k in FREE_TEXT_FIELDS
        and isinstance(v, str)
        and isinstance(stored.get(k), str)
        and v != stored[k]
        and v == mask_free_text(stored[k])
        else v
        for k, v in submitted.items()
    }
