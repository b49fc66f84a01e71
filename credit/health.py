"""Liveness, readiness and metrics endpoints for operators."""

from __future__ import annotations

import logging

from litestar import Controller, get
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from credit.db import current_engine
from credit.migrate import pending_migrations

log = logging.getLogger(__name__)


class HealthController(Controller):
    include_in_schema = False

    @get("/healthz", operation_id="healthz", sync_to_thread=False)
    def healthz(self) -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @get("/readyz", operation_id="readyz")
    async def readyz(self) -> Response[dict[str, object]]:
        """The database answers and every migration is applied."""
        try:
            await current_engine().run_ddl("SELECT 1")
            pending = await pending_migrations()
        except Exception as error:  # any failure to reach the database means not ready
            log.warning("readiness check failed: %s", type(error).__name__)
            return Response(
                {"status": "unavailable", "database": "unreachable"}, status_code=HTTP_503_SERVICE_UNAVAILABLE
            )
        if pending:
            return Response(
                {"status": "unavailable", "database": "ok", "pending_migrations": pending},
                status_code=HTTP_503_SERVICE_UNAVAILABLE,
            )
        return Response({"status": "ok", "database": "ok"}, status_code=HTTP_200_OK)
