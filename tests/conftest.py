"""Test harness: one migrated database per run (SQLite, or PostgreSQL via TEST_DATABASE_URL),
emptied after every test; the app served through httpx's ASGITransport or a real uvicorn."""

import asyncio
import contextlib
import dataclasses
import os
import socket
import tempfile
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from tortoise import Tortoise, connections

from app.main import create_app
from app.schema_history import apply_migrations
from app.settings import Settings, configure

PG_BASE = os.environ.get("TEST_DATABASE_URL", "")


def _test_settings(database_url: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        argon2_time_cost=1,
        argon2_memory_kib=8,
        log_level="WARNING",
        worker_interval=0,  # tests run maintenance explicitly, at chosen times
    )


async def _create_pg_database() -> str:
    import asyncpg

    base = PG_BASE.replace("postgresql://", "postgres://", 1).rstrip("/")
    server, _, _ = base.rpartition("/") if base.count("/") > 2 else (base, "", "")
    name = f"loyalty_test_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(server.replace("postgres://", "postgresql://", 1) + "/postgres")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return f"{server}/{name}"


async def _drop_pg_database(url: str) -> None:
    import asyncpg

    server, _, name = url.rpartition("/")
    admin = await asyncpg.connect(server.replace("postgres://", "postgresql://", 1) + "/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
def dialect() -> str:
    return "postgres" if PG_BASE else "sqlite"


@pytest.fixture(scope="session")
async def settings(dialect) -> AsyncIterator[Settings]:
    if dialect == "postgres":
        url = await _create_pg_database()
        try:
            yield _test_settings(url)
        finally:
            await _drop_pg_database(url)
    else:
        with tempfile.TemporaryDirectory() as scratch:
            yield _test_settings(f"sqlite://{scratch}/test.sqlite3")


@pytest.fixture(scope="session")
async def app(settings):
    await apply_migrations(settings)
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


def _tables() -> list[str]:
    return [
        model._meta.db_table
        for model in Tortoise.apps["models"].values()
        if model._meta.db_table != "aerich"
    ]


@pytest.fixture(autouse=True)
async def _clean_database(request):
    yield
    if "app" not in request.fixturenames:
        return
    from app import cache

    cache.forget_all()  # the caches must not outlive the rows they were read from
    conn = connections.get("default")
    tables = _tables()
    if conn.capabilities.dialect == "postgres":
        await conn.execute_script(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
        )
    else:
        await conn.execute_script(
            "PRAGMA foreign_keys = OFF;"
            + "".join(f'DELETE FROM "{t}";' for t in tables)
            + "PRAGMA foreign_keys = ON;"
        )


@pytest.fixture
async def client(app, settings) -> AsyncIterator[httpx.AsyncClient]:
    configure(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def settings_with(settings):
    """Settings for a second app on the same database, e.g. production-like GraphQL rules."""

    def make(**changes) -> Settings:
        return dataclasses.replace(settings, **changes)

    return make


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.asynccontextmanager
async def serve_app(application) -> AsyncIterator[str]:
    """`application` on a real uvicorn (loopback, free port, no lifespan); yields host:port."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            application, host="127.0.0.1", port=port, lifespan="off", log_level="warning"
        )
    )
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.02)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


@pytest.fixture
async def live_server(app) -> AsyncIterator[str]:
    """The same app on a real uvicorn (loopback, free port) for WebSocket tests."""
    async with serve_app(app) as address:
        yield address


@pytest.fixture
async def smtp(app, settings):
    """A real SMTP server on loopback (tests/smtp.py), with the app's mail sent to it over
    SMTP (aiosmtplib) for the length of the test."""
    from app.mail.sender import SmtpEmailSender, use_sender
    from app.settings import SmtpConfig
    from tests.smtp import SmtpServer

    server = SmtpServer().start()
    configure(dataclasses.replace(settings, smtp=SmtpConfig(host=server.host, port=server.port,
                                                            tls="auto", timeout_seconds=5),
                                  email_from="Loyalty <noreply@loyalty.test>"))  # fmt: skip
    use_sender(SmtpEmailSender(SmtpConfig(host=server.host, port=server.port, tls="auto",
                                          timeout_seconds=5)))  # fmt: skip
    try:
        yield server
    finally:
        use_sender(None)
        configure(settings)
        server.stop()
