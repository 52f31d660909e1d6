import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app import errors
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.errors import InvalidInputError, UserError, error_type
from app.i18n import localized
from app.offers import models
from app.offers.service import Shown
from app.segments import service as segments

OfferKind = strawberry.enum(models.OfferKind, name="OfferKind")
Engagement = strawberry.enum(segments.Engagement, name="Engagement")


@error_type(errors.OfferNotFound)
class OfferNotFoundError(UserError):
    pass


@strawberry.type(description="An offer made for you.")
class Offer(relay.Node):
    id: relay.NodeID[int]
    kind: OfferKind
    image_url: str | None
    link: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    visible_from: dt.datetime = strawberry.field(description="When you could first see it.")
    early_access: bool = strawberry.field(description="You see it before everyone else.")
    needs_activation: bool
    activated: bool
    uses_left: int | None = strawberry.field(description="Bonus offers: purchases it still pays.")
    bonus_multiplier: Decimal | None
    bonus_points: int | None
    qualifying_categories: list[str]
    minimum_spend: int | None
    sku: str | None
    member_price: int | None
    regular_price: int | None
    currency: str | None
    title: str = strawberry.field(description="In your language (English if not translated).")
    description: str

    @classmethod
    def from_shown(cls, s: Shown, locale: str) -> "Offer":
        o = s.offer
        return cls(
            id=o.id, kind=OfferKind(o.kind), image_url=o.image_url, link=o.link,
            starts_at=o.starts_at, ends_at=o.ends_at, visible_from=s.visible_from,
            early_access=s.visible_from < o.starts_at, needs_activation=o.needs_activation,
            activated=s.activation is not None, uses_left=s.uses_left,
            bonus_multiplier=Decimal(o.bonus_multiplier) if o.bonus_multiplier is not None
            else None,
            bonus_points=o.bonus_points, qualifying_categories=list(o.qualifying_categories or ()),
            minimum_spend=o.minimum_spend, sku=o.sku, member_price=o.member_price,
            regular_price=o.regular_price, currency=o.currency,
            title=localized(o.texts, locale, "title"),
            description=localized(o.texts, locale, "description"),
        )  # fmt: skip

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list["Offer | None"]:
        """Only offers made for the signed-in member now."""
        from app.offers.service import offers_for

        locale = await info.context.locale()

        async def load(viewer, ids: list[int]) -> list:
            mine = {s.offer.id: s for s in await offers_for(viewer.id)}
            return [mine.get(i) for i in ids]

        return await policy.visible_nodes(
            info, node_ids, access=None, load=load, convert=lambda s: cls.from_shown(s, locale)
        )


@strawberry.type
class OfferConnection(relay.Connection[Offer]):
    pass


ActivateOfferResult = Annotated[
    Offer | OfferNotFoundError | InvalidInputError, strawberry.union("ActivateOfferResult")
]


@strawberry.input(description="Who it is for: every criterion given must hold.")
class SegmentInput:
    tiers: list[str] | None = strawberry.field(
        default=None, description='Tier codes; "" for members below every tier.'
    )
    min_points: int | None = None
    max_points: int | None = None
    purchased_within_days: int | None = None
    categories: list[str] | None = strawberry.field(
        default=None, description="Bought any of these in the last 365 days."
    )
    interests: list[str] | None = None
    locales: list[str] | None = None
    engagement: list[Engagement] | None = None
    has_device: bool | None = strawberry.field(
        default=None, description="Has (true) or has not (false) an active device for pushes."
    )
    marketing_consent: bool | None = strawberry.field(
        default=None,
        description="Opted in to marketing pushes (campaigns always require it).",
    )


def segment_from_input(s: SegmentInput | None) -> segments.Segment:
    """A GraphQL SegmentInput as the segments' Segment (offers and campaigns take one)."""
    if s is None:
        return segments.Segment()
    return segments.Segment(
        tiers=tuple(s.tiers or ()), min_points=s.min_points, max_points=s.max_points,
        purchased_within_days=s.purchased_within_days, categories=tuple(s.categories or ()),
        interests=tuple(s.interests or ()), locales=tuple(s.locales or ()),
        engagement=tuple(segments.Engagement(e.value) for e in s.engagement or ()),
        has_device=s.has_device, marketing_consent=s.marketing_consent,
    )  # fmt: skip


@strawberry.input
class OfferTextInput:
    locale: str
    title: str
    description: str = ""


@strawberry.input(description="An offer's settings. Money in minor units of `currency`.")
class OfferInput:
    kind: OfferKind
    texts: list[OfferTextInput]
    starts_at: dt.datetime
    ends_at: dt.datetime
    segment: SegmentInput | None = None
    image_url: str | None = None
    link: str | None = None
    interests: list[str] | None = None
    early_access_tiers: list[str] | None = None
    early_access_hours: int = 0
    needs_activation: bool = False
    bonus_multiplier: Decimal | None = None
    bonus_points: int | None = None
    qualifying_categories: list[str] | None = None
    minimum_spend: int | None = None
    uses_per_member: int = 1
    sku: str | None = None
    member_price: int | None = None
    regular_price: int | None = None
    currency: str | None = None


@strawberry.type(description="An offer as staff set it up.")
class OfferSaved:
    id: relay.GlobalID
    archived: bool


SaveOfferResult = Annotated[
    OfferSaved | InvalidInputError | OfferNotFoundError, strawberry.union("SaveOfferResult")
]
