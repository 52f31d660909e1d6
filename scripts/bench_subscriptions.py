"""`scripts/bench subscriptions`: live points updates at scale. N graphql-transport-ws
subscribers (default 5,000) on ONE server process: its memory per subscriber, against a bare
uvicorn WebSocket server holding as many sockets; then, with them connected, the latency from
an earn on that process to subscribers on a SECOND process, through Redis.

- A scratch PostgreSQL database (`loyalty_bench_<random>`) is created, migrated and dropped at
  the end, even on failure. Member ids start above ID_OFFSET, so events published on the
  shared Redis by other runs (pub/sub channels are not per database) cannot name them.
- Set-up in this process, in bulk: N + --remote members and one live AuthSession each (SQL
  through the ORM's bulk_create), their access tokens signed with app.auth.tokens
  .issue_access_token as the API signs them (TTL 1 h), and one integration client with scope
  `purchases:write` (its token from `POST /oauth/token` on process A).
- Servers: single-worker uvicorn subprocesses as `loyalty serve` runs them (websockets-sansio,
  ws_max_size = MAX_BODY_BYTES, permessage-deflate as WS_PER_MESSAGE_DEFLATE says: off by
  default; run with WS_PER_MESSAGE_DEFLATE=true for the other mode), `ulimit -n` raised:
  A and B serve `create_app(Settings.from_env())` with the same REDIS_URL; R (reference)
  serves a bare Starlette WebSocket route that accepts the subprotocol, answers
  `connection_init` with `connection_ack` and then only reads (no GraphQL, no database).
- Clients: this process, the `websockets` library (asyncio; client pings off, uvicorn's
  pings answered), permessage-deflate offered unless `--compression none` (as browsers do;
  used only when the servers accept it), connecting in
  batches of --batch. Each subscriber sends `connection_init` with its own bearer token,
  waits for `connection_ack`, then subscribes to
  `pointsChanged { transaction { id points } balance { available } }`; it is counted
  connected when the server's `loyalty_open_subscriptions` (/metrics) says so.
- Memory: VmRSS of the server process (/proc/<pid>/status) after a warm-up of --warmup
  subscribers (connected, subscribed, closed) and with the N connected (settled: sampled
  until it stops growing). Per subscriber = (with N - before) / N, in KiB. The same for R.
  Target: <= 50 KiB per subscriber on A.
- Latency: --remote members (default 200) subscribe on B while A's N stay connected. The
  integration client records --rounds purchases per remote member on A (`recordPurchase`
  over HTTP, --earn-concurrency at once, each member's order shuffled per round);
  latency = the time the subscriber's frame is read here minus the time just before its
  purchase request was sent, also split into the purchase's answer on A and the event's
  arrival after that answer (where the time goes). Target: p99 <= 100 ms. The load average
  before and after the run is printed: other work on the machine shows in the latency.
- Exactly once: every purchase's transaction reached its member's socket on B once, no
  socket got another member's transaction or an unknown one, none is missing 10 s after the
  last answer, and no socket on A (no purchase is theirs) got any `next`, `error` or
  `complete`; every stream is still open at the end.

On a 2-core machine the clients, both servers, PostgreSQL and Redis share the CPU: the
receive time here includes this process's own scheduling delay. Its long-lived objects (the
open sockets) are frozen (gc.freeze) while the purchases run, so that its own full garbage
collections are not counted as latency; nothing is frozen in the servers but their start-up
objects, as `loyalty serve` does.
Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432),
BENCH_REDIS_URL (default $REDIS_URL, else redis://127.0.0.1:6379/0).
Exit status: 0 whether the targets pass or not; 1 if a subscriber failed to connect, a
purchase failed, or the exactly-once check failed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import os
import random
import resource
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bench_api import (
    HOST,
    _free_port,
    _pct,
    create_scratch_database,
    drop_scratch_database,
    load_runner,
    stop,
    wait_for_health,
)

ROOT = Path(__file__).resolve().parents[1]
REDIS = (
    os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
)
ID_OFFSET = 70_000_000  # member ids start above it (see the docstring)
TOKEN_TTL = 3600
NOFILE = 65536
TARGET_KIB = 50.0
TARGET_P99_MS = 100.0
POINTS = "subscription { pointsChanged { transaction { id points } balance { available } } }"
SUBSCRIBE = json.dumps({"id": "1", "type": "subscribe", "payload": {"query": POINTS}})
RECORD_PURCHASE = (
    "mutation($input: PurchaseInput!) { recordPurchase(input: $input) { __typename "
    "... on PurchaseRecorded { transaction { id } } ... on UserError { code message } "
    "... on InvalidInput { fields { field code } } } }"
)
SAMPLES = 5  # problems printed per kind


# ---- the server processes -----------------------------------------------------------------


def server_app():
    """uvicorn factory (`bench_subscriptions:server_app`): the real app (its lifespan moves
    the start-up objects out of the collector's sight, as under `loyalty serve`)."""
    from app.main import create_app
    from app.settings import Settings

    return create_app(Settings.from_env())


def echo_app():
    """uvicorn factory (`bench_subscriptions:echo_app`): the reference, a bare WebSocket route
    speaking just enough graphql-transport-ws to ack, then reading until the client leaves."""
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route, WebSocketRoute
    from starlette.websockets import WebSocket, WebSocketDisconnect

    async def endpoint(ws: WebSocket) -> None:
        await ws.accept(subprotocol="graphql-transport-ws")
        try:
            while True:
                if json.loads(await ws.receive_text()).get("type") == "connection_init":
                    await ws.send_text('{"type":"connection_ack"}')
        except WebSocketDisconnect:
            return

    async def health(request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    return Starlette(routes=[WebSocketRoute("/graphql", endpoint), Route("/health", health)])


def raise_nofile() -> int:
    """Raise this process's open-file limit towards NOFILE (the hard limit caps it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = NOFILE if hard == resource.RLIM_INFINITY else min(NOFILE, hard)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def start_ws_server(
    port: int, env: dict[str, str], factory: str, *, deflate: bool
) -> subprocess.Popen:
    """One single-worker uvicorn as `loyalty serve` runs it (app.cli.cmd_serve)."""
    try:
        import httptools  # noqa: F401

        http = "httptools"
    except ImportError:
        http = "h11"
    max_size = env.get("MAX_BODY_BYTES", "1000000")
    command = [
        sys.executable, "-m", "uvicorn", "--factory", factory,
        "--app-dir", str(ROOT / "scripts"), "--host", HOST, "--port", str(port),
        "--workers", "1", "--loop", "auto", "--http", http, "--ws", "websockets-sansio",
        "--ws-max-size", max_size, "--ws-per-message-deflate", str(deflate).lower(),
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, cwd=ROOT, preexec_fn=raise_nofile)


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


async def settled_rss(pid: int, *, limit: float = 20.0) -> int:
    """VmRSS once it stops growing (two samples 1 s apart within 64 KiB), at most `limit` s."""
    last = rss_kib(pid)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        await asyncio.sleep(1.0)
        now = rss_kib(pid)
        if now - last <= 64:
            return now
        last = now
    return last


async def open_subscriptions(port: int) -> int:
    import httpx

    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.get(f"http://{HOST}:{port}/metrics")
    for line in r.text.splitlines():
        if line.startswith("loyalty_open_subscriptions"):
            return int(float(line.split()[-1]))
    raise RuntimeError(f"/metrics has no loyalty_open_subscriptions (HTTP {r.status_code})")


async def wait_open(port: int, expected: int, limit: float) -> int:
    deadline = time.monotonic() + limit
    count = await open_subscriptions(port)
    while count < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.25)
        count = await open_subscriptions(port)
    return count


# ---- set-up -------------------------------------------------------------------------------


async def set_up(url: str, count: int) -> tuple[list[int], list[str], str, str]:
    """`count` members with a live session each, and a purchases:write client; returns the
    member ids, their access tokens, the client id and its secret."""
    from tortoise import Tortoise

    from app.auth.models import AuthSession
    from app.auth.service import create_integration_client
    from app.auth.tokens import issue_access_token
    from app.db import connection, tortoise_config
    from app.members.models import Member
    from app.members.service import new_card_number, new_referral_code
    from app.settings import get_settings

    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    from app import wiring

    wiring.connect()  # as the API, the worker and the CLI do
    try:
        await connection().execute_script(
            f"SELECT setval(pg_get_serial_sequence('member', 'id'), {ID_OFFSET})"
        )
        at = dt.datetime.now(dt.UTC)
        step = 5000
        for start in range(0, count, step):
            await Member.bulk_create([
                Member(email=f"sub{i}@bench.example", password_hash="x",
                       display_name=f"Subscriber {i}", password_changed_at=at,
                       card_number=new_card_number(), referral_code=new_referral_code())
                for i in range(start, min(start + step, count))
            ])  # fmt: skip
        ids = list(await Member.all().order_by("id").values_list("id", flat=True))
        sessions = [uuid.uuid4() for _ in ids]
        for start in range(0, len(ids), step):
            await AuthSession.bulk_create([
                AuthSession(id=s, member_id=m, user_agent="bench", client_address="127.0.0.1")
                for m, s in zip(ids[start : start + step], sessions[start : start + step], strict=True)
            ])  # fmt: skip
        settings = get_settings()
        tokens = [
            issue_access_token(settings, kind="member", subject=str(m), ttl=TOKEN_TTL,
                               session_id=str(s))[0]
            for m, s in zip(ids, sessions, strict=True)
        ]  # fmt: skip
        client, secret = await create_integration_client(
            name="bench POS", scopes=["purchases:write"], created_by=None
        )
        return ids, tokens, client.client_id, secret
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


# ---- subscribers --------------------------------------------------------------------------


@dataclass
class Subscriber:
    member: int
    ws: object = None
    task: asyncio.Task | None = None
    frames: list[tuple[float, str]] = field(default_factory=list)  # (time read, raw frame)
    ended: str | None = None


async def _open(port: int, token: str, compression: str | None) -> object:
    from websockets.asyncio.client import connect

    ws = await connect(
        f"ws://{HOST}:{port}/graphql", subprotocols=["graphql-transport-ws"],
        compression=compression, ping_interval=None, open_timeout=120, close_timeout=5,
    )  # fmt: skip
    try:
        await ws.send(json.dumps({"type": "connection_init",
                                  "payload": {"authorization": f"Bearer {token}"}}))  # fmt: skip
        ack = json.loads(await asyncio.wait_for(ws.recv(), 120))
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"no connection_ack: {ack}")
    except BaseException:
        await ws.close()
        raise
    return ws


async def _read(sub: Subscriber) -> None:
    from websockets.exceptions import ConnectionClosed

    try:
        async for raw in sub.ws:
            sub.frames.append((time.perf_counter(), raw))
    except ConnectionClosed as exc:
        sub.ended = f"closed {exc.rcvd.code if exc.rcvd else 'without a close frame'}"
        return
    sub.ended = "closed"


async def connect_all(
    port: int, members: list[int], tokens: list[str], *, batch: int, compression: str | None,
    subscribe: bool = True,
) -> tuple[list[Subscriber], list[str], float]:  # fmt: skip
    """Connect (and subscribe) one socket per member, `batch` at a time; returns the
    subscribers connected, the failures and the seconds it took."""
    subs: list[Subscriber] = []
    failures: list[str] = []
    started = time.perf_counter()

    async def one(member: int, token: str) -> None:
        try:
            ws = await _open(port, token, compression)
        except Exception as exc:
            failures.append(f"member {member}: {exc!r}"[:300])
            return
        if subscribe:
            await ws.send(SUBSCRIBE)
        sub = Subscriber(member=member, ws=ws)
        sub.task = asyncio.create_task(_read(sub))
        subs.append(sub)

    for start in range(0, len(members), batch):
        await asyncio.gather(*(one(m, t) for m, t in zip(members[start : start + batch],
                                                          tokens[start : start + batch], strict=True)))  # fmt: skip
    return subs, failures, time.perf_counter() - started


async def close_all(subs: list[Subscriber], batch: int = 500) -> None:
    for start in range(0, len(subs), batch):
        chunk = subs[start : start + batch]
        await asyncio.gather(*(s.ws.close() for s in chunk), return_exceptions=True)
        for s in chunk:
            if s.task is not None:
                s.task.cancel()
    await asyncio.sleep(0.5)


# ---- earning ------------------------------------------------------------------------------


@dataclass
class Sent:
    member: int
    external_id: str
    sent_at: float
    answered_at: float = 0.0
    transaction: str | None = None
    problem: str | None = None


async def earn(
    port: int, token: str, members: list[int], *, rounds: int, concurrency: int
) -> list[Sent]:
    """`rounds` purchases per member through A's GraphQL API, `concurrency` at once."""
    import httpx
    from strawberry.relay import to_base64

    occurred = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat()
    jobs: list[tuple[int, str]] = []
    for r in range(rounds):
        order = list(members)
        random.shuffle(order)
        jobs += [(m, f"sub-{r}-{m}") for m in order]
    jobs.reverse()  # popped from the end: in order
    sent: list[Sent] = []
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    async def worker(http: httpx.AsyncClient) -> None:
        while jobs:
            member, external_id = jobs.pop()
            variables = {"input": {
                "idempotencyKey": f"key-{external_id}", "member": {"id": to_base64("Member", member)},
                "source": "pos-bench", "externalId": external_id, "amount": 2500,
                "currency": "EUR", "occurredAt": occurred}}  # fmt: skip
            body = json.dumps({"query": RECORD_PURCHASE, "variables": variables}).encode()
            record = Sent(member, external_id, time.perf_counter())
            sent.append(record)
            try:
                r = await http.post("/graphql", content=body, headers=headers)
                record.answered_at = time.perf_counter()
                result = (r.json().get("data") or {}).get("recordPurchase") or {}
            except Exception as exc:
                record.problem = repr(exc)[:300]
                continue
            if result.get("__typename") != "PurchaseRecorded":
                record.problem = f"HTTP {r.status_code}: {r.text[:250]}"
                continue
            record.transaction = result["transaction"]["id"]

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", limits=limits,
                                 timeout=30) as http:  # fmt: skip
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))
    return sent


