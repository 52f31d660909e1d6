"""Tortoise configuration and the transaction helper every state-changing service uses."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.transactions import in_transaction

from app.settings import Settings
from app.sql import combined, placeholders

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
    "app.mail.models",
    "app.jobs",
    "app.graphql.documents",  # trusted (persisted) GraphQL documents
]


def tortoise_config(database_url: str, settings: Settings | None = None) -> dict:
    """The Tortoise/aerich config for one database URL.

    With `settings` (what the API, the worker and the CLI run with; not migrations), a
    PostgreSQL pool gets its size (DATABASE_POOL_SIZE), a bounded wait for a free connection
    (DATABASE_POOL_TIMEOUT_MS) and, as server settings of every connection (sent once when
    it opens, nothing per statement), `lock_timeout` (LOCK_TIMEOUT_MS: a lock waited for
    longer fails with 55P03, answered as BUSY) and `statement_timeout` (STATEMENT_TIMEOUT_MS:
    a runaway statement is cancelled with 57014 instead of holding its connection)."""
    connection: str | dict = database_url
    if database_url.startswith(("postgres://", "psql://")):
        connection = expand_db_url(database_url)
        connection["engine"] = "app.postgres"
        if settings is not None:
            credentials = connection["credentials"]
            # No connection floor: asyncpg would keep reconnecting it in the background
            # during an outage, logging a traceback each time; connections open on demand.
            credentials["minsize"] = 0
            credentials["maxsize"] = settings.database_pool_size
            credentials["acquire_timeout"] = settings.database_pool_timeout_seconds
            credentials["server_settings"] = {
                **credentials.get("server_settings", {}),
                "lock_timeout": f"{settings.lock_timeout_ms}ms",
                "statement_timeout": f"{settings.statement_timeout_ms}ms",
            }
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
    await Tortoise.init(
        config=tortoise_config(settings.database_url, settings), _enable_global_fallback=True
    )


async def close_database() -> None:
    """Close the database connections and the health probe."""
    await Tortoise.close_connections()
    await close_health_probe()


async def database_problem() -> str | None:
    """Why the database cannot be reached (one line), or None when it answers."""
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception as exc:  # any driver error means "not reachable"
        return f"{type(exc).__name__}: {exc}"
    return None


async def database_reachable() -> bool:
    """Whether the database answers (logging why not, when it does not)."""
    problem = await database_problem()
    if problem:
        # One line: health checks repeat every few seconds while the database is down.
        log.warning("database unreachable: %s", problem)
    return problem is None


# ---- /health: its own connection, never the pool's -------------------------------------

HEALTH_TIMEOUT_SECONDS = 1.0


class _HealthProbe:
    """One dedicated asyncpg connection for `/health`, opened lazily and re-opened after any
    failure, so a full pool or a locked row never delays the answer."""

    def __init__(self, database_url: str):
        self.database_url = database_url
        credentials = expand_db_url(database_url)["credentials"]
        # Where and as whom the pool connects, TLS options included (`?ssl=require`).
        self._connect_args = {
            key: credentials[key]
            for key in ("host", "port", "user", "password", "database", "ssl", "direct_tls")
            if key in credentials
        }
        self._conn = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock: asyncio.Lock | None = None

    async def ping(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new event loop (tests): the old connection is unusable
            self._conn, self._loop, self._lock = None, loop, asyncio.Lock()
        assert self._lock is not None
        async with self._lock:
            try:
                if self._conn is None or self._conn.is_closed():
                    import asyncpg

                    self._conn = await asyncpg.connect(
                        **self._connect_args,
                        timeout=HEALTH_TIMEOUT_SECONDS,
                        server_settings={
                            "application_name": "loyalty-health",
                            "statement_timeout": f"{int(HEALTH_TIMEOUT_SECONDS * 1000)}ms",
                        },
                    )
                await self._conn.fetchval("SELECT 1")
            except BaseException:  # timed out (cancelled) or failed: start afresh next time
                self._drop()
                raise

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.terminate()

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and self._loop is asyncio.get_running_loop():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), HEALTH_TIMEOUT_SECONDS)
            if not conn.is_closed():
                conn.terminate()


_probe: _HealthProbe | None = None
_health_problem: str | None = None  # the failure last reported, None while healthy


async def health_problem(database_url: str) -> str | None:
    """Why the database does not answer `SELECT 1` within HEALTH_TIMEOUT_SECONDS (one line),
    or None. PostgreSQL is asked on the probe's own connection; SQLite through Tortoise's.
    A change between healthy and failing is logged once, not every probe."""
    global _probe
    try:
        if database_url.startswith(("postgres://", "psql://")):
            if _probe is None or _probe.database_url != database_url:
                _probe = _HealthProbe(database_url)
            await asyncio.wait_for(_probe.ping(), HEALTH_TIMEOUT_SECONDS)
        else:
            await asyncio.wait_for(
                connections.get("default").execute_query("SELECT 1"), HEALTH_TIMEOUT_SECONDS
            )
        problem = None
    except TimeoutError:
        problem = f"no answer within {HEALTH_TIMEOUT_SECONDS:g} s"
    except Exception as exc:  # any driver error means "not reachable"
        problem = f"{type(exc).__name__}: {exc}".splitlines()[0]
    _note_health(problem)
    return problem


def _note_health(problem: str | None) -> None:
    global _health_problem
    if problem is not None and _health_problem is None:
        log.warning("database health check failing: %s", problem)
    elif problem is None and _health_problem is not None:
        log.warning("database health check passing again")
    _health_problem = problem


async def close_health_probe() -> None:
    """Close the health probe's connection, if open."""
    global _probe
    probe, _probe = _probe, None
    if probe is not None:
        await probe.close()


