"""Tortoise configuration and the transaction helper every state-changing service uses."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.transactions import in_transaction

from app.settings import Settings

log = logging.getLogger(__name__)

# Every domain's models module; aerich.models keeps the migration history table.
MODEL_MODULES = [
    "app.members.models",
    "app.auth.models",
    "app.ledger.models",
    "app.earning.models",
    "app.tiers.models",
    "app.rewards.models",
    "app.offers.models",
    "app.content.models",
    "app.community.models",
    "app.messaging.models",
    "app.campaigns.models",
    "app.integrations.models",
    "app.program.models",
    "app.privacy.models",
    "app.jobs",
]


def tortoise_config(database_url: str) -> dict:
    """The Tortoise/aerich config for one database URL."""
    connection: str | dict = database_url
    if database_url.startswith(("postgres://", "psql://")):
        connection = expand_db_url(database_url)
        connection["engine"] = "app.postgres"
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": [*MODEL_MODULES, "aerich.models"],
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def open_database(settings: Settings) -> None:
    """Initialise Tortoise for the process (visible to every task, as uvicorn needs)."""
    path = settings.sqlite_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    await Tortoise.init(config=tortoise_config(settings.database_url), _enable_global_fallback=True)


async def close_database() -> None:
    await Tortoise.close_connections()


async def database_problem() -> str | None:
    """Why the database cannot be reached (one line), or None when it answers."""
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception as exc:  # any driver error means "not reachable"
        return f"{type(exc).__name__}: {exc}"
    return None


async def database_reachable() -> bool:
    problem = await database_problem()
    if problem:
        # One line: health checks repeat every few seconds while the database is down.
        log.warning("database unreachable: %s", problem)
    return problem is None


def connection() -> BaseDBAsyncClient:
    return connections.get("default")


@dataclass
class Transaction:
    """An open transaction; `after_commit` callbacks run only once it has committed."""

    connection: BaseDBAsyncClient
    _after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    # What services keep for the life of this transaction (e.g. the ledger's open books).
    state: dict = field(default_factory=dict)

    def after_commit(self, callback: Callable[[], Awaitable[None]]) -> None:
        self._after_commit.append(callback)


_current: ContextVar[Transaction | None] = ContextVar("loyalty_transaction", default=None)


def current_transaction() -> Transaction | None:
    """The transaction this task has open, if any."""
    return _current.get()


@asynccontextmanager
async def transaction() -> AsyncIterator[Transaction]:
    """Open a transaction; deliver what was registered with `after_commit` after COMMIT.

    Nested use becomes a savepoint whose callbacks wait for the outermost commit.
    A rollback (an exception leaving the block) delivers nothing.
    """
    outer = _current.get()
    mark = len(outer._after_commit) if outer is not None else 0
    async with in_transaction() as conn:
        tx = Transaction(connection=conn)
        if outer is not None:
            tx._after_commit = outer._after_commit
            tx.state = outer.state
        token = _current.set(tx)
        try:
            yield tx
        except BaseException:
            del tx._after_commit[mark:]  # a rolled-back savepoint delivers nothing
            raise
        finally:
            _current.reset(token)
    if outer is not None:
        return
    for callback in tx._after_commit:
        try:
            await callback()
        except Exception:  # delivery must never turn a committed change into an error
            log.exception("after-commit callback failed")


def describe(database_url: str) -> str:
    """The URL without its password, for messages."""
    scheme, sep, rest = database_url.partition("://")
    if "@" in rest:
        credentials, _, host = rest.rpartition("@")
        user = credentials.split(":")[0]
        rest = f"{user}:***@{host}" if ":" in credentials else f"{user}@{host}"
    return f"{scheme}{sep}{rest}"


def placeholders(conn: BaseDBAsyncClient, count: int) -> list[str]:
    """`count` query parameter placeholders in the connection's dialect."""
    if conn.capabilities.dialect == "postgres":
        return [f"${i}" for i in range(1, count + 1)]
    return ["?"] * count


# Both PostgreSQL (65535) and SQLite (32766) cap the parameters of one statement.
_MAX_PARAMS = 30000


async def insert_rows(
    conn: BaseDBAsyncClient,
    model: type,
    rows: list[dict],
    *,
    returning: tuple[str, ...] = (),
    on_conflict_do_nothing: tuple[str, ...] = (),
) -> list[dict]:
    """Insert `rows` (column -> Python value) with multi-row INSERTs, values converted by the
    model's fields. Returns the `returning` columns of the inserted rows, in no particular
    order (SQLite does not promise one): carry a key column to match them up.

    For batches where `bulk_create` would not give the ids back."""
    if not rows:
        return []
    columns = list(rows[0])
    fields_map = model._meta.fields_map
    names = ", ".join(f'"{fields_map[c].source_field or c}"' for c in columns)
    tail = ""
    if on_conflict_do_nothing:
        keys = ", ".join(f'"{c}"' for c in on_conflict_do_nothing)
        tail += f" ON CONFLICT ({keys}) DO NOTHING"
    if returning:
        tail += " RETURNING " + ", ".join(f'"{c}"' for c in returning)
    per_chunk = max(_MAX_PARAMS // len(columns), 1)
    out: list[dict] = []
    for start in range(0, len(rows), per_chunk):
        chunk = rows[start : start + per_chunk]
        marks = placeholders(conn, len(columns) * len(chunk))
        width = len(columns)
        values_sql = ", ".join(
            f"({', '.join(marks[i : i + width])})" for i in range(0, len(marks), width)
        )
        values = [fields_map[c].to_db_value(row[c], None) for row in chunk for c in columns]
        sql = f'INSERT INTO "{model._meta.db_table}" ({names}) VALUES {values_sql}{tail}'
        if returning:
            out.extend(await conn.execute_query_dict(sql, values))
        else:
            await conn.execute_query(sql, values)
    return out


def failure_kind(exc: BaseException) -> str | None:
    """What a database exception means for the caller: "unavailable" (the database is gone or
    the pool had no connection in time), "busy" (a lock or statement timeout), else None.

    The exception may be the driver's own or Tortoise's wrapper of it (`__cause__`)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = _failure_kind_of(current)
        if kind is not None:
            return kind
        current = current.__cause__ or current.__context__
    return None


def _failure_kind_of(exc: BaseException) -> str | None:
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str):
        if sqlstate in ("55P03", "57014"):  # lock_not_available, query_canceled (timeouts)
            return "busy"
        if sqlstate.startswith(("08", "57P")):  # connection exceptions, operator intervention
            return "unavailable"
    if isinstance(exc, ConnectionError | TimeoutError):
        return "unavailable"
    try:
        import asyncpg
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return None
    if isinstance(exc, asyncpg.exceptions.InterfaceError | asyncpg.CannotConnectNowError):
        return "unavailable"
    if isinstance(exc, OSError):
        return "unavailable"
    message = str(exc)
    if "database is locked" in message:  # SQLite's busy timeout ran out
        return "busy"
    return None