@dataclass
class Verdict:
    latencies_ms: list[float] = field(default_factory=list)
    answer_ms: list[float] = field(default_factory=list)  # purchase sent -> its HTTP answer
    after_answer_ms: list[float] = field(default_factory=list)  # answer -> event (< 0: before)
    problems: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def problem(self, kind: str, what: str) -> None:
        self.problems.setdefault(kind, []).append(what)


def _event(raw: str) -> tuple[str, str | None]:
    """(message type, transaction id of a `next`)."""
    try:
        message = json.loads(raw)
        kind = message.get("type", "?")
        if kind != "next":
            return kind, None
        return kind, message["payload"]["data"]["pointsChanged"]["transaction"]["id"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return "unreadable", None


def check(sent: list[Sent], local: list[Subscriber], remote: list[Subscriber]) -> Verdict:
    v = Verdict()
    by_txn = {s.transaction: s for s in sent if s.transaction}
    for s in sent:
        if s.problem:
            v.problem("purchase failed", f"{s.external_id}: {s.problem}")
    seen: dict[str, int] = {}
    for sub in remote:
        for at, raw in sub.frames:
            kind, txn = _event(raw)
            if kind != "next":
                v.problem("not an event", f"member {sub.member}: {raw[:200]}")
                continue
            origin = by_txn.get(txn)
            if origin is None:
                v.problem("unknown transaction", f"member {sub.member}: {txn}")
                continue
            if origin.member != sub.member:
                v.problem("another member's event", f"{txn} of member {origin.member} "
                                                    f"reached member {sub.member}")  # fmt: skip
                continue
            seen[txn] = seen.get(txn, 0) + 1
            if seen[txn] == 1:
                v.latencies_ms.append((at - origin.sent_at) * 1000)
                v.answer_ms.append((origin.answered_at - origin.sent_at) * 1000)
                v.after_answer_ms.append((at - origin.answered_at) * 1000)
            else:
                v.problem("duplicate", f"{txn} of member {sub.member} ({seen[txn]} times)")
    for txn, origin in by_txn.items():
        if txn not in seen:
            v.problem("missing", f"{txn} of member {origin.member}")
    for sub in local:
        for _, raw in sub.frames:
            v.problem("frame on process A", f"member {sub.member}: {raw[:200]}")
    for sub in (*local, *remote):
        if sub.ended:
            v.problem("stream ended", f"member {sub.member}: {sub.ended}")
    v.counts = {"purchases": len(sent), "acknowledged": len(by_txn), "delivered": len(seen),
                "frames_remote": sum(len(s.frames) for s in remote),
                "frames_local": sum(len(s.frames) for s in local)}  # fmt: skip
    return v


# ---- the run ------------------------------------------------------------------------------


@dataclass
class Outcome:
    n: int = 0
    reference: dict = field(default_factory=dict)
    app: dict = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    verdict: Verdict | None = None
    earn_seconds: float = 0.0
    load_before: str = ""


async def memory_run(
    port: int, pid: int, members: list[int], tokens: list[str], args: argparse.Namespace,
    *, subscribe: bool,
) -> tuple[dict, list[Subscriber], list[str]]:  # fmt: skip
    """Warm up, measure RSS, connect all, measure again; returns figures, the subscribers
    (still connected) and the failures."""
    compression = None if args.compression == "none" else "deflate"
    warm, _, _ = await connect_all(port, members[: args.warmup], tokens[: args.warmup],
                                   batch=args.batch, compression=compression,
                                   subscribe=subscribe)  # fmt: skip
    if subscribe:
        await wait_open(port, len(warm), 30)
    await close_all(warm)
    if subscribe:
        await wait_open_below(port, 1, 30)
    before = await settled_rss(pid)
    subs, failures, seconds = await connect_all(port, members, tokens, batch=args.batch,
                                                compression=compression, subscribe=subscribe)  # fmt: skip
    opened = await wait_open(port, len(subs), 60 + len(subs) / 100) if subscribe else len(subs)
    if opened != len(subs):
        failures.append(f"{len(subs)} subscribed but the server counts {opened} open")
    after = await settled_rss(pid)
    figures = {"before": before, "after": after, "connected": len(subs), "seconds": seconds,
               "per_kib": (after - before) / max(len(subs), 1), "open": opened}  # fmt: skip
    return figures, subs, failures


async def wait_open_below(port: int, limit_count: int, limit: float) -> int:
    deadline = time.monotonic() + limit
    count = await open_subscriptions(port)
    while count >= limit_count and time.monotonic() < deadline:
        await asyncio.sleep(0.25)
        count = await open_subscriptions(port)
    return count


async def bench(
    ports: dict[str, int], pids: dict[str, int], members: list[int], tokens: list[str],
    till: str, args: argparse.Namespace, stop_reference,
) -> Outcome:  # fmt: skip
    raise_nofile()
    o = Outcome(n=args.subscribers)
    local_m, local_t = members[: args.subscribers], tokens[: args.subscribers]
    remote_m, remote_t = members[args.subscribers :], tokens[args.subscribers :]
    compression = None if args.compression == "none" else "deflate"
    if "reference" in ports:
        o.reference, subs, failures = await memory_run(ports["reference"], pids["reference"],
                                                       local_m, local_t, args, subscribe=False)  # fmt: skip
        o.failures += [f"reference: {f}" for f in failures]
        await close_all(subs)
        stop_reference()
    o.app, local, failures = await memory_run(ports["a"], pids["a"], local_m, local_t, args,
                                              subscribe=True)  # fmt: skip
    o.failures += [f"A: {f}" for f in failures]
    remote, failures, _ = await connect_all(ports["b"], remote_m, remote_t, batch=args.batch,
                                            compression=compression)  # fmt: skip
    o.failures += [f"B: {f}" for f in failures]
    opened = await wait_open(ports["b"], len(remote), 60)
    if opened != len(remote):
        o.failures.append(f"B: {len(remote)} subscribed but the server counts {opened} open")
    await asyncio.sleep(1.0)
    # This process's own full collections (its 5,200 sockets are a million objects: a pass
    # takes hundreds of ms) would delay reading frames and count as the servers' latency.
    gc.collect()
    gc.freeze()
    started = time.perf_counter()
    try:
        sent = await earn(ports["a"], till, remote_m, rounds=args.rounds,
                          concurrency=args.earn_concurrency)  # fmt: skip
        o.earn_seconds = time.perf_counter() - started
        expected = sum(1 for s in sent if s.transaction)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if sum(len(s.frames) for s in remote) >= expected:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # a duplicate or a stray event would arrive by now
    finally:
        gc.unfreeze()
    o.app["after_events"] = rss_kib(pids["a"])
    o.app["b_rss"] = rss_kib(pids["b"])
    o.verdict = check(sent, local, remote)
    await close_all(local)
    await close_all(remote)
    return o


def report(o: Outcome, args: argparse.Namespace) -> int:
    a, ref, v = o.app, o.reference, o.verdict
    offered = "not offered" if args.compression == "none" else "offered by the clients"
    served = ("accepted by the servers (WS_PER_MESSAGE_DEFLATE=true)" if args.server_deflate
              else "refused by the servers (WS_PER_MESSAGE_DEFLATE off, the default)")  # fmt: skip
    print(f"scripts/bench subscriptions: {args.subscribers:,} graphql-transport-ws subscribers on "
          f"one uvicorn worker (A), {args.remote} on a second (B), Redis bus, PostgreSQL, "
          f"permessage-deflate {offered}, {served}")  # fmt: skip
    print(f"load      load average before {o.load_before}, after {os.getloadavg()[0]:.2f} "
          f"{os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")  # fmt: skip
    print(f"note: the {args.subscribers + args.remote:,} clients, both servers, PostgreSQL and "
          f"Redis share the same {os.cpu_count()} cores")  # fmt: skip
    if ref:
        print(f"reference bare uvicorn+Starlette WebSocket: {ref['connected']:,} sockets, RSS "
              f"{ref['before'] / 1024:.1f} -> {ref['after'] / 1024:.1f} MiB: "
              f"{ref['per_kib']:.1f} KiB per socket")  # fmt: skip
    print(f"memory    A: {a['connected']:,} subscribed in {a['seconds']:.1f} s "
          f"({a['open']:,} open on the server), RSS {a['before'] / 1024:.1f} -> "
          f"{a['after'] / 1024:.1f} MiB (after the events {a['after_events'] / 1024:.1f} MiB): "
          f"{a['per_kib']:.1f} KiB per subscriber")  # fmt: skip
    if ref and ref["per_kib"] > 0:
        print(f"ratio     {a['per_kib'] / ref['per_kib']:.2f}x the bare WebSocket's "
              f"{ref['per_kib']:.1f} KiB")  # fmt: skip
    print(f"target    <= {TARGET_KIB:g} KiB per subscriber: {a['per_kib'] / TARGET_KIB:.0%} of it: "
          f"{'PASS' if a['per_kib'] <= TARGET_KIB else 'FAIL'}")  # fmt: skip
    ms = sorted(v.latencies_ms)
    c = v.counts
    p99 = _pct(ms, 0.99)
    print(f"latency   earn on A -> event on B's socket: {len(ms):,} events "
          f"({c['purchases']:,} purchases in {o.earn_seconds:.1f} s, {args.earn_concurrency} "
          f"at once): p50={_pct(ms, 0.50):.1f} ms p90={_pct(ms, 0.90):.1f} ms "
          f"p99={p99:.1f} ms max={ms[-1] if ms else float('nan'):.1f} ms")  # fmt: skip
    answer, after = sorted(v.answer_ms), sorted(v.after_answer_ms)
    print(f"  of it   recordPurchase answered on A: p50={_pct(answer, 0.50):.1f} ms "
          f"p99={_pct(answer, 0.99):.1f} ms; event read after that answer: "
          f"p50={_pct(after, 0.50):.1f} ms p99={_pct(after, 0.99):.1f} ms (< 0: before it)")  # fmt: skip
    print(f"target    p99 <= {TARGET_P99_MS:g} ms: {p99 / TARGET_P99_MS:.0%} of it: "
          f"{'PASS' if ms and p99 <= TARGET_P99_MS else 'FAIL'}")  # fmt: skip
    print(f"check     {c['acknowledged']:,}/{c['purchases']:,} purchases acknowledged, "
          f"{c['delivered']:,} delivered once to their own member on B "
          f"({c['frames_remote']:,} frames there), {c['frames_local']:,} frames on A's "
          f"{a['connected']:,} sockets: {'exactly once' if not v.problems else 'PROBLEMS'}")  # fmt: skip
    for kind, items in v.problems.items():
        print(f"  {kind}: {len(items)}, e.g. " + "; ".join(items[:SAMPLES]))
    for f in o.failures[:SAMPLES]:
        print(f"  connect: {f}")
    if len(o.failures) > SAMPLES:
        print(f"  ... {len(o.failures) - SAMPLES} more connect failures")
    return 1 if o.failures or v.problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench subscriptions",
                                     description=__doc__.split("\n")[0])  # fmt: skip
    parser.add_argument("--subscribers", type=int, default=5000, help="on A (5000)")
    parser.add_argument("--remote", type=int, default=200, help="subscribers on B (200)")
    parser.add_argument("--rounds", type=int, default=5, help="purchases per B member (5)")
    parser.add_argument("--earn-concurrency", type=int, default=4, help="purchases at once (4)")
    parser.add_argument("--batch", type=int, default=100, help="connections at once (100)")
    parser.add_argument("--warmup", type=int, default=50, help="subscribers before RSS (50)")
    parser.add_argument("--compression", choices=["deflate", "none"], default="deflate",
                        help="permessage-deflate offered by the clients (deflate)")  # fmt: skip
    parser.add_argument("--no-reference", action="store_true", help="skip the bare server")
    args = parser.parse_args()
    if not (1 <= args.subscribers <= 20_000 and 1 <= args.remote <= 5000):
        parser.error("need 1 <= --subscribers <= 20000 and 1 <= --remote <= 5000")
    if not (1 <= args.rounds <= 100 and 1 <= args.earn_concurrency <= 64):
        parser.error("need 1 <= --rounds <= 100 and 1 <= --earn-concurrency <= 64")
    args.batch = max(1, min(args.batch, 1000))
    args.warmup = max(1, min(args.warmup, args.subscribers))
    limit = raise_nofile()
    if limit < args.subscribers + args.remote + 200:
        print(f"open-file limit {limit} is below {args.subscribers + args.remote + 200}",
              file=sys.stderr)  # fmt: skip
        return 1
    sys.path.insert(0, str(ROOT))
    from app.schema_history import apply_migrations
    from app.settings import Settings, configure

    name, url = create_scratch_database()
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update({"DATABASE_URL": url, "LOYALTY_ENV": "test", "LOG_LEVEL": "WARNING",
                "REDIS_URL": REDIS, "METRICS_ENABLED": "true"})  # fmt: skip
    env.pop("METRICS_TOKEN", None)
    servers: dict[str, subprocess.Popen] = {}
    try:
        configure(Settings.from_env(env))
        args.server_deflate = Settings.from_env(env).ws_per_message_deflate
        load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
        asyncio.run(apply_migrations(Settings.from_env(env)))
        members, tokens, client_id, secret = asyncio.run(
            set_up(url, args.subscribers + args.remote)
        )
        ports = {"a": _free_port(), "b": _free_port()}
        if not args.no_reference:
            ports["reference"] = _free_port()
        for role, port in ports.items():
            factory = "bench_subscriptions:echo_app" if role == "reference" else (
                "bench_subscriptions:server_app")  # fmt: skip
            servers[role] = start_ws_server(port, env, factory, deflate=args.server_deflate)
        for role, port in ports.items():
            wait_for_health(servers[role], port, limit=180)
        till = client_token(ports["a"], client_id, secret)
        pids = {role: s.pid for role, s in servers.items()}
        outcome = load_runner()(bench(ports, pids, members, tokens, till, args,
                                      lambda: stop(servers["reference"])))  # fmt: skip
        outcome.load_before = load_before
        for role in ("a", "b"):
            if servers[role].poll() is not None:
                raise RuntimeError(f"server {role} exited during the run "
                                   f"({servers[role].returncode})")  # fmt: skip
    finally:
        try:
            for s in servers.values():
                stop(s)
        finally:
            drop_scratch_database(name)
    return report(outcome, args)


if __name__ == "__main__":
    sys.exit(main())
