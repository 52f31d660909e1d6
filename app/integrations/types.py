import datetime as dt
from enum import Enum
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from app import errors
from app.graphql.errors import (
    InvalidInputError,
    MemberNotFoundError,
    TooManyAttemptsError,
    UserError,
    error_type,
)
from app.integrations import models
from app.members.types import Member


@error_type(errors.WebhookEndpointNotFound, description="No webhook endpoint has that id.")
class WebhookEndpointNotFoundError(UserError):
    pass


@error_type(errors.WebhookDeliveryNotFound, description="No webhook delivery has that id.")
class WebhookDeliveryNotFoundError(UserError):
    pass


@error_type(
    errors.AlreadyHasPassword,
    description="The member has set a password already, so no invitation was sent (they "
    "can reset it if they forgot it).",
)
class AlreadyHasPasswordError(UserError):
    pass


@strawberry.enum(description="Where a webhook delivery stands.")
class WebhookDeliveryStatus(Enum):
    PENDING = strawberry.enum_value(
        "pending",
        description="Not delivered yet: waiting for its turn or a retry at `nextAttemptAt`.",
    )
    DELIVERED = strawberry.enum_value("delivered", description="The endpoint answered 2xx.")
    FAILED = strawberry.enum_value(
        "failed", description="Every retry failed; replayWebhookDelivery sends it again."
    )


@strawberry.type(description="A permission an integration client may be given.")
class IntegrationScope:
    name: str = strawberry.field(description="The scope as `scopes` lists it, e.g. `members:read`.")
    description: str = strawberry.field(description="What a client with this scope may do.")


@strawberry.type(description="A URL that receives signed webhook events.")
class WebhookEndpoint(relay.Node):
    id: relay.NodeID[int]
    url: str = strawberry.field(description="Where events are POSTed.")
    description: str | None = strawberry.field(description="A note for staff; null: none.")
    event_types: list[str] = strawberry.field(
        description="The event types it receives, e.g. points.earned."
    )
    active: bool = strawberry.field(
        description="False: switched off (by staff or after repeated failures); deliveries wait."
    )
    consecutive_failures: int = strawberry.field(
        description="Failed attempts since the last success."
    )
    disabled_at: dt.datetime | None = strawberry.field(
        description="When it was switched off (UTC); null: active."
    )
    disabled_reason: str | None = strawberry.field(
        description="Why it was switched off (by staff, or after repeated failures)."
    )
    created_at: dt.datetime = strawberry.field(description="When it was created (UTC).")

    @classmethod
    def from_model(cls, e: models.WebhookEndpoint) -> "WebhookEndpoint":
        return cls(id=e.id, url=e.url,
                   description=e.description, event_types=list(e.event_types), active=e.active,
                   consecutive_failures=e.consecutive_failures, disabled_at=e.disabled_at,
                   disabled_reason=e.disabled_reason, created_at=e.created_at)  # fmt: skip

    @classmethod
    async def resolve_nodes(
        cls, *, info, node_ids, required: bool = False
    ) -> list["WebhookEndpoint | None"]:
        """For `node(id:)`: endpoints, for the staff roles Access.INTEGRATIONS names."""
        from app.graphql import policy
        from app.integrations.endpoints import endpoints_by_ids

        return await policy.visible_nodes(
            info, node_ids, access=policy.Access.INTEGRATIONS,
            load=lambda viewer, ids: endpoints_by_ids(ids), convert=cls.from_model,
        )  # fmt: skip


@strawberry.type(description="A new endpoint and its signing secret, shown this once.")
class WebhookEndpointCreated:
    endpoint: WebhookEndpoint = strawberry.field(description="The new endpoint.")
    secret: str = strawberry.field(
        description="Verify `Loyalty-Signature` with it; it is never shown again."
    )


@strawberry.type(description="One event sent (or to be sent) to one endpoint.")
class WebhookDelivery(relay.Node):
    id: relay.NodeID[int]
    endpoint_id: relay.GlobalID = strawberry.field(description="The endpoint's global id.")
    event_id: str = strawberry.field(description="Loyalty-Event-Id: the same on every retry.")
    event_type: str = strawberry.field(description="The event type, e.g. points.earned.")
    member_id: relay.GlobalID | None = strawberry.field(
        description="The member the event is about; null: not about a member (or erased)."
    )
    sequence: int = strawberry.field(description="The member's event number: the send order.")
    payload: JSON = strawberry.field(description="The JSON body sent.")
    status: WebhookDeliveryStatus = strawberry.field(description="Where it stands.")
    attempts: int = strawberry.field(description="Attempts made so far.")
    last_status_code: int | None = strawberry.field(
        description="The HTTP status of the last attempt; null: none or no response."
    )
    last_error: str | None = strawberry.field(
        description="Why the last attempt failed, in general terms: `HTTP 503`, `timeout`, "
        "`connection failed`, `TLS error`, `could not resolve host`, `invalid HTTP response`, "
        "`refused: address not allowed` (never what the receiver answered)."
    )
    next_attempt_at: dt.datetime | None = strawberry.field(
        description="When it is tried next (UTC); null: not scheduled."
    )
    delivered_at: dt.datetime | None = strawberry.field(
        description="When it was delivered (UTC); null: not yet."
    )
    created_at: dt.datetime = strawberry.field(description="When the event was recorded (UTC).")

    @classmethod
    def from_model(cls, d: models.WebhookDelivery) -> "WebhookDelivery":
        return cls(
            id=d.id,
            endpoint_id=relay.GlobalID("WebhookEndpoint", str(d.endpoint_id)),
            event_id=str(d.event_id), event_type=d.event_type,
            member_id=relay.GlobalID("Member", str(d.member_id)) if d.member_id else None,
            sequence=d.sequence, payload=d.payload, status=WebhookDeliveryStatus(d.status),
            attempts=d.attempts, last_status_code=d.last_status_code, last_error=d.last_error,
            next_attempt_at=d.next_attempt_at, delivered_at=d.delivered_at,
            created_at=d.created_at,
        )  # fmt: skip

    @classmethod
    async def resolve_nodes(
        cls, *, info, node_ids, required: bool = False
    ) -> list["WebhookDelivery | None"]:
        """For `node(id:)`: deliveries, for the staff roles Access.INTEGRATIONS names."""
        from app.graphql import policy
        from app.integrations.endpoints import deliveries_by_ids

        return await policy.visible_nodes(
            info, node_ids, access=policy.Access.INTEGRATIONS,
            load=lambda viewer, ids: deliveries_by_ids(ids), convert=cls.from_model,
        )  # fmt: skip


