"""Outbound webhooks: events recorded with the change they report (the outbox), delivered
by durable jobs with backoff, in order per member. Staff's side is in `endpoints`.

Guarantees a receiver can rely on:
- An event exists exactly when its change committed (recorded in the same transaction).
- Each delivery is retried until the endpoint answers 2xx (exponential backoff), so it is
  accepted at least once; a crash mid-request may repeat it, with the same
  `Loyalty-Event-Id`, which receivers use to ignore repeats ("exactly once accepted").
- A member's events reach an endpoint in the order they happened: a delivery waits while an
  earlier one of the same member to the same endpoint is still pending.
- An endpoint failing `webhook_disable_after` times in a row is switched off with the reason;
  its pending deliveries are parked and resume, in order, when staff switch it back on.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Sequence

from tortoise.expressions import F, Q
from tortoise.functions import Max

from app import jobs, observability
from app.cache import Cache
from app.clock import now
from app.db import Transaction, connection, current_transaction, transaction
from app.integrations import targets as guard
from app.integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.integrations.signatures import sign
from app.settings import get_settings
from app.sql import ACTIVE_WEBHOOKS

EVENT_TYPES = (
    "member.created",
    "member.updated",
    "member.erased",
    "consent.changed",
    "points.earned",
    "points.redeemed",
    "points.expired",
    "points.adjusted",
    "tier.changed",
    "redemption.created",
    "redemption.cancelled",
)
# A delivery the endpoint keeps refusing while its other deliveries succeed (so the endpoint
# is never switched off) is given up after this many attempts; staff can replay it.
MAX_DELIVERY_ATTEMPTS = 20
# The job layer must not give up on its own: waiting for an earlier event counts as a run.
_JOB_ATTEMPTS = 100_000
_WAIT_MAX = dt.timedelta(hours=1)
JOB_KIND = "webhook.deliver"


# ---- recording events (inside the business transaction) ------------------------------------


def jsonable(value: object) -> object:
    """`value` with dates as ISO strings, ready for a JSON payload."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


async def emit_event(*, type: str, member_id: int | None, data: dict) -> int:
    """Record `type` for every active endpoint subscribed to it, in the caller's transaction
    (one is opened when there is none). Returns how many deliveries were recorded."""
    return await emit_events([(type, member_id, data)])


async def emit_events(events: Sequence[tuple[str, int | None, dict]]) -> int:
    """`emit_event` for many events at once (bulk imports): a handful of queries in all."""
    tx = current_transaction()
    if tx is None:
        async with transaction() as tx:
            return await _record(tx, events)
    return await _record(tx, events)


async def subscribed_types() -> set[str]:
    """The event types some active endpoint wants now (in the caller's transaction): lets a
    bulk writer skip building payloads nobody subscribed to."""
    tx = current_transaction()
    endpoints = await _active_endpoints(tx.connection if tx is not None else connection())
    return {t for _, types in endpoints for t in types}


async def _active_endpoints(conn) -> list[tuple[int, list[str]]]:
    """(id, event types) of the active endpoints. Hand-written: every points movement asks,
    and building it with the ORM costs more than the query itself."""
    _, rows = await conn.execute_query(ACTIVE_WEBHOOKS)
    if not rows:
        return []
    types = WebhookEndpoint._meta.fields_map["event_types"]
    return [(row["id"], types.to_python_value(row["event_types"])) for row in rows]


# The active endpoints, cached per process: every points movement asks, staff rarely change
# them. `endpoints_changed()` after every change (staff's create, update, delete; an endpoint
# switched off after failures) makes every process forget (app.cache); the TTL is the
# fallback for a process that missed the notice.
ENDPOINTS_TTL_SECONDS = 5.0
ENDPOINTS: Cache[list[tuple[int, list[str]]]] = Cache("webhook-endpoints",
                                                      ttl=ENDPOINTS_TTL_SECONDS)  # fmt: skip


async def endpoints_changed() -> None:
    """An endpoint was created, changed or deleted: every process reads them afresh (after
    the commit, when called in a transaction)."""
    await ENDPOINTS.changed()


