"""Publish-after-commit event bus for live subscriptions.

In-memory within one process by default; Redis pub/sub when `REDIS_URL` is set, so a
subscriber connected to one server process receives changes made through another. Each
subscription gets its own bounded queue, so one slow socket can never hold up delivery to
the others; it loses its oldest events instead and the client refetches (subscriptions are
hints, the database is the truth).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

from app.db import Transaction

log = logging.getLogger(__name__)
QUEUE_SIZE = 256


class EventBus(Protocol):
    async def publish(self, topic: str, payload: dict) -> None: ...

    def subscribe(self, topic: str) -> AsyncIterator[asyncio.Queue[dict]]: ...

    async def close(self) -> None: ...


class MemoryEventBus:
    """Fan-out to the subscriptions of this process."""

    def __init__(self) -> None:
        self._queues: dict[str, set[asyncio.Queue[dict]]] = defaultdict(set)

    async def publish(self, topic: str, payload: dict) -> None:
        for queue in list(self._queues.get(topic, ())):
            if queue.full():
                queue.get_nowait()
                log.warning("subscription queue full on %s: dropped the oldest event", topic)
            queue.put_nowait(payload)

    @asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[asyncio.Queue[dict]]:
        queue: asyncio.Queue[dict] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._queues[topic].add(queue)
        try:
            yield queue
        finally:
            self._queues[topic].discard(queue)
            if not self._queues[topic]:
                del self._queues[topic]

    async def close(self) -> None:
        self._queues.clear()


class RedisEventBus:
    """Fan-out across processes through Redis pub/sub.

    Events published here reach this process's subscriptions directly (even while Redis is
    down) and every other process through Redis; each process ignores its own echoes. One
    pub/sub connection per process, read by one task that hands messages to the local
    queues; a channel is subscribed while this process has a subscription to its topic.
    The connection is opened on first use and re-opened with capped backoff after a
    failure, re-subscribing to every topic still wanted. A failed publish is logged, never
    raised: the change it reports is already committed.
    """

    PREFIX = "loyalty:events:"
    PUBLISH_TIMEOUT = 1.0
    MAX_BACKOFF = 5.0

    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis

        self._origin = uuid.uuid4().hex
        self._local = MemoryEventBus()
        self._redis = Redis.from_url(
            url,
            socket_connect_timeout=2,
            socket_timeout=5,
            health_check_interval=15,
            client_name=f"loyalty-events-{self._origin[:12]}",  # visible in CLIENT LIST
        )
        self._topics: dict[str, int] = {}
        self._pubsub = None
        self._reader: asyncio.Task | None = None
        self._connected = asyncio.Event()
        self._lock = asyncio.Lock()
        self._closed = False

    @property
    def _control(self) -> str:
        # Always subscribed, so the reader has a live subscription even with no topics.
        return f"{self.PREFIX}process:{self._origin}"

    async def publish(self, topic: str, payload: dict) -> None:
        await self._local.publish(topic, payload)
        message = json.dumps({"origin": self._origin, "payload": payload})
        try:
            await asyncio.wait_for(
                self._redis.publish(self.PREFIX + topic, message), self.PUBLISH_TIMEOUT
            )
        except Exception as exc:  # events are hints; the committed change stands
            log.warning("event on %s not published to Redis: %s", topic, exc)

    @asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[asyncio.Queue[dict]]:
        async with self._local.subscribe(topic) as queue:
            await self._want(topic)
            try:
                yield queue
            finally:
                await self._unwant(topic)

    async def _want(self, topic: str) -> None:
        self._ensure_reader()
        async with self._lock:
            self._topics[topic] = self._topics.get(topic, 0) + 1
            if self._topics[topic] == 1 and self._pubsub is not None:
                try:
                    await self._pubsub.subscribe(self.PREFIX + topic)
                except Exception as exc:  # the reader re-subscribes when it reconnects
                    log.warning("Redis SUBSCRIBE %s failed: %s", topic, exc)
        # Give a fresh connection a moment, so an event right after subscribing is not missed.
        if not self._connected.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._connected.wait(), 2.0)

    async def _unwant(self, topic: str) -> None:
        async with self._lock:
            self._topics[topic] -= 1
            if self._topics[topic] == 0:
                del self._topics[topic]
                if self._pubsub is not None:
                    try:
                        await self._pubsub.unsubscribe(self.PREFIX + topic)
                    except Exception as exc:
                        log.warning("Redis UNSUBSCRIBE %s failed: %s", topic, exc)

    def _ensure_reader(self) -> None:
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read(), name="redis-event-bus")

    async def _read(self) -> None:
        backoff = 0.1
        while not self._closed:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                async with self._lock:
                    channels = [self.PREFIX + t for t in self._topics]
                    await pubsub.subscribe(self._control, *channels)
                    self._pubsub = pubsub
                self._connected.set()
                backoff = 0.1
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is not None and message["type"] == "message":
                        await self._deliver(message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("Redis event bus connection lost (%s); retrying in %.1fs", exc, backoff)
                self._connected.clear()
                async with self._lock:
                    self._pubsub = None
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.MAX_BACKOFF)
            finally:
                if self._pubsub is pubsub:
                    self._pubsub = None

    async def _deliver(self, message: dict) -> None:
        try:
            envelope = json.loads(message["data"])
            origin, payload = envelope["origin"], envelope["payload"]
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed event on %r", message.get("channel"))
            return
        if origin == self._origin:
            return
        channel = message["channel"].decode()
        await self._local.publish(channel.removeprefix(self.PREFIX), payload)

    async def close(self) -> None:
        self._closed = True
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            with contextlib.suppress(Exception):
                await pubsub.aclose()
        await self._redis.aclose()
        await self._local.close()


def bus_for(redis_url: str | None) -> EventBus:
    """The bus a process should use: Redis when configured, else in-memory."""
    return RedisEventBus(redis_url) if redis_url else MemoryEventBus()


_bus: EventBus = MemoryEventBus()


def bus() -> EventBus:
    return _bus


def use_bus(new_bus: EventBus) -> None:
    global _bus
    _bus = new_bus


def publish_after_commit(tx: Transaction, topic: str, payload: dict) -> None:
    """Deliver `payload` on `topic` once `tx` commits; a rollback delivers nothing."""

    async def deliver() -> None:
        await bus().publish(topic, payload)

    tx.after_commit(deliver)


def member_topic(member_id: int) -> str:
    return f"member:{member_id}"
