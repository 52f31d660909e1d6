from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app.auth.service import SCOPES
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.permissions import HasScope, IsStaff, allow
from app.graphql.relay import PageAfter, PageFirst, node_id, to_connection
from app.integrations import endpoints, invitations, sync
from app.integrations import types as T
from app.integrations.models import DeliveryStatus
from app.members.service import UNSET
from app.members.types import Member

ADMINS = policy.roles(policy.Access.INTEGRATIONS)
INVITERS = policy.roles(policy.Access.RESEND_INVITATION)


def _camel(column: str) -> str:
    head, *rest = column.split("_")
    return head + "".join(part.title() for part in rest)


def _given(value: object) -> object:
    return UNSET if value is strawberry.UNSET else value


@strawberry.type
class IntegrationsQuery:
    @strawberry.field(
        description="Admins: the registered webhook endpoints.", extensions=allow(IsStaff(*ADMINS))
    )
    async def webhook_endpoints(self, info: Info[Context, None]) -> list[T.WebhookEndpoint]:
        return [T.WebhookEndpoint.from_model(e) for e in await endpoints.list_endpoints()]

    @strawberry.field(
        description="Admins: every event type a webhook endpoint may subscribe to (the values "
        "`createWebhookEndpoint` accepts in `events`).",
        extensions=allow(IsStaff(*ADMINS)),
    )
    async def webhook_event_types(self, info: Info[Context, None]) -> list[str]:
        return list(endpoints.EVENT_TYPES)

    @strawberry.field(
        description="Admins: every scope an integration client may be given, with what it "
        "allows (the values `createIntegrationClient` accepts in `scopes`).",
        extensions=allow(IsStaff(*ADMINS)),
    )
    async def integration_scopes(self, info: Info[Context, None]) -> list[T.IntegrationScope]:
        return [T.IntegrationScope(name=name, description=text) for name, text in SCOPES.items()]

    @strawberry.field(
        description="Admins: the webhook delivery log, newest first.",
        extensions=allow(IsStaff(*ADMINS)),
    )
    async def webhook_deliveries(
        self,
        info: Info[Context, None],
        endpoint_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(
                description="Only this endpoint's deliveries; null: every endpoint."
            ),
        ] = None,
        status: Annotated[
            T.WebhookDeliveryStatus | None,
            strawberry.argument(description="Only deliveries in this state; null: all."),
        ] = None,
        first: PageFirst = 20,
        after: PageAfter = None,
    ) -> T.WebhookDeliveryConnection:
        page = await endpoints.list_deliveries(
            endpoint_id=node_id(endpoint_id, "WebhookEndpoint", "endpointId"),
            status=DeliveryStatus(status.value) if status else None, first=first, after=after,
        )  # fmt: skip
        return to_connection(T.WebhookDeliveryConnection, page, T.WebhookDelivery.from_model)


@strawberry.type
class IntegrationsMutation:
    @strawberry.mutation(
        description="Admins: register a webhook endpoint; the answer holds its signing secret, "
        "shown this once.",
        extensions=allow(IsStaff(*ADMINS)),
    )
    async def create_webhook_endpoint(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.CreateWebhookEndpointInput,
            strawberry.argument(description="The endpoint's URL and the event types it wants."),
        ],
    ) -> T.CreateWebhookEndpointResult:
        _, staff = await info.context.require_member()
        endpoint, secret = await endpoints.create_endpoint(
            url=input.url, event_types=input.event_types, description=input.description,
            actor_id=staff.id,
        )  # fmt: skip
        return T.WebhookEndpointCreated(endpoint=T.WebhookEndpoint.from_model(endpoint),
                                        secret=secret)  # fmt: skip

    @strawberry.mutation(
        description="Admins: change a webhook endpoint, switch it off or back on.",
        extensions=allow(IsStaff(*ADMINS)),
    )
    async def update_webhook_endpoint(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.UpdateWebhookEndpointInput,
            strawberry.argument(description="The endpoint and the fields to change."),
        ],
    ) -> T.UpdateWebhookEndpointResult:
        endpoint = await endpoints.update_endpoint(
            endpoint_id=node_id(input.id, "WebhookEndpoint", "id"),
            url=_given(input.url) if input.url is not None else UNSET,
            event_types=_given(input.event_types) if input.event_types is not None else UNSET,
            description=_given(input.description),
            active=_given(input.active) if input.active is not None else UNSET,
        )  # fmt: skip
        return T.WebhookEndpoint.from_model(endpoint)

    @strawberry.mutation(
        description="Admins: remove a webhook endpoint and its delivery log.",
        extensions=allow(IsStaff(*ADMINS)),
    )
    async def delete_webhook_endpoint(
        self,
        info: Info[Context, None],
        id: Annotated[
            relay.GlobalID,
            strawberry.argument(
                description="The endpoint's global id; its delivery log is deleted with it."
            ),
        ],
    ) -> T.DeleteWebhookEndpointResult:
        await endpoints.delete_endpoint(endpoint_id=node_id(id, "WebhookEndpoint", "id"))
        return T.WebhookEndpointDeleted(id=id)

    @strawberry.mutation(
        description="Admins: send a delivery again, with the same event id and a fresh "
        "signature (it still waits its turn behind the member's earlier events).",
        extensions=allow(IsStaff(*ADMINS)),
    )
    async def replay_webhook_delivery(
        self,
        info: Info[Context, None],
        id: Annotated[
            relay.GlobalID,
            strawberry.argument(
                description="The delivery's global id; it is sent again whatever its status (same event id, fresh signature, fresh attempts)."
            ),
        ],
    ) -> T.ReplayWebhookDeliveryResult:
        delivery = await endpoints.replay(delivery_id=node_id(id, "WebhookDelivery", "id"))
        return T.WebhookDelivery.from_model(delivery)

    @strawberry.mutation(
        description="CRM (scope members:sync): create or update a member by the CRM's id. "
        "Repeating a call changes nothing. A member created here has no usable password: "
        "they are mailed an invitation to set one (and can then sign in to the app), which "
        "support can re-send (resendInvitation); `invite: false` skips it. Updates mail "
        "nothing.",
        extensions=allow(HasScope("members:sync")),
    )
    async def upsert_member(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.UpsertMemberInput,
            strawberry.argument(
                description="The member as the CRM knows them, keyed by `externalRef`."
            ),
        ],
        invite: Annotated[
            bool,
            strawberry.argument(
                description="true: a member this call creates is mailed an invitation to "
                "set their password; false: no mail (an update never mails)."
            ),
        ] = True,
    ) -> T.UpsertMemberResult:
        values = {"external_ref": input.external_ref}
        for name in sync.PROFILE_COLUMNS:
            value = getattr(input, name)
            if value is not strawberry.UNSET:
                values[name] = value
        member, created, changed = await sync.upsert_member(values=values, invite=invite)
        return T.MemberUpserted(member=Member.from_model(member), created=created,
                                changed_fields=[_camel(c) for c in changed])  # fmt: skip

    @strawberry.mutation(
        description="Staff (admin, support): mail a member who never set a password (created "
        "by CRM sync or import) a new invitation to set one; the links mailed before stop "
        "working. At most one per member every 10 minutes.",
        extensions=allow(IsStaff(*INVITERS)),
    )
    async def resend_invitation(
        self,
        info: Info[Context, None],
        member_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The member's global id.")
        ],
    ) -> T.ResendInvitationResult:
        member = await invitations.resend_invitation(
            member_id=node_id(member_id, "Member", "memberId")
        )
        return T.InvitationSent(member=Member.from_model(member))
