"""Database faults, reproduced for real: a member's balance row locked from outside, a pool
held busy, PostgreSQL stopped (its own cluster) and started again.

Each test serves the API in a `loyalty serve` process with the settings under test, on a
PostgreSQL cluster of this module's own (initdb into a temporary directory, a free port):
the outage test stops it, which the shared server must never see.
"""

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from strawberry.relay import from_base64

from tests.helpers import RECORD_PURCHASE, SIGN_UP, purchase_input, unique_email

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct-horse-battery"
BALANCE = "{ me { balance { available pending lifetime } } }"
CREATE_CLIENT = """mutation($input: CreateIntegrationClientInput!) {
  createIntegrationClient(input: $input) {
    __typename ... on IntegrationClientCreated { clientSecret client { clientId } } } }"""
LOG_IN = """mutation($input: LogInInput!) { logIn(input: $input) {
  __typename ... on AuthSession { accessToken } } }"""


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@pytest.fixture(scope="module")
def _postgres_only(dialect):
    if dialect != "postgres":
        pytest.skip("database fault tests run on PostgreSQL")
    if _pg_bin() is None:
        pytest.skip("no PostgreSQL server binaries (initdb) to start a cluster of our own")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A throw-away PostgreSQL cluster (trust auth, loopback only) that can be stopped."""

    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix="loyalty-faults-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:  # initdb refuses root: the cluster belongs to `postgres`
            shutil.chown(self.root, "postgres", "postgres")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/loyalty"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(
            command, check=check, capture_output=True, text=True, timeout=120, cwd=self.root
        )

    def create(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--no-sync")  # fmt: skip
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "loyalty")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w",
                  "-t", "60", "-o", options, "start")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster(_postgres_only) -> Iterator[Cluster]:
    instance = Cluster()
    try:
        instance.create()
        _loyalty("migrate", database_url=instance.url, check=True)
        yield instance
    finally:
        instance.destroy()


def _env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "TEST_DATABASE_URL")}
    env.update(
        LOYALTY_ENV="test",
        DATABASE_URL=database_url,
        WORKER_INTERVAL="0",
        LOG_LEVEL="WARNING",
        ARGON2_TIME_COST="1",
        ARGON2_MEMORY_KIB="8",
        SIGNUP_MAX_PER_ADDRESS="1000",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def _loyalty(*args: str, database_url: str, check: bool = False, **extra: str):
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=_env(database_url, **extra),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=check,
    )


class Server:
    """`loyalty serve` on a free loopback port; its stderr (the log) kept in a file."""

    def __init__(self, database_url: str, *, code: str | None = None, **settings: str) -> None:
        """`code`: Python to run instead of `python -m app.cli serve --port <port>` (it gets
        the port as its one argument), e.g. to set a module's constants first."""
        self.port = _free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.base_url = f"http://{self.address}"
        self.log_path = Path(tempfile.mkstemp(prefix="loyalty-faults-", suffix=".log")[1])
        self._log = self.log_path.open("w")
        command = ["-c", code] if code else ["-m", "app.cli", "serve", "--port"]
        self.process = subprocess.Popen(
            [sys.executable, *command, str(self.port)],
            env=_env(database_url, **settings),
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, f"server exited at start-up:\n{self.log()}"
            try:
                if httpx.get(f"{self.base_url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"server never became healthy:\n{self.log()}"
            time.sleep(0.1)

    def log(self) -> str:
        return self.log_path.read_text()

    def log_lines(self) -> list[str]:
        return [line for line in self.log().splitlines() if line.strip()]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self._log.close()
        self.log_path.unlink(missing_ok=True)


async def _post(http: httpx.AsyncClient, query: str, variables=None, *, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    return response, response.json()


class Program:
    """What the tests need on a served database: a till token and members to earn."""

    def __init__(self, http: httpx.AsyncClient, till: str):
        self.http = http
        self.till = till

    @classmethod
    async def set_up(cls, http: httpx.AsyncClient, database_url: str) -> "Program":
        email = unique_email("admin")
        created = await asyncio.to_thread(
            _loyalty, "create-staff", "--email", email, "--role", "admin",
            database_url=database_url, STAFF_PASSWORD=PASSWORD,
        )  # fmt: skip
        assert created.returncode == 0, created.stderr
        _, body = await _post(http, LOG_IN, {"input": {"email": email, "password": PASSWORD}})
        admin = body["data"]["logIn"]["accessToken"]
        _, body = await _post(
            http, CREATE_CLIENT,
            {"input": {"name": f"till {uuid.uuid4().hex[:6]}", "scopes": ["purchases:write"]}},
            token=admin,
        )  # fmt: skip
        made = body["data"]["createIntegrationClient"]
        response = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", "client_id": made["client"]["clientId"],
                  "client_secret": made["clientSecret"]},
        )  # fmt: skip
        assert response.status_code == 200, response.text
        return cls(http, response.json()["access_token"])

    async def member(self) -> dict:
        """A new member with one purchase recorded (so their balance row exists)."""
        _, body = await _post(
            self.http, SIGN_UP, {"input": {"email": unique_email(), "password": PASSWORD}}
        )
        session = body["data"]["signUp"]
        assert session["__typename"] == "AuthSession", body
        member = {
            "gid": session["member"]["id"],
            "id": int(from_base64(session["member"]["id"])[1]),
            "token": session["accessToken"],
        }
        _, body = await self.purchase(member, f"first-{uuid.uuid4().hex[:8]}")
        assert body["data"]["recordPurchase"]["__typename"] == "PurchaseRecorded", body
        return member

    async def purchase(self, member: dict, external_id: str):
        """(response, body) of recordPurchase: 2500 cents, 25 points."""
        variables = {"input": purchase_input(member["gid"], external_id)}
        return await _post(self.http, RECORD_PURCHASE, variables, token=self.till)

    async def lifetime(self, member: dict) -> int:
        _, body = await _post(self.http, BALANCE, token=member["token"])
        return body["data"]["me"]["balance"]["lifetime"]


def _recorded(body: dict) -> bool:
    return (body.get("data") or {}).get("recordPurchase", {}).get("__typename") == (
        "PurchaseRecorded"
    )


def _code(body: dict) -> str | None:
    errors = body.get("errors") or []
    return errors[0].get("extensions", {}).get("code") if errors else None


class RowLock:
    """A member's balance row held with SELECT ... FOR UPDATE by a connection of our own."""

    def __init__(self, database_url: str, member_id: int):
        self.url = database_url.replace("postgres://", "postgresql://", 1)
        self.member_id = member_id
        self.conn = None

    async def __aenter__(self) -> "RowLock":
        import asyncpg

        self.conn = await asyncpg.connect(self.url)
        await self.conn.execute("BEGIN")
        rows = await self.conn.fetch(
            'SELECT 1 FROM "member_balance" WHERE "member_id" = $1 FOR UPDATE', self.member_id
        )
        assert rows, "the member has no balance row to lock"
        return self

    async def release(self) -> None:
        if self.conn is not None:
            conn, self.conn = self.conn, None
            try:
                await conn.execute("ROLLBACK")
                await conn.close()
            except Exception:  # the server went away (the outage test): nothing to release
                conn.terminate()

    async def __aexit__(self, *exc) -> None:
        await self.release()


async def _waiting_on_locks(database_url: str, count: int, timeout: float = 20) -> None:
    """Until `count` server sessions wait for a lock (the requests have their connections)."""
    import asyncpg

    conn = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        deadline = time.monotonic() + timeout
        while True:
            waiting = await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
            if waiting >= count:
                return
            assert time.monotonic() < deadline, f"{waiting} of {count} requests wait on the lock"
            await asyncio.sleep(0.05)
    finally:
        await conn.close()


@pytest.fixture
def serve(cluster) -> Iterator:
    started: list[Server] = []

    def start(**settings: str) -> Server:
        server = Server(cluster.url, **settings)
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()


async def _timed(coro):
    started = time.monotonic()
    result = await coro
    return result, time.monotonic() - started


# ---- classification and the health probe (any dialect) ---------------------------------


def _raised(exc: BaseException, *, cause: BaseException | None = None) -> BaseException:
    try:
        raise exc from cause
    except BaseException as caught:
        return caught


def test_failure_kind_classifies_what_an_outage_and_a_lock_wait_raise():
    import sqlite3
    import ssl

    import asyncpg
    import redis.exceptions
    from tortoise.exceptions import DBConnectionError, OperationalError, TransactionManagementError

    from app.db import failure_kind
    from app.errors import Busy, ServiceUnavailable
    from app.postgres import PoolTimeout

    unavailable = [
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed mid-operation"),
        asyncpg.exceptions.InterfaceError("connection is closed"),
        asyncpg.exceptions.AdminShutdownError("terminating connection"),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.TooManyConnectionsError("too many clients"),
        PoolTimeout("no database connection free within 5 s"),
        DBConnectionError("cannot connect"),
        _raised(OperationalError("wrapped"), cause=ConnectionRefusedError(111, "refused")),
        ServiceUnavailable(),
    ]
    busy = [
        asyncpg.exceptions.LockNotAvailableError("canceling statement due to lock timeout"),
        asyncpg.exceptions.QueryCanceledError("canceling statement due to statement timeout"),
        asyncpg.exceptions.DeadlockDetectedError("deadlock detected"),
        _raised(OperationalError("wrapped"), cause=sqlite3.OperationalError("database is locked")),
        Busy(),
    ]
    neither = [
        ValueError("nope"),
        TimeoutError(),  # an execution budget or HTTP call's timeout is not the database's
        asyncpg.exceptions.UniqueViolationError("duplicate key"),
        asyncpg.exceptions.InterfaceError(
            "cannot perform operation: another operation is in progress"
        ),
        _raised(OperationalError("wrapped"), cause=asyncpg.exceptions.UndefinedTableError("x")),
        # Bugs and other services' failures are not the database's (the review's false
        # positives): OSErrors the driver did not raise, and whatever is raised while one
        # is being handled.
        ConnectionRefusedError(111, "Connection refused"),
        ConnectionResetError(104, "Connection reset by peer"),
        OSError(113, "No route to host"),
        FileNotFoundError(2, "No such file", "export.zip"),
        PermissionError(13, "Permission denied"),
        ssl.SSLError(1, "certificate verify failed"),
        _during(ConnectionResetError(104, "reset"), KeyError("x")),
        _during(asyncpg.exceptions.ConnectionDoesNotExistError("closed"), KeyError("x")),
        _during(ConnectionRefusedError(111, "refused"), redis.exceptions.ConnectionError("x")),
        _raised(redis.exceptions.ConnectionError("x"), cause=ConnectionRefusedError(111, "no")),
        _raised(RuntimeError("bad config"), cause=FileNotFoundError(2, "missing")),
        asyncpg.exceptions.DataError("invalid input for query argument $1: 'x' (expected int)"),
        _raised(OperationalError("wrapped"), cause=asyncpg.exceptions.DataError("bad arg")),
        asyncpg.exceptions.InterfaceError("the server expects 2 arguments, 1 was passed"),
    ]
    assert [failure_kind(e) for e in unavailable] == ["unavailable"] * len(unavailable)
    assert [failure_kind(e) for e in busy] == ["busy"] * len(busy)
    assert [failure_kind(e) for e in neither] == [None] * len(neither)
    # A rollback failing on the dead connection (the driver's error raised while handling
    # the driver's error) still tells of the outage it handled; a bug in the handler does not.
    closed = asyncpg.exceptions.ConnectionDoesNotExistError("closed mid-operation")
    assert failure_kind(_during(closed, TransactionManagementError("rollback"))) == "unavailable"
    assert failure_kind(_during(closed, RuntimeError("rollback failed"))) is None
    # What asyncpg itself raises connecting to nothing (no server needed): the driver's.
    refused = asyncio.run(_connect_refused())
    assert isinstance(refused, OSError) and failure_kind(refused) == "unavailable"
    assert failure_kind(_during(refused, KeyError("x"))) is None


def _during(handled: BaseException, raised: BaseException) -> BaseException:
    """`raised` as if raised inside `except` for `handled` (its `__context__`)."""
    try:
        try:
            raise handled
        except BaseException:
            raise raised  # noqa: B904
    except BaseException as caught:
        return caught


async def _connect_refused() -> BaseException:
    import asyncpg

    try:
        await asyncpg.connect(host="127.0.0.1", port=_free_port(), user="x", database="x")
    except BaseException as exc:
        return exc
    raise AssertionError("connected to a closed port")


async def test_health_probe_gives_up_within_a_second_on_a_server_that_never_answers(caplog):
    """A PostgreSQL address that accepts connections and then says nothing (a hung server)."""
    from app import db

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    url = f"postgres://postgres@127.0.0.1:{port}/hung"
    db._health_problem = None
    try:
        for _ in range(3):
            problem, took = await _timed(db.health_problem(url))
            assert problem and took < 2.0, (problem, took)
        # The change to failing is logged once, not per probe.
        assert caplog.text.count("database health check failing") == 1, caplog.text
    finally:
        listener.close()
        await db.close_health_probe()
        db._health_problem = None


async def test_a_locked_member_answers_busy_while_others_earn_and_health_answers(cluster, serve):
    server = serve(LOCK_TIMEOUT_MS="500", DATABASE_POOL_SIZE="4")
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        program = await Program.set_up(http, cluster.url)
        locked, other = await program.member(), await program.member()
        async with RowLock(cluster.url, locked["id"]):
            # Three purchases for the locked member at once, the other member's meanwhile.
            stuck = [
                asyncio.create_task(_timed(program.purchase(locked, f"locked-{i}")))
                for i in range(3)
            ]
            for i in range(3):
                (_, body), _ = await _timed(program.purchase(other, f"other-{i}"))
                assert _recorded(body), body
            health, took = await _timed(http.get("/ready"))
            assert health.status_code == 200 and took < 2.0, (health.status_code, took)
            for task in stuck:
                (_, body), took = await asyncio.wait_for(task, 20)
                # The lock was waited for (LOCK_TIMEOUT_MS), then given up: BUSY, retryable,
                # nothing recorded. Without a lock timeout this waits as long as the lock.
                assert 0.4 <= took < 8.0, took
                assert body["data"] is None or body["data"]["recordPurchase"] is None, body
                error = body["errors"][0]
                assert error["extensions"]["code"] == "BUSY", body
                assert error["extensions"]["retryable"] is True, body
        # The same keys once the lock is gone: each purchase earns, once.
        for i in range(3):
            _, body = await program.purchase(locked, f"locked-{i}")
            assert _recorded(body) and body["data"]["recordPurchase"]["replayed"] is False, body
            _, body = await program.purchase(locked, f"locked-{i}")
            assert body["data"]["recordPurchase"]["replayed"] is True, body
        assert await program.lifetime(locked) == 25 * 4
        assert await program.lifetime(other) == 25 * 4


async def test_an_exhausted_pool_answers_503_after_the_pool_timeout(cluster, serve):
    server = serve(DATABASE_POOL_SIZE="2", DATABASE_POOL_TIMEOUT_MS="1000",
                   LOCK_TIMEOUT_MS="30000", RETRY_AFTER_SECONDS="2")  # fmt: skip
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        program = await Program.set_up(http, cluster.url)
        locked, other = await program.member(), await program.member()
        async with RowLock(cluster.url, locked["id"]) as lock:
            # Both pool connections wait on the lock, inside their transactions.
            holding = [asyncio.create_task(program.purchase(locked, f"hold-{i}")) for i in range(2)]
            await _waiting_on_locks(cluster.url, 2)
            for attempt in (
                program.purchase(other, "starved"),
                _post(http, BALANCE, token=other["token"]),  # authentication needs the pool too
            ):
                (response, body), took = await _timed(attempt)
                assert response.status_code == 503, (response.status_code, body)
                assert response.headers["retry-after"] == "2"
                assert _code(body) == "SERVICE_UNAVAILABLE", body
                assert body["errors"][0]["extensions"]["retryable"] is True
                assert took < 10.0, took  # the pool timeout (1 s), not the lock's 30 s
            health, took = await _timed(http.get("/ready"))
            assert health.status_code == 200 and took < 2.0, (health.status_code, took)
            await lock.release()
            for task in holding:
                _, body = await asyncio.wait_for(task, 20)
                assert _recorded(body), body
        _, body = await program.purchase(other, "starved")
        assert _recorded(body) and body["data"]["recordPurchase"]["replayed"] is False, body
        assert await program.lifetime(locked) == 25 * 3
        assert await program.lifetime(other) == 25 * 2


async def test_postgres_stopped_answers_503_then_recovers_with_nothing_lost(cluster, serve):
    server = serve(RETRY_AFTER_SECONDS="3", DATABASE_POOL_TIMEOUT_MS="2000",
                   LOCK_TIMEOUT_MS="60000")  # fmt: skip
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        program = await Program.set_up(http, cluster.url)
        ana, bo = await program.member(), await program.member()
        acknowledged = []  # (member, external id) the server confirmed
        for i in range(4):
            member = (ana, bo)[i % 2]
            _, body = await program.purchase(member, f"before-{i}")
            assert _recorded(body), body
            acknowledged.append((member, f"before-{i}"))

        # One purchase in flight (waiting for ana's row) when the database stops.
        lock = RowLock(cluster.url, ana["id"])
        await lock.__aenter__()
        in_flight = asyncio.create_task(program.purchase(ana, "in-flight"))
        await _waiting_on_locks(cluster.url, 1)
        before = len(server.log_lines())
        await asyncio.to_thread(cluster.stop)
        try:
            failed = [(ana, "in-flight")]
            response, body = await asyncio.wait_for(in_flight, 20)
            answers = [(response, body)]
            for member, external_id in ((ana, "during-0"), (bo, "during-1")):
                answers.append(await program.purchase(member, external_id))
                failed.append((member, external_id))
            answers.append(await _post(http, BALANCE, token=bo["token"]))  # authentication
            for response, body in answers:
                assert response.status_code == 503, (response.status_code, body)
                assert response.headers["retry-after"] == "3"
                assert _code(body) == "SERVICE_UNAVAILABLE", body
                extensions = body["errors"][0]["extensions"]
                assert extensions["retryable"] is True and extensions["requestId"]
                assert extensions["outcome"] == "not_applied", body  # no COMMIT was cut off
                assert "idempotency key" in body["errors"][0]["message"].lower(), body
            token = await http.post("/oauth/token", data={"grant_type": "client_credentials",
                                                          "client_id": "x", "client_secret": "y"})  # fmt: skip
            assert token.status_code == 503 and token.headers["retry-after"] == "3", token.text
            export = await http.get("/exports/not-a-real-export-token")
            assert export.status_code == 503 and export.headers["retry-after"] == "3"
            requests = len(answers) + 2
            for _ in range(3):
                health, took = await _timed(http.get("/ready"))
                assert health.status_code == 503 and took < 2.0, (health.status_code, took)
                assert health.headers["retry-after"] == "3"
            await asyncio.sleep(0.2)
            logged = server.log_lines()[before:]
            # One line per failed request, and one for the health check turning (not three).
            assert len(logged) == requests + 1, "\n".join(logged)
            assert not any("Traceback" in line for line in logged), "\n".join(logged)
        finally:
            await lock.release()
            await asyncio.to_thread(cluster.start)

        # Recovery: the first requests may still meet connections from before the outage.
        deadline = time.monotonic() + 30
        while (await http.get("/ready")).status_code != 200:
            assert time.monotonic() < deadline, "never healthy again"
            await asyncio.sleep(0.2)
        for member, external_id in failed:
            while True:
                response, body = await program.purchase(member, external_id)
                if response.status_code != 503:
                    break
                assert time.monotonic() < deadline, body
                await asyncio.sleep(0.2)
            assert _recorded(body), body
        for member, external_id in failed + acknowledged:  # each earns exactly once
            _, body = await program.purchase(member, external_id)
            assert body["data"]["recordPurchase"]["replayed"] is True, body
        # ana: first, before-0, before-2, in-flight, during-0; bo: first, before-1, before-3,
        # during-1.
        assert await program.lifetime(ana) == 25 * 5
        assert await program.lifetime(bo) == 25 * 4
    checked = await asyncio.to_thread(_loyalty, "ledger-check", database_url=cluster.url)
    assert checked.returncode == 0, checked.stdout + checked.stderr


async def test_a_connection_lost_during_commit_answers_outcome_unknown(cluster, serve):
    """COMMIT sent, then the server session dies before answering (a deferred trigger holds
    the COMMIT; the backend is terminated meanwhile): the answer may not say "nothing was
    changed" and is not retryable as such; the same idempotency key then records it once."""
    import asyncpg

    server = serve(GRAPHQL_TIMEOUT_MS="60000", STATEMENT_TIMEOUT_MS="60000")
    url = cluster.url.replace("postgres://", "postgresql://", 1)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        program = await Program.set_up(http, cluster.url)
        member = await program.member()
        admin = await asyncpg.connect(url)
        try:
            await admin.execute(
                "CREATE OR REPLACE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN PERFORM pg_sleep(20); RETURN NULL; END $$"
            )
            await admin.execute(
                "CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT OR UPDATE ON member_balance "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                f"WHEN (NEW.member_id = {member['id']}) EXECUTE FUNCTION slow_commit()"
            )
            answer = asyncio.create_task(program.purchase(member, "cut-off"))
            deadline = time.monotonic() + 20
            while True:
                pids = await admin.fetch(
                    "SELECT pid FROM pg_stat_activity WHERE query ILIKE 'COMMIT%' "
                    "AND wait_event = 'PgSleep'"
                )
                if pids:
                    break
                assert time.monotonic() < deadline, "the COMMIT never started"
                await asyncio.sleep(0.05)
            for row in pids:
                await admin.execute("SELECT pg_terminate_backend($1)", row["pid"])
            response, body = await asyncio.wait_for(answer, 20)
        finally:
            await admin.execute("DROP TRIGGER IF EXISTS slow_commit ON member_balance")
            await admin.close()
        assert response.status_code == 503, body
        error = body["errors"][0]
        assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE", body
        assert error["extensions"]["outcome"] == "unknown", body
        assert error["extensions"]["retryable"] is False, body
        assert "may have been saved" in error["message"], body
        # The server was cut off before its commit record: repeating with the key is safe.
        _, body = await program.purchase(member, "cut-off")
        assert _recorded(body), body
        _, body = await program.purchase(member, "cut-off")
        assert body["data"]["recordPurchase"]["replayed"] is True, body
        assert await program.lifetime(member) == 25 * 2
