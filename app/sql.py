"""Hand-written SQL: the hot-path statements, and every difference between PostgreSQL and
SQLite, in one module. Everything else goes through the ORM.

A statement is written by hand here for one of two reasons, said at each:
- hot path: it runs on (nearly) every request of its kind, and building it with the ORM
  (query objects, join building, model instances) costs more than the query itself;
- one statement instead of several: an upsert, a lock-and-read, a multi-row write or a
  lease the ORM would need more round trips (or a race) for.
Statements use `{0}`, `{1}`... where the connection's placeholders go (`placeholders`);
their text is what the database sees, so change it only with the benches at hand.

The dialect differences: placeholders (`$1` or `?`), typed numbered parameters (`$1::int` or
`?1`), date parts (`to_char` or `strftime`), date arithmetic (`INTERVAL` or `datetime()`),
datetime parameters on SQLite (ISO text), whether the database can lease rows with
`FOR UPDATE SKIP LOCKED` (`is_postgres`: the job queue falls back to the ORM on SQLite), and
whether several writes can go in one statement (`combined`: a transaction's deferred rows,
app.db.Transaction.defer, are one statement of data-modifying CTEs on PostgreSQL, one
statement each on SQLite).
Migrations have their own per-dialect files (app/schema_history.py).

Hand-written elsewhere, in SQL both databases speak: the sign-in throttle's upserts
(app.auth.service builds one statement per counting step, with `NumberedParams`), the
analytics reports (app.analytics.service, with `numbered` and `query_params`), the ledger's
invariant checks (app.ledger.check) and multi-row inserts (app.db.insert_rows,
app.db.insert_statement).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from tortoise.backends.base.client import BaseDBAsyncClient

# ---- dialects -------------------------------------------------------------------------------


def is_postgres(conn: BaseDBAsyncClient) -> bool:
    """Whether `conn` talks to PostgreSQL (else SQLite)."""
    return conn.capabilities.dialect == "postgres"


def placeholders(conn: BaseDBAsyncClient, count: int) -> list[str]:
    """`count` query parameter placeholders in the connection's dialect."""
    if conn.capabilities.dialect == "postgres":
        return [f"${i}" for i in range(1, count + 1)]
    return ["?"] * count


def numbered(conn: BaseDBAsyncClient, template: str) -> str:
    """`template` with `{1}`, `{2}`... (up to 9) as the connection's parameter placeholders."""
    if conn.capabilities.dialect == "postgres":
        return template.format("", *(f"${i}" for i in range(1, 10)))
    return template.format("", *("?" * 9))


def query_params(conn: BaseDBAsyncClient, params: list) -> list:
    """`params` as the database compares them: on SQLite datetimes are stored as ISO text
    (what tortoise writes), so they are passed as the same text, not through sqlite3's
    default datetime adapter (deprecated since Python 3.12)."""
    if conn.capabilities.dialect == "sqlite":
        return [p.isoformat(" ") if isinstance(p, dt.datetime) else p for p in params]
    return params


def combined(conn: BaseDBAsyncClient, statements: list[tuple[str, list]]) -> list[tuple[str, list]]:
    """Writes whose results nobody reads (INSERTs and UPDATEs without RETURNING, parameters
    marked `{}` in order), as the statements to send: on PostgreSQL one, each but the last
    a data-modifying CTE (`WITH w1 AS (...), w2 AS (...) <last>`: all run, in one snapshot,
    foreign keys checked at its end); on SQLite, which has no data-modifying CTEs, one each.
    Callers never write the same row twice in one batch (the CTEs would not see each
    other's changes)."""
    if conn.capabilities.dialect != "postgres":
        return [(sql.format(*("?" * len(params))), params) for sql, params in statements]
    parts, values = [], []
    for sql, params in statements:
        start = len(values)
        parts.append(sql.format(*(f"${start + i}" for i in range(1, len(params) + 1))))
        values.extend(params)
    if len(parts) == 1:
        return [(parts[0], values)]
    ctes = ", ".join(f"w{i} AS ({part})" for i, part in enumerate(parts[:-1], 1))
    return [(f"WITH {ctes} {parts[-1]}", values)]


def plus_days(conn: BaseDBAsyncClient, column: str, days: int) -> str:
    """The SQL expression `column` (a timestamp) plus `days` whole days."""
    if conn.capabilities.dialect == "postgres":
        return f"{column} + INTERVAL '{int(days)} days'"
    return f"datetime({column}, '+{int(days)} days')"


