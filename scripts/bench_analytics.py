"""`scripts/bench analytics`: the staff dashboard query (`programAnalytics` with every figure)
on 100,000 members and 2,000,000 ledger postings, beside `SELECT count(*)` over the postings
table timed in the same run, and the ratio.

- A scratch PostgreSQL database (`loyalty_bench_<random>`) is created, migrated and dropped at
  the end, even on failure.
- Seeded in SQL (INSERT ... SELECT generate_series), keeping the ledger's invariants: each
  transaction has two postings that sum to zero (the member's wallet and the program account
  its kind posts against); its `points` equal its member-side postings; each cached balance
  equals the sum of the member's postings; one lot per member holds the positive part of the
  wallet; each purchase transaction has its purchase row. Over the last 365 days: 1,000,000
  transactions (purchases 55%, redemptions 20%, expiry 8%, actions 5%, bonuses 5%, refunds
  3%, referrals 2%, adjustments 2%), 200,000 redemptions of 20 rewards, 3 tiers with every
  member placed and 50,000 tier changes, a campaign launched 20 days ago with 20,000
  recipients (10% held out). Tiers, rewards, the checkout rate and the staff account go
  through the services.
- ONE uvicorn worker serves the app. One marketer asks the dashboard sequentially (latency,
  not throughput) for the last 30 days and for the last 365 days, N times each after a
  warm-up; `SELECT count(*) FROM points_posting` is timed N times on its own connection.
- Target: dashboard p99 < 500 ms (30-day range). Exit status 1 if any request failed.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sys
import time

from bench_api import (
    _free_port,
    _pct,
    create_scratch_database,
    drop_scratch_database,
    start_server,
    stop,
    wait_for_health,
)

MEMBERS, TRANSACTIONS, REWARDS, TIER_CHANGES, RECIPIENTS = (
    100_000, 1_000_000, 20, 50_000, 20_000,
)  # fmt: skip
DASHBOARD = """query($from: DateTime!, $to: DateTime!) { programAnalytics(from: $from, to: $to) {
  from to
  activeMembers { last30Days last90Days }
  points { issued redeemed expired clawedBack adjustedOut breakageRate redemptionRate }
  earnBySource { source transactions points }
  outstanding { points value { currency amount } }
  openingOutstanding { points }
  tierDistribution { tier { code name } members }
  tierMovement { upgrades downgrades overrides moves { fromTier { code } toTier { code }
                                                      reason changes } }
  topRewards(first: 10) { reward { id } redemptions units points }
  campaigns(windowDays: 14) { name recipients { members spend points }
    controlGroup { members spend points } spendUplift pointsUplift }
} }"""

# i % 100 -> (kind, program account, sign of the member's change)
_KINDS = [("purchase", "issuance", 1)] * 55 + [("redemption", "redeemed", -1)] * 20 + [
    ("expiry", "expired", -1)] * 8 + [("action", "issuance", 1)] * 5 + [
    ("bonus", "issuance", 1)] * 5 + [("refund", "reversed", -1)] * 3 + [
    ("referral", "issuance", 1)] * 2 + [("adjustment", "adjustment", 1)] * 2  # fmt: skip


def _case(column: int) -> str:
    """CASE over i % 100 picking field `column` of _KINDS."""
    arms = " ".join(f"WHEN {n} THEN {k[column]!r}" for n, k in enumerate(_KINDS))
    return f"CASE (i % 100) {arms} END"


async def _fill(conn, table: str, given: dict[str, str], source: str) -> None:
    """INSERT INTO table (given columns + any other NOT NULL column without a database
    default, filled with a neutral value) SELECT ... FROM source."""
    rows = await conn.fetch(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 "
        "AND is_nullable = 'NO' AND column_default IS NULL",
        table,
    )
    neutral = {"boolean": "false", "jsonb": "'[]'::jsonb", "json": "'[]'::json",
               "timestamp with time zone": "now()", "date": "current_date"}  # fmt: skip
    values = dict(given)
    for r in rows:
        if r["column_name"] not in values:
            t = r["data_type"]
            values[r["column_name"]] = neutral.get(
                t, "0" if t in ("integer", "bigint", "smallint", "numeric") else "''"
            )
    columns = ", ".join(f'"{c}"' for c in values)
    await conn.execute(f'INSERT INTO "{table}" ({columns}) SELECT {", ".join(values.values())} '
                       f"FROM {source}")  # fmt: skip


async def seed_sql(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        first = await conn.fetchval("SELECT COALESCE(MAX(id), 0) + 1 FROM member")
        await _fill(conn, "member", {
            "id": f"{first} + i", "email": "'m' || i || '@bench.example'",
            "password_hash": "'x'", "display_name": "'Member ' || i", "locale": "'en'",
            "time_zone": "'UTC'", "interests": "'[]'::jsonb", "role": "'member'",
            "is_active": "true", "created_at": "now() - interval '400 days'",
            "updated_at": "now()",
        }, f"generate_series(0::bigint, {MEMBERS - 1}) AS i")  # fmt: skip
        await conn.execute("SELECT setval(pg_get_serial_sequence('member', 'id'), "
                           "(SELECT MAX(id) FROM member))")  # fmt: skip
        points = (f"(CASE WHEN {_case(2)} = 1 THEN 10 + (i * 37) % 200 "
                  f"ELSE -(5 + (i * 13) % 60) END)")  # fmt: skip
        await _fill(conn, "points_transaction", {
            "id": "i", "member_id": f"{first} + (i * 7919) % {MEMBERS}",
            "kind": _case(0), "points": points, "available_delta": points,
            "pending_delta": "0", "explanation": "'[]'::jsonb",
            # Ids grow with time, as they do in a live ledger.
            "created_at": f"now() - interval '365 days' * (({TRANSACTIONS} - i)::float "
                          f"/ {TRANSACTIONS})",
        }, f"generate_series(1::bigint, {TRANSACTIONS}) AS i")  # fmt: skip
        await conn.execute("SELECT setval(pg_get_serial_sequence('points_transaction', 'id'), "
                           f"{TRANSACTIONS})")  # fmt: skip
        account = (" CASE t.kind " + " ".join(f"WHEN '{k}' THEN '{a}'" for k, a, _ in
                   {k[0]: k for k in _KINDS}.values()) + " END")  # fmt: skip
        await _fill(conn, "points_posting", {
            "transaction_id": "t.id", "member_id": "t.member_id",
            "account": f"CASE WHEN leg = 1 THEN 'wallet' ELSE {account} END",
            "amount": "CASE WHEN leg = 1 THEN t.points ELSE -t.points END",
        }, "points_transaction t CROSS JOIN (VALUES (1), (2)) AS legs(leg)")  # fmt: skip
        await _fill(conn, "member_balance", {
            "member_id": "member_id", "available": "SUM(points)", "pending": "0",
            "lifetime": "SUM(CASE WHEN points > 0 AND kind <> 'adjustment' THEN points "
                        "ELSE 0 END)", "updated_at": "now()",
        }, "points_transaction GROUP BY member_id")  # fmt: skip
        await _fill(conn, "points_lot", {
            "member_id": "b.member_id", "transaction_id": "(SELECT MIN(id) FROM "
            "points_transaction t WHERE t.member_id = b.member_id)", "points": "b.available",
            "remaining": "b.available", "pending": "false", "available_at": "now()",
            "created_at": "now()",
        }, "member_balance b WHERE b.available > 0")  # fmt: skip
        await _fill(conn, "purchase", {
            "member_id": "member_id", "source": "'bench'", "external_id": "id::text",
            "amount": "points * 100", "currency": "'EUR'", "occurred_at": "created_at",
            "lines": "'[]'::jsonb", "points_earned": "points", "refunded_amount": "0",
            "points_clawed_back": "0", "transaction_id": "id", "created_at": "created_at",
        }, "points_transaction WHERE kind = 'purchase'")  # fmt: skip
        rewards = [r["id"] for r in await conn.fetch("SELECT id FROM reward ORDER BY id")]
        await _fill(conn, "redemption", {
            "member_id": "member_id", "reward_id": f"(ARRAY{rewards})[1 + id % {len(rewards)}]",
            "quantity": "1", "points": "-points", "status": "'issued'", "transaction_id": "id",
            "created_at": "created_at",
        }, "points_transaction WHERE kind = 'redemption'")  # fmt: skip
        tiers = [r["id"] for r in await conn.fetch("SELECT id FROM tier ORDER BY rank")]
        await _fill(conn, "member_tier", {
            "member_id": "id", "tier_id": f"(ARRAY{tiers})[1 + (id % 10) / 4]",
            "value": "0", "evaluated_at": "now()",
        }, f"member WHERE role = 'member' AND id >= {first}")  # fmt: skip
        await _fill(conn, "tier_change", {
            "member_id": f"{first} + (i * 31) % {MEMBERS}",
            "from_tier_id": f"(ARRAY{tiers})[1 + i % 2]",
            "to_tier_id": f"(ARRAY{tiers})[2 + i % 2]",
            "reason": "CASE WHEN i % 5 = 0 THEN 'downgrade' ELSE 'upgrade' END", "value": "0",
            "created_at": f"now() - interval '365 days' * ((i * 101 % {TIER_CHANGES})::float "
                          f"/ {TIER_CHANGES})",
        }, f"generate_series(1::bigint, {TIER_CHANGES}) AS i")  # fmt: skip
        campaign = await conn.fetchval(
            "INSERT INTO campaign (name, segment, variants, status, quiet_start, quiet_end, "
            "holdout_percent, launched_at, send_at, created_at) VALUES ('Bench', '{}'::jsonb, "
            """'{"en": {"title": "Hi", "body": "Come by"}}'::jsonb, 'done', 21, 9, 10, """
            "now() - interval '20 days', now() - interval '20 days', now()) RETURNING id"
        )
        await _fill(conn, "campaign_recipient", {
            "campaign_id": str(campaign), "member_id": f"{first} + i * 5",
            "status": "CASE WHEN i % 10 = 0 THEN 'control' ELSE 'sent' END",
            "send_after": "now() - interval '20 days'",
            "sent_at": "CASE WHEN i % 10 = 0 THEN NULL ELSE now() - interval '20 days' END",
        }, f"generate_series(0::bigint, {RECIPIENTS - 1}) AS i")  # fmt: skip
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


async def seed(url: str) -> str:
    """Tiers, rewards, a checkout rate and a marketer through the services, then the bulk in
    SQL; returns the marketer's access token."""
    from decimal import Decimal

    from tortoise import Tortoise

    from app.auth.service import ClientInfo, _open_session, create_staff
    from app.db import tortoise_config
    from app.members.models import Role
    from app.rewards import catalog
    from app.rewards.models import RewardKind
    from app.tiers import service as tiers

    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    from app import wiring

    wiring.connect()  # as the API, the worker and the CLI do
    try:
        for code, rank, threshold in (("bronze", 1, 0), ("silver", 2, 10_000),
                                      ("gold", 3, 50_000)):  # fmt: skip
            await tiers.save_tier(code=code, rank=rank, threshold=threshold,
                                  earn_multiplier=Decimal(1),
                                  texts={"en": {"name": code.title(), "benefits": []}})  # fmt: skip
        for n in range(REWARDS):
            await catalog.create_reward(
                fields=catalog.RewardFields(kind=RewardKind.FREE_PRODUCT, category="bench",
                                            points_cost=50 + n, sku=f"SKU-{n}",
                                            texts={"en": {"title": f"Reward {n}"}}),
                actor_id=None,
            )  # fmt: skip
        await catalog.set_checkout_rate(currency="EUR", points_per_unit=100, minor_digits=2)
        staff = await create_staff(email="marketer@bench.example", password="bench-password-1",
                                   role=Role.MARKETER, display_name="Marketer")  # fmt: skip
        session = await _open_session(staff, ClientInfo(address="bench", user_agent="bench"))
    finally:
        await Tortoise.close_connections()
    await seed_sql(url)
    return session.access_token


