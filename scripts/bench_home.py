"""`scripts/bench home`: the app's home-screen query against its GraphQL floor and the
ceiling of a plain Starlette JSON endpoint, all served by the same uvicorn worker and measured
in the same run, on realistic data.

- A scratch PostgreSQL database is created, migrated and dropped at the end, even on failure.
- Seeded through bulk inserts (the service layer for the members who load the page): 10,000
  members, three tiers, 200 offers (a third targeted by tier, interest or locale, some with
  early access, some needing activation), 10 groups with 5,000 posts, 5,000 comments and
  10,000 reactions; the 32 members behind the connections each have points, purchases, a
  tier and a session, and belong to the first group.
- ONE uvicorn worker serves the app, `GET /ceiling` (bench_api.server_app) and `POST /floor`
  (bench_home_floor): the same document executed by a Strawberry schema of the same shape
  over plain in-memory objects built from the app's own answers (default resolvers, no
  database, no business logic).
- Home query, per connection its own member: `me` with balance (and what expires) and tier
  (current, next, progress), the first 20 offers ranked for the member, and the first 10
  posts of the group's feed with author, comment count, reactions and the member's own
  reaction, and the first 10 messages of the member's inbox with the unread count.
- Correctness first: every member's answer, before the load and again after it (the
  process's caches warm), must equal the answer of the uncached path: the same document run
  in this process on the same database with every cache emptied before each request.
- Home and floor are measured at 32 and at 8 connections; the ratio is home/floor at 32.
- Target: home req/s >= 50% of the floor's. Exit status 1 if any request failed or an answer
  differed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

from bench_api import (
    RawLoad,
    Tally,
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

MEMBERS, OFFERS, GROUPS, POSTS, COMMENTS, REACTIONS = 10_000, 200, 10, 5_000, 5_000, 10_000
# The app's home screen, shared with tests/graphql/test_home_screen.py.
HOME = (Path(__file__).with_name("home.graphql")).read_text()


async def seed(url: str, connections: int) -> tuple[list[str], str]:
    """The data; returns the tokens of the members behind the connections and the group id."""
    from decimal import Decimal

    from strawberry.relay import to_base64
    from tortoise import Tortoise

    from app.auth.service import ClientInfo, _open_session
    from app.community import service as community
    from app.community.models import Comment, Group, Post, Reaction, ReactionKind
    from app.db import tortoise_config
    from app.earning import service as earning
    from app.earning.rules import Line
    from app.members.models import Member
    from app.messaging.models import InboxMessage, MessageCategory
    from app.offers.models import Offer, OfferKind
    from app.segments.rules import Segment
    from app.tiers import service as tiers
    from app.tiers.models import Basis, Window

    rng = random.Random(7)
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    from app import wiring

    wiring.connect()  # as the API, the worker and the CLI do
    try:
        await tiers.update_policy(basis=Basis.SPEND, window=Window.ROLLING, window_months=12,
                                  grace_days=30, spend_currency="EUR")  # fmt: skip
        for code, rank, threshold, mult in (("bronze", 1, 0, "1"), ("silver", 2, 10_000, "1.5"),
                                            ("gold", 3, 50_000, "2")):  # fmt: skip
            await tiers.save_tier(code=code, rank=rank, threshold=threshold,
                                  earn_multiplier=Decimal(mult),
                                  texts={"en": {"name": code.title(), "benefits": ["More"]}})  # fmt: skip
        interests = ["coffee", "running", "books", "fashion", "travel", "food"]
        await Member.bulk_create(
            [Member(email=f"m{i}@bench.example", password_hash="x", display_name=f"Member {i}",
                    locale=rng.choice(["en", "nl", "es"]),
                    interests=rng.sample(interests, 2)) for i in range(MEMBERS)],
            batch_size=1000,
        )  # fmt: skip
        ids = await Member.all().order_by("id").values_list("id", flat=True)
        now = tiers.now()
        day = dt.timedelta(days=1)
        offers = []
        for i in range(OFFERS):
            kind = [OfferKind.BONUS_POINTS, OfferKind.MEMBER_PRICE, OfferKind.EARLY_ACCESS][i % 3]
            segment = Segment()
            if i % 3 == 0:
                segment = rng.choice([Segment(tiers=("gold",)), Segment(interests=("coffee",)),
                                      Segment(locales=("nl",))])  # fmt: skip
            offers.append(Offer(
                kind=kind, texts={"en": {"title": f"Offer {i}", "description": "Details"}},
                starts_at=now - rng.randint(1, 20) * day, ends_at=now + rng.randint(1, 30) * day,
                segment=segment.to_json(), interests=rng.sample(interests, 1),
                early_access_tiers=["gold"] if i % 10 == 0 else [],
                early_access_hours=48 if i % 10 == 0 else 0, needs_activation=i % 7 == 0,
                bonus_multiplier=Decimal(2) if kind == OfferKind.BONUS_POINTS else None,
                member_price=999 if kind == OfferKind.MEMBER_PRICE else None,
                regular_price=1499 if kind == OfferKind.MEMBER_PRICE else None,
                currency="EUR" if kind == OfferKind.MEMBER_PRICE else None,
            ))  # fmt: skip
        await Offer.bulk_create(offers)
        groups = [await Group.create(texts={"en": {"name": f"Group {g}"}}) for g in range(GROUPS)]
        await Post.bulk_create(
            [Post(group_id=groups[i % GROUPS].id, author_id=rng.choice(ids), text=f"Post {i}")
             for i in range(POSTS)], batch_size=1000,
        )  # fmt: skip
        post_ids = await Post.all().values_list("id", flat=True)
        await Comment.bulk_create(
            [Comment(post_id=rng.choice(post_ids), author_id=rng.choice(ids), text="Nice")
             for _ in range(COMMENTS)], batch_size=1000,
        )  # fmt: skip
        pairs = {(rng.choice(post_ids), rng.choice(ids)) for _ in range(REACTIONS)}
        await Reaction.bulk_create(
            [Reaction(post_id=p, member_id=m, kind=rng.choice(list(ReactionKind)))
             for p, m in pairs], batch_size=1000,
        )  # fmt: skip
        tokens = []
        for member_id in ids[:connections]:
            for k in range(3):
                await earning.record_purchase(
                    scope="bench", idempotency_key=f"bench-{member_id}-{k}",
                    member=earning.MemberRef(member_id=member_id), source="bench",
                    external_id=f"{member_id}-{k}",
                    amount=1_000 if k == 0 else rng.randint(1_000, 30_000),
                    currency="EUR", occurred_at=now - (k + 1) * day,
                    lines=[Line(1_000, category="coffee")] if k == 0 else [],
                )  # fmt: skip
            await community.join(group_id=groups[0].id, member_id=member_id)
            await InboxMessage.bulk_create([InboxMessage(
                member_id=member_id, category=MessageCategory.MARKETING, title=f"News {n}",
                body="Something for you this week.", deep_link="app://offers",
                read_at=now if n % 3 else None) for n in range(20)])  # fmt: skip
            member = await Member.get(id=member_id)
            session = await _open_session(member, ClientInfo(address="bench", user_agent="bench"))
            tokens.append(session.access_token)
        return tokens, to_base64("Group", groups[0].id)
    finally:
        await Tortoise.close_connections()


def server_app():
    """uvicorn factory (`bench_home:server_app`): the app, /ceiling and the GraphQL floor."""
    from bench_api import server_app as with_ceiling
    from bench_home_floor import Floor
    from starlette.routing import Route

    app = with_ceiling()
    app.router.routes.append(Route("/floor", Floor(), methods=["POST"]))
    return app


def _check_home(status: int, body: bytes) -> str | None:
    if status != 200:
        return f"HTTP {status}: {body[:200]!r}"
    data = json.loads(body)
    if data.get("errors") or not (data.get("data") or {}).get("me"):
        return f"errors: {json.dumps(data)[:300]}"
    if len(data["data"]["offers"]["edges"]) == 0 or len(data["data"]["feed"]["edges"]) != 10:
        return f"short page: {json.dumps(data)[:300]}"
    return None


def _check_ceiling(status: int, body: bytes) -> str | None:
    return None if status == 200 else f"HTTP {status}"


async def measure(port: int, requests: list[bytes], check, seconds: float) -> Tally:
    load = RawLoad(port, len(requests))
    tally = Tally()
    started = time.perf_counter()
    deadline = started + seconds
    try:
        await asyncio.gather(*(load.exchange(lambda r=r: r, check, deadline, tally)
                               for r in requests))  # fmt: skip
    finally:
        await load.close()
    tally.elapsed = time.perf_counter() - started
    return tally


def _home_request(path: str, token: str, group: str) -> bytes:
    return http_request("POST", path,
                        {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                        json.dumps({"query": HOME, "variables": {"group": group}}).encode())  # fmt: skip


async def answers_of(port: int, tokens: list[str], group: str, path: str = "/graphql") -> dict:
    """Each member's answer from the server, one request at a time."""
    import httpx

    found = {}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        for token in tokens:
            r = await client.post(path, headers={"Authorization": f"Bearer {token}"},
                                  json={"query": HOME, "variables": {"group": group}})  # fmt: skip
            problem = _check_home(r.status_code, r.content)
            if problem:
                raise RuntimeError(f"{path}: {problem}")
            found[token] = r.json()["data"]
    return found


