"""Publish-after-commit event bus for live subscriptions.

In-memory within one process by default; Redis pub/sub when `REDIS_URL` is set, so a
subscriber connected to one server process receives changes made through another. Each
subscription gets its own bounded queue, so one slow socket can never hold up delivery to
the others; it loses its oldest events instead and the client refetches (subscriptions are
hints, the database is the truth).

Publishing never waits on Redis: `RedisEventBus.publish` hands the event to this process's
subscribers at once and puts it on a bounded outbox that one background task drains to
Redis in pipelined batches. A full outbox drops its oldest events; a Redis that times out or
refuses opens a circuit: Redis is skipped for `CIRCUIT_SECONDS`, then tried again, and the
bus recovers by itself. Drops are counted and logged at most once per `DROP_LOG_INTERVAL`.

Signing out ends live streams: `publish_revocation` announces, after commit, which sessions
of a member ended on the member's `sessions:` topic, which every subscription of that member
listens to (see app.graphql.subscriptions).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import json
import logging
import time
import uuid
import weakref
from collections import deque
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from app import observability
from app.db import Transaction, current_transaction

log = logging.getLogger(__name__)
QUEUE_SIZE = 256


class Inbox:
    """One subscription's bounded queue: the part of asyncio.Queue the bus uses (`get`,
    `get_nowait`, `empty`, `full`, `qsize`, `put_nowait`) in a fraction of its memory, since
    a process holds one per open subscription (thousands): nothing is allocated while it is
    empty. Events of the subscription's `urgent` topic (see `subscribe`) wait apart and are
    taken first with `take_urgent`. `wait(until=...)` also returns at a deadline, kept by one
    timer per event loop for every inbox (`_AlarmClock`) rather than one per subscription."""

    __slots__ = ("_alarm_at", "_items", "_rung", "_urgent", "_waiters", "maxsize")

    def __init__(self, maxsize: int = 0) -> None:
        self._items: deque[dict] | None = None
        self._urgent: list[dict] | None = None
        self._waiters: list[asyncio.Future] | None = None
        self._alarm_at: float | None = None  # the deadline `_AlarmClock` rings this inbox at
        self._rung = False
        self.maxsize = maxsize

    def qsize(self) -> int:
        return (len(self._items) if self._items else 0) + (len(self._urgent) if self._urgent else 0)

    def empty(self) -> bool:
        return not self._items and not self._urgent

    def full(self) -> bool:
        return 0 < self.maxsize <= self.qsize()

    def put_nowait(self, item: dict) -> None:
        if self._items is None:
            self._items = deque()
        self._items.append(item)
        self._wake()

    def put_urgent(self, item: dict) -> None:
        if self._urgent is None:
            self._urgent = []
        self._urgent.append(item)
        self._wake()

    def drop_oldest(self) -> None:
        """Make room: the oldest ordinary event goes (an urgent one only if there is none)."""
        if self._items:
            self._take_item()
        elif self._urgent:
            self.take_urgent()

    def get_nowait(self) -> dict:
        """The next event, urgent ones first; asyncio.QueueEmpty when there is none."""
        if self._urgent:
            return self.take_urgent()  # type: ignore[return-value]
        if self._items:
            return self._take_item()
        raise asyncio.QueueEmpty

    def take_urgent(self) -> dict | None:
        """The oldest waiting event of the urgent topic, or None."""
        if not self._urgent:
            return None
        item = self._urgent.pop(0)
        if not self._urgent:
            self._urgent = None
        return item

    def has_ordinary(self) -> bool:
        """Whether an event of the subscription's own topic (not the urgent one) is waiting."""
        return bool(self._items)

    def _take_item(self) -> dict:
        items = self._items
        assert items
        item = items.popleft()
        if not items:
            self._items = None  # an empty deque still holds a 64-slot block
        return item

    async def wait(self, *, until: float | None = None, urgent_only: bool = False) -> bool:
        """Until an event is waiting (without taking it): True; or, with `until` (a time of
        the running loop's clock, `loop.time()`), until then: False. With `urgent_only`,
        ordinary events do not end the wait (a stream holding them back)."""

        def ready() -> bool:
            return bool(self._urgent) if urgent_only else not self.empty()

        if until is not None:
            _clock().ring_at(self, until)
        try:
            while not ready():
                if self._rung:
                    return False
                waiter = asyncio.get_running_loop().create_future()
                if self._waiters is None:
                    self._waiters = []
                self._waiters.append(waiter)
                try:
                    await waiter
                finally:
                    if waiter in self._waiters:
                        self._waiters.remove(waiter)
                    if not self._waiters:
                        self._waiters = None
                    if waiter.cancelled() and not self.empty():
                        self._wake()  # woken as it was cancelled: let another reader have it
            return True
        finally:
            self._rung = False  # the caller looks at the time after every wait anyway

    async def get(self) -> dict:
        """The next event, waiting for one."""
        await self.wait()
        return self.get_nowait()

    def forget_alarm(self) -> None:
        """No more deadlines for this inbox (its subscription ended)."""
        if self._alarm_at is not None:
            _clock().forget(self)

    def _ring(self) -> None:
        self._alarm_at = None
        self._rung = True
        self._wake(everyone=True)

    def _wake(self, *, everyone: bool = False) -> None:
        for waiter in self._waiters or ():
            if not waiter.done():
                waiter.set_result(None)
                if not everyone:
                    return


