"""Field checks that collect every problem of a record before anything is written."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any, TypeVar

import msgspec

from credit.errors import FieldError, ValidationFailed
from credit.reasons import Reason

S = TypeVar("S", bound=msgspec.Struct)


def typed_from_text(kind: type[S], values: Mapping[str, Any]) -> S:
    """The struct a service takes, built from what a person typed (a workspace or /my form, an import row).

    Only the fields `values` names are set; the others keep the struct's defaults, as they do when a JSON body
    leaves them out, and a required field that is missing (a form posted without it) is None, which the Checker
    reports as required. The text is not converted here: the service's Checker converts each field (a date, a
    whole number, an amount) and reports every field it cannot read by name, so a form gets all of its record's
    problems at once, exactly as the API does."""
    given = {
        field.name: values.get(field.name)
        for field in msgspec.structs.fields(kind)
        if field.name in values or field.required
    }
    return kind(**given)


class Checker:
    """Reads fields from a mapping (a form, an import row) or from the msgspec struct a service takes, converting
    and checking them; errors accumulate in `errors`. A struct's types are already checked where it was decoded:
    what is checked here is the domain's part (blank after trimming, lengths, known codes, ranges)."""

    def __init__(self, data: Mapping[str, Any] | msgspec.Struct, prefix: str = ""):
        self.data = data
        self.prefix = prefix
        self.errors: list[FieldError] = []

    def fail(self, field: str, reason: str, value: Any = None) -> None:
        self.errors.append(FieldError(self.prefix + field, reason, value))

    def given(self, field: str) -> Any:
        """The field's value as it was sent (untrimmed; None when absent), e.g. for the value of a field error."""
        data = self.data
        return getattr(data, field, None) if isinstance(data, msgspec.Struct) else data.get(field)

    def raw(self, field: str) -> Any:
        value = self.given(field)
        return value.strip() if isinstance(value, str) else value

    def text(self, field: str, *, required: bool = True, max_length: int = 200, default: str = "") -> str:
        value = self.raw(field)
        if value is None or value == "":
            if required:
                self.fail(field, Reason("required"))
            return default
        value = str(value)
        if len(value) > max_length:
            self.fail(field, Reason("too_long", max_length=max_length), value)
        if "\x00" in value:  # PostgreSQL cannot store it, and no one types it
            self.fail(field, Reason("nul_character"), value.replace("\x00", ""))
        return value

    def integer(
        self,
        field: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
        required: bool = True,
        default: int | None = None,
    ) -> int | None:
        value = self.raw(field)
        if value is None or value == "":
            if required:
                self.fail(field, Reason("required"))
            return default
        try:
            number = int(Decimal(str(value)))
            if Decimal(str(value)) != number:
                raise ValueError
        except (InvalidOperation, ValueError):
            self.fail(field, Reason("whole_number"), value)
            return default
        if minimum is not None and number < minimum:
            self.fail(field, Reason("at_least", minimum=minimum), value)
        if maximum is not None and number > maximum:
            self.fail(field, Reason("at_most", maximum=maximum), value)
        return number

    def amount(self, field: str, *, required: bool = False, scale: Decimal = Decimal(1)) -> Decimal | None:
        """An exact non-negative amount in yuan: at most 12 integer digits and two decimals (one fen), after
        multiplying by `scale` (10000 for a 万元 column).

        Takes a decimal string in digits (`5000.50`; thousands commas allowed), a whole number or a Decimal.
        Refuses floats (a binary float cannot carry fen exactly: send the amount as a string), exponents
        (`1e9`), signs, NaN and Infinity, each as a field error.
        """
        value = self.raw(field)
        if value is None or value == "":
            if required:
                self.fail(field, Reason("required"))
            return None
        if isinstance(value, (bool, float)):
            self.fail(field, Reason("amount_not_float"), value)
            return None
        text = _amount_text(value)
        if text.startswith("-") and _AMOUNT.fullmatch(text[1:]):
            self.fail(field, Reason("not_negative"), value)
            return None
        if len(text) > _AMOUNT_MAX_LENGTH or not _AMOUNT.fullmatch(text):
            self.fail(field, Reason("amount_digits"), value)
            return None
        with localcontext(prec=2 * _AMOUNT_MAX_LENGTH):  # exact: no rounding at 28 digits
            amount = Decimal(text) * scale
        if amount >= _AMOUNT_LIMIT:
            self.fail(field, Reason("amount_too_large", digits=AMOUNT_INTEGER_DIGITS), value)
            return None
        if amount != amount.quantize(_FEN):
            self.fail(field, Reason("amount_fen"), value)
            return None
        return amount.quantize(_FEN)

    def day(self, field: str, *, required: bool = True, not_after: date | None = None) -> date | None:
        """A calendar date between EARLIEST_DAY and LATEST_DAY (see there), not after `not_after` if given."""
        value = self.raw(field)
        if value is None or value == "":
            if required:
                self.fail(field, Reason("required"))
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.fail(field, Reason("date_format", example="2025-03-01"), value)
            return None
        if not EARLIEST_DAY <= parsed <= LATEST_DAY:
            self.fail(
                field, Reason("date_range", earliest=EARLIEST_DAY.isoformat(), latest=LATEST_DAY.isoformat()), value
            )
            return None
        if not_after is not None and parsed > not_after:
            self.fail(field, Reason("not_future", today=not_after.isoformat()), value)
        return parsed

    def choice(self, field: str, allowed: Iterable[str], *, required: bool = True, default: str = "") -> str:
        allowed = list(allowed)
        value = self.raw(field)
        if value is None or value == "":
            if required:
                self.fail(field, Reason("required"))
            return default
        if value not in allowed:
            self.fail(field, Reason("one_of", allowed=", ".join(allowed)), value)
            return default
        return value

    def flag(self, field: str, default: bool = False) -> bool:
        value = self.raw(field)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        text = str(value).lower()
        if text in {"1", "true", "yes", "是", "y"}:
            return True
        if text in {"0", "false", "no", "否", "n"}:
            return False
        self.fail(field, Reason("yes_or_no"), value)
        return default

    def done(self) -> None:
        """Raise ValidationFailed if any check failed."""
        if self.errors:
            raise ValidationFailed(self.errors)


# The dates any record here can carry. The oldest are homes' founding dates, some of which reach back into the
# early twentieth century; the latest are deadlines and publication ends, at most a few years ahead (a serious
# penalty is public for 3 years, a list entry lasts 3). A year outside is a typing error (0001, 9999), and refusing
# it keeps date arithmetic (adding years, counting working days) far from the calendar's ends.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2100, 12, 31)

AMOUNT_INTEGER_DIGITS = 12  # money: up to 999,999,999,999.99 yuan
_AMOUNT_LIMIT = Decimal(10) ** AMOUNT_INTEGER_DIGITS
_AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?")
_AMOUNT_MAX_LENGTH = 40
_FEN = Decimal("0.01")


def _amount_text(value: Any) -> str:
    """An amount as plain digits: ints and finite Decimals written out, text without thousands commas."""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    return str(value).strip().replace(",", "")


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def parse_date(value: Any) -> date | None:
    """A date from an ISO string, common Chinese spellings or an Excel date cell; None if unreadable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
