"""Parameter types shared by the API controllers."""

from typing import Annotated

from litestar.params import Parameter

MAX_ID = 2_147_483_647  # ids are 32-bit serials on PostgreSQL

RecordId = Annotated[int, Parameter(ge=1, le=MAX_ID, description="the record's id")]
