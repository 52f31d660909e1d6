"""Tortoise's asyncpg engine, with a pool that does not reset sessions on release.

asyncpg's default reset runs `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
RESET ALL` each time a connection goes back to the pool: one extra round trip for every
query outside a transaction. This program never changes session state: use `SET LOCAL`
and `pg_advisory_xact_lock` inside transactions, never session-level `SET`, `LISTEN` or
`pg_advisory_lock`. asyncpg still clears its own listeners and refuses to return a
connection with an open transaction.
"""

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient


async def _keep_session(connection: asyncpg.Connection) -> None:
    return None


class PooledAsyncpgClient(AsyncpgDBClient):
    async def create_pool(self, **kwargs) -> asyncpg.Pool:
        return await asyncpg.create_pool(None, reset=_keep_session, **kwargs)


client_class = PooledAsyncpgClient
