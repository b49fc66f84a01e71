"""The one app factory: routes, templates, errors, metrics, and the database in the lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from credit import metrics  # noqa: F401  (registers the job counters with Prometheus)
from credit.accounts.api import AccountController
from credit.accounts.auth import (
    AuthenticationMiddleware,
    LoginRequired,
    on_login_required,
)
from credit.accounts.pages import LoginController
from credit.accounts.sessions import (
    SESSION_STORE,
    csrf_middleware,
    session_middleware,
    session_store,
)
from credit.accounts.throttle import LOGIN_THROTTLE_STORE, throttle_store
from credit.clock import Clock, SystemClock
from credit.db import (
    SQLiteReader,
    close_pool,
    current_engine,
    open_pool,
    primary_reader,
    read_engine_for_url,
    use_read_engine,
)
from credit.disclosures.api import DisclosureController, InspectionDrawController
from credit.disclosures.service import signing_key
from credit.health import HealthController
from credit.home.api import HomeApiController
from credit.listings.api import ListingController
from credit.listings.calendar import load_extra_years
from credit.logs import configure_logging
from credit.openapi_docs import document_problems
from credit.problems import EXCEPTION_HANDLERS
from credit.ratelimit import RATE_LIMIT_STORE, rate_limit_config
from credit.records.api import RecordsController
from credit.records.repair_api import RepairController
from credit.registry.api import InstitutionController
from credit.scheduler import build_scheduler
from credit.security_headers import security_headers
from credit.settings import Settings, settings as default_settings
from credit.sharing.api import AgencyController, ExportController
from credit.stores import close_stores
from credit.supervision.api import SupervisionController
from portal.my import CONTROLLERS as MY_HOME_CONTROLLERS
from portal.notices import NoticeController
from portal.public import PublicController
from portal.public.caching import COMPRESSED_OPT, PAGE_STORE, KnownParameters, page_store
from portal.public.data_pages import OpenDataController
from portal.public.feedback import FeedbackPages
from portal.public.feeds import FeedPages
from portal.public.report import ReportPage
from portal.public.shortlist import ShortlistPages
from portal.public.supervision_pages import SupervisionPages
from portal.public.unknown_address import on_unknown_address
from portal.templating import configure as configure_templates, portal_environment
from portal.workspace import CONTROLLERS as WORKSPACE_CONTROLLERS

PORTAL_DIR = Path(__file__).resolve().parent.parent / "portal"


class MetricsController(PrometheusController):
    include_in_schema = False  # for operators' scrapers, not part of the API


def _configure_templates(engine: JinjaTemplateEngine) -> None:
    configure_templates(engine.engine)


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Litestar:
    """Build the ASGI app. The database engine is whatever `credit.db.use_engine` last set. Handlers receive
    `clock` (default: the system's, in the settings' time zone) as a dependency."""
    settings = settings or default_settings
    app_clock = clock or SystemClock(settings.timezone)
    configure_logging(settings.log_format)
    load_extra_years()  # a malformed calendar file stops start-up (CalendarFileError: file and line)

    @contextlib.asynccontextmanager
    async def database(_: Litestar) -> AsyncIterator[None]:
        engine = current_engine()
        owns_pool = await open_pool(engine, settings.db_pool_size)
        # Public reads: the replica of DATABASE_READ_URL, else on SQLite the primary's file kept open read-only.
        reader = read_engine_for_url(settings.database_read_url) if settings.database_read_url else None
        if reader is not None:
            await open_pool(reader, settings.db_pool_size)  # min_size 0: starts while the replica is down
        reader = reader or primary_reader(engine)
        use_read_engine(reader)
        scheduler = build_scheduler() if settings.scheduler_enabled else None
        if scheduler:
            signing_key()  # created at first start, before any job needs it
            scheduler.start()
        try:
            yield
        finally:
            if scheduler:
                scheduler.shutdown(wait=False)
            if owns_pool:
                await close_pool(engine)
            use_read_engine(None)
            if reader is not None:
                await close_pool(reader)
                if isinstance(reader, SQLiteReader):
                    await reader.close()
            await close_stores(stores.values())

    limits = rate_limit_config(settings)
    stores = {
        SESSION_STORE: session_store(settings),
        # counting: the feedback form's own per-address limit counts there too (credit.feedback.abuse)
        RATE_LIMIT_STORE: throttle_store(settings, "eldercredit-rate-limit"),
        LOGIN_THROTTLE_STORE: throttle_store(settings),
        PAGE_STORE: page_store(settings),
    }
    prometheus = PrometheusConfig(
        app_name="eldercredit", prefix="eldercredit", group_path=True, exclude=["^/metrics$", "^/static/"]
    )
    templates = TemplateConfig(
        engine=JinjaTemplateEngine.from_environment(portal_environment(PORTAL_DIR / "templates")),
        engine_callback=_configure_templates,
    )
    return Litestar(
        route_handlers=[
            HealthController,
            MetricsController,
            PublicController,
            OpenDataController,
            SupervisionPages,
            FeedbackPages,
            ShortlistPages,
            FeedPages,
            ReportPage,
            InstitutionController,
            RecordsController,
            RepairController,
            HomeApiController,
            ListingController,
            DisclosureController,
            InspectionDrawController,
            SupervisionController,
            AgencyController,
            ExportController,
            NoticeController,
            LoginController,
            AccountController,
            *WORKSPACE_CONTROLLERS,
            *MY_HOME_CONTROLLERS,
            create_static_files_router(path="/static", directories=[PORTAL_DIR / "static"], include_in_schema=False),
        ],
        lifespan=[database],
        dependencies={
            "clock": Provide(lambda: app_clock, sync_to_thread=False, use_cache=True),
        },
        # Session -> who is asking -> rate limit (per agency or address) -> CSRF (bearer requests exempt).
        # Public pages see only their own query parameters (one cache key per page, see portal.public.caching):
        # first, before anything reads the URL.
        middleware=[
            KnownParameters,
            prometheus.middleware,
            session_middleware(settings),
            AuthenticationMiddleware(),
            *([limits.middleware] if limits else []),
            csrf_middleware(settings),
        ],
        stores=stores,
        # Public pages keep their gzip copy in the page store and say so with this opt (see portal.public.caching).
        compression_config=CompressionConfig(backend="gzip", gzip_compress_level=6, exclude_opt_key=COMPRESSED_OPT),
        template_config=templates,
        exception_handlers={
            **EXCEPTION_HANDLERS,
            LoginRequired: on_login_required,
            NotFoundException: on_unknown_address,
        },
        logging_config=None,  # configure_logging above: scrubbed, JSON in production
        on_startup=[document_problems],
        before_send=[security_headers(settings)],  # every response, 404s and errors included
        state=State({"trusted_proxies": settings.trusted_proxies}),  # read by credit.client_address
        openapi_config=OpenAPIConfig(title="eldercredit API", version="1", path="/schema"),
    )