async def uncached_answers(url: str, tokens: list[str], group: str, env: dict) -> dict:
    """The same document through the app in this process, every cache emptied before each
    request: the uncached path the server's answers must equal."""
    import httpx
    from tortoise import Tortoise

    from app import cache
    from app.db import tortoise_config
    from app.main import create_app
    from app.settings import Settings

    app = create_app(Settings.from_env(env), manage_database=False)
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    found = {}
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                for token in tokens:
                    cache.forget_all()
                    r = await client.post("/graphql", headers={"Authorization": f"Bearer {token}"},
                                          json={"query": HOME, "variables": {"group": group}})  # fmt: skip
                    problem = _check_home(r.status_code, r.content)
                    if problem:
                        raise RuntimeError(f"uncached: {problem}")
                    found[token] = r.json()["data"]
    finally:
        await Tortoise.close_connections()
    return found


def differences(served: dict, expected: dict) -> list[str]:
    return [f"member #{i}: served {json.dumps(served[t])[:200]} != {json.dumps(expected[t])[:200]}"
            for i, t in enumerate(expected) if served.get(t) != expected[t]]  # fmt: skip


async def run(port, tokens, group, *, seconds, warmup, rounds):
    narrow = tokens[:8]
    targets = {
        "ceiling": ([http_request("GET", "/ceiling", {}, None)] * len(tokens), _check_ceiling),
        "floor": ([_home_request("/floor", t, group) for t in tokens], _check_home),
        "home": ([_home_request("/graphql", t, group) for t in tokens], _check_home),
        "floor8": ([_home_request("/floor", t, group) for t in narrow], _check_home),
        "home8": ([_home_request("/graphql", t, group) for t in narrow], _check_home),
    }  # fmt: skip
    results = {name: Tally() for name in targets}
    for requests, check in targets.values():
        await measure(port, requests, check, warmup / 2)
    for i in range(rounds):
        for name in list(targets) if i % 2 == 0 else list(targets)[::-1]:
            requests, check = targets[name]
            results[name].merge(await measure(port, requests, check, seconds / rounds))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench home", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per target (10)")
    parser.add_argument("--concurrency", type=int, default=32, help="connections/members (32)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds, not counted (2)")
    parser.add_argument("--rounds", type=int, default=2, help="alternations per target (2)")
    args = parser.parse_args()
    if not (0 < args.seconds <= 600 and 8 <= args.concurrency <= 256 and 1 <= args.rounds <= 20):
        parser.error("need 0 < --seconds <= 600, 8 <= --concurrency <= 256, 1 <= --rounds <= 20")

    import tempfile

    from app.schema_history import apply_migrations
    from app.settings import Settings, configure

    name, url = create_scratch_database()
    floor_file = tempfile.NamedTemporaryFile(prefix="bench-home-floor-", suffix=".json")  # noqa: SIM115 (closed in finally)
    env = {**os.environ, "DATABASE_URL": url, "LOYALTY_ENV": "test", "LOG_LEVEL": "WARNING",
           "WORKER_INTERVAL": "0", "ACCESS_TOKEN_TTL": "3600",
           "BENCH_HOME_FLOOR": floor_file.name}  # fmt: skip
    server = None
    problems: list[str] = []
    try:
        settings = configure(Settings.from_env(env))
        asyncio.run(apply_migrations(settings))
        started = time.perf_counter()
        tokens, group = asyncio.run(seed(url, args.concurrency))
        seeded = time.perf_counter() - started
        expected = asyncio.run(uncached_answers(url, tokens, group, env))
        port = _free_port()
        server = start_server(port, env, "bench_home:server_app")
        wait_for_health(server, port)
        runner = load_runner()
        served = runner(answers_of(port, tokens, group))
        problems += differences(served, expected)
        floor_file.write(json.dumps(served).encode())
        floor_file.flush()
        floor = runner(answers_of(port, tokens, group, "/floor"))
        problems += [f"floor {p}" for p in differences(floor, served)]
        results = runner(run(port, tokens, group, seconds=args.seconds, warmup=args.warmup,
                             rounds=args.rounds))  # fmt: skip
        after = runner(answers_of(port, tokens, group))  # the caches warm
        problems += [f"after the load, {p}" for p in differences(after, expected)]
        if server.poll() is not None:
            raise RuntimeError(f"the server exited during the run ({server.returncode})")
    finally:
        try:
            if server is not None:
                stop(server)
        finally:
            floor_file.close()
            drop_scratch_database(name)
    print(f"scripts/bench home: 1 uvicorn worker, PostgreSQL, {args.concurrency} keep-alive "
          f"connections (one member each), {args.seconds:g} s per target in {args.rounds} "
          f"alternating rounds after {args.warmup:g} s warm-up; seeded {MEMBERS} members, "
          f"{OFFERS} offers, {POSTS} posts in {seeded:.0f} s")  # fmt: skip
    print(f"note: the load generator runs on the same {os.cpu_count()} cores as the server")
    rps = {}
    n = args.concurrency
    for label, key in (
        ("ceiling  GET /ceiling (plain Starlette JSON, same worker)", "ceiling"),
        (f"floor    the home document, same-shape schema over in-memory objects, {n} conns", "floor"),
        (f"home     me + balance + tier + 10 inbox, 20 offers, 10 posts, {n} conns", "home"),
        ("floor    the same, 8 connections", "floor8"),
        ("home     the same, 8 connections", "home8"),
    ):  # fmt: skip
        t = results[key]
        ms = sorted(x * 1000 for x in t.latencies)
        rps[key] = len(ms) / t.elapsed if t.elapsed else 0.0
        print(f"{label}\n  requests={len(ms)} errors={t.errors} req/s={rps[key]:.0f} "
              f"p50={_pct(ms, 0.5):.2f} ms p99={_pct(ms, 0.99):.2f} ms")  # fmt: skip
        if t.first_error:
            print(f"  first error: {t.first_error}")
    ratio = rps["home"] / rps["floor"] if rps["floor"] else 0.0
    narrow = rps["home8"] / rps["floor8"] if rps["floor8"] else 0.0
    print(f"ratio home/ceiling: {rps['home'] / rps['ceiling'] * 100:.1f}%; floor/ceiling: "
          f"{rps['floor'] / rps['ceiling'] * 100:.1f}%")  # fmt: skip
    print(f"ratio home/floor: {ratio * 100:.1f}% at {n} connections, {narrow * 100:.1f}% at 8")
    print(f"answers equal to the uncached path ({len(tokens)} members, before and after the "
          f"load): {'OK' if not problems else 'DIFFERENT'}")  # fmt: skip
    for problem in problems[:5]:
        print(f"  {problem}")
    print(f"target: home >= 50% of the GraphQL floor: {'PASS' if ratio >= 0.5 else 'FAIL'}")
    return 1 if problems or any(t.errors for t in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
