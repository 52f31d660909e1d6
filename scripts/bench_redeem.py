"""`scripts/bench redeem`: `redeemReward` throughput with 32 members on one popular reward,
beside plain `recordPurchase` calls measured in the same run, then proof that no point or
unit of stock was lost or spent twice.

- A scratch PostgreSQL database (`loyalty_bench_<random>`) is created, migrated and dropped at
  the end, even on failure.
- Set-up through the service layer: N members (N = --concurrency), each with 10,000,000
  points and a signed-in session; one reward costing 10 points with a stock of 1,000,000,000
  (so every redemption updates the same hot row); one integration client
  (`purchases:write`).
- `--workers` single-worker uvicorn processes (default: one per core), the load spread over
  them round-robin (see bench_ledger.py).
- Run 1 "redeem": connection i redeems for member i, each request with its own idempotency
  key. Run 2 "purchase": connection i records purchases for member i, as `bench ledger`
  does. Each after a warm-up; req/s counts successful answers only. Target: redeem req/s
  >= 50% of purchase req/s.
- Correctness, with the servers stopped: per member, the redemptions in the database are
  exactly the acknowledged ones (none lost, none unacknowledged beyond requests left without
  an answer); stock went down by exactly the units redeemed; every balance equals its
  funding plus purchase points minus redemption points; then `loyalty ledger-check`.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432).
Exit status: 0 whether the target passes or not; 1 if any request failed or any check failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from dataclasses import dataclass

import bench_ledger as L
from bench_api import (
    RawLoad,
    _free_port,
    _pct,
    create_scratch_database,
    drop_scratch_database,
    http_request,
    load_runner,
    start_server,
    stop,
    wait_for_health,
)

FUNDING = 10_000_000
COST = 10
STOCK = 1_000_000_000
REDEEM = (
    "mutation($input: RedeemRewardInput!) { redeemReward(input: $input) { __typename "
    "... on Redemption { id points } ... on UserError { code message } } }"
)


class RedeemStream(L.Stream):
    """One connection's redemptions: same member, a fresh idempotency key each (the key
    takes the place of bench ledger's externalId)."""

    def __init__(self, *, phase: str, index: int, member: int, token: str, reward: str, seen):
        self.member, self.seen, self.tally = member, seen, L.Tally()
        self.prefix = f"{phase}-{index:04d}-"
        self.seq = 0
        self.pending: str | None = None
        variables = {"input": {"rewardId": reward, "idempotencyKey": L.MARK, "quantity": 1}}
        body = json.dumps({"query": REDEEM, "variables": variables})
        self.parts = [part.encode() for part in body.split(L.MARK)]
        sample = self._body(self._external_id(0))
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        self.head = http_request("POST", "/graphql", headers, sample)[: -len(sample)]

    def check(self, status: int, body: bytes) -> str | None:
        try:
            data = json.loads(body) if status == 200 else None
            result = (data.get("data") or {}).get("redeemReward") if data else None
        except (ValueError, AttributeError):
            data = result = None
        if status != 200 or not isinstance(result, dict) or data.get("errors"):
            self.pending = None
            return f"HTTP {status}: {body[:200]!r}"
        if result.get("__typename") != "Redemption":
            self.pending = None
            return f"{result.get('__typename')}: {json.dumps(data)[:250]}"
        self.seen.acked.setdefault(self.member, set()).add(self.pending)
        if result["id"] in self.seen.purchase_ids:
            self.seen.twice.append(result["id"])
        self.seen.purchase_ids[result["id"]] = self.pending
        self.pending = None
        self.tally.ok += 1
        return None


async def run_load(ports, member_tokens, reward, till_token, *, seconds, warmup, seen):
    load = RawLoad(ports, len(member_tokens))
    purchases = L.Seen()
    results = {}
    for n, name in enumerate(("redeem", "purchase")):
        for phase, length in ((f"w{n}", warmup / 2), (f"r{n}", seconds)):
            if length <= 0:
                continue
            if name == "redeem":
                streams = [
                    RedeemStream(phase=phase, index=i, member=m, token=t, reward=reward, seen=seen)
                    for i, (m, t) in enumerate(member_tokens)
                ]
            else:
                streams = [
                    L.Stream(phase=phase, index=i, member=m, token=till_token, seen=purchases)
                    for i, (m, _) in enumerate(member_tokens)
                ]
            tally = await L._measure(load, streams, length)
            if phase.startswith("r"):
                results[name] = tally
    await load.close()
    return results, purchases


