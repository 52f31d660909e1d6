"""Small per-process caches of program data that every request reads and staff rarely change
(the earning rules, the tiers, the offers, the terms in force).

A `Cache` holds one value per process for `ttl` seconds: `await cache.get(loader)` answers
from memory while fresh and calls `loader()` otherwise. When staff change the data, the
service calls `await cache.changed()` after its transaction (inside one, the announcement
waits for the commit): this process forgets at once, and a notice on the event bus topic
`cache:<name>` makes every other process forget too (through Redis when `REDIS_URL` is set,
so within about a second; see app.events). The TTL is the fallback for a process that missed
the notice (Redis down, a worker without a bus): it sees the change within `ttl` seconds.

Every process that serves requests listens with `async with cache.listening(bus): ...`
(app.main's lifespan does). Tests empty every cache with `forget_all()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Generic, TypeVar

from app import events
from app.db import current_transaction

T = TypeVar("T")
_EMPTY = object()
_ALL: list[Cache] = []


class Cache(Generic[T]):
    """One value per process, reloaded after `ttl` seconds or when `changed()` is announced."""

    def __init__(self, name: str, *, ttl: float) -> None:
        self.name = name
        self.topic = f"cache:{name}"
        self.ttl = ttl
        self._value: object = _EMPTY
        self._at = 0.0
        self._generation = 0  # bumped by forget(): a load that started before it is not kept
        _ALL.append(self)

    async def get(self, loader: Callable[[], Awaitable[T]]) -> T:
        """The cached value while fresh, else `await loader()` (kept for `ttl` seconds)."""
        if self._value is not _EMPTY and time.monotonic() - self._at < self.ttl:
            return self._value  # type: ignore[return-value]
        generation = self._generation
        value = await loader()
        if generation == self._generation:  # no change was announced while it loaded
            self._value, self._at = value, time.monotonic()
        return value

    def forget(self) -> None:
        """Drop this process's value (the next `get` loads afresh)."""
        self._value = _EMPTY
        self._generation += 1

    async def changed(self) -> None:
        """The data changed: forget it here and tell every process, after the commit when
        called inside a transaction."""
        tx = current_transaction()
        if tx is not None:
            self.forget()
            tx.after_commit(self._announce)
        else:
            await self._announce()

    async def _announce(self) -> None:
        self.forget()
        await events.bus().publish(self.topic, {"cache": self.name})

    async def _listen(self, bus: events.EventBus, ready: asyncio.Event) -> None:
        async with bus.subscribe(self.topic) as queue:
            ready.set()
            while True:
                await queue.get()
                self.forget()


def forget_all() -> None:
    """Empty every cache of this process (tests: the rows they were read from are gone)."""
    for cache in _ALL:
        cache.forget()


@asynccontextmanager
async def listening(
    bus: events.EventBus | None = None, *, caches: list[Cache] | None = None
) -> AsyncIterator[None]:
    """While open, every cache of this process (or those given) forgets when a change is
    announced on `bus` (default: the process's bus) by any process."""
    bus = bus or events.bus()
    tasks, waits = [], []
    for cache in list(_ALL) if caches is None else caches:
        ready = asyncio.Event()
        tasks.append(asyncio.create_task(cache._listen(bus, ready), name=cache.topic))
        waits.append(asyncio.create_task(ready.wait()))
    try:
        if waits:
            await asyncio.wait(waits, timeout=5.0)  # subscribed (a bus that hangs: go on)
        yield
    finally:
        for task in tasks + waits:
            task.cancel()
        for task in tasks + waits:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
