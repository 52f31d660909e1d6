"""Composes every domain's Query, Mutation and Subscription into one schema."""

import inspect
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError
from strawberry.relay.utils import to_base64
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.cast import cast as strawberry_cast

from app.analytics.api import AnalyticsQuery
from app.auth.addresses_api import AddressMutation
from app.auth.api import AuthMutation, AuthQuery
from app.campaigns.api import CampaignsMutation, CampaignsQuery
from app.community.api import CommunityMutation, CommunityQuery, CommunitySubscription
from app.content.api import ContentMutation, ContentQuery
from app.earning.api import EarningMutation, EarningQuery
from app.errors import FieldProblem, InvalidInput
from app.graphql.errors import ErrorCodes
from app.graphql.extensions import operation_limits
from app.graphql.results import error_handlers
from app.integrations.api import IntegrationsMutation, IntegrationsQuery
from app.ledger.api import LedgerMutation, LedgerQuery, LedgerSubscription
from app.mail.api import MailQuery
from app.members.api import MemberMutation, MemberQuery, MemberSubscription
from app.messaging.api import MessagingMutation, MessagingSubscription
from app.observability import Observe
from app.offers.api import OffersMutation, OffersQuery
from app.pagination import MAX_NODE_IDS
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


async def resolve_node_list(
    info: Info,
    ids: Annotated[
        list[relay.GlobalID],
        strawberry.argument(
            description=f"The IDs of the objects, at most {MAX_NODE_IDS} (more is "
            "BAD_USER_INPUT); each counts towards the operation's cost limit."
        ),
    ],
) -> list[relay.Node | None]:
    """`nodes(ids:)`: `node(id:)` for each id, in order (one `resolve_nodes` per type)."""
    if len(ids) > MAX_NODE_IDS:
        raise InvalidInput([FieldProblem("ids", "INVALID_VALUE", {"max": MAX_NODE_IDS})])
    by_type: dict[type, list[int]] = {}
    types: list[type | None] = []
    for gid in ids:
        found_type = node_type(info, gid)
        types.append(found_type)
        if found_type is not None:
            by_type.setdefault(found_type, [])
    answers: dict[type, list] = {}
    for found_type in by_type:
        wanted = [gid.node_id for gid, t in zip(ids, types, strict=True) if t is found_type]
        resolved = found_type.resolve_nodes(info=info, node_ids=wanted, required=False)
        if inspect.isawaitable(resolved):
            resolved = await resolved
        answers[found_type] = list(resolved)
    result: list[relay.Node | None] = []
    taken = dict.fromkeys(answers, 0)
    for found_type in types:
        if found_type is None:
            result.append(None)
            continue
        found = answers[found_type][taken[found_type]]
        taken[found_type] += 1
        result.append(None if found is None else strawberry_cast(found_type, found))
    return result


def _query_type() -> type:
    # A fresh class per schema: a schema's fields must not be shared with another schema.
    @strawberry.type(
        name="Query",
        description="Everything you can read. Fields a role may not use answer FORBIDDEN (or "
        "UNAUTHENTICATED when signed out); each field says who may call it.",
    )
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
        MailQuery,
    ):
        node: relay.Node | None = strawberry.field(
            resolver=resolve_node,
            description="Any object with a global id that you may see; null otherwise (also "
            "for an id of an unknown type, of a type that is not a Node, or out of range).",
        )
        nodes: list[relay.Node | None] = strawberry.field(
            resolver=resolve_node_list,
            description=f"`node` for up to {MAX_NODE_IDS} ids at once, in the order given: "
            "each entry is null when that object does not exist or you may not see it.",
        )

    return Query


@strawberry.type(
    description="Everything you can change. Expected failures come back as typed members of "
    "each field's result union (select `... on UserError { code message }`); FORBIDDEN and "
    "UNAUTHENTICATED are top-level errors."
)
class Mutation(
    AuthMutation,
    AddressMutation,
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


@strawberry.type(
    description="Live events over WebSocket (`graphql-transport-ws` or legacy `graphql-ws`), "
    "for the signed-in "
    "member: the stream ends when the access token expires or the session is revoked."
)
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
    # Observe first: its operation hook closes last, after ErrorCodes gave errors their codes.
    extensions: list = [Observe, ErrorCodes, operation_limits(settings)]
    schema = strawberry.Schema(
        query=_query_type(),
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not settings.field_suggestions),
        exception_handlers=error_handlers(),
    )
    plain_node_ids(schema)
    return schema


def plain_node_ids(schema: strawberry.Schema) -> list[str]:
    """Give each Node type's `id` a plain resolver: the same global id as Strawberry's
    `Node._id` (base64 of "<TypeName>:<NodeID>"), without its per-field Info, GlobalID
    object and typename look-up. A home screen has about forty ids, and through
    Strawberry's resolver they cost about 8% of it. Types that resolve their id or
    typename themselves, and a root that is not the type's own object, keep Strawberry's
    resolver. Returns the names of the types changed."""
    changed = []
    for name, graphql_type in schema._schema.type_map.items():
        definition = schema.get_type_by_name(name)
        if not isinstance(definition, StrawberryObjectDefinition) or definition.is_interface:
            continue
        origin = definition.origin
        if not (isinstance(origin, type) and issubclass(origin, relay.Node)):
            continue
        if (origin.resolve_id.__func__ is not relay.Node.resolve_id.__func__
                or origin.resolve_typename.__func__ is not relay.Node.resolve_typename.__func__
                or getattr(origin._id, "__func__", None) is not relay.Node._id.__func__):  # fmt: skip
            continue
        field = graphql_type.fields["id"]
        field.resolve = _plain_id(origin, name, origin.resolve_id_attr(), field.resolve)
        changed.append(name)
    return changed


def _plain_id(origin: type, name: str, attr: str, strawberrys):
    def resolve(root, info):
        if type(root) is origin:
            return to_base64(name, str(getattr(root, attr)))
        return strawberrys(root, info)

    return resolve


def export_schema() -> str:
    """The SDL committed as schema.graphql (independent of deployment settings)."""
    return build_schema(Settings()).as_str() + "\n"
