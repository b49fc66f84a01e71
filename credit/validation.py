"""Field checks that collect every problem of a record before anything is written."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Mapping

from credit.errors import FieldError, ValidationFailed


class Checker:
    """Reads fields from a mapping, converting and checking them; errors accumulate in `errors`."""

    def __init__(self, data: Mapping[str, Any], prefix: str = ""):
        self.data = data
        self.prefix = prefix
        self.errors: list[FieldError] = []

    def fail(self, field: str, reason: str, value: Any = None) -> None:
        self.errors.append(FieldError(self.prefix + field, reason, value))

    def raw(self, field: str) -> Any:
        value = self.data.get(field)
        return value.strip() if isinstance(value, str) else value

    def text(self, field: str, *, required: bool = True, max_length: int = 200, default: str = "") -> str:
        value = self.raw(field)
        if value is None or value == "":
            if required:
                self.fail(field, "is required")
            return default
        value = str(value)
        if len(value) > max_length:
            self.fail(field, f"is longer than {max_length} characters", value)
        return value

    def integer(self, field: str, *, minimum: int | None = None, maximum: int | None = None,
                required: bool = True, default: int | None = None) -> int | None:
        value = self.raw(field)
        if value is None or value == "":
            if required:
                self.fail(field, "is required")
            return default
        try:
            number = int(Decimal(str(value)))
            if Decimal(str(value)) != number:
                raise ValueError
        except (InvalidOperation, ValueError):
            self.fail(field, "must be a whole number", value)
            return default
        if minimum is not None and number < minimum:
            self.fail(field, f"must be at least {minimum}", value)
        if maximum is not None and number > maximum:
            self.fail(field, f"must be at most {maximum}", value)
        return number

    def amount(self, field: str, *, required: bool = False, scale: Decimal = Decimal(1)) -> Decimal | None:
        """An exact non-negative amount in yuan (multiplied by `scale`, e.g. 10000 for 万元)."""
        value = self.raw(field)
        if value is None or value == "":
            if required:
                self.fail(field, "is required")
            return None
        if isinstance(value, float):
            value = repr(value)  # shortest repr round-trips what the spreadsheet showed
        try:
            amount = Decimal(str(value).replace(",", "")) * scale
        except InvalidOperation:
            self.fail(field, "must be a number", value)
            return None
        if not amount.is_finite() or amount < 0:
            self.fail(field, "must not be negative", value)
            return None
        if amount != amount.quantize(Decimal("0.01")):
            self.fail(field, "has more precision than one fen (0.01 yuan)", value)
            return None
        return amount.quantize(Decimal("0.01"))

    def day(self, field: str, *, required: bool = True, not_after: date | None = None) -> date | None:
        value = self.raw(field)
        if value is None or value == "":
            if required:
                self.fail(field, "is required")
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.fail(field, "must be a date like 2025-03-01", value)
            return None
        if not_after is not None and parsed > not_after:
            self.fail(field, f"must not be in the future (after {not_after.isoformat()})", value)
        return parsed

    def choice(self, field: str, allowed: Iterable[str], *, required: bool = True, default: str = "") -> str:
        allowed = list(allowed)
        value = self.raw(field)
        if value is None or value == "":
            if required:
                self.fail(field, "is required")
            return default
        if value not in allowed:
            self.fail(field, f"must be one of {', '.join(allowed)}", value)
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
        self.fail(field, "must be yes or no", value)
        return default

    def done(self) -> None:
        """Raise ValidationFailed if any check failed."""
        if self.errors:
            raise ValidationFailed(self.errors)


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