async def _record(tx: Transaction, events: Sequence[tuple[str, int | None, dict]]) -> int:
    for kind, _, _ in events:
        if kind not in EVENT_TYPES:
            raise ValueError(f"unknown webhook event type {kind!r}")
    conn = tx.connection
    # Nobody subscribed (the cache says): no statement. Else the endpoints are read afresh
    # in this transaction, so no delivery is recorded for one deleted or switched off
    # since the cache was filled.
    cached = await ENDPOINTS.get(lambda: _active_endpoints(conn))
    if not any(e[0] in types for e in events for _, types in cached):
        return 0
    endpoints = await _active_endpoints(conn)
    wanted = [(e, [i for i, types in endpoints if e[0] in types]) for e in events]
    wanted = [(e, targets) for e, targets in wanted if targets]
    if not wanted:
        return 0
    from app.members import service as members  # to name the member the way the CRM does

    member_ids = sorted({e[1] for e, _ in wanted if e[1] is not None})
    refs = await members.external_refs(member_ids=member_ids, conn=conn)
    last = dict(
        await WebhookDelivery.filter(member_id__in=member_ids).using_db(conn)
        .group_by("member_id").annotate(last=Max("sequence")).values_list("member_id", "last")
    )  # fmt: skip
    at = now()
    rows: list[WebhookDelivery] = []
    for (kind, member_id, data), targets in wanted:
        sequence = 0
        if member_id is not None:
            sequence = last[member_id] = (last.get(member_id) or 0) + 1
        event_id = uuid.uuid4()
        payload = {
            "id": str(event_id), "type": kind, "created_at": at.isoformat(), "sequence": sequence,
            "member": None if member_id is None
            else {"id": member_id, "external_ref": refs.get(member_id)},
            "data": data,
        }  # fmt: skip
        rows += [WebhookDelivery(endpoint_id=t, event_id=event_id, event_type=kind,
                                 member_id=member_id, sequence=sequence, payload=payload)
                 for t in targets]  # fmt: skip
    await WebhookDelivery.bulk_create(rows, batch_size=1000, using_db=conn)
    await enqueue_deliveries(conn, [(r.endpoint_id, r.event_id) for r in rows])
    return len(rows)


async def enqueue_deliveries(conn, targets: Sequence[tuple[int, uuid.UUID]]) -> None:
    """One delivery job per (endpoint id, event id), in the transaction of `conn`."""
    at = now()
    await jobs.Job.bulk_create(
        [jobs.Job(kind=JOB_KIND, payload={"endpoint": e, "event": str(ev)}, run_at=at,
                  max_attempts=_JOB_ATTEMPTS) for e, ev in targets],
        batch_size=1000, using_db=conn,
    )  # fmt: skip


# ---- delivering -----------------------------------------------------------------------------


def body_of(delivery: WebhookDelivery) -> str:
    """The exact bytes we send (and sign): compact, key-sorted JSON of the stored payload."""
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


async def _post(
    endpoint: WebhookEndpoint, delivery: WebhookDelivery
) -> tuple[int | None, str | None]:
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "loyalty-webhooks/1",
        "Loyalty-Signature": sign(secret=endpoint.secret, body=body, timestamp=int(time.time())),
        "Loyalty-Event-Id": str(delivery.event_id),
        "Loyalty-Event-Type": delivery.event_type,
    }
    settings = get_settings()
    try:
        # Connects only to checked addresses (`guard`); the answer's body is never read,
        # and a failure is logged as a generic reason, not as what the target said.
        async with (
            guard.client(settings=settings, timeout=settings.webhook_timeout_seconds) as client,
            client.stream("POST", endpoint.url, content=body.encode(), headers=headers) as response,
        ):
            status = response.status_code
    except Exception as exc:  # whatever it was, the log gets a generic reason
        return None, guard.reason(exc)
    if 200 <= status < 300:
        return status, None
    return status, f"HTTP {status}"


async def _earlier_pending(delivery: WebhookDelivery) -> WebhookDelivery | None:
    if delivery.member_id is None:
        return None
    return await WebhookDelivery.filter(
        Q(sequence__lt=delivery.sequence) | Q(sequence=delivery.sequence, id__lt=delivery.id),
        endpoint_id=delivery.endpoint_id, member_id=delivery.member_id,
        status=DeliveryStatus.PENDING,
    ).order_by("sequence", "id").first()  # fmt: skip


