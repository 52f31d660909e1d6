"""The ASGI application: GraphQL, OAuth token endpoint, health and version."""

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute

from app import cache, db, events, observability, wiring
from app.auth import addresses_api
from app.auth import pages as auth_pages
from app.auth.oauth import token_endpoint
from app.console import routes as console
from app.graphql.view import LoyaltyGraphQL
from app.privacy.export_page import export_page
from app.privacy.routes import download_export
from app.privacy.unsubscribe_pages import email_unsubscribe
from app.requests import BodyLimitMiddleware, RequestIdMiddleware, redact_access_log
from app.settings import Settings, SettingsError, configure
from app.worker import run_forever

# Request headers a browser page on a CORS_ORIGINS origin may send: the token, the JSON body,
# a request id, `Accept` (application/graphql-response+json), and what Apollo Client sends
# (client awareness, its CSRF-prevention header, the operation name).
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "x-request-id",
    "apollographql-client-name",
    "apollographql-client-version",
    "apollo-require-preflight",
    "x-apollo-operation-name",
)
# How long a browser keeps a preflight's answer (Chromium caps it at two hours).
CORS_MAX_AGE_SECONDS = 7200


def app_version() -> str:
    try:
        return version("loyalty")
    except PackageNotFoundError:
        return "0.0.0+local"


async def health(request: Request) -> JSONResponse:
    """Liveness: 200 while the process serves requests. It touches neither the database nor
    Redis, so an outage of either never gets a healthy process restarted; `/ready`
    (app/observability.py) is the probe that checks them."""
    return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


async def version_endpoint(request: Request) -> JSONResponse:
    settings: Settings = request.app.state.settings
    return JSONResponse({"version": app_version(), "environment": settings.environment})


def create_app(settings: Settings, *, manage_database: bool = True) -> Starlette:
    """Build the app. `manage_database=False` leaves Tortoise to the caller (tests)."""
    configure(settings)
    observability.configure_logging(settings.log_format, settings.log_level)
    observability.configure_tracing()  # only when the OTEL_* variables ask for it
    wiring.connect()  # what each change sets off in other domains, and the job handlers

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_database:
            await db.open_database(settings)
            if not await db.database_reachable():
                await db.close_database()
                raise SettingsError(f"database unreachable: {db.describe(settings.database_url)}")
        events.use_bus(events.bus_for(settings.redis_url))
        redact_access_log()  # mail's link tokens never reach the access log
        worker = None
        if settings.worker_interval:
            worker = asyncio.create_task(
                run_forever(interval_seconds=settings.worker_interval), name="maintenance"
            )
        # Everything built so far (schema, ORM metadata, imports) lives as long as the process:
        # move it out of the collector's reach so full collections under load stay short.
        gc.collect()
        gc.freeze()
        gc.set_threshold(settings.gc_gen0_threshold, *gc.get_threshold()[1:])
        try:
            async with cache.listening():  # staff changes made through other processes
                yield
        finally:
            if worker is not None:
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
            await events.bus().close()
            if manage_database:
                await db.close_database()
            observability.process_exiting()

    graphql = LoyaltyGraphQL(settings)
    middleware = [Middleware(RequestIdMiddleware)]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=list(CORS_ALLOW_HEADERS),
                # Readable by the page: the id to quote in a support request, and when a
                # 503's retry is worth it.
                expose_headers=["X-Request-ID", "Retry-After"],
                max_age=CORS_MAX_AGE_SECONDS,
            )
        )
    # Innermost: every body (GraphQL, /oauth/token) is counted while it streams in.
    middleware.append(Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes))
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/oauth/token", token_endpoint, methods=["POST"]),
            Route("/exports/{token}", download_export, methods=["GET"]),
            Route("/account/export", export_page, methods=["GET", "POST"]),
            Route("/email/unsubscribe", email_unsubscribe, methods=["GET", "POST"]),
            Route(addresses_api.PATH, addresses_api.verify_email_endpoint, methods=["GET", "POST"]),
            *auth_pages.ROUTES,
            *console.routes(),  # the staff console: /console
            Route("/health", health),
            Route("/ready", observability.ready_endpoint),
            Route("/metrics", observability.metrics_endpoint),
            Route("/version", version_endpoint),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.schema = graphql.schema  # the console runs its operations on the same schema
    return app
