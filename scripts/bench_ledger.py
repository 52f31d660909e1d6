"""`scripts/bench ledger`: `recordPurchase` throughput against the floor (the same requests
answered in memory by the same stack), with pgbench's TPC-B-like transaction on the same
PostgreSQL as a reference, all measured in the same run, then proof that nothing was lost or
earned twice.

- A scratch PostgreSQL database (`loyalty_bench_<random>`) is created, migrated with
  `app.schema_history.apply_migrations` and dropped at the end, even on failure.
- Set-up in this process through the service layer: N members (N = --concurrency) and one
  integration client with scope `purchases:write`; its token comes from `POST /oauth/token`.
- `--workers` single-worker uvicorn processes (default: one per core, as deployed; each a
  subprocess serving `bench_api:server_app`, i.e. `create_app(Settings.from_env())`), each on
  its own port; the load generator spreads its connections over them round-robin, as a load
  balancer would. (uvicorn's own `--workers` share one listening socket, and the process that
  wakes first accepts all keep-alive connections, leaving the others idle.)
- The load comes from this process (bench_api's raw keep-alive client, uvloop when installed):
  N connections POST `recordPurchase`, each request with its own `externalId` and
  `idempotencyKey`, for a fixed time per run after a warm-up. Run 1 "distinct": connection i
  buys for member i. Run 2 "hot": every connection buys for the same member, so the writes
  queue on that one member's book. Only `__typename == "PurchaseRecorded"` counts as a
  success; req/s counts successes. On a 2-core machine the load generator shares the CPU with
  the server, which lowers the figures.
- Floor: the same distinct-members requests, after the real run, to servers whose purchase
  service is replaced by an in-memory answer (`bench_ledger:floor_app`): HTTP, GraphQL
  parsing, validation and execution, the client's authentication (its one query) and the
  answer's serialisation, nothing written. No implementation of recordPurchase on this
  stack can be faster. Target: distinct-members req/s >= 40% of the floor's (what the
  purchase itself costs, the ledger's statements and Python, is at most 1.5 times what the
  request around it costs).
- Reference, printed beside (no longer a target; the retired one was distinct >= 25% of
  its tps): `pgbench -i -s 10` into a second scratch database
  (`loyalty_pgbench_<random>`, dropped at the end), then `pgbench -c N -j 2 -T <seconds> -n`
  (built-in TPC-B-like), with the API server stopped; the ratios of distinct and floor to
  its tps.
- Correctness, with the server stopped: per member, the purchases in the database are exactly
  the ones the client saw acknowledged (none lost, none recorded without an answer), no
  purchase acknowledged twice or replayed, each member's balance equals the points its
  purchases earned; then `loyalty ledger-check` on the scratch database.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432),
BENCH_DATABASE_PARAMS (appended to the database URL of the server, e.g. `?maxsize=10`),
BENCH_PGBENCH (the pgbench binary, default `pgbench` on PATH, else /usr/bin/pgbench).
Exit status: 0 whether the target passes or not; 1 if any request failed or any
correctness check failed.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import bench_api
from bench_api import (
    HOST,
    PG,
    RawLoad,
    _admin,
    _free_port,
    _pct,
    drop_scratch_database,
    http_request,
    load_runner,
    start_server,
    stop,
    wait_for_health,
)

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "pos-bench"
AMOUNT = 2599  # EUR 25.99, in two lines
LINES = [
    {"sku": "BENCH-COFFEE", "category": "grocery", "quantity": 2, "amount": 1198},
    {"sku": "BENCH-BREAD", "category": "bakery", "quantity": 1, "amount": 1401},
]
RECORD_PURCHASE = (
    "mutation($input: PurchaseInput!) { recordPurchase(input: $input) { __typename "
    "... on PurchaseRecorded { replayed purchase { id externalId pointsEarned } } "
    "... on UserError { code message } ... on InvalidInput { fields { field code } } } }"
)
MARK = "@@EXTERNAL_ID@@"  # replaced by each request's externalId in the body template
SAMPLES = 5  # errors printed per run
PGBENCH_SCALE = 10
TARGET = 0.40  # distinct-members req/s over the floor's
TPS_RE = re.compile(r"^tps = ([0-9.]+) \(without initial connection time\)", re.MULTILINE)


# ---- what the client saw -----------------------------------------------------------------


@dataclass
class Tally(bench_api.Tally):
    """bench_api's tally plus the successes and the first few errors."""

    ok: int = 0
    samples: list[str] = field(default_factory=list)

    def fail(self, what: object) -> None:
        super().fail(what)
        if len(self.samples) < SAMPLES:
            self.samples.append(str(what)[:300])


