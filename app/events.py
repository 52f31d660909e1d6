"""Publish-after-commit event bus for live subscriptions.

In-memory within one process by default. Each subscription gets its own bounded queue, so
one slow socket can never hold up delivery to the others; it loses its oldest events
instead and the client refetches (subscriptions are hints, the database is the truth).
"""

from __future__ import annotations

import asyncio
import logging
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