class _AlarmClock:
    """The deadlines of every waiting inbox of one event loop, behind one timer: thousands
    of open subscriptions wait with a deadline (the next session recheck, the token's
    expiry), and one asyncio timer each (asyncio.timeout) would cost memory per
    subscription and work on each wait. A deadline is set once and reused by every wait
    until it passes; entries of deadlines replaced or forgotten are dropped lazily."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._heap: list[tuple[float, int, Inbox]] = []
        self._seq = itertools.count()
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = float("inf")
        self._stale = 0

    def ring_at(self, inbox: Inbox, when: float) -> None:
        if inbox._alarm_at == when:
            return
        if inbox._alarm_at is not None:
            self._stale += 1
        inbox._alarm_at = when
        heapq.heappush(self._heap, (when, next(self._seq), inbox))
        self._arm()
        self._compact()

    def forget(self, inbox: Inbox) -> None:
        inbox._alarm_at = None
        self._stale += 1
        self._compact()

    def _arm(self) -> None:
        if not self._heap:
            return
        when = self._heap[0][0]
        if when < self._timer_at:
            if self._timer is not None:
                self._timer.cancel()
            self._timer, self._timer_at = self._loop.call_at(when, self._fire), when

    def _fire(self) -> None:
        self._timer, self._timer_at = None, float("inf")
        now = self._loop.time() + 0.001  # a timer may fire a hair early
        while self._heap and self._heap[0][0] <= now:
            when, _, inbox = heapq.heappop(self._heap)
            if inbox._alarm_at == when:
                inbox._ring()
            else:
                self._stale = max(self._stale - 1, 0)
        self._arm()

    def _compact(self) -> None:
        if self._stale > 64 and self._stale * 2 > len(self._heap):
            self._heap = [e for e in self._heap if e[2]._alarm_at == e[0]]
            heapq.heapify(self._heap)
            self._stale = 0


_clocks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _AlarmClock] = (
    weakref.WeakKeyDictionary()
)


def _clock() -> _AlarmClock:
    loop = asyncio.get_running_loop()
    clock = _clocks.get(loop)
    if clock is None:
        clock = _clocks[loop] = _AlarmClock(loop)
    return clock


class EventBus(Protocol):
    async def publish(self, topic: str, payload: dict) -> None:
        """Deliver `payload` to the subscriptions of `topic`."""

    def subscribe(
        self, topic: str, *, urgent: str | None = None
    ) -> AbstractAsyncContextManager[Inbox]:
        """A context manager: an inbox receiving the events of `topic` while open, and, with
        `urgent`, that topic's events too, taken before the others (`Inbox.take_urgent`)."""

    async def close(self) -> None:
        """Stop delivering and release what the bus holds."""


class _Subscription:
    """What `subscribe` returns: a plain async context manager (no generator), since a
    process holds one per open subscription."""

    __slots__ = ("_bus", "inbox", "topics")

    def __init__(self, bus: MemoryEventBus | RedisEventBus, topic: str, urgent: str | None):
        self._bus = bus
        self.topics = (topic,) if urgent is None else (topic, urgent)
        self.inbox = Inbox(maxsize=QUEUE_SIZE)

    async def __aenter__(self) -> Inbox:
        await self._bus._open(self)
        return self.inbox

    async def __aexit__(self, *exc_info: object) -> None:
        self.inbox.forget_alarm()
        await self._bus._shut(self)


