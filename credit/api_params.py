"""Parameter and body-field types shared by the API controllers and schemas.

Every integer a client sends is bounded by what the column that stores it can hold (PostgreSQL `integer` is
32-bit; SQLite takes 64): a number past that is a 400 problem naming the field, never a database error.
"""

from typing import Annotated, Any

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


def present_fields(body: msgspec.Struct) -> dict[str, Any]:
    """A request body as a dict without the fields left out (None), so the services' defaults apply."""
    return {k: v for k, v in msgspec.structs.asdict(body).items() if v is not None}
