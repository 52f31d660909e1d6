"""Composes every domain's Query, Mutation and Subscription into one schema."""

import strawberry
from strawberry import relay
from strawberry.schema.config import StrawberryConfig

from app.analytics.api import AnalyticsQuery
from app.auth.api import AuthMutation, AuthQuery
from app.campaigns.api import CampaignsMutation, CampaignsQuery
from app.community.api import CommunityMutation, CommunityQuery, CommunitySubscription
from app.content.api import ContentMutation, ContentQuery
from app.earning.api import EarningMutation, EarningQuery
from app.graphql.errors import ErrorCodes
from app.graphql.extensions import operation_limits
from app.integrations.api import IntegrationsMutation, IntegrationsQuery
from app.ledger.api import LedgerSubscription
from app.members.api import MemberMutation, MemberQuery, MemberSubscription
from app.messaging.api import MessagingMutation, MessagingSubscription
from app.offers.api import OffersMutation, OffersQuery
from app.privacy.api import PrivacyMutation, PrivacyQuery
from app.program.api import ProgramMutation, ProgramQuery
from app.rewards.api import RewardsMutation, RewardsQuery
from app.settings import Settings
from app.tiers.api import TiersMutation, TiersQuery, TiersSubscription


def _query_type() -> type:
    # A fresh class per schema: strawberry's relay node field can be applied to one schema only.
    @strawberry.type(name="Query")
    class Query(
        MemberQuery,
        AuthQuery,
        EarningQuery,
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
        node: relay.Node | None = relay.node(
            description="Any object with a global id that you may see; null otherwise."
        )

    return Query


@strawberry.type
class Mutation(
    AuthMutation,
    MemberMutation,
    EarningMutation,
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
    )


def export_schema() -> str:
    """The SDL committed as schema.graphql (independent of deployment settings)."""
    return build_schema(Settings()).as_str() + "\n"
