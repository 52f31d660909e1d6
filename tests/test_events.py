"""Event bus: in-memory fan-out, and Redis pub/sub across processes when REDIS_URL is set.

The Redis tests skip without REDIS_URL and fail (not skip) when it is set but unreachable.
"""

import asyncio
import json
import os
import subprocess
import sys
import time

import httpx
import pytest

from app.events import MemoryEventBus, RedisEventBus, bus_for
from tests.conftest import _free_port
from tests.graphql.test_websocket import _connect, _recv
from tests.helpers import RECORD_PURCHASE, gql, integration_token, purchase_input, sign_up

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL not set")


async def _next(queue, timeout=3.0):
    return await asyncio.wait_for(queue.get(), timeout)


async def _nothing(queue, wait=0.3):
    await asyncio.sleep(wait)
    assert queue.empty(), queue.get_nowait()


async def test_memory_bus_fans_out_per_topic_and_drops_oldest_when_full(monkeypatch):
    monkeypatch.setattr("app.events.QUEUE_SIZE", 2)
    bus = MemoryEventBus()
    async with bus.subscribe("member:1") as one, bus.subscribe("member:2") as two:
        for n in range(3):
            await bus.publish("member:1", {"n": n})
        assert [one.get_nowait(), one.get_nowait()] == [{"n": 1}, {"n": 2}]
        assert two.empty()
    await bus.publish("member:1", {"n": 9})  # nobody listening: dropped, no error
    await bus.close()


def test_bus_for_picks_redis_only_when_configured():
    assert isinstance(bus_for(None), MemoryEventBus)
    assert isinstance(bus_for("redis://127.0.0.1:1/0"), RedisEventBus)


@pytest.fixture
async def redis_buses():
    """Two buses as two server processes would hold them, on a reachable Redis."""
    from redis.asyncio import Redis

    admin = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        await admin.ping()  # REDIS_URL set but unreachable is a failure, not a skip
        buses = [RedisEventBus(REDIS_URL), RedisEventBus(REDIS_URL)]
        try:
            yield admin, *buses
        finally:
            for bus in buses:
                await bus.close()
    finally:
        await admin.aclose()


async def _subscribers(admin, topic: str) -> int:
    [(_, count)] = await admin.pubsub_numsub(RedisEventBus.PREFIX + topic)
    return count


@needs_redis
async def test_redis_bus_delivers_across_processes_once(redis_buses):
    admin, a, b = redis_buses
    async with (
        a.subscribe("member:7") as on_a,
        b.subscribe("member:7") as on_b,
        a.subscribe("member:8") as other,
    ):
        await asyncio.sleep(0.1)
        await b.publish("member:7", {"type": "POINTS_CHANGED", "transaction": 1})
        assert await _next(on_a) == {"type": "POINTS_CHANGED", "transaction": 1}
        # The publisher's own subscriber gets it directly, and not a second time via Redis.
        assert await _next(on_b) == {"type": "POINTS_CHANGED", "transaction": 1}
        await _nothing(on_b)
        await _nothing(other)
    # The last local subscription gone, the process stops listening to the channel.
    await asyncio.sleep(0.1)
    assert await _subscribers(admin, "member:7") == 0


@needs_redis
async def test_redis_bus_subscribes_a_channel_once_per_process(redis_buses):
    admin, a, _ = redis_buses
    async with a.subscribe("member:3") as first, a.subscribe("member:3") as second:
        await asyncio.sleep(0.1)
        assert await _subscribers(admin, "member:3") == 1
        await admin.publish(
            RedisEventBus.PREFIX + "member:3", json.dumps({"origin": "x", "payload": {"n": 1}})
        )
        assert await _next(first) == {"n": 1}
        assert await _next(second) == {"n": 1}
        # Malformed messages from elsewhere are ignored, not fatal to the reader.
        await admin.publish(RedisEventBus.PREFIX + "member:3", b"\xff not json")
        await admin.publish(
            RedisEventBus.PREFIX + "member:3", json.dumps({"origin": "x", "payload": {"n": 2}})
        )
        assert await _next(first) == {"n": 2}


