"""Composes every domain's Query, Mutation and Subscription into one schema."""

import inspect
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.cast import cast as strawberry_cast

from app.analytics.api import AnalyticsQuery
from app.auth.api import AuthMutation, AuthQuery
from app.campaigns.api import CampaignsMutation, CampaignsQuery
from app.community.api import CommunityMutation, CommunityQuery, CommunitySubscription
from app.content.api import ContentMutation, ContentQuery
from app.earning.api import EarningMutation, EarningQuery
from app.graphql.errors import ErrorCodes
from app.graphql.extensions import operation_limits
from app.graphql.results import error_handlers
from app.integrations.api import IntegrationsMutation, IntegrationsQuery
from app.ledger.api import LedgerMutation, LedgerQuery, LedgerSubscription
from app.members.api import MemberMutation, MemberQuery, MemberSubscription
from app.messaging.api import MessagingMutation, MessagingSubscription
from app.offers.api import OffersMutation, OffersQuery
from app.privacy.api import PrivacyMutation, PrivacyQuery
from app.program.api import ProgramMutation, ProgramQuery
from app.rewards.api import RewardsMutation, RewardsQuery
from app.settings import Settings
from app.tiers.api import TiersMutation, TiersQuery, TiersSubscription


def node_type(info: Info, gid: relay.GlobalID) -> type[relay.Node] | None:
    """The Node type a global id names; None for an unknown type name, for a type that is
    not a Node (Group, Event, ...) and for the Node interface itself."""
    type_def = info.schema.get_type_by_name(gid.type_name)
    if not isinstance(type_def, StrawberryObjectDefinition) or type_def.is_interface:
        return None
    try:
        found = gid.resolve_type(info)
    except GlobalIDValueError:
        return None
    return None if found is relay.Node else found


async def resolve_node(
    info: Info,
    id: Annotated[relay.GlobalID, strawberry.argument(description="The ID of the object.")],
) -> relay.Node | None:
    """`node(id:)`: the object when it exists and the policy lets the caller see it (each
    type's `resolve_nodes`, through app/graphql/policy.py); null otherwise, also for ids of
    unknown or non-Node types and for malformed or out-of-range ids."""
    found_type = node_type(info, id)
    if found_type is None:
        return None
    resolved = found_type.resolve_nodes(info=info, node_ids=[id.node_id], required=False)
    if inspect.isawaitable(resolved):
        resolved = await resolved
    (found,) = list(resolved)
    return None if found is None else strawberry_cast(found_type, found)


def _query_type() -> type:
    # A fresh class per schema: a schema's fields must not be shared with another schema.
    @strawberry.type(name="Query")
    class Query(
        MemberQuery,
        AuthQuery,
        EarningQuery,
        LedgerQuery,
        RewardsQuery,
        TiersQuery,
        OffersQuery,
        ContentQuery,
        CommunityQuery,
        CampaignsQuery,
        AnalyticsQuery,
        IntegrationsQuery,
        PrivacyQuery,
        ProgramQuery,
    ):
        node: relay.Node | None = strawberry.field(
            resolver=resolve_node,
            description="Any object with a global id that you may see; null otherwise (also "
            "for an id of an unknown type, of a type that is not a Node, or out of range).",
        )

    return Query


@strawberry.type
class Mutation(
    AuthMutation,
    MemberMutation,
    EarningMutation,
    LedgerMutation,
    RewardsMutation,
    TiersMutation,
    OffersMutation,
    ContentMutation,
    CommunityMutation,
    MessagingMutation,
    CampaignsMutation,
    IntegrationsMutation,
    PrivacyMutation,
    ProgramMutation,
):
    pass


@strawberry.type
class Subscription(
    MemberSubscription,
    LedgerSubscription,
    TiersSubscription,
    CommunitySubscription,
    MessagingSubscription,
):
    pass


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with this deployment's limits, caches and introspection policy."""
    extensions: list = [ErrorCodes, operation_limits(settings)]
    return strawberry.Schema(
        query=_query_type(),
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not settings.field_suggestions),
        exception_handlers=error_handlers(),
    )


def export_schema() -> str:
    """The SDL committed as schema.graphql (independent of deployment settings)."""
    return build_schema(Settings()).as_str() + "\n"