async def measure(url: str, port: int, token: str, *, requests: int, warmup: int) -> dict:
    import asyncpg
    import httpx

    now = dt.datetime.now(dt.UTC)
    results: dict[str, list[float]] = {}
    errors: list[str] = []
    sample: dict = {}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        for days in (30, 365):
            variables = {"from": (now - dt.timedelta(days=days)).isoformat(),
                         "to": now.isoformat()}  # fmt: skip
            payload = {"query": DASHBOARD, "variables": variables}
            headers = {"Authorization": f"Bearer {token}"}
            times = results[f"dashboard {days} days"] = []
            for n in range(warmup + requests):
                started = time.perf_counter()
                response = await client.post("/graphql", json=payload, headers=headers)
                elapsed = time.perf_counter() - started
                body = response.json() if response.status_code == 200 else {}
                if response.status_code != 200 or body.get("errors") or not body.get("data"):
                    errors.append(f"HTTP {response.status_code}: {response.text[:300]}")
                    continue
                sample[days] = body["data"]["programAnalytics"]
                if n >= warmup:
                    times.append(elapsed * 1000)
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        times = results["SELECT count(*) FROM points_posting"] = []
        for n in range(warmup + requests):
            started = time.perf_counter()
            postings = await conn.fetchval("SELECT count(*) FROM points_posting")
            if n >= warmup:
                times.append((time.perf_counter() - started) * 1000)
    finally:
        await conn.close()
    return {"results": results, "errors": errors, "sample": sample, "postings": postings}


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench analytics",
                                     description=__doc__.split("\n")[0])  # fmt: skip
    parser.add_argument("--requests", type=int, default=50, help="timed per target (50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed first requests (5)")
    parser.add_argument("--show", action="store_true", help="print the 30-day figures")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the scratch database (to EXPLAIN queries); prints its URL",
    )
    args = parser.parse_args()
    if not (1 <= args.requests <= 10_000 and 0 <= args.warmup <= 1000):
        parser.error("need 1 <= --requests <= 10000 and 0 <= --warmup <= 1000")

    from app.schema_history import apply_migrations
    from app.settings import Settings, configure

    name, url = create_scratch_database()
    env = {**os.environ, "DATABASE_URL": url, "LOYALTY_ENV": "test", "LOG_LEVEL": "WARNING",
           "WORKER_INTERVAL": "0", "ACCESS_TOKEN_TTL": "3600"}  # fmt: skip
    server = None
    try:
        settings = configure(Settings.from_env(env))
        asyncio.run(apply_migrations(settings))
        started = time.perf_counter()
        token = asyncio.run(seed(url))
        seeded = time.perf_counter() - started
        port = _free_port()
        server = start_server(port, env)
        wait_for_health(server, port)
        out = asyncio.run(measure(url, port, token, requests=args.requests, warmup=args.warmup))
        if server.poll() is not None:
            raise RuntimeError(f"the server exited during the run ({server.returncode})")
    finally:
        try:
            if server is not None:
                stop(server)
        finally:
            if args.keep:
                print(f"kept: {url}")
            else:
                drop_scratch_database(name)
    print(f"scripts/bench analytics: 1 uvicorn worker, PostgreSQL; seeded {MEMBERS:,} members, "
          f"{TRANSACTIONS:,} transactions, {out['postings']:,} postings in {seeded:.0f} s; "
          f"{args.requests} sequential requests per target after {args.warmup} warm-up")  # fmt: skip
    p = {}
    for label, ms in out["results"].items():
        ms = sorted(ms)
        p[label] = (_pct(ms, 0.5), _pct(ms, 0.99))
        print(f"{label:40s} n={len(ms):4d} p50={p[label][0]:8.1f} ms p99={p[label][1]:8.1f} ms")
    count = p["SELECT count(*) FROM points_posting"]
    for days in (30, 365):
        d = p[f"dashboard {days} days"]
        print(f"ratio dashboard {days} days / count(*): p50 {d[0] / count[0]:.1f}x, "
              f"p99 {d[1] / count[1]:.1f}x")  # fmt: skip
    p99 = p["dashboard 30 days"][1]
    print(f"target: dashboard (30 days) p99 < 500 ms: {'PASS' if p99 < 500 else 'FAIL'}")
    if args.show:
        print(json.dumps(out["sample"].get(30), indent=1))
    if out["errors"]:
        print(f"errors: {len(out['errors'])}; first: {out['errors'][0]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