@dataclass
class Seen:
    """Every answer of the whole run, by member pk, for the check against the database."""

    acked: dict[int, set[str]] = field(default_factory=dict)  # externalIds acknowledged
    in_doubt: dict[int, set[str]] = field(default_factory=dict)  # sent, no usable answer
    purchase_ids: dict[str, str] = field(default_factory=dict)  # purchase id -> externalId
    twice: list[str] = field(default_factory=list)  # one purchase id acknowledged twice
    replayed: list[str] = field(default_factory=list)  # replayed=true on a fresh key


class Stream:
    """The requests of one connection: same member, a fresh externalId and idempotency key
    each. The ids have a fixed width, so the head (with Content-Length) is built once."""

    def __init__(self, *, phase: str, index: int, member: int, token: str, seen: Seen):
        from strawberry.relay import to_base64

        self.member = member
        self.seen = seen
        self.tally = Tally()
        self.prefix = f"{phase}-{index:04d}-"
        self.seq = 0
        self.pending: str | None = None
        variables = {
            "input": {
                "idempotencyKey": f"key-{MARK}",
                "member": {"id": to_base64("Member", member)},
                "source": SOURCE,
                "externalId": MARK,
                "amount": AMOUNT,
                "currency": "EUR",
                "occurredAt": (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat(),
                "store": "bench-store-1",
                "lines": LINES,
            }
        }
        body = json.dumps({"query": RECORD_PURCHASE, "variables": variables})
        self.parts = [part.encode() for part in body.split(MARK)]
        sample = self._body(self._external_id(0))
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        self.head = http_request("POST", "/graphql", headers, sample)[: -len(sample)]

    def _external_id(self, seq: int) -> str:
        return f"{self.prefix}{seq:09d}"

    def _body(self, external_id: str) -> bytes:
        return external_id.encode().join(self.parts)

    def settle(self) -> None:
        """A request sent without a usable answer may or may not have been recorded."""
        if self.pending is not None:
            self.seen.in_doubt.setdefault(self.member, set()).add(self.pending)
            self.pending = None

    def next_request(self) -> bytes:
        self.settle()  # the previous request broke the connection
        self.seq += 1
        self.pending = self._external_id(self.seq)
        return self.head + self._body(self.pending)

    def check(self, status: int, body: bytes) -> str | None:
        external_id = self.pending
        try:
            data = json.loads(body) if status == 200 else None
            result = (data.get("data") or {}).get("recordPurchase") if data else None
        except (ValueError, AttributeError):
            data = result = None
        if status != 200 or not isinstance(result, dict):
            self.pending = None  # an error answer must not have recorded anything
            return f"HTTP {status}: {body[:200]!r}"
        if result.get("__typename") != "PurchaseRecorded" or data.get("errors"):
            self.pending = None
            return f"{result.get('__typename')}: {json.dumps(data)[:250]}"
        purchase = result.get("purchase") or {}
        if purchase.get("externalId") != external_id:
            return f"answer for {purchase.get('externalId')!r}, sent {external_id!r}"  # in doubt
        self.pending = None
        self.tally.ok += 1
        self.seen.acked.setdefault(self.member, set()).add(external_id)
        if purchase.get("id") in self.seen.purchase_ids:
            self.seen.twice.append(f"{purchase.get('id')} for {external_id} and "
                                   f"{self.seen.purchase_ids[purchase['id']]}")  # fmt: skip
        self.seen.purchase_ids[purchase.get("id")] = external_id
        if result.get("replayed"):
            self.seen.replayed.append(external_id)
        return None


async def _measure(load: RawLoad, streams: list[Stream], seconds: float) -> Tally:
    tally = Tally()
    for s in streams:
        s.tally = tally
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(load.exchange(s.next_request, s.check, deadline, tally) for s in streams)
    )
    tally.elapsed = time.perf_counter() - started
    for s in streams:
        s.settle()
    return tally


async def run_load(
    port: int | list[int],
    token: str,
    members: list[int],
    *,
    seconds: float,
    warmup: float,
    seen: Seen,
    hot: bool = True,
) -> dict[str, Tally]:
    load = RawLoad(port, len(members))
    runs = {"distinct": members}  # connection i -> member i
    if hot:
        runs["hot"] = [members[0]] * len(members)  # every connection -> one member
    results = {}
    for n, (name, targets) in enumerate(runs.items()):
        if warmup > 0:  # connections, caches, the database pool; not counted
            streams = [
                Stream(phase=f"w{n}", index=i, member=m, token=token, seen=seen)
                for i, m in enumerate(targets)
            ]
            await _measure(load, streams, warmup / len(runs))
        streams = [
            Stream(phase=f"r{n}", index=i, member=m, token=token, seen=seen)
            for i, m in enumerate(targets)
        ]
        results[name] = await _measure(load, streams, seconds)
    await load.close()
    return results