async def set_up(url: str, count: int):
    """Members with points and sessions, the popular reward, a till client."""
    from strawberry.relay import to_base64
    from tortoise import Tortoise

    from app.auth.service import ClientInfo, _open_session, create_integration_client
    from app.db import tortoise_config
    from app.ledger import service as ledger
    from app.ledger.models import Kind
    from app.members.service import create_member
    from app.rewards import catalog
    from app.rewards.models import RewardKind

    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    from app import wiring

    wiring.connect()  # as the API, the worker and the CLI do
    try:
        member_tokens = []
        for i in range(count):
            member = await create_member(
                email=f"bench{i}@example.com", password="bench-password-123",
                display_name=f"Bench {i}",
            )  # fmt: skip
            async with ledger.member_book(member_id=member.id) as book:
                await book.earn(points=FUNDING, kind=Kind.BONUS)
            session = await _open_session(member, ClientInfo(address="bench", user_agent="bench"))
            member_tokens.append((member.id, session.access_token))
        reward = await catalog.create_reward(
            fields=catalog.RewardFields(
                kind=RewardKind.FREE_PRODUCT, category="bench", points_cost=COST, stock=STOCK,
                sku="BENCH-1", texts={"en": {"title": "Popular"}},
            ),
            actor_id=None,
        )  # fmt: skip
        client, secret = await create_integration_client(
            name="bench POS", scopes=["purchases:write"], created_by=None
        )
        return member_tokens, to_base64("Reward", reward.id), client.client_id, secret
    finally:
        await Tortoise.close_connections()


async def verify(url: str, seen: L.Seen, members: list[int]) -> list[str]:
    import asyncpg

    problems = []
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        held: dict[int, int] = {
            r["member_id"]: r["n"]
            for r in await conn.fetch(
                "SELECT member_id, count(*) AS n FROM redemption GROUP BY member_id"
            )
        }
        spent = {
            r["member_id"]: r["p"]
            for r in await conn.fetch(
                "SELECT member_id, sum(points) AS p FROM redemption GROUP BY member_id"
            )
        }
        earned = {
            r["member_id"]: r["p"]
            for r in await conn.fetch(
                "SELECT member_id, sum(points_earned) AS p FROM purchase GROUP BY member_id"
            )
        }
        balance = {
            r["member_id"]: r["b"]
            for r in await conn.fetch(
                "SELECT member_id, available + pending AS b FROM member_balance"
            )
        }
        (stock,) = await conn.fetchrow("SELECT stock FROM reward")
        (keys,) = await conn.fetchrow(
            "SELECT count(*) FROM idempotency_record WHERE operation = 'redeemReward'"
        )
    finally:
        await conn.close()
    total = sum(held.values())
    for member in members:
        acked = len(seen.acked.get(member, ()))
        doubt = len(seen.in_doubt.get(member, ()))
        if not acked <= held.get(member, 0) <= acked + doubt:
            problems.append(f"member {member}: {acked} acknowledged (+{doubt} unanswered), "
                            f"{held.get(member, 0)} redemptions stored")  # fmt: skip
        expected = FUNDING + earned.get(member, 0) - spent.get(member, 0)
        if balance.get(member) != expected:
            problems.append(f"member {member}: balance {balance.get(member)}, expected {expected}")
    if stock != STOCK - total:
        problems.append(f"stock {stock} after {total} redemptions of {STOCK}")
    if keys != total:
        problems.append(f"{keys} idempotency records for {total} redemptions")
    if seen.twice:
        problems.append(f"{len(seen.twice)} redemption ids acknowledged twice")
    return problems


@dataclass
class Outcome:
    results: dict
    problems: list[str]
    ledger_ok: bool
    ledger: str