class MemoryEventBus:
    """Fan-out to the subscriptions of this process."""

    def __init__(self) -> None:
        # topic -> {inbox: whether the topic is the inbox's urgent one}
        self._queues: dict[str, dict[Inbox, bool]] = {}

    async def publish(self, topic: str, payload: dict) -> None:
        """Queue `payload` for each subscription of `topic` (dropping its oldest
        event when full)."""
        for inbox, urgent in list(self._queues.get(topic, {}).items()):
            if inbox.full():
                inbox.drop_oldest()
                log.warning("subscription queue full on %s: dropped the oldest event", topic)
            if urgent:
                inbox.put_urgent(payload)
            else:
                inbox.put_nowait(payload)

    def subscribe(self, topic: str, *, urgent: str | None = None) -> _Subscription:
        """An inbox receiving the events of `topic` (and `urgent`'s, first) until the
        context exits."""
        return _Subscription(self, topic, urgent)

    def _add(self, subscription: _Subscription) -> None:
        for n, name in enumerate(subscription.topics):
            self._queues.setdefault(name, {})[subscription.inbox] = n == 1

    def _remove(self, subscription: _Subscription) -> None:
        for name in subscription.topics:
            inboxes = self._queues.get(name)
            if inboxes is not None:
                inboxes.pop(subscription.inbox, None)
                if not inboxes:
                    del self._queues[name]

    async def _open(self, subscription: _Subscription) -> None:
        self._add(subscription)

    async def _shut(self, subscription: _Subscription) -> None:
        self._remove(subscription)

    async def close(self) -> None:
        """Forget every subscription."""
        self._queues.clear()