@strawberry.type(description="The delivery log, newest first.")
class WebhookDeliveryConnection(relay.Connection[WebhookDelivery]):
    pass


@strawberry.input(description="A new webhook endpoint (admins).")
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
    description: str | None = strawberry.field(
        default=None, description="A note for staff; null: none."
    )


@strawberry.input(description="Only the fields given change.")
class UpdateWebhookEndpointInput:
    id: relay.GlobalID = strawberry.field(description="The endpoint's global id.")
    url: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new URL, under the same rules as on create."
    )
    event_types: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="The new list of event types."
    )
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new note; null clears it."
    )
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
    email: str | None = strawberry.field(
        default=strawberry.UNSET, description="The member's email (unique)."
    )
    display_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="The member's display name; null clears it."
    )
    locale: str | None = strawberry.field(default=strawberry.UNSET, description="en, nl or es.")
    time_zone: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="An IANA time zone, e.g. Europe/Amsterdam; used for quiet hours and birthdays.",
    )
    birthday: dt.date | None = strawberry.field(
        default=strawberry.UNSET, description="The member's birthday (ISO date); null clears it."
    )
    card_number: str | None = strawberry.field(
        default=strawberry.UNSET, description="The loyalty card number (unique); null clears it."
    )
    interests: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Interest tags used for segments."
    )


@strawberry.type(description="The member after the upsert.")
class MemberUpserted:
    member: Member = strawberry.field(description="The member.")
    created: bool = strawberry.field(description="True: this call created the member.")
    changed_fields: list[str] = strawberry.field(
        description="What this call changed (empty when it repeated an earlier one)."
    )


@strawberry.type(description="A new invitation to set a password is on its way.")
class InvitationSent:
    member: Member = strawberry.field(description="The member invited.")


@strawberry.type(description="The endpoint was deleted.")
class WebhookEndpointDeleted:
    id: relay.GlobalID = strawberry.field(description="The deleted endpoint's global id.")


CreateWebhookEndpointResult = Annotated[
    WebhookEndpointCreated | InvalidInputError,
    strawberry.union(
        "CreateWebhookEndpointResult",
        description="WebhookEndpointCreated, or a typed error: InvalidInput.",
    ),
]
UpdateWebhookEndpointResult = Annotated[
    WebhookEndpoint | InvalidInputError | WebhookEndpointNotFoundError,
    strawberry.union(
        "UpdateWebhookEndpointResult",
        description="WebhookEndpoint, or a typed error: InvalidInput, WebhookEndpointNotFound.",
    ),
]
DeleteWebhookEndpointResult = Annotated[
    WebhookEndpointDeleted | InvalidInputError | WebhookEndpointNotFoundError,
    strawberry.union(
        "DeleteWebhookEndpointResult",
        description="WebhookEndpointDeleted, or a typed error: InvalidInput, WebhookEndpointNotFound.",
    ),
]
ReplayWebhookDeliveryResult = Annotated[
    WebhookDelivery | InvalidInputError | WebhookDeliveryNotFoundError,
    strawberry.union(
        "ReplayWebhookDeliveryResult",
        description="WebhookDelivery, or a typed error: InvalidInput, WebhookDeliveryNotFound.",
    ),
]
UpsertMemberResult = Annotated[
    MemberUpserted | InvalidInputError,
    strawberry.union(
        "UpsertMemberResult", description="MemberUpserted, or a typed error: InvalidInput."
    ),
]
ResendInvitationResult = Annotated[
    InvitationSent
    | InvalidInputError
    | MemberNotFoundError
    | AlreadyHasPasswordError
    | TooManyAttemptsError,
    strawberry.union(
        "ResendInvitationResult",
        description="InvitationSent, or a typed error: InvalidInput, MemberNotFound, "
        "AlreadyHasPassword, TooManyAttempts (one invitation per member every 10 minutes).",
    ),
]
