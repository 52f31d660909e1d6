"""app.cache: per-process caches that forget when any process announces a change, and the
one clock (app.clock)."""

import asyncio
import datetime as dt
import os
import time

import pytest

from app import cache, clock, events
from app.cache import Cache
from app.db import transaction
from app.events import MemoryEventBus, RedisEventBus

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL not set")
WITHIN = 3.0  # "within a second", with a margin for a loaded machine (the TTLs are longer)


def _loader(values: list):
    calls = []

    async def load():
        calls.append(1)
        return values[len(calls) - 1]

    return load, calls


async def _until(predicate, within: float = WITHIN) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await predicate():
            return True
        await asyncio.sleep(0.02)
    return await predicate()


async def test_a_value_is_kept_for_its_ttl_and_loaded_again_after_forget():
    c = Cache("test-ttl", ttl=60)
    load, calls = _loader(["one", "two", "three"])
    assert await c.get(load) == "one"
    assert await c.get(load) == "one" and len(calls) == 1
    c.forget()
    assert await c.get(load) == "two"
    c.ttl = 0  # expired: read afresh
    assert await c.get(load) == "three"


async def test_a_change_announced_while_loading_is_not_overwritten_by_the_old_value():
    c = Cache("test-race", ttl=60)
    started, release = asyncio.Event(), asyncio.Event()

    async def slow_old():
        started.set()
        await release.wait()
        return "old"

    task = asyncio.create_task(c.get(slow_old))
    await started.wait()
    c.forget()  # a change lands while the old rows are on their way
    release.set()
    assert await task == "old"

    async def fresh():
        return "new"

    assert await c.get(fresh) == "new"


async def test_changed_announces_after_commit_and_a_rollback_announces_nothing(app):
    c = Cache("test-commit", ttl=60)
    async with events.bus().subscribe(c.topic) as notices:
        with pytest.raises(RuntimeError):
            async with transaction():
                await c.changed()
                raise RuntimeError("rolled back")
        await asyncio.sleep(0.05)
        assert notices.empty()
        async with transaction():
            await c.changed()
            assert notices.empty()  # not before the commit
        assert await asyncio.wait_for(notices.get(), 1) == {"cache": "test-commit"}


async def test_a_notice_on_the_bus_empties_a_listening_cache():
    bus = MemoryEventBus()
    c = Cache("test-listen", ttl=60)
    load, _ = _loader(["one", "two"])
    async with cache.listening(bus, caches=[c]):
        assert await c.get(load) == "one"
        await bus.publish(c.topic, {"cache": c.name})
        assert await _until(lambda: _value_is(c, load, "two"))


async def _value_is(c: Cache, load, expected) -> bool:
    return await c.get(load) == expected


@pytest.fixture
async def two_processes():
    """Two Redis buses, as two server processes hold them."""
    from redis.asyncio import Redis

    admin = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    await admin.ping()  # REDIS_URL set but unreachable is a failure, not a skip
    buses = [RedisEventBus(REDIS_URL), RedisEventBus(REDIS_URL)]
    try:
        yield buses
    finally:
        for bus in buses:
            await bus.close()
        await admin.aclose()


@needs_redis
async def test_a_change_through_one_process_empties_the_other_process_cache(two_processes):
    here, there = two_processes
    mine, theirs = Cache("test-redis", ttl=60), Cache("test-redis", ttl=60)
    load, _ = _loader(["one", "two"])
    async with cache.listening(here, caches=[mine]):
        assert await mine.get(load) == "one"
        previous = events.bus()
        events.use_bus(there)  # the other process's staff change
        try:
            await theirs.changed()
        finally:
            events.use_bus(previous)
        assert await _until(lambda: _value_is(mine, load, "two"))


@needs_redis
async def test_earning_rules_changed_elsewhere_are_used_here_well_before_the_ttl(
    app, two_processes
):
    from app.earning import service as earning
    from app.earning.models import EarningPolicy

    here, there = two_processes
    assert earning.RULES.ttl > WITHIN
    async with cache.listening(here, caches=[earning.RULES]):
        before = (await earning.current_rules()).policy.referrer_points
        # Another process: the row changes, then its service announces the change.
        await EarningPolicy.update_or_create(id=1, defaults={"referrer_points": before + 7})
        await there.publish(earning.RULES.topic, {"cache": earning.RULES.name})

        async def seen() -> bool:
            return (await earning.current_rules()).policy.referrer_points == before + 7

        assert await _until(seen)


def test_the_clock_is_aware_utc_and_tests_can_stop_and_move_it():
    assert clock.now().tzinfo is dt.UTC
    at = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    try:
        assert clock.freeze(at) == at == clock.now()
        assert clock.advance(90) == at + dt.timedelta(seconds=90) == clock.now()
    finally:
        clock.unfreeze()
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)
