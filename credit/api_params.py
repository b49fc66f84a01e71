"""Parameter and body-field types shared by the API controllers and schemas.

Every integer a client sends is bounded by what the column that stores it can hold (PostgreSQL `integer` is
32-bit; SQLite takes 64): a number past that is a 400 problem naming the field, never a database error.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated

import msgspec
from litestar.params import Parameter

MAX_ID = 2_147_483_647  # ids are 32-bit serials on PostgreSQL
MIN_INT = -2_147_483_648  # the smallest PostgreSQL `integer`

MAX_SEARCH_LENGTH = 100  # characters of a search text; longer is no name or code anyone types

RecordId = Annotated[int, Parameter(ge=1, le=MAX_ID, description="the record's id")]

BodyId = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID, description="a record's id")]
"""A record's id in a request body (`penalty_ids` items, `practitioner_id`)."""

Version = Annotated[int, msgspec.Meta(ge=0, le=MAX_ID, description="the version read; 0 when none was read")]
"""The optimistic-lock version a client read; a stale one is a 409 with the current record."""

StoredInt = Annotated[int, msgspec.Meta(ge=MIN_INT, le=MAX_ID, description="a whole number (32-bit)")]
"""A count or score in a request body (beds, grading parts). Bounded here only by its column, so that the
domain range (0..20000 beds, the policy's part maxima) is checked with the other fields and every problem of the
record is reported at once, as a 422."""


def closed_set(values: Iterable[str], description: str = "", nullable: bool = False) -> msgspec.Meta:
    """The metadata of a text field whose allowed values are the service's own constants: `Annotated[str,
    closed_set(SEVERITIES)]` declares them in the OpenAPI document as an enum. Decoding still takes any text, so
    that the service reports a value outside the set as a 422 naming the field, together with the record's other
    problems (the wire stays as it was). `nullable`: the field may also be null (declare it `... | None`)."""
    allowed: list[str | None] = [*values, *([None] if nullable else [])]
    return msgspec.Meta(description=description or None, extra_json_schema={"extra": {"enum": allowed}})


MONEY_PATTERN = r"^-?\d{1,13}(\.\d{1,2})?$"
Money = Annotated[
    Decimal,
    msgspec.Meta(
        description="yuan as an exact decimal string, at most two places (fen)",
        extra_json_schema={"examples": ["5000.50"], "extra": {"pattern": MONEY_PATTERN}},
    ),
]
"""An amount in yuan on the wire: a decimal string, never a float."""

DecimalText = Annotated[
    Decimal,
    msgspec.Meta(
        description="an exact decimal number as a string",
        extra_json_schema={"examples": ["86.50"], "extra": {"pattern": r"^-?\d+(\.\d+)?$"}},
    ),
]
"""A score or points on the wire (`"86.50"`)."""