def floor_app():
    """uvicorn factory (`bench_ledger:floor_app`): the real app, its purchase service
    replaced by an in-memory answer of the same shape. Everything else a request costs
    still runs: HTTP, GraphQL, the client's authentication, the result's serialisation."""
    import itertools

    from app.earning import service
    from app.earning.models import Purchase
    from app.ledger.models import Kind, PointsTransaction

    ids = itertools.count(1)
    steps = [{"rule": "RULE_BASE", "points": 25, "params": {"rate": "1", "currency": "EUR"}}]

    async def answer(*, member, source, external_id, amount, currency, occurred_at, store,
                     lines, **_) -> service.Recorded:  # fmt: skip
        i, at = next(ids), dt.datetime.now(dt.UTC)
        txn = PointsTransaction(
            id=i, member_id=member.member_id, kind=Kind.PURCHASE, points=25, available_delta=25,
            pending_delta=0, explanation=steps, created_at=at,
        )  # fmt: skip
        purchase = Purchase(
            id=i, member_id=member.member_id, source=source, external_id=external_id,
            amount=amount, currency=currency, occurred_at=occurred_at, store=store,
            lines=[dataclasses.asdict(line) for line in lines], points_earned=25,
            transaction_id=i, created_at=at,
        )  # fmt: skip
        return service.Recorded(i, i, False, (purchase, txn))

    service.record_purchase = answer
    return bench_api.server_app()


# ---- set-up -------------------------------------------------------------------------------


async def set_up(url: str, count: int) -> tuple[list[int], str, str]:
    """N members and a purchases:write client, through the service layer; returns the
    member pks, the client id and its secret."""
    from tortoise import Tortoise

    from app.auth.service import create_integration_client
    from app.db import tortoise_config
    from app.members.service import create_member

    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    from app import wiring

    wiring.connect()  # as the API, the worker and the CLI do
    try:
        members = []
        for i in range(count):
            member = await create_member(
                email=f"bench{i}@example.com",
                password="bench-password-123",
                display_name=f"Bench {i}",
            )
            members.append(member.id)
        client, secret = await create_integration_client(
            name="bench POS", scopes=["purchases:write"], created_by=None
        )
        return members, client.client_id, secret
    finally:
        await Tortoise.close_connections()


def client_token(port: int, client_id: str, secret: str) -> str:
    import httpx

    r = httpx.post(
        f"http://{HOST}:{port}/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        timeout=30,
    )
    token = r.json().get("access_token") if r.status_code == 200 else None
    if not token:
        raise RuntimeError(f"POST /oauth/token failed: HTTP {r.status_code} {r.text[:300]}")
    return token


# ---- checks -------------------------------------------------------------------------------


async def verify(url: str, seen: Seen, members: list[int]) -> list[str]:
    """What the database holds against what the client saw; [] when they agree."""
    import asyncpg

    problems = []
    conn = await asyncpg.connect(url.split("?")[0].replace("postgres://", "postgresql://", 1))
    try:
        rows = await conn.fetch(
            "SELECT member_id, external_id FROM purchase WHERE source = $1", SOURCE
        )
        held: dict[int, set[str]] = {}
        for row in rows:
            held.setdefault(row["member_id"], set()).add(row["external_id"])
        (distinct_txns,) = await conn.fetchrow(
            "SELECT count(DISTINCT transaction_id) FROM purchase WHERE source = $1", SOURCE
        )
        earned = {
            r["member_id"]: r["points"]
            for r in await conn.fetch(
                "SELECT member_id, sum(points_earned) AS points FROM purchase GROUP BY member_id"
            )
        }
        balance = {
            r["member_id"]: r["points"]
            for r in await conn.fetch(
                "SELECT member_id, available + pending AS points FROM member_balance"
            )
        }
    finally:
        await conn.close()
    for member in sorted(set(held) | set(seen.acked) | set(seen.in_doubt) | set(members)):
        acked = seen.acked.get(member, set())
        stored = held.get(member, set())
        doubt = seen.in_doubt.get(member, set())
        lost = acked - stored
        unacked = stored - acked - doubt
        if lost or unacked:
            problems.append(
                f"member {member}: {len(acked)} acknowledged, {len(stored)} in the database; "
                f"lost {sorted(lost)[:3]} unacknowledged {sorted(unacked)[:3]}"
            )
        if earned.get(member, 0) != balance.get(member, 0):
            problems.append(
                f"member {member}: purchases earned {earned.get(member, 0)} points, "
                f"balance holds {balance.get(member, 0)}"
            )
    if distinct_txns != len(rows):
        problems.append(f"{len(rows)} purchases share {distinct_txns} points transactions")
    if seen.twice:
        problems.append(f"{len(seen.twice)} purchase ids acknowledged twice: {seen.twice[:3]}")
    if seen.replayed:
        problems.append(f"{len(seen.replayed)} fresh keys answered replayed: {seen.replayed[:3]}")
    return problems