class NumberedParams:
    """Numbered query parameters in the connection's dialect (`$1::type` or `?1`), each
    usable several times in one statement (the sign-in throttle's upserts, app.auth.service,
    are built with it: one statement per counting step). `convert` turns a datetime into
    what the column stores."""

    _CASTS = {"text": "varchar", "int": "int", "ts": "timestamptz"}

    def __init__(self, conn: BaseDBAsyncClient, convert: Callable[[dt.datetime], object]):
        self.pg = conn.capabilities.dialect == "postgres"
        self.values: list = []
        self._convert = convert

    def __call__(self, value: object, kind: str) -> str:
        if isinstance(value, dt.datetime):
            value = self._convert(value)
        self.values.append(value)
        n = len(self.values)
        return f"${n}::{self._CASTS[kind]}" if self.pg else f"?{n}"


# ---- the session check (app.auth.service) ---------------------------------------------------

# Hot path: every authenticated request checks its session is live and loads its member.
LIVE_SESSION = (
    'SELECT m.* FROM "auth_session" s JOIN "member" m ON m."id" = s."member_id" '
    'WHERE s."id" = {0} AND s."member_id" = {1} AND s."revoked_at" IS NULL AND m."is_active"'
)
_LIVE_SESSION_PG = LIVE_SESSION.format("$1", "$2")
_LIVE_SESSION_SQLITE = LIVE_SESSION.format("?", "?")


def live_session(conn: BaseDBAsyncClient, session_id, member_id: int) -> tuple[str, list]:
    """The session check and its parameters (a UUID on PostgreSQL, its text on SQLite)."""
    if conn.capabilities.dialect == "postgres":
        return _LIVE_SESSION_PG, [session_id, member_id]
    return _LIVE_SESSION_SQLITE, [str(session_id), member_id]


# Hot path: every till (integration client) request checks its client is not revoked.
LIVE_CLIENT = (
    'SELECT 1 FROM "auth_integration_client" WHERE "client_id" = {0} AND "revoked_at" IS NULL'
)

# ---- the member lookup (app.members.service.find_account) -----------------------------------

# Hot path: every till request finds its member by id, external reference or card number
# (`{0}` the column, `{1}` the placeholder).
MEMBER_ACCOUNT = 'SELECT "id", "role" FROM "member" WHERE "{0}" = {1} AND "is_active" LIMIT 1'

# ---- the ledger (app.ledger.service) --------------------------------------------------------

# The member's lock, taken and read in one statement (creating the balance row on first use):
# every points movement starts with it. It waits at most LOCK_TIMEOUT_MS (`lock_timeout`, a
# server setting of every pool connection: app.db.tortoise_config, nothing per statement),
# then fails with 55P03, which the API answers as BUSY (retryable: the transaction rolled
# back).
LOCK_MEMBER = (
    'INSERT INTO "member_balance" ("member_id", "available", "pending", "lifetime", '
    '"closed", "updated_at") VALUES ({0}, 0, 0, 0, FALSE, CURRENT_TIMESTAMP) '
    'ON CONFLICT ("member_id") DO UPDATE SET "member_id" = excluded."member_id" '
    'RETURNING "available", "pending", "lifetime", "closed"'
)

# The same for the member account a till names (`{0}` the column: id, external_ref or
# card_number; `{1}` the placeholder), found in the same statement: only an active member
# account is locked (no row back: none, or a staff account; the caller asks which). One
# statement on both databases (SQLite's INSERT ... SELECT needs the WHERE before ON CONFLICT).
LOCK_ACCOUNT = (
    'INSERT INTO "member_balance" ("member_id", "available", "pending", "lifetime", '
    '"closed", "updated_at") SELECT "id", 0, 0, 0, FALSE, CURRENT_TIMESTAMP FROM "member" '
    'WHERE "{0}" = {1} AND "is_active" AND "role" = \'member\' LIMIT 1 '
    'ON CONFLICT ("member_id") DO UPDATE SET "member_id" = excluded."member_id" '
    'RETURNING "member_id", "available", "pending", "lifetime", "closed"'
)

# The balance write-back: every movement ends with it (as the lock above, without the ORM).
FLUSH_BALANCE = (
    'UPDATE "member_balance" SET "available" = {0}, "pending" = {1}, "lifetime" = {2}, '
    '"updated_at" = {3} WHERE "member_id" = {4}'
)

# A transaction's postings, all in one multi-row INSERT (no per-row model objects, no ids
# read back); the caller appends the `(...), (...)` rows.
INSERT_POSTINGS = (
    'INSERT INTO "points_posting" ("transaction_id", "member_id", "account", "amount") VALUES '
)

# ---- webhooks (app.integrations.webhooks) ---------------------------------------------------