@jobs.handler(JOB_KIND)
async def deliver_job(payload: dict) -> None:
    """Send one delivery once its turn has come; record the outcome; schedule the retry."""
    delivery = await WebhookDelivery.get_or_none(
        endpoint_id=payload["endpoint"], event_id=payload["event"]
    )
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return  # delivered, given up, or its endpoint deleted
    at = now()
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > at:
        # Not due yet: an attempt is in flight or a retry is scheduled (this job may be a
        # second one for the delivery, after a replay). Come back then; the claim below
        # lets only one job send each attempt.
        raise jobs.RetryLater("not due yet", after=delivery.next_attempt_at - at)
    endpoint = await WebhookEndpoint.get_or_none(id=delivery.endpoint_id)
    if endpoint is None:
        return
    if not endpoint.active:  # parked until staff switch the endpoint back on
        return
    blocker = await _earlier_pending(delivery)
    if blocker is not None:
        due = blocker.next_attempt_at or at
        wait = min(max(due - at, dt.timedelta(0)) + dt.timedelta(seconds=1), _WAIT_MAX)
        raise jobs.RetryLater(f"waiting for event {blocker.event_id}", after=wait)
    # Claim this attempt: of two jobs holding the same delivery, one sends.
    claimed = await WebhookDelivery.filter(
        id=delivery.id, status=DeliveryStatus.PENDING, attempts=delivery.attempts
    ).update(attempts=delivery.attempts + 1, next_attempt_at=at + jobs.lease_length())  # fmt: skip
    if not claimed:
        return
    attempts = delivery.attempts + 1
    code, error = await _post(endpoint, delivery)
    if error is None:
        async with transaction() as tx:
            await WebhookDelivery.filter(id=delivery.id).using_db(tx.connection).update(
                status=DeliveryStatus.DELIVERED, delivered_at=now(), last_status_code=code,
                last_error=None, next_attempt_at=None,
            )  # fmt: skip
            await WebhookEndpoint.filter(id=endpoint.id, consecutive_failures__gt=0).using_db(
                tx.connection
            ).update(consecutive_failures=0)  # fmt: skip
        observability.count_webhook("delivered")
        return
    observability.count_webhook("failed")
    await _failed(endpoint, delivery, attempts, code, error)


async def _failed(
    endpoint: WebhookEndpoint, delivery: WebhookDelivery, attempts: int, code: int | None,
    error: str,
) -> None:  # fmt: skip
    at = now()
    delay = jobs.backoff(attempts)
    give_up = attempts >= MAX_DELIVERY_ATTEMPTS
    limit = get_settings().webhook_disable_after
    async with transaction() as tx:
        conn = tx.connection
        await WebhookEndpoint.filter(id=endpoint.id).using_db(conn).update(
            consecutive_failures=F("consecutive_failures") + 1
        )  # fmt: skip
        failures = (await WebhookEndpoint.filter(id=endpoint.id).using_db(conn)
                    .values_list("consecutive_failures", flat=True))  # fmt: skip
        disabled = bool(failures) and failures[0] >= limit and bool(
            await WebhookEndpoint.filter(id=endpoint.id, active=True).using_db(conn).update(
                active=False, disabled_at=at,
                disabled_reason=f"switched off after {failures[0]} failed deliveries in a row "
                f"(last: {error})"[:300],
            )
        )  # fmt: skip
        if disabled:
            await endpoints_changed()  # (after the commit)
        await WebhookDelivery.filter(id=delivery.id).using_db(conn).update(
            last_status_code=code, last_error=error,
            status=DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING,
            next_attempt_at=None if (give_up or disabled) else at + delay,
        )  # fmt: skip
    if not (give_up or disabled):
        raise jobs.RetryLater(error, after=delay)


# ---- erasure --------------------------------------------------------------------------------


async def forget_member(*, member_id: int) -> int:
    """Remove the member's personal data from the delivery log (their events keep only type,
    time, order and the pseudonymous member id). Pending ones are sent in that form.
    Returns how many deliveries were scrubbed."""
    async with transaction() as tx:
        conn = tx.connection
        rows = await WebhookDelivery.filter(member_id=member_id).using_db(conn).values_list(
            "id", "payload"
        )  # fmt: skip
        for delivery_id, payload in rows:
            scrubbed = {key: payload.get(key) for key in ("id", "type", "created_at", "sequence")}
            scrubbed.update(member={"id": member_id, "external_ref": None}, data={}, erased=True)
            await WebhookDelivery.filter(id=delivery_id).using_db(conn).update(payload=scrubbed)
    return len(rows)
