"""Parameter types shared by the API controllers."""

from typing import Annotated, Any

import msgspec
from litestar.params import Parameter

MAX_ID = 2_147_483_647  # ids are 32-bit serials on PostgreSQL

RecordId = Annotated[int, Parameter(ge=1, le=MAX_ID, description="the record's id")]


def present_fields(body: msgspec.Struct) -> dict[str, Any]:
    """A request body as a dict without the fields left out (None), so the services' defaults apply."""
    return {k: v for k, v in msgspec.structs.asdict(body).items() if v is not None}