# Every points movement asks which endpoints are active and what they want: read into a
# per-process cache (app.integrations.webhooks.ENDPOINTS), and afresh in the transaction
# only when the cache says some endpoint wants the event.
ACTIVE_WEBHOOKS = 'SELECT "id", "event_types" FROM "webhook_endpoint" WHERE "active"'

# ---- the job queue (app.jobs) ---------------------------------------------------------------

# The job claim: due jobs leased to one worker in one statement, rows another worker holds
# skipped (PostgreSQL only: SQLite has one writer at a time, the queue selects then leases
# each row with the ORM there). Parameters: lease until, worker, now, limit.
CLAIM_JOBS_PG = (
    'UPDATE "job" SET "locked_until" = $1, "locked_by" = $2, "attempts" = "attempts" + 1 '
    'WHERE "id" IN (SELECT "id" FROM "job" WHERE "status" = \'pending\' AND "run_at" <= $3 '
    'AND ("locked_until" IS NULL OR "locked_until" < $3) ORDER BY "run_at", "id" LIMIT $4 '
    "FOR UPDATE SKIP LOCKED) RETURNING *"
)

# ---- pages per owner (app.pagination.newest_pages_per_owner) --------------------------------

# Several owners' newest-first pages in one query (DataLoaders: a list of members asking for
# their activity or redemptions costs one query, not one per member); the ORM has no window
# functions.
# `{order}` is DESC (newest first) or ASC (backward paging: the oldest rows past a cursor).
PAGES_PER_OWNER = (
    'SELECT * FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY t."{owner}" '
    'ORDER BY t."id" {order}) AS "row_number" FROM "{table}" t '
    'WHERE t."{owner}" IN ({owners}){filters}) ranked WHERE "row_number" <= {limit} '
    'ORDER BY "{owner}", "id" {order}'
)

# ---- birthdays (app.earning.actions) --------------------------------------------------------


def born_on(conn: BaseDBAsyncClient, count: int) -> str:
    """Active members (staff accounts earn nothing) whose birthday (month-day, "MM-DD") is
    one of `count` parameters. Date-part lookups differ per database (SQLite has no EXTRACT),
    so this is written per dialect."""
    if conn.capabilities.dialect == "postgres":
        expr, marks = "to_char(\"birthday\", 'MM-DD')", [f"${i + 1}" for i in range(count)]
    else:
        expr, marks = "strftime('%m-%d', \"birthday\")", ["?"] * count
    return (
        f'SELECT "id" FROM "member" WHERE "is_active" AND "role" = \'member\' '
        f'AND "birthday" IS NOT NULL '
        f'AND {expr} IN ({", ".join(marks)}) ORDER BY "id"'
    )


# ---- several reads in one statement (segment profiles) --------------------------------------


class Part(NamedTuple):
    """One SELECT of a read sent with others as ONE statement (`union_all`). Its SQL marks
    parameters `{}` in order and selects five columns: the member's id, a literal tag naming
    the part (so its owner finds its rows), a timestamp, a number and a JSON document (NULL
    where the part has none); `union_all` names them "member_id", "what", "at", "n", "doc"."""

    sql: str
    params: list


# A first SELECT that answers no row: it names the columns and, on PostgreSQL, types them
# (which resolves a UNION's types part by part: two untyped NULLs would make text, which no
# later timestamp or JSON column matches).
_UNION_HEAD = ('SELECT CAST(NULL AS BIGINT) AS "member_id", CAST(NULL AS TEXT) AS "what", '
               'CAST(NULL AS {at}) AS "at", CAST(NULL AS NUMERIC) AS "n", '
               'CAST(NULL AS {doc}) AS "doc" WHERE 1 = 0')  # fmt: skip


async def union_all(conn: BaseDBAsyncClient, parts: list[Part]) -> list[dict]:
    """The rows of every part, read in one statement (`UNION ALL`): one round trip for what
    several domains contribute to, each reading its own tables."""
    postgres = conn.capabilities.dialect == "postgres"
    head = _UNION_HEAD.format(at="TIMESTAMPTZ", doc="JSONB") if postgres else _UNION_HEAD.format(
        at="TEXT", doc="TEXT")  # fmt: skip
    sql, values = [head], []
    for part in parts:
        start = len(values)
        if conn.capabilities.dialect == "postgres":
            marks = [f"${start + i}" for i in range(1, len(part.params) + 1)]
        else:
            marks = ["?"] * len(part.params)
        sql.append(part.sql.format(*marks))
        values.extend(part.params)
    _, rows = await conn.execute_query(" UNION ALL ".join(sql), query_params(conn, values))
    return [dict(r) for r in rows]
