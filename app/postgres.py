"""Tortoise's asyncpg engine, with a pool that does not reset sessions on release.

asyncpg's default reset runs `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
RESET ALL` each time a connection goes back to the pool: one extra round trip for every
query outside a transaction. This program never changes session state: use `SET LOCAL`
and `pg_advisory_xact_lock` inside transactions, never session-level `SET`, `LISTEN` or
`pg_advisory_lock`. asyncpg still clears its own listeners and refuses to return a
connection with an open transaction.

Waiting for a pool connection is bounded (`acquire_timeout`, DATABASE_POOL_TIMEOUT_MS): a
request that gets none in time fails with `PoolTimeout`, which the API answers as 503
SERVICE_UNAVAILABLE instead of queueing without end behind a stuck pool.

Taking a free connection and giving back an idle one cannot wait, so `TimedPool` does both
without the timer and tasks asyncpg sets up for the case that it waits (about 2% of a home
screen's CPU). That reads asyncpg's pool internals: the version is pinned in pyproject.toml
and tests/test_postgres_pool.py fails when they change.
"""

from typing import Any

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient


async def _keep_session(connection: asyncpg.Connection) -> None:
    return None


class PoolTimeout(TimeoutError):
    """No pool connection became free (or could be opened) within the acquire timeout."""


class TimedPool(asyncpg.Pool):
    """An asyncpg pool whose `acquire()` (as Tortoise calls it: no timeout) waits at most
    `acquire_timeout` seconds."""

    acquire_timeout: float | None = None

    def acquire(self, *, timeout: float | None = None) -> Any:
        return super().acquire(timeout=self.acquire_timeout if timeout is None else timeout)

    async def _acquire(self, timeout: float | None) -> Any:  # noqa: ASYNC109 (asyncpg API)
        if timeout is not None and self._free_now():
            timeout = None  # taken at once: no timer and no task to wait with
        try:
            return await super()._acquire(timeout)
        except TimeoutError as exc:
            if timeout is None or isinstance(exc, PoolTimeout):
                raise
            raise PoolTimeout(
                f"no database connection free within {timeout:g} s (pool of {self.get_max_size()})"
            ) from exc

    def _free_now(self) -> bool:
        """Whether `acquire` would take an open connection without waiting: the holder on
        top of the (LIFO) queue is connected and of the pool's generation. (A connection
        given back while others wait is taken by whoever asks first, as on asyncpg's own
        path: asyncio.Queue hands it to the woken waiter only if nobody took it before the
        waiter ran.)"""
        free = self._queue._queue  # LifoQueue: get() pops the last
        if not free:
            return False
        holder = free[-1]
        con = holder._con
        return con is not None and not con.is_closed() and holder._generation == self._generation

    async def release(self, connection: Any, *, timeout: float | None = None) -> None:  # noqa: ASYNC109 (asyncpg API)
        holder = getattr(connection, "_holder", None)
        con = getattr(connection, "_con", None)
        if (timeout is None and holder is not None and holder._pool is self and con is not None
                and holder._timeout is None and not con.is_closed()
                and not con._protocol._is_cancelling() and con._top_xact is None
                and not con._protocol.is_in_transaction()
                and con._protocol.queries_count < holder._max_queries
                and holder._generation == self._generation):  # fmt: skip
            # What asyncpg's release does for an idle connection, minus what cannot apply
            # (no transaction to roll back, no close, our reset is `_keep_session`): none of
            # it waits, so it cannot be cancelled half-way and needs neither asyncpg's
            # shielding task nor its timeout.
            con._on_release()
            await con._reset()  # clears listeners; with no transaction it sends nothing
            holder._release()
            holder._setup_inactive_callback()
            return
        await super().release(connection, timeout=timeout)


class PooledAsyncpgClient(AsyncpgDBClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raw = kwargs.pop("acquire_timeout", None)
        super().__init__(*args, **kwargs)
        self.acquire_timeout = float(raw) if raw not in (None, "") else None

    async def create_pool(self, **kwargs) -> asyncpg.Pool:
        kwargs.setdefault("max_queries", 50000)
        kwargs.setdefault("max_inactive_connection_lifetime", 300.0)
        kwargs.setdefault("record_class", asyncpg.Record)
        pool = TimedPool(None, reset=_keep_session, **kwargs)
        pool.acquire_timeout = self.acquire_timeout
        return await pool


client_class = PooledAsyncpgClient
