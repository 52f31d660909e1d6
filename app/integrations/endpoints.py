"""Staff's side of webhooks: registering endpoints (each with its signing secret), switching
them off and on, the delivery log and manual replay."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from app.db import Transaction, transaction
from app.errors import FieldProblem, InvalidInput, WebhookDeliveryNotFound, WebhookEndpointNotFound
from app.integrations import targets
from app.integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.integrations.webhooks import EVENT_TYPES, endpoints_changed, enqueue_deliveries, now
from app.members.service import UNSET, _Unset
from app.pagination import Page, paginate_by_id
from app.settings import get_settings

MAX_URL = 2000
MAX_DESCRIPTION = 200


async def _check_url(url: str, problems: list[FieldProblem]) -> str:
    """A URL webhooks may go to (see `targets`): well formed, no credentials, and a host
    that is not, and does not resolve to, an internal address."""
    url = url.strip()
    if len(url) > MAX_URL:
        problems.append(FieldProblem("url", "TOO_LONG", {"max": MAX_URL}))
    elif any(c.isspace() for c in url):
        problems.append(FieldProblem("url", "INVALID_WEBHOOK_URL"))
    else:
        problem = await targets.check_url(url, settings=get_settings())
        if problem is not None:
            problems.append(FieldProblem("url", *problem))
    return url


def _check_event_types(types: Sequence[str], problems: list[FieldProblem]) -> list[str]:
    chosen = list(dict.fromkeys(t.strip() for t in types))
    unknown = [t for t in chosen if t not in EVENT_TYPES]
    if unknown:
        problems.append(FieldProblem("eventTypes", "UNKNOWN_WEBHOOK_EVENT",
                                     {"unknown": ", ".join(unknown),
                                      "allowed": ", ".join(EVENT_TYPES)}))  # fmt: skip
    elif not chosen:
        problems.append(FieldProblem("eventTypes", "REQUIRED"))
    return chosen


def _check_description(description: str | None, problems: list[FieldProblem]) -> str | None:
    if description is not None and len(description) > MAX_DESCRIPTION:
        problems.append(FieldProblem("description", "TOO_LONG", {"max": MAX_DESCRIPTION}))
    return description.strip() or None if description is not None else None


def new_secret() -> str:
    """A new random webhook signing secret."""
    return "whsec_" + secrets.token_urlsafe(32)


async def create_endpoint(
    *, url: str, event_types: Sequence[str], description: str | None = None,
    actor_id: int | None = None,
) -> tuple[WebhookEndpoint, str]:  # fmt: skip
    """Register an endpoint; returns it with its signing secret (shown this once)."""
    problems: list[FieldProblem] = []
    url = await _check_url(url, problems)
    chosen = _check_event_types(event_types, problems)
    description = _check_description(description, problems)
    if problems:
        raise InvalidInput(problems)
    secret = new_secret()
    async with transaction() as tx:
        endpoint = await WebhookEndpoint.create(
            url=url, event_types=chosen, description=description, secret=secret,
            created_by_id=actor_id, using_db=tx.connection,
        )  # fmt: skip
        await endpoints_changed()  # every process's cache of them (after the commit)
    return endpoint, secret


async def update_endpoint(
    *, endpoint_id: int, url: str | _Unset = UNSET, event_types: Sequence[str] | _Unset = UNSET,
    description: str | _Unset | None = UNSET, active: bool | _Unset = UNSET,
) -> WebhookEndpoint:  # fmt: skip
    """Change an endpoint. Switching it back on clears its failure count and resumes its
    parked deliveries, oldest first."""
    problems: list[FieldProblem] = []
    changes: dict[str, object] = {}
    if not isinstance(url, _Unset):
        changes["url"] = await _check_url(url, problems)
    if not isinstance(event_types, _Unset):
        changes["event_types"] = _check_event_types(event_types, problems)
    if not isinstance(description, _Unset):
        changes["description"] = _check_description(description, problems)
    if problems:
        raise InvalidInput(problems)
    async with transaction() as tx:
        conn = tx.connection
        endpoint = await WebhookEndpoint.filter(id=endpoint_id).using_db(conn).select_for_update().first()  # fmt: skip
        if endpoint is None:
            raise WebhookEndpointNotFound()
        resume = active is True and not endpoint.active
        if active is True:
            changes.update(active=True, consecutive_failures=0, disabled_at=None,
                           disabled_reason=None)  # fmt: skip
        elif active is False and endpoint.active:
            changes.update(active=False, disabled_at=now(), disabled_reason="switched off by staff")
        if changes:
            await WebhookEndpoint.filter(id=endpoint_id).using_db(conn).update(**changes)
            await endpoints_changed()
        if resume:
            await _resume(tx, endpoint_id)
    return await WebhookEndpoint.get(id=endpoint_id)


async def _resume(tx: Transaction, endpoint_id: int) -> None:
    conn = tx.connection
    parked = await WebhookDelivery.filter(
        endpoint_id=endpoint_id, status=DeliveryStatus.PENDING
    ).using_db(conn).order_by("sequence", "id").values_list("event_id", flat=True)  # fmt: skip
    await WebhookDelivery.filter(
        endpoint_id=endpoint_id, status=DeliveryStatus.PENDING
    ).using_db(conn).update(next_attempt_at=None)  # fmt: skip
    await enqueue_deliveries(conn, [(endpoint_id, e) for e in parked])


async def delete_endpoint(*, endpoint_id: int) -> None:
    """Remove an endpoint and its delivery log."""
    async with transaction() as tx:
        deleted = await WebhookEndpoint.filter(id=endpoint_id).using_db(tx.connection).delete()
        if deleted:
            await endpoints_changed()
    if not deleted:
        raise WebhookEndpointNotFound()


async def endpoints_by_ids(ids: Sequence[int]) -> list[WebhookEndpoint | None]:
    """Endpoints in the order asked (None where there is none), for `node(id:)`."""
    found = {e.id: e for e in await WebhookEndpoint.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


async def deliveries_by_ids(ids: Sequence[int]) -> list[WebhookDelivery | None]:
    """Deliveries in the order asked (None where there is none), for `node(id:)`."""
    found = {d.id: d for d in await WebhookDelivery.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


async def list_endpoints() -> list[WebhookEndpoint]:
    """Every endpoint, oldest first (a handful: no paging)."""
    return await WebhookEndpoint.all().order_by("id")


# ---- the delivery log ------------------------------------------------------------------------


async def list_deliveries(
    *, endpoint_id: int | None, status: DeliveryStatus | None, first: int | None,
    after: str | None,
) -> Page:  # fmt: skip
    """The delivery log, newest first."""
    query = WebhookDelivery.all()
    if endpoint_id is not None:
        query = query.filter(endpoint_id=endpoint_id)
    if status is not None:
        query = query.filter(status=status)
    return await paginate_by_id(query, first=first, after=after, newest_first=True)


async def replay(*, delivery_id: int) -> WebhookDelivery:
    """Send a delivery again (same event id, fresh signature), whatever its status; it
    gets a fresh attempt budget. It waits, like any delivery, while its endpoint is off."""
    async with transaction() as tx:
        conn = tx.connection
        delivery = await WebhookDelivery.get_or_none(id=delivery_id).using_db(conn)
        if delivery is None:
            raise WebhookDeliveryNotFound()
        await WebhookDelivery.filter(id=delivery_id).using_db(conn).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None, delivered_at=None
        )  # fmt: skip
        await enqueue_deliveries(conn, [(delivery.endpoint_id, delivery.event_id)])
    return await WebhookDelivery.get(id=delivery_id)
