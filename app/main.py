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

from app import cache, db, events, wiring
from app.auth.oauth import token_endpoint
from app.graphql.view import LoyaltyGraphQL
from app.privacy.routes import download_export
from app.requests import BodyLimitMiddleware, RequestIdMiddleware
from app.settings import Settings, SettingsError, configure
from app.worker import run_forever


def app_version() -> str:
    try:
        return version("loyalty")
    except PackageNotFoundError:
        return "0.0.0+local"


async def health(request: Request) -> JSONResponse:
    """200 when the database answers within a second on the probe's own connection (not the
    request pool's), else 503 with Retry-After; never waits longer than that second."""
    settings: Settings = request.app.state.settings
    ok = await db.health_problem(settings.database_url) is None
    return JSONResponse(
        {"status": "ok" if ok else "unavailable", "database": ok},
        status_code=200 if ok else 503,
        headers={"Cache-Control": "no-store"}
        | ({} if ok else {"Retry-After": str(settings.retry_after_seconds)}),
    )


async def version_endpoint(request: Request) -> JSONResponse:
    settings: Settings = request.app.state.settings
    return JSONResponse({"version": app_version(), "environment": settings.environment})


def create_app(settings: Settings, *, manage_database: bool = True) -> Starlette:
    """Build the app. `manage_database=False` leaves Tortoise to the caller (tests)."""
    configure(settings)
    wiring.connect()  # what each change sets off in other domains, and the job handlers

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_database:
            await db.open_database(settings)
            if not await db.database_reachable():
                await db.close_database()
                raise SettingsError(f"database unreachable: {db.describe(settings.database_url)}")
        events.use_bus(events.bus_for(settings.redis_url))
        worker = None
        if settings.worker_interval:
            worker = asyncio.create_task(
                run_forever(interval_seconds=settings.worker_interval), name="maintenance"
            )
        # Everything built so far (schema, ORM metadata, imports) lives as long as the process:
        # move it out of the collector's reach so full collections under load stay short.
        gc.collect()
        gc.freeze()
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

    graphql = LoyaltyGraphQL(settings)
    middleware = [Middleware(RequestIdMiddleware)]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["authorization", "content-type", "x-request-id"],
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
            Route("/health", health),
            Route("/version", version_endpoint),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app