class RedisEventBus:
    """Fan-out across processes through Redis pub/sub.

    Events published here reach this process's subscriptions directly (even while Redis is
    down) and every other process through Redis; each process ignores its own echoes. One
    pub/sub connection per process, read by one task that hands messages to the local
    queues; a channel is subscribed while this process has a subscription to its topic.
    The connection is opened on first use and re-opened with capped backoff after a
    failure, re-subscribing to every topic still wanted.

    `publish` never waits on Redis (see the module doc): it returns once local subscribers
    have the event and the outbox holds it. A failed publish is logged, never raised: the
    change it reports is already committed.
    """

    PREFIX = "loyalty:events:"
    PUBLISH_TIMEOUT = 0.5  # one pipelined batch to Redis; longer and Redis counts as unwell
    LOOP_STALL = 0.1  # a timeout firing this much late is this process's stall, not Redis's
    MAX_STALLS = 3  # ... at most this many times in a row
    MAX_BACKOFF = 5.0
    OUTBOX_SIZE = 10_000  # events waiting for Redis; beyond it the oldest are dropped
    BATCH = 200  # events per pipelined round trip
    CIRCUIT_SECONDS = 5.0  # how long Redis is skipped after a timeout or refusal
    STALE_SECONDS = 60.0  # events older than this are not sent late (they are hints)
    DROP_LOG_INTERVAL = 10.0

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
        # The outbox: (monotonic time queued, topic, message), drained by `_publisher`.
        self._outbox: deque[tuple[float, str, str]] = deque()
        self._wake = asyncio.Event()
        self._drained = asyncio.Event()
        self._publisher: asyncio.Task | None = None
        self._sending = False  # a batch is on its way to Redis
        self._skip_until = 0.0  # the circuit: Redis is not tried before this monotonic time
        self._unwell = False
        self._unlogged_drops = 0
        self._last_drop_log = float("-inf")
        self.stats = {"queued": 0, "published": 0, "dropped": 0, "circuit_opened": 0}

    @property
    def _control(self) -> str:
        # Always subscribed, so the reader has a live subscription even with no topics.
        return f"{self.PREFIX}process:{self._origin}"

    async def publish(self, topic: str, payload: dict) -> None:
        """Deliver to this process's subscribers now; queue for Redis (never waits on it)."""
        await self._local.publish(topic, payload)
        if self._closed:
            return
        if len(self._outbox) >= self.OUTBOX_SIZE:
            self._outbox.popleft()
            self._dropped(1, "the outbox is full")
        self._outbox.append(
            (time.monotonic(), topic, json.dumps({"origin": self._origin, "payload": payload}))
        )
        self.stats["queued"] += 1
        self._wake.set()
        if self._publisher is None or self._publisher.done():
            self._publisher = asyncio.create_task(self._publish_loop(), name="redis-publisher")

    @property
    def circuit_open(self) -> bool:
        """Whether Redis is being skipped right now after a failure."""
        return time.monotonic() < self._skip_until

    def _dropped(self, count: int, why: str) -> None:
        self.stats["dropped"] += count
        observability.count_publish_failure(count)
        self._unlogged_drops += count
        at = time.monotonic()
        if at - self._last_drop_log >= self.DROP_LOG_INTERVAL:
            log.warning("%d event(s) not published to Redis (%s); this process's subscribers "
                        "got them", self._unlogged_drops, why)  # fmt: skip
            self._unlogged_drops, self._last_drop_log = 0, at

    def _take_batch(self) -> list[tuple[str, str]]:
        cutoff = time.monotonic() - self.STALE_SECONDS
        batch: list[tuple[str, str]] = []
        stale = 0
        while self._outbox and len(batch) < self.BATCH:
            queued_at, topic, message = self._outbox.popleft()
            if queued_at < cutoff:
                stale += 1
            else:
                batch.append((topic, message))
        if stale:
            self._dropped(stale, "too old to send late")
        return batch

    async def _send(self, batch: list[tuple[str, str]]) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            for topic, message in batch:
                pipe.publish(self.PREFIX + topic, message)
            await pipe.execute()

    async def _round_trip(self, batch: list[tuple[str, str]]) -> None:
        """`_send` within PUBLISH_TIMEOUT (TimeoutError past it), where a timer that fired
        late (this process's event loop stalled: a long garbage collection with thousands of
        subscriptions open takes a second) does not count: Redis's answer may be waiting
        unread, so it gets another PUBLISH_TIMEOUT, up to MAX_STALLS times."""
        sending = asyncio.ensure_future(self._send(batch))
        try:
            for _ in range(self.MAX_STALLS + 1):
                started = time.monotonic()
                done, _ = await asyncio.wait({sending}, timeout=self.PUBLISH_TIMEOUT)
                if done:
                    return sending.result()
                if time.monotonic() - started < self.PUBLISH_TIMEOUT + self.LOOP_STALL:
                    break  # on time: Redis did not answer
            raise TimeoutError
        finally:
            if not sending.done():
                sending.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await sending

    async def _send_batch(self, batch: list[tuple[str, str]]) -> bool:
        """One round trip; a timeout or error opens the circuit and drops the batch (it may
        have reached Redis: sending it again could deliver it twice)."""
        try:
            await self._round_trip(batch)
        except Exception as exc:  # events are hints; the committed change stands
            self._skip_until = time.monotonic() + self.CIRCUIT_SECONDS
            self.stats["circuit_opened"] += 1
            if not self._unwell:  # once per episode, however long Redis stays unwell
                reason = "timed out" if isinstance(exc, TimeoutError) else exc
                log.warning("events not published to Redis (%s): skipping Redis for %.0fs at "
                            "a time until it answers", reason, self.CIRCUIT_SECONDS)  # fmt: skip
            self._unwell = True
            self._dropped(len(batch), "Redis unwell")
            return False
        self.stats["published"] += len(batch)
        if self._unwell:
            self._unwell = False
            log.warning("Redis answers again: events are published to it again")
        return True

    async def _publish_loop(self) -> None:
        while not self._closed:
            if not self._outbox:
                self._drained.set()
                self._wake.clear()
                await self._wake.wait()
                continue
            wait = self._skip_until - time.monotonic()
            if wait > 0:  # the circuit is open: local subscribers only, for now
                self._drained.set()
                await asyncio.sleep(wait)
                continue
            batch = self._take_batch()
            if batch:
                self._sending = True
                try:
                    await self._send_batch(batch)
                finally:
                    self._sending = False

    async def flush(self, *, within: float = 1.0) -> None:
        """Wait (at most `within` seconds) until what is queued went to Redis, unless Redis
        is being skipped."""
        if (not self._outbox and not self._sending) or self.circuit_open:
            return
        self._drained.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._drained.wait(), within)

    def subscribe(self, topic: str, *, urgent: str | None = None) -> _Subscription:
        """A local inbox receiving `topic`'s events (and `urgent`'s, first), each channel
        subscribed on Redis while open."""
        return _Subscription(self, topic, urgent)

    async def _open(self, subscription: _Subscription) -> None:
        self._local._add(subscription)
        try:
            await self._want(*subscription.topics)
        except BaseException:
            self._local._remove(subscription)
            raise

    async def _shut(self, subscription: _Subscription) -> None:
        try:
            await self._unwant(*subscription.topics)
        finally:
            self._local._remove(subscription)

    async def _want(self, *topics: str) -> None:
        self._ensure_reader()
        async with self._lock:
            new = []
            for topic in topics:
                self._topics[topic] = self._topics.get(topic, 0) + 1
                if self._topics[topic] == 1:
                    new.append(self.PREFIX + topic)
            if new and self._pubsub is not None:
                try:  # one round trip for the topic and the urgent one
                    await self._pubsub.subscribe(*new)
                except Exception as exc:  # the reader re-subscribes when it reconnects
                    log.warning("Redis SUBSCRIBE %s failed: %s", " ".join(new), exc)
        # Give a fresh connection a moment, so an event right after subscribing is not missed.
        if not self._connected.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._connected.wait(), 2.0)

    async def _unwant(self, *topics: str) -> None:
        async with self._lock:
            gone = []
            for topic in topics:
                self._topics[topic] -= 1
                if self._topics[topic] == 0:
                    del self._topics[topic]
                    gone.append(self.PREFIX + topic)
            if gone and self._pubsub is not None:
                try:
                    await self._pubsub.unsubscribe(*gone)
                except Exception as exc:
                    log.warning("Redis UNSUBSCRIBE %s failed: %s", " ".join(gone), exc)

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
        """Flush what is queued, stop the publisher and reader, drop what is left
        (logged) and close the Redis connections."""
        if self._publisher is not None and not self._publisher.done():
            await self.flush()  # a moment for what is queued, unless Redis is unwell
        self._closed = True
        for task in (self._publisher,):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if self._outbox:
            self._dropped(len(self._outbox), "the bus closed")
            self._outbox.clear()
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
    """The process's event bus."""
    return _bus