def report(o: Outcome, args: argparse.Namespace) -> int:
    n = args.concurrency
    print(f"scripts/bench redeem: {args.workers} server process(es), PostgreSQL, {n} keep-alive "
          f"connections, {n} members, {args.seconds:g} s per run after {args.warmup / 2:g} s "
          "warm-up each")  # fmt: skip
    print(f"note: the load generator runs on the same {os.cpu_count()} cores as the servers; "
          "req/s counts successful answers only")  # fmt: skip
    rps = {}
    labels = {
        "redeem": "redeemReward, connection i -> member i, all on one reward (hot stock row)",
        "purchase": "recordPurchase, connection i -> member i (reference)",
    }
    for name, label in labels.items():
        t = o.results[name]
        ms = sorted(x * 1000 for x in t.latencies)
        rps[name] = t.ok / t.elapsed if t.elapsed else 0.0
        print(f"{label}\n  requests={len(ms)} ok={t.ok} errors={t.errors} "
              f"req/s={rps[name]:.0f} p50={_pct(ms, 0.5):.2f} ms p99={_pct(ms, 0.99):.2f} ms")  # fmt: skip
        for sample in t.samples:
            print(f"  error: {sample}")
    ratio = rps["redeem"] / rps["purchase"] if rps["purchase"] else 0.0
    print(f"ratio redeem/purchase: {ratio * 100:.1f}%")
    print(f"target: >= 50% of recordPurchase req/s: {'PASS' if ratio >= 0.5 else 'FAIL'}")
    print(f"redemptions vs acknowledgements, stock and balances: "
          f"{'OK' if not o.problems else f'FAIL ({len(o.problems)} problem(s))'}")  # fmt: skip
    for problem in o.problems[:10]:
        print(f"  {problem}")
    print(f"loyalty ledger-check: {'OK' if o.ledger_ok else 'FAIL'} ({o.ledger})")
    errors = any(t.errors for t in o.results.values())
    return 1 if errors or o.problems or not o.ledger_ok else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/bench redeem", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seconds", type=int, default=10, help="per run (10)")
    parser.add_argument("--concurrency", type=int, default=32, help="connections, members (32)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds, split over runs (2)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="server processes (default: one per core)")  # fmt: skip
    args = parser.parse_args()
    if not (0 < args.seconds <= 600 and 1 <= args.concurrency <= 1024 and args.workers >= 1):
        parser.error("need 0 < --seconds <= 600, 1 <= --concurrency <= 1024, --workers >= 1")

    from app.schema_history import apply_migrations
    from app.settings import Settings, configure

    name, url = create_scratch_database()
    env = {**os.environ, "DATABASE_URL": url, "LOYALTY_ENV": "test", "LOG_LEVEL": "WARNING",
           "WORKER_INTERVAL": "0", "ACCESS_TOKEN_TTL": "3600"}  # fmt: skip
    servers: list = []
    try:
        configure(Settings.from_env(env))
        asyncio.run(apply_migrations(Settings.from_env(env)))
        member_tokens, reward, client_id, secret = asyncio.run(set_up(url, args.concurrency))
        ports = [_free_port() for _ in range(args.workers)]
        servers.extend(start_server(port, env) for port in ports)
        for server, port in zip(servers, ports, strict=True):
            wait_for_health(server, port)
        till = L.client_token(ports[0], client_id, secret)
        runner = load_runner()
        seen = L.Seen()
        results, _ = runner(
            run_load(ports, member_tokens, reward, till, seconds=args.seconds,
                     warmup=args.warmup, seen=seen)
        )  # fmt: skip
        for server in servers:
            if server.poll() is not None:
                raise RuntimeError(f"a server exited during the run ({server.returncode})")
            stop(server)
        problems = asyncio.run(verify(url, seen, [m for m, _ in member_tokens]))
        ledger_ok, ledger = L.ledger_check(env)
    finally:
        try:
            for server in servers:
                stop(server)
        finally:
            drop_scratch_database(name)
    return report(Outcome(results, problems, ledger_ok, ledger), args)


if __name__ == "__main__":
    sys.exit(main())