@needs_redis
async def test_redis_bus_resubscribes_after_losing_its_connection(redis_buses):
    admin, a, b = redis_buses
    async with a.subscribe("member:5") as queue:
        await asyncio.sleep(0.1)
        killed = 0
        for client in await admin.client_list(_type="pubsub"):
            if client["name"] == f"loyalty-events-{a._origin[:12]}":
                killed += await admin.client_kill_filter(_id=client["id"])
        assert killed == 1
        deadline = time.monotonic() + 10
        while await _subscribers(admin, "member:5") == 0:
            assert time.monotonic() < deadline, "the bus never re-subscribed"
            await asyncio.sleep(0.05)
        await b.publish("member:5", {"n": "after reconnect"})
        assert await _next(queue) == {"n": "after reconnect"}


async def test_redis_bus_publish_never_raises_when_redis_is_down(caplog):
    bus = RedisEventBus(f"redis://127.0.0.1:{_free_port()}/0")  # nothing listens there
    try:
        async with bus.subscribe("member:1") as queue:
            await bus.publish("member:1", {"n": 1})
            # Subscribers of this process still get it; the failure is logged.
            assert await _next(queue) == {"n": 1}
            await bus.flush()  # publishing to Redis happens in the background
        assert "not published to Redis" in caplog.text
        assert bus.circuit_open  # Redis is skipped for a while: nothing waits on it
    finally:
        await bus.close()