def use_bus(new_bus: EventBus) -> None:
    """Make `new_bus` the process's event bus."""
    global _bus
    _bus = new_bus


def publish_after_commit(tx: Transaction, topic: str, payload: dict | Callable[[], dict]) -> None:
    """Deliver `payload` on `topic` once `tx` commits; a rollback delivers nothing. A
    callable is called then, so the payload can say what the transaction committed."""

    async def deliver() -> None:
        await bus().publish(topic, payload() if callable(payload) else payload)

    tx.after_commit(deliver)


def member_topic(member_id: int) -> str:
    """The event-bus topic of one member's events."""
    return f"member:{member_id}"


# ---- session revocation -----------------------------------------------------------------------

SESSIONS_REVOKED = "SESSIONS_REVOKED"


def session_topic(member_id: int) -> str:
    """Where the ends of a member's sessions are announced (every subscription listens)."""
    return f"sessions:{member_id}"


def revocation(*, sessions: list | None = None, keep: list | None = None) -> dict:
    """The notice: these `sessions` ended, or (None) every session but those in `keep`."""
    return {"type": SESSIONS_REVOKED,
            "sessions": None if sessions is None else [str(s) for s in sessions],
            "keep": [str(s) for s in keep or ()]}  # fmt: skip


def revokes(notice: dict, session_id: object) -> bool:
    """Whether `notice` (see `revocation`) ends the session `session_id`."""
    if notice.get("type") != SESSIONS_REVOKED:
        return False
    sessions = notice.get("sessions")
    if sessions is None:
        return str(session_id) not in (notice.get("keep") or ())
    return str(session_id) in sessions


_unscoped: set[asyncio.Task] = set()


def publish_revocation(
    tx: Transaction | None = None, *, member_id: int, sessions: list | None = None,
    keep: list | None = None,
) -> None:  # fmt: skip
    """Announce, once `tx` (default: the transaction this task has open) commits, that
    `sessions` of the member ended (None: all of them but `keep`), so their subscriptions
    end in every server process. Outside a transaction it is announced at once."""
    topic, notice = session_topic(member_id), revocation(sessions=sessions, keep=keep)
    tx = tx or current_transaction()
    if tx is not None:
        publish_after_commit(tx, topic, notice)
        return
    task = asyncio.get_running_loop().create_task(bus().publish(topic, notice))
    _unscoped.add(task)
    task.add_done_callback(_unscoped.discard)