def ledger_check(env: dict[str, str]) -> tuple[bool, str]:
    r = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "loyalty"), "ledger-check"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    output = (r.stdout + r.stderr).strip().splitlines()
    return r.returncode == 0, f"exit {r.returncode}: " + " | ".join(output[-6:])


# ---- pgbench ------------------------------------------------------------------------------


def pgbench(name: str, seconds: int, clients: int) -> tuple[float, str]:
    """Initialise the scale-10 TPC-B-like tables in `name` and run it; returns tps."""
    binary = os.environ.get("BENCH_PGBENCH") or shutil.which("pgbench") or "/usr/bin/pgbench"
    u = urlsplit(PG)
    conn = ["-h", u.hostname or HOST, "-p", str(u.port or 5432), "-U", unquote(u.username or "postgres")]  # fmt: skip
    env = {**os.environ, **({"PGPASSWORD": unquote(u.password)} if u.password else {})}
    init = [binary, "-i", "-s", str(PGBENCH_SCALE), "-q", *conn, name]
    r = subprocess.run(init, env=env, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"pgbench -i failed ({r.returncode}): {r.stderr[-500:]}")
    command = [binary, "-c", str(clients), "-j", str(min(2, clients)), "-T", str(seconds), "-n"]
    r = subprocess.run([*command, *conn, name], env=env, capture_output=True, text=True,
                       timeout=seconds + 120)  # fmt: skip
    found = TPS_RE.search(r.stdout)
    if r.returncode != 0 or not found:
        raise RuntimeError(f"pgbench failed ({r.returncode}): {(r.stdout + r.stderr)[-500:]}")
    return float(found.group(1)), " ".join(command[1:])


# ---- orchestration ------------------------------------------------------------------------


@dataclass
class Outcome:
    results: dict[str, Tally]
    floor: Tally
    tps: float
    pgbench: str
    problems: list[str]
    ledger_ok: bool
    ledger: str
    acked: int
    in_doubt: int


