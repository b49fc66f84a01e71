"""Identifiers: USCC (统一社会信用代码, GB 32100) and 身份证 numbers (GB 11643), hashing and masking."""

from __future__ import annotations

import hashlib
import hmac

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

_REASONS = {
    InvalidLength: "must be 18 characters",
    InvalidFormat: "contains characters that are not allowed",
    InvalidChecksum: "check character does not match",
    InvalidComponent: "contains an invalid part (registration authority, region or birth date)",
}


def _reason(error: ValidationError) -> str:
    for kind, reason in _REASONS.items():
        if isinstance(error, kind):
            return reason
    return "is not valid"


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
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 独孤 南宫 西门 百里".split()
)
