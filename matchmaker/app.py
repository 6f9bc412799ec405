"""``create_app()``: the one place the web application is wired.

>>> app = create_app(Settings(database_url="postgresql://postgres@127.0.0.1/matchmaker"))  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.static_files import create_static_files_router

from matchmaker import __version__, db, edge, logs, segment, worker
from matchmaker.api.actors import ActorController
from matchmaker.api.answers import ErrorAnswers
from matchmaker.api.audit import list_audit
from matchmaker.api.auth import AuthController
from matchmaker.api.cases import CaseController
from matchmaker.api.communities import CommunityController, list_districts
from matchmaker.api.demands import DemandController
from matchmaker.api.health import health, ready
from matchmaker.api.library_sheets import HANDLERS as LIBRARY_SHEETS
from matchmaker.api.need_templates import NeedTemplateController
from matchmaker.api.notifications import NotificationController, WebhookController
from matchmaker.api.opportunities import list_opportunities
from matchmaker.api.params import provide_user
from matchmaker.api.partnerships import PartnershipController
from matchmaker.api.policies import PolicyController
from matchmaker.api.products import ProductController
from matchmaker.api.proposals import ProposalController
from matchmaker.api.registrations import RegistrationController
from matchmaker.api.reports import get_report, get_report_xlsx
from matchmaker.api.rounds import RoundController
from matchmaker.api.search import SynonymController
from matchmaker.api.spreadsheets import DemandSheetController
from matchmaker.api.stats import get_stats
from matchmaker.api.talent import TalentController
from matchmaker.api.threads import ThreadController
from matchmaker.api.users import UserController
from matchmaker.api.verification import VerificationController
from matchmaker.auth import PasswordChecks, make_auth
from matchmaker.errors import exception_handlers
from matchmaker.queries import ranked
from matchmaker.services import text_model
from matchmaker.services.bootstrap import prepare_database
from matchmaker.settings import Settings
from matchmaker.web.errors import for_pages
from matchmaker.web.page import templates
from matchmaker.web.routes import PAGES

__all__ = ["create_app"]

MAX_BODY_BYTES = 1024 * 1024
#: Browsers keep htmx, ECharts and the stylesheet an hour (a phone fetches ECharts' 1.1 MB once).
STATIC_MAX_AGE = 3600
WEB = Path(__file__).resolve().parent / "web"


def create_app(settings: Settings | None = None, *, dsn: str | None = None) -> Litestar:
    """Build the app. Without ``dsn`` the lifespan prepares the database from ``settings`` itself."""
    settings = settings or Settings.from_env()
    secret = settings.resolved_secret_key()
    jwt = make_auth(secret, secure=settings.cookies_secure())

    @asynccontextmanager
    async def database(app: Litestar) -> AsyncGenerator[None, None]:
        app.state.jwt = jwt
        app.state.passwords = PasswordChecks(settings.password_checks)
        url = dsn or await prepare_database(settings)
        app.state.pool = await db.create_pool(
            url, min_size=settings.pool_min, max_size=settings.pool_max
        )
        # the pool's first-come line belongs to this pool: a lifespan started again (the tests'
        # one app) must not inherit the permits of the pool it closed
        app.state.pool_line = asyncio.Semaphore(settings.pool_max)
        # what a server keeps a while (the board's district list) starts afresh with it too
        app.state.kept = {}
        # searches' best-first orders, kept while no need changes (None: each search ranks anew)
        app.state.rankings = ranked.Kept(settings.search_kept) if settings.search_kept else None
        app.state.settings = settings
        # the pages' text model is fitted and refitted apart, on this pool (text_model.recent)
        text_model.refit_from(app.state.pool, warm=True)
        await asyncio.to_thread(segment.load)
        stop = asyncio.Event()
        jobs = None
        if settings.worker == "in-process":  # the queue's worker, unless workers run apart
            jobs = asyncio.create_task(
                worker.supervised(app.state.pool, url, settings, concurrency=1, stop=stop)
            )
        try:
            yield
        finally:
            stop.set()
            if jobs is not None:
                await asyncio.gather(jobs, return_exceptions=True)
            await text_model.stop_refits()
            await db.close_pool(app.state.pool)

    return Litestar(
        route_handlers=[
            health,
            ready,
            AuthController,
            DemandController,
            DemandSheetController,
            *LIBRARY_SHEETS,
            list_opportunities,
            RoundController,
            ProposalController,
            NotificationController,
            WebhookController,
            PartnershipController,
            ThreadController,
            get_stats,
            get_report,
            get_report_xlsx,
            list_audit,
            UserController,
            RegistrationController,
            VerificationController,
            PolicyController,
            NeedTemplateController,
            CaseController,
            ProductController,
            CommunityController,
            list_districts,
            ActorController,
            TalentController,
            SynonymController,
            *PAGES,
            create_static_files_router(
                path="/static",
                directories=[WEB / "static"],
                cache_control=CacheControlHeader(max_age=STATIC_MAX_AGE),
            ),
        ],
        template_config=templates(WEB / "templates"),
        lifespan=[database],
        on_app_init=[jwt.on_app_init],
        middleware=[edge.refuse_control_characters, db.release_connections],
        before_send=[edge.security_headers],
        request_class=edge.CheckedRequest,
        dependencies={
            "conn": Provide(db.provide_connection),
            "user": Provide(provide_user, sync_to_thread=False),
        },
        exception_handlers=for_pages(exception_handlers()),
        # pages' forms and htmx posts carry the token; the API takes bearer tokens only (auth.py)
        csrf_config=CSRFConfig(
            secret=secret,
            cookie_name="matchmaker_csrf",
            cookie_httponly=True,
            cookie_samesite="lax",
            cookie_secure=settings.cookies_secure(),
            exclude=["^/api/", "^/schema"],
        ),
        plugins=[logs.plugin(settings), ErrorAnswers()],
        request_max_body_size=MAX_BODY_BYTES,
        # pages and their scripts travel gzipped to a browser that asks (ECharts: 1.1 MB → ~0.4 MB)
        compression_config=CompressionConfig(
            backend="gzip", gzip_compress_level=6, exclude=["^/api/", "^/health$", "^/ready$"]
        ),
        openapi_config=OpenAPIConfig(
            title="matchmaker",
            version=__version__,
            description="社区资源对接平台 — resource matching between communities and partners.",
            path="/schema",
            # the JSON document only: the UIs Litestar offers load their scripts from a CDN
            render_plugins=[JsonRenderPlugin(path=["/openapi.json", "/"])],
        ),
    )