def report(o: Outcome, args: argparse.Namespace) -> int:
    n = args.concurrency
    print(
        f"scripts/bench ledger: {args.workers} server process(es), PostgreSQL, {n} keep-alive connections, "
        f"{args.seconds:g} s per run after {args.warmup / 2:g} s warm-up each, {n} members"
    )
    print(
        f"note: the load generator runs on the same {os.cpu_count()} cores as the server; "
        "req/s counts PurchaseRecorded answers only"
    )
    labels = {
        "distinct": f"distinct recordPurchase, connection i -> member i ({n} members)",
        "hot": f"hot      recordPurchase, all {n} connections -> one member",
    }
    rps = {}
    for name, label in labels.items():
        t = o.results[name]
        ms = sorted(x * 1000 for x in t.latencies)
        rps[name] = t.ok / t.elapsed if t.elapsed else 0.0
        print(
            f"{label}\n  requests={len(ms)} ok={t.ok} errors={t.errors} req/s={rps[name]:.0f} "
            f"p50={_pct(ms, 0.50):.2f} ms p99={_pct(ms, 0.99):.2f} ms"
        )
        for sample in t.samples:
            print(f"  error: {sample}")
    f = o.floor
    ms = sorted(x * 1000 for x in f.latencies)
    floor = f.ok / f.elapsed if f.elapsed else 0.0
    print(
        f"floor    the distinct requests answered in memory (HTTP, GraphQL, client auth; "
        f"nothing written)\n  requests={len(ms)} ok={f.ok} errors={f.errors} "
        f"req/s={floor:.0f} p50={_pct(ms, 0.50):.2f} ms p99={_pct(ms, 0.99):.2f} ms"
    )
    for sample in f.samples:
        print(f"  error: {sample}")
    print(f"pgbench  TPC-B-like, scale {PGBENCH_SCALE}, {o.pgbench}\n  tps={o.tps:.0f}")
    ratio = rps["distinct"] / o.tps if o.tps else 0.0
    print(f"ratio distinct/pgbench: {ratio * 100:.1f}% (reference)")
    if o.tps:
        print(f"ratio floor/pgbench: {floor / o.tps * 100:.1f}% (reference)")
    share = rps["distinct"] / floor if floor else 0.0
    print(f"ratio distinct/floor: {share * 100:.1f}%")
    print(f"target: distinct/floor >= {TARGET * 100:.0f}%: {'PASS' if share >= TARGET else 'FAIL'}")
    doubt = f", {o.in_doubt} sent without an answer" if o.in_doubt else ""
    verdict = "OK" if not o.problems else f"FAIL ({len(o.problems)} problem(s))"
    print(f"purchases vs acknowledgements ({o.acked} acknowledged{doubt}): {verdict}")
    for problem in o.problems[:10]:
        print(f"  {problem}")
    print(f"loyalty ledger-check: {'OK' if o.ledger_ok else 'FAIL'} ({o.ledger})")
    errors = any(t.errors for t in (*o.results.values(), o.floor))
    return 1 if errors or o.problems or not o.ledger_ok else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/bench ledger", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seconds", type=int, default=10, help="per run and pgbench (10)")
    parser.add_argument("--concurrency", type=int, default=32, help="connections, members (32)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds, split over runs (2)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1,
        help="server processes (default: one per core, as deployed)",
    )  # fmt: skip
    args = parser.parse_args()
    if not (0 < args.seconds <= 600 and 1 <= args.concurrency <= 1024):
        parser.error("need 0 < --seconds <= 600, 1 <= --concurrency <= 1024")
    args.warmup = max(0.0, min(args.warmup, 60.0))

    from app.schema_history import apply_migrations
    from app.settings import Settings, configure

    suffix = uuid.uuid4().hex[:10]
    name, reference = f"loyalty_bench_{suffix}", f"loyalty_pgbench_{suffix}"
    url = f"{PG}/{name}{os.environ.get('BENCH_DATABASE_PARAMS', '')}"
    env = {**os.environ, "DATABASE_URL": url, "LOYALTY_ENV": "test", "LOG_LEVEL": "WARNING",
           "WORKER_INTERVAL": "0"}  # fmt: skip
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    servers: list = []
    try:
        settings = configure(Settings.from_env(env))  # the set-up's password hashing costs
        asyncio.run(apply_migrations(settings))
        members, client_id, secret = asyncio.run(set_up(url, args.concurrency))
        # One single-worker uvicorn per --workers, each on its own port, the load spread
        # over them round-robin: uvicorn's own --workers share one listening socket, and
        # whichever process wakes first accepts all 32 keep-alive connections.
        ports = [_free_port() for _ in range(args.workers)]
        servers.extend(start_server(port, env) for port in ports)
        for server, port in zip(servers, ports, strict=True):
            wait_for_health(server, port)
        token = client_token(ports[0], client_id, secret)
        runner = load_runner()
        seen = Seen()
        results = runner(
            run_load(ports, token, members, seconds=args.seconds, warmup=args.warmup, seen=seen)
        )
        for server in servers:
            if server.poll() is not None:
                raise RuntimeError(f"a server exited during the run ({server.returncode})")
            stop(server)  # nothing in flight while checking, nothing competing with pgbench
        problems = asyncio.run(verify(url, seen, members))
        ledger_ok, ledger = ledger_check(env)
        floor_ports = [_free_port() for _ in range(args.workers)]
        floors = [start_server(port, env, "bench_ledger:floor_app") for port in floor_ports]
        servers.extend(floors)
        for server, port in zip(floors, floor_ports, strict=True):
            wait_for_health(server, port)
        floor = runner(
            run_load(floor_ports, token, members, seconds=args.seconds,
                     warmup=args.warmup / 2, seen=Seen(), hot=False)
        )["distinct"]  # fmt: skip
        for server in floors:
            stop(server)
        asyncio.run(_admin(f'CREATE DATABASE "{reference}"'))
        tps, command = pgbench(reference, args.seconds, args.concurrency)
    finally:
        try:
            for server in servers:
                stop(server)
        finally:
            try:
                drop_scratch_database(name)
            finally:
                drop_scratch_database(reference)
    outcome = Outcome(
        results, floor, tps, command, problems, ledger_ok, ledger,
        acked=sum(len(v) for v in seen.acked.values()),
        in_doubt=sum(len(v) for v in seen.in_doubt.values()),
    )  # fmt: skip
    return report(outcome, args)


if __name__ == "__main__":
    sys.exit(main())
