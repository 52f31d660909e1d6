"""Counting what the database driver is sent: for tests that bound the statements an
operation costs (a sign-in, a purchase)."""

import contextvars
from contextlib import contextmanager


@contextmanager
def counted_statements():
    """Every statement the database driver sends (BEGIN, COMMIT and savepoints included),
    as a list of SQL texts: asyncpg's and aiosqlite's connection methods, wrapped."""
    import aiosqlite
    import asyncpg

    sent: list[str] = []
    inside = contextvars.ContextVar("counted_statement", default=False)
    patched = []

    def wrap(cls, name):
        real = getattr(cls, name)

        async def counting(self, *args, **kwargs):
            if inside.get():
                return await real(self, *args, **kwargs)
            sent.append(str(args[0]) if args else name.upper())
            token = inside.set(True)
            try:
                return await real(self, *args, **kwargs)
            finally:
                inside.reset(token)

        setattr(cls, name, counting)
        patched.append((cls, name, real))

    for name in ("execute", "fetch", "fetchrow", "fetchval", "executemany"):
        wrap(asyncpg.connection.Connection, name)
    for name in ("execute", "execute_fetchall", "execute_insert", "executemany", "commit",
                 "rollback"):  # fmt: skip
        wrap(aiosqlite.Connection, name)
    try:
        yield sent
    finally:
        for cls, name, real in reversed(patched):
            setattr(cls, name, real)
