import datetime as dt
from enum import Enum
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from app import errors
from app.graphql.errors import InvalidInputError, UserError, error_type
from app.integrations import models
from app.members.types import Member


@error_type(errors.WebhookEndpointNotFound)
class WebhookEndpointNotFoundError(UserError):
    pass


@error_type(errors.WebhookDeliveryNotFound)
class WebhookDeliveryNotFoundError(UserError):
    pass


@strawberry.enum(description="Where a webhook delivery stands.")
class WebhookDeliveryStatus(Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@strawberry.type(description="A URL that receives signed webhook events.")
class WebhookEndpoint:
    id: relay.GlobalID
    url: str
    description: str | None
    event_types: list[str]
    active: bool
    consecutive_failures: int
    disabled_at: dt.datetime | None
    disabled_reason: str | None = strawberry.field(
        description="Why it was switched off (by staff, or after repeated failures)."
    )
    created_at: dt.datetime

    @classmethod
    def from_model(cls, e: models.WebhookEndpoint) -> "WebhookEndpoint":
        return cls(id=relay.GlobalID("WebhookEndpoint", str(e.id)), url=e.url,
                   description=e.description, event_types=list(e.event_types), active=e.active,
                   consecutive_failures=e.consecutive_failures, disabled_at=e.disabled_at,
                   disabled_reason=e.disabled_reason, created_at=e.created_at)  # fmt: skip


@strawberry.type(description="A new endpoint and its signing secret, shown this once.")
class WebhookEndpointCreated:
    endpoint: WebhookEndpoint
    secret: str = strawberry.field(
        description="Verify `Loyalty-Signature` with it; it is never shown again."
    )


@strawberry.type(description="One event sent (or to be sent) to one endpoint.")
class WebhookDelivery:
    id: relay.GlobalID
    endpoint_id: relay.GlobalID
    event_id: str = strawberry.field(description="Loyalty-Event-Id: the same on every retry.")
    event_type: str
    member_id: relay.GlobalID | None
    sequence: int = strawberry.field(description="The member's event number: the send order.")
    payload: JSON
    status: WebhookDeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None = strawberry.field(
        description="Why the last attempt failed, in general terms: `HTTP 503`, `timeout`, "
        "`connection failed`, `TLS error`, `could not resolve host`, `invalid HTTP response`, "
        "`refused: address not allowed` (never what the receiver answered)."
    )
    next_attempt_at: dt.datetime | None
    delivered_at: dt.datetime | None
    created_at: dt.datetime

    @classmethod
    def from_model(cls, d: models.WebhookDelivery) -> "WebhookDelivery":
        return cls(
            id=relay.GlobalID("WebhookDelivery", str(d.id)),
            endpoint_id=relay.GlobalID("WebhookEndpoint", str(d.endpoint_id)),
            event_id=str(d.event_id), event_type=d.event_type,
            member_id=relay.GlobalID("Member", str(d.member_id)) if d.member_id else None,
            sequence=d.sequence, payload=d.payload, status=WebhookDeliveryStatus(d.status),
            attempts=d.attempts, last_status_code=d.last_status_code, last_error=d.last_error,
            next_attempt_at=d.next_attempt_at, delivered_at=d.delivered_at,
            created_at=d.created_at,
        )  # fmt: skip


@strawberry.type(description="The delivery log, newest first.")
class WebhookDeliveryConnection(relay.Connection[WebhookDelivery]):
    pass


@strawberry.input
class CreateWebhookEndpointInput:
    url: str = strawberry.field(
        description="https:// (http:// too outside production), without user name or "
        "password. Refused (URL_NOT_ALLOWED) when the host is, or resolves to, a loopback, "
        "private, link-local, metadata or other non-public address, unless the address is in "
        "WEBHOOK_ALLOWED_NETWORKS; every delivery checks the address again."
    )
    event_types: list[str] = strawberry.field(
        description="e.g. member.created, points.earned, tier.changed (see the docs)."
    )
    description: str | None = None


@strawberry.input(description="Only the fields given change.")
class UpdateWebhookEndpointInput:
    id: relay.GlobalID
    url: str | None = strawberry.UNSET
    event_types: list[str] | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    active: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="true switches it back on: the failure count resets and parked "
        "deliveries resume in order.",
    )


@strawberry.input(
    description="A member as the CRM knows them. Fields left out stay as they are "
    "(a new member gets the defaults); null clears a nullable field."
)
class UpsertMemberInput:
    external_ref: str = strawberry.field(description="The CRM's id for the member (the key).")
    email: str | None = strawberry.UNSET
    display_name: str | None = strawberry.UNSET
    locale: str | None = strawberry.UNSET
    time_zone: str | None = strawberry.UNSET
    birthday: dt.date | None = strawberry.UNSET
    card_number: str | None = strawberry.UNSET
    interests: list[str] | None = strawberry.UNSET


@strawberry.type(description="The member after the upsert.")
class MemberUpserted:
    member: Member
    created: bool
    changed_fields: list[str] = strawberry.field(
        description="What this call changed (empty when it repeated an earlier one)."
    )


@strawberry.type
class WebhookEndpointDeleted:
    id: relay.GlobalID


CreateWebhookEndpointResult = Annotated[
    WebhookEndpointCreated | InvalidInputError, strawberry.union("CreateWebhookEndpointResult")
]
UpdateWebhookEndpointResult = Annotated[
    WebhookEndpoint | InvalidInputError | WebhookEndpointNotFoundError,
    strawberry.union("UpdateWebhookEndpointResult"),
]
DeleteWebhookEndpointResult = Annotated[
    WebhookEndpointDeleted | InvalidInputError | WebhookEndpointNotFoundError,
    strawberry.union("DeleteWebhookEndpointResult"),
]
ReplayWebhookDeliveryResult = Annotated[
    WebhookDelivery | InvalidInputError | WebhookDeliveryNotFoundError,
    strawberry.union("ReplayWebhookDeliveryResult"),
]
UpsertMemberResult = Annotated[
    MemberUpserted | InvalidInputError, strawberry.union("UpsertMemberResult")
]