@pytest.fixture
def two_servers(app, settings, dialect):
    """Two `loyalty serve` processes on loopback sharing the test database and Redis."""
    if dialect != "postgres" or not REDIS_URL:
        pytest.skip("two server processes need PostgreSQL and REDIS_URL")
    env = {
        **os.environ,
        "LOYALTY_ENV": "test",
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": REDIS_URL,
        "WORKER_INTERVAL": "0",
        "LOG_LEVEL": "WARNING",
    }
    servers, addresses = [], []
    try:
        for _ in range(2):
            port = _free_port()
            servers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "app.cli", "serve", "--port", str(port)], env=env
                )
            )
            addresses.append(f"127.0.0.1:{port}")
        for server, address in zip(servers, addresses, strict=True):
            deadline = time.monotonic() + 30
            while True:
                assert server.poll() is None, "a server process exited at start-up"
                try:
                    if httpx.get(f"http://{address}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"{address} never became healthy"
                time.sleep(0.1)
        yield addresses
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(10)


async def test_points_changed_reaches_a_subscriber_on_another_process(client, two_servers):
    server_a, server_b = two_servers
    me = await sign_up(client)
    other = await sign_up(client)
    till = await integration_token(client, "purchases:write")
    ws = await _connect(server_a, {"authorization": f"Bearer {me['accessToken']}"})
    try:
        assert (await _recv(ws))["type"] == "connection_ack"
        query = "subscription { pointsChanged { transaction { points } balance { available } } }"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        await asyncio.sleep(0.3)
        async with httpx.AsyncClient(base_url=f"http://{server_b}") as on_b:
            result = await gql(on_b, RECORD_PURCHASE,
                               {"input": purchase_input(other["member"]["id"], "x-0")},
                               token=till)  # fmt: skip
            assert result["data"]["recordPurchase"]["__typename"] == "PurchaseRecorded", result
            result = await gql(on_b, RECORD_PURCHASE,
                               {"input": purchase_input(me["member"]["id"], "x-1", amount=2500)},
                               token=till)  # fmt: skip
            assert result["data"]["recordPurchase"]["__typename"] == "PurchaseRecorded", result
        message = await _recv(ws)
        assert message["type"] == "next", message
        assert message["payload"]["data"]["pointsChanged"] == {
            "transaction": {"points": 25},
            "balance": {"available": 25},
        }
        # The other member's purchase, made through the same process, never arrives here.
        with pytest.raises(TimeoutError):
            await _recv(ws, timeout=0.5)
    finally:
        await ws.close()


# ---- a Redis that hangs (SIGSTOP) never slows a request ---------------------------------------


@pytest.fixture
def own_redis():
    """A redis-server of this test's own on a free port, to freeze without harming others."""
    import shutil
    import signal
    import socket

    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = _free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--daemonize", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            assert server.poll() is None, "redis-server exited at start-up"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "redis-server never answered"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0", server
    finally:
        server.send_signal(signal.SIGCONT)
        server.terminate()
        server.wait(10)


async def _purchase_seconds(client, till, member_gid: str, external_id: str) -> float:
    started = time.perf_counter()
    result = await gql(client, RECORD_PURCHASE, {"input": purchase_input(member_gid, external_id)},
                       token=till)  # fmt: skip
    elapsed = time.perf_counter() - started
    assert result["data"]["recordPurchase"]["__typename"] == "PurchaseRecorded", result
    return elapsed


def _drain(queue) -> list[dict]:
    found = []
    while not queue.empty():
        found.append(queue.get_nowait())
    return found


async def test_a_frozen_redis_adds_no_latency_to_purchases_and_recovers(client, own_redis):
    """Redis SIGSTOPped: purchases (each publishes an event after commit) stay as fast as
    before (the old bus waited up to 1 s for Redis in every one), this process's subscribers
    still get every event, and after SIGCONT events cross processes again by themselves."""
    import signal
    import statistics

    from strawberry.relay import from_base64

    from app import events
    from app.events import member_topic

    url, redis_server = own_redis
    here, elsewhere = RedisEventBus(url), RedisEventBus(url)  # two server processes' buses
    before = events.bus()
    events.use_bus(here)
    try:
        me = await sign_up(client)
        till = await integration_token(client, "purchases:write")
        topic = member_topic(int(from_base64(me["member"]["id"])[1]))
        async with here.subscribe(topic) as local, elsewhere.subscribe(topic) as remote:
            await _purchase_seconds(client, till, me["member"]["id"], "warm-up")
            assert (await _next(remote, timeout=5))["type"] == "POINTS_CHANGED"
            normal = statistics.median([
                await _purchase_seconds(client, till, me["member"]["id"], f"n-{i}")
                for i in range(20)])  # fmt: skip
            await here.flush()
            _drain(local)
            os.kill(redis_server.pid, signal.SIGSTOP)
            try:
                frozen = statistics.median([
                    await _purchase_seconds(client, till, me["member"]["id"], f"f-{i}")
                    for i in range(20)])  # fmt: skip
                during = [e for e in _drain(local) if e["type"] == "POINTS_CHANGED"]
                for _ in range(40):  # the background publisher gives up on Redis
                    if here.circuit_open:
                        break
                    await asyncio.sleep(0.1)
                assert here.circuit_open  # timed out: Redis is skipped for a while
            finally:
                os.kill(redis_server.pid, signal.SIGCONT)
            # Within 2x of normal, plus a little for a loaded machine (it was +1 s each).
            assert frozen <= 2 * normal + 0.1, (normal, frozen)
            assert len(during) == 20  # local subscribers got every event while Redis hung
            last_frozen = max(e["transaction"] for e in during)
            # Recovers by itself: a purchase now reaches the other process again.
            deadline = time.monotonic() + 30
            n = 0
            while True:
                assert time.monotonic() < deadline, "events never crossed processes again"
                n += 1
                await _purchase_seconds(client, till, me["member"]["id"], f"r-{n}")
                await asyncio.sleep(0.5)
                arrived = [e for e in _drain(remote) if e.get("type") == "POINTS_CHANGED"]
                if any(e["transaction"] > last_frozen for e in arrived):
                    break
            assert here.stats["dropped"] >= 1 and not here.circuit_open
    finally:
        events.use_bus(before)
        await here.close()
        await elsewhere.close()


async def test_a_full_outbox_drops_its_oldest_and_says_so_once(caplog, monkeypatch):
    """Redis skipped (circuit open): the outbox keeps at most OUTBOX_SIZE events, oldest
    dropped first, counted, and logged once per interval rather than once per event."""
    bus = RedisEventBus(f"redis://127.0.0.1:{_free_port()}/0")
    monkeypatch.setattr(bus, "OUTBOX_SIZE", 3)
    bus._skip_until = time.monotonic() + 60  # as after a failure: Redis is not tried
    try:
        for n in range(10):
            await bus.publish("member:1", {"n": n})
        assert [json.loads(m)["payload"]["n"] for _, _, m in bus._outbox] == [7, 8, 9]
        assert bus.stats["dropped"] == 7
        assert caplog.text.count("not published to Redis") == 1
    finally:
        await bus.close()
