"""app.postgres.TimedPool on a real PostgreSQL: a free connection is taken and an idle one
given back without asyncpg's waiting machinery (no task, no timer), and everything else still
goes through asyncpg: a full pool times out with PoolTimeout, a connection given back inside
a transaction is rolled back, a closed one is replaced."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

from app.postgres import PoolTimeout, TimedPool, _keep_session
from tests.conftest import PG_BASE

pytestmark = pytest.mark.skipif(not PG_BASE, reason="PostgreSQL only (TEST_DATABASE_URL)")


@asynccontextmanager
async def _pool(settings, size: int = 2) -> AsyncIterator[TimedPool]:
    dsn = settings.database_url.replace("postgres://", "postgresql://", 1)
    pool = TimedPool(dsn, reset=_keep_session, min_size=size, max_size=size,
                     max_queries=50000, max_inactive_connection_lifetime=300.0,
                     connection_class=asyncpg.Connection, record_class=asyncpg.Record,
                     loop=None, setup=None, init=None, connect=None)  # fmt: skip
    pool.acquire_timeout = 0.5
    await pool
    try:
        yield pool
    finally:
        await pool.close()


def _counting_tasks(loop: asyncio.AbstractEventLoop) -> list:
    made = []

    def factory(loop, coro, **kwargs):
        made.append(getattr(coro, "__qualname__", coro))
        return asyncio.Task(coro, loop=loop, **kwargs)

    loop.set_task_factory(factory)
    return made


async def test_a_free_connection_is_taken_and_given_back_without_a_task(settings):
    async with _pool(settings) as pool:
        loop = asyncio.get_running_loop()
        try:
            made = _counting_tasks(loop)
            for _ in range(20):
                async with pool.acquire() as conn:
                    assert await conn.fetchval("SELECT 1") == 1
            assert made == []
            assert pool._queue.qsize() == 2  # both back in the pool
        finally:
            loop.set_task_factory(None)


async def test_a_full_pool_still_times_out(settings):
    async with _pool(settings, size=1) as pool:
        held = await pool.acquire()
        with pytest.raises(PoolTimeout, match=r"within 0\.5 s"):
            await pool.acquire()
        await pool.release(held)
        async with pool.acquire() as conn:  # and the pool still works
            assert await conn.fetchval("SELECT 2") == 2


async def test_a_connection_given_back_in_a_transaction_is_rolled_back(settings):
    async with _pool(settings, size=1) as pool:
        conn = await pool.acquire()
        await conn.execute("BEGIN")
        await conn.execute("CREATE TEMP TABLE pool_probe (n int)")
        await pool.release(conn)  # (asyncpg logs that it rolls back)
        async with pool.acquire() as again:
            assert not again.is_in_transaction()
            assert await again.fetchval("SELECT to_regclass('pool_probe')") is None


async def test_a_closed_connection_is_replaced(settings):
    async with _pool(settings, size=1) as pool:
        conn = await pool.acquire()
        pid = conn.get_server_pid()
        conn._con.terminate()
        await pool.release(conn)
        async with pool.acquire() as fresh:
            assert fresh.get_server_pid() != pid
            assert await fresh.fetchval("SELECT 3") == 3