def connection() -> BaseDBAsyncClient:
    """The default database connection."""
    return connections.get("default")


@dataclass
class Transaction:
    """An open transaction; `after_commit` callbacks run only once it has committed."""

    connection: BaseDBAsyncClient
    _after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    # What services keep for the life of this transaction (e.g. the ledger's open books).
    state: dict = field(default_factory=dict)

    # Writes whose ids nobody reads back, sent together before the block ends (`defer`).
    _deferred: list[tuple[str, list]] = field(default_factory=list)

    def after_commit(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run `callback` once this transaction has committed."""
        self._after_commit.append(callback)

    def defer(self, sql: str, params: list) -> None:
        """Send the INSERT or UPDATE `sql` (its parameters marked `{}`, in order; no
        RETURNING) later in this transaction, with the other deferred writes: on PostgreSQL
        all in one statement (app.sql.combined), on SQLite one after the other. They are
        sent when the `transaction()` block ends (a savepoint's included) or at `flush()`;
        a reader of rows written this way in the same transaction flushes first."""
        self._deferred.append((sql, params))

    def defer_insert(self, model: type, rows: list[dict]) -> None:
        """`defer` a multi-row INSERT of `rows` (column -> Python value, every row the same
        columns), values converted by the model's fields as `insert_rows` does."""
        if rows:
            self.defer(*insert_statement(model, rows))

    async def flush(self) -> None:
        """Send the deferred writes now (nothing when there are none)."""
        if not self._deferred:
            return
        pending, self._deferred[:] = list(self._deferred), []
        for sql, params in combined(self.connection, pending):
            await self.connection.execute_query(sql, params)


_current: ContextVar[Transaction | None] = ContextVar("loyalty_transaction", default=None)


@dataclass
class CommitLog:
    """What the transactions of one unit of work (a GraphQL execution) did: how many
    committed, and whether a COMMIT was interrupted with its outcome unknown."""

    committed: int = 0
    outcome_unknown: bool = False


_commit_log: ContextVar[CommitLog | None] = ContextVar("loyalty_commit_log", default=None)


@contextlib.contextmanager
def track_commits() -> Iterator[CommitLog]:
    """Count the transactions committed inside (tasks started inside count too) and note a
    COMMIT whose outcome is unknown; see `transaction`."""
    log_ = CommitLog()
    token = _commit_log.set(log_)
    try:
        yield log_
    finally:
        _commit_log.reset(token)


def _commit_refused(exc: BaseException) -> bool:
    """Whether a failure leaving COMMIT is the server's answer that it did not commit (an
    error response: a deferred constraint, a serialization failure, SQLite busy), as opposed
    to no answer at all (the connection dropped, the server shut down, the wait cancelled)."""
    current: BaseException | None = exc
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlite3.Error):
            return True
        sqlstate = getattr(current, "sqlstate", None)
        if isinstance(sqlstate, str) and type(current).__module__.startswith("asyncpg"):
            return not sqlstate.startswith(_UNAVAILABLE_CLASSES)
        current = current.__cause__
    return False


def current_transaction() -> Transaction | None:
    """The transaction this task has open, if any."""
    return _current.get()


@asynccontextmanager
async def transaction() -> AsyncIterator[Transaction]:
    """Open a transaction; deliver what was registered with `after_commit` after COMMIT.

    Nested use becomes a savepoint whose callbacks wait for the outermost commit.
    A rollback (an exception leaving the block) delivers nothing.

    A failure before COMMIT was sent rolled everything back: it leaves as raised. A failure
    while the outermost COMMIT is in flight without the server's refusal (the connection
    dropped, the server shut down) may follow a commit the server applied: it leaves as
    `errors.OutcomeUnknown` (from the original); a cancellation then (the execution budget)
    stays a cancellation and is noted in the `track_commits` log instead.
    """
    outer = _current.get()
    mark = len(outer._after_commit) if outer is not None else 0
    if outer is not None:
        await outer.flush()  # what the savepoint might roll back is its own, no more
    committing = False  # the body finished: leaving `in_transaction` sends COMMIT
    try:
        async with in_transaction() as conn:
            tx = Transaction(connection=conn)
            if outer is not None:
                tx._after_commit = outer._after_commit
                tx.state = outer.state
                tx._deferred = outer._deferred
            token = _current.set(tx)
            try:
                yield tx
                await tx.flush()  # inside the block: a failure is the block's
            except BaseException:
                del tx._after_commit[mark:]  # a rolled-back savepoint delivers nothing
                tx._deferred.clear()  # nor sends what it deferred
                raise
            finally:
                _current.reset(token)
            committing = outer is None  # a savepoint's release decides nothing yet
    except BaseException as exc:
        if not committing or _commit_refused(exc):
            raise
        # The COMMIT was sent and no answer came back (the connection dropped, the request
        # was cancelled by its time budget): the server may have applied it.
        log_ = _commit_log.get()
        if log_ is not None:
            log_.outcome_unknown = True
        if isinstance(exc, Exception) and failure_kind(exc) is not None:
            from app.errors import OutcomeUnknown

            raise OutcomeUnknown() from exc
        # A cancellation stays one (the commit log tells the execution budget); anything
        # else is a bug, shown as one.
        raise
    if outer is not None:
        return
    log_ = _commit_log.get()
    if log_ is not None:
        log_.committed += 1
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


# Both PostgreSQL (65535) and SQLite (32766) cap the parameters of one statement.
_MAX_PARAMS = 30000


def insert_statement(model: type, rows: list[dict]) -> tuple[str, list]:
    """A multi-row INSERT of `rows` (column -> Python value) into `model`'s table, its
    parameters marked `{}` (for `Transaction.defer`), and their values as the model's
    fields convert them."""
    columns = list(rows[0])
    fields_map = model._meta.fields_map
    names = ", ".join(f'"{fields_map[c].source_field or c}"' for c in columns)
    row = f"({', '.join('{}' for _ in columns)})"
    values = [fields_map[c].to_db_value(r[c], None) for r in rows for c in columns]
    sql = f'INSERT INTO "{model._meta.db_table}" ({names}) VALUES {", ".join([row] * len(rows))}'
    return sql, values


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
    the pool had no connection in time), "busy" (a lock or statement timeout, a deadlock),
    else None (not the database's failure, or one no retry cures: a bug, shown as one).

    Only exceptions of the database's own making count: the driver's (asyncpg, sqlite3),
    Tortoise's wrappers of them, the pool's `PoolTimeout`, and OSErrors that the driver raised
    while connecting (see `_raised_by_driver`). The chain followed is `__cause__` (a wrapper
    of the driver's error) and, only from an exception that is itself the database's,
    `__context__` (a rollback failing on the connection that just died). So an application
    error raised while handling a database or network error (a KeyError in an `except
    ConnectionResetError:`), a file's or another service's OSError (Redis, TLS, HTTP) stay
    what they are: bugs or failures of their own, never "unavailable"."""
    seen: set[int] = set()
    current: BaseException | None = exc
    via_database = False  # reached through a database exception (its cause or context)
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        own = _is_database_exception(current, via_database=via_database)
        if own:
            kind = _failure_kind_of(current)
            if kind is not None:
                return kind
        if current.__cause__ is not None:
            current = current.__cause__
        elif own and not current.__suppress_context__:
            current = current.__context__
        else:
            return None
        via_database = own
    return None


# Modules whose frames an exception passes through on its way up from the socket; the first
# frame beneath them tells who did the I/O.
_TRANSPORT_MODULES = frozenset({"asyncio", "socket", "ssl", "selectors", "uvloop", "concurrent"})
_DRIVER_MODULES = ("asyncpg", "aiosqlite", "app.postgres")


def _raised_by_driver(exc: BaseException) -> bool:
    """Whether the innermost frame of `exc`'s traceback outside the event loop and socket
    layers belongs to the database driver (asyncpg connecting: refused, reset, unreachable,
    DNS, TLS), not to the application or another client library."""
    innermost = ""
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_globals.get("__name__", "") or ""
        if name.split(".")[0] not in _TRANSPORT_MODULES:
            innermost = name
        tb = tb.tb_next
    return innermost.startswith(_DRIVER_MODULES)


def _is_database_exception(exc: BaseException, *, via_database: bool) -> bool:
    from tortoise.exceptions import DBConnectionError, OperationalError, TransactionManagementError

    from app.errors import Busy, ServiceUnavailable
    from app.postgres import PoolTimeout

    if isinstance(exc, ServiceUnavailable | Busy | PoolTimeout | DBConnectionError):
        return True
    if isinstance(exc, OperationalError | TransactionManagementError):
        # Tortoise's wrappers; not its query outcomes (DoesNotExist, MultipleObjectsReturned,
        # NoValuesFetched, IncompleteInstanceError: subclasses of OperationalError).
        from tortoise.exceptions import (
            IncompleteInstanceError,
            NotExistOrMultiple,
            NoValuesFetched,
            ObjectDoesNotExistError,
        )

        return not isinstance(
            exc,
            NotExistOrMultiple
            | NoValuesFetched
            | IncompleteInstanceError
            | ObjectDoesNotExistError,
        )
    module = type(exc).__module__ or ""
    if module.startswith("asyncpg") or module.startswith("sqlite3"):
        return True
    if isinstance(exc, OSError):  # TimeoutError included: asyncpg's connect timeout
        return via_database or _raised_by_driver(exc)
    return False


# SQLSTATEs: lock_not_available, query_canceled (lock and statement timeouts), deadlock and
# serialization failures: "busy"; connection exceptions (08), insufficient resources (53:
# too many connections, out of memory or disk), operator intervention (57P: shutdown,
# crash, starting up): "unavailable".
_BUSY_STATES = ("55P03", "57014", "40P01", "40001")
_UNAVAILABLE_CLASSES = ("08", "53", "57P")


def _failure_kind_of(exc: BaseException) -> str | None:
    """The kind of one exception `_is_database_exception` accepted (its chain aside)."""
    from tortoise.exceptions import DBConnectionError

    from app.errors import Busy, ServiceUnavailable
    from app.postgres import PoolTimeout

    if isinstance(exc, ServiceUnavailable | PoolTimeout | DBConnectionError):
        return "unavailable"
    if isinstance(exc, Busy):
        return "busy"
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str):
        if sqlstate in _BUSY_STATES:
            return "busy"
        if sqlstate.startswith(_UNAVAILABLE_CLASSES):
            return "unavailable"
        return None
    if isinstance(exc, OSError):
        # The driver's connect failed: refused, reset, unreachable, DNS, TLS, or no answer
        # within asyncpg's connect timeout (TimeoutError). Other timeouts (an execution
        # budget, an HTTP call) are not raised by the driver and never get here.
        return "unavailable"
    import asyncpg

    if isinstance(exc, asyncpg.exceptions.InterfaceError):
        # Only "the connection or pool is gone"; the rest are misuses, bugs to be shown as
        # such: DataError (a bad argument), "another operation is in progress", argument
        # counts, a transaction in the wrong state.
        message = str(exc)
        return "unavailable" if any(m in message for m in _GONE_MESSAGES) else None
    if isinstance(exc, sqlite3.Error):
        message = str(exc)
        if "database is locked" in message or "database table is locked" in message:
            return "busy"  # SQLite's busy timeout ran out
        if "unable to open database file" in message or "disk I/O error" in message:
            return "unavailable"
    return None


# asyncpg's InterfaceError messages for a connection or pool that is gone.
_GONE_MESSAGES = (
    "connection is closed",
    "the underlying connection is closed",
    "pool is closing",
    "pool is closed",
)
