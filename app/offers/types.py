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
from app.graphql.enums import described_enum
from app.graphql.errors import InvalidInputError, UserError, error_type
from app.i18n import localized
from app.offers import models, service
from app.offers.service import Shown, earliest_visible, status_of
from app.segments import service as segments

OfferKind = described_enum(
    models.OfferKind,
    name="OfferKind",
    description="What an offer gives.",
    values={
        "BONUS_POINTS": "Extra points on qualifying purchases (`bonusMultiplier` or `bonusPoints`).",
        "MEMBER_PRICE": "A lower price for members on one product (`sku`, `memberPrice`).",
        "EARLY_ACCESS": "Some tiers see and use it before everyone else.",
    },
)
Engagement = described_enum(
    segments.Engagement,
    name="Engagement",
    description="How engaged a member is, from when they last purchased (or joined).",
    values={
        "NEW": "Joined in the last 30 days, nothing bought yet.",
        "ACTIVE": "Bought in the last 30 days.",
        "LAPSING": "Last bought 31 to 90 days ago.",
        "DORMANT": "Nothing bought for 90 days (or ever, after the first 30 days).",
    },
)


OfferStatus = described_enum(
    service.OfferStatus,
    name="OfferStatus",
    description="Where an offer stands, from its window and whether staff archived it.",
    values={
        "SCHEDULED": "Not started yet (early-access tiers may already see it).",
        "LIVE": "Started and not ended: members it is for see it.",
        "ENDED": "Past `endsAt`.",
        "ARCHIVED": "Archived by staff: nobody sees it any more.",
    },
)
DRAFTS_NOTE = "Staff only (every staff role, as for reward drafts)"


async def _sees_drafts(info: Info[Context, None]) -> bool:
    """Whether the viewer reads offers as staff do (every setting, every translation)."""
    return await policy.viewer_allows(info, policy.Access.CATALOG_DRAFTS)


@strawberry.type(description="An offer's texts in one language, as OfferTextInput takes them.")
class OfferText:
    locale: str = strawberry.field(description="`en`, `nl` or `es`.")
    title: str = strawberry.field(description="The headline in this language.")
    description: str = strawberry.field(description="The details (may be empty).")


@strawberry.type(
    description="Who an offer is for, in the shape OfferInput's `segment` takes (every "
    "condition set must hold; an empty list or null: that condition is not set)."
)
class OfferSegment:
    tiers: list[str] = strawberry.field(
        description='Tier codes; "" for members below every tier; empty: any tier.'
    )
    min_points: int | None = strawberry.field(description="At least this many available points.")
    max_points: int | None = strawberry.field(description="At most this many available points.")
    purchased_within_days: int | None = strawberry.field(
        description="Made a purchase in the last this-many days."
    )
    categories: list[str] = strawberry.field(
        description="Bought any of these in the last 365 days."
    )
    interests: list[str] = strawberry.field(description="Chose any of these interest tags.")
    locales: list[str] = strawberry.field(description="Uses one of these languages.")
    engagement: list[Engagement] = strawberry.field(
        description="Is in any of these engagement states."
    )
    has_device: bool | None = strawberry.field(
        description="Has (true) or has not (false) an active device for pushes; null: either."
    )
    marketing_consent: bool | None = strawberry.field(
        description="Opted in to marketing pushes (true) or not (false); null: either."
    )

    @classmethod
    def from_json(cls, data: dict | None) -> "OfferSegment":
        s = segments.Segment.from_json(data or {})
        return cls(tiers=list(s.tiers), min_points=s.min_points, max_points=s.max_points,
                   purchased_within_days=s.purchased_within_days, categories=list(s.categories),
                   interests=list(s.interests), locales=list(s.locales),
                   engagement=[Engagement(e.value) for e in s.engagement],
                   has_device=s.has_device, marketing_consent=s.marketing_consent)  # fmt: skip


@error_type(
    errors.OfferNotFound,
    description="No offer with this id that is made for you (or, for staff, that exists).",
)
class OfferNotFoundError(UserError):
    pass


@strawberry.type(
    description="An offer made for you; staff (`allOffers`, `node`) see any offer, with "
    "every setting it was saved with."
)
class Offer(relay.Node):
    id: relay.NodeID[int]
    kind: OfferKind = strawberry.field(description="What the offer gives.")
    image_url: str | None = strawberry.field(description="An image to show; null: none.")
    link: str | None = strawberry.field(description="Where to read more; null: none.")
    starts_at: dt.datetime = strawberry.field(description="When it starts to apply (UTC).")
    ends_at: dt.datetime = strawberry.field(description="When it stops applying (UTC).")
    visible_from: dt.datetime = strawberry.field(
        description="When you could first see it (staff: when its first members see it, "
        "early-access tiers included)."
    )
    early_access: bool = strawberry.field(
        description="You see it before everyone else (staff: some tiers see it early)."
    )
    needs_activation: bool = strawberry.field(
        description="True: it applies only after you activate it (`activateOffer`)."
    )
    activated: bool = strawberry.field(
        description="True once you activated it (always false for staff)."
    )
    uses_left: int | None = strawberry.field(
        description="Bonus offers: purchases it still pays you; null for other kinds and for staff."
    )
    status: OfferStatus = strawberry.field(
        description="Where it stands: scheduled, live, ended or archived."
    )
    bonus_multiplier: Decimal | None = strawberry.field(
        description="Bonus offers: multiplies the points a qualifying purchase earns; null: none."
    )
    bonus_points: int | None = strawberry.field(
        description="Bonus offers: fixed extra points per qualifying purchase; null: none."
    )
    qualifying_categories: list[str] = strawberry.field(
        description="Product categories that qualify; empty: every purchase."
    )
    minimum_spend: int | None = strawberry.field(
        description="Least a purchase must total to qualify, in minor units of `currency`."
    )
    sku: str | None = strawberry.field(description="Member-price offers: the product.")
    member_price: int | None = strawberry.field(
        description="Member-price offers: your price, in minor units of `currency`."
    )
    regular_price: int | None = strawberry.field(
        description="Member-price offers: the usual price, in minor units of `currency`."
    )
    currency: str | None = strawberry.field(
        description="ISO 4217 code the amounts are in; null when the offer has none."
    )
    title: str = strawberry.field(description="In your language (English if not translated).")
    description: str = strawberry.field(
        description="In your language (English if not translated); may be empty."
    )
    model: strawberry.Private[models.Offer]

    @strawberry.field(
        description=f"{DRAFTS_NOTE}: the title and description in every language it has, "
        "by locale (`updateOffer` replaces them all, so an editor starts from these); empty "
        "for members."
    )
    async def texts(self, info: Info[Context, None]) -> list[OfferText]:
        if not await _sees_drafts(info):
            return []
        return [
            OfferText(locale=locale, title=entry.get("title") or "",
                      description=entry.get("description") or "")
            for locale, entry in sorted((self.model.texts or {}).items())
        ]  # fmt: skip

    @strawberry.field(
        description=f"{DRAFTS_NOTE}: who it is for, as OfferInput's `segment` takes it "
        "(every condition empty: every member); null for members."
    )
    async def segment(self, info: Info[Context, None]) -> OfferSegment | None:
        if not await _sees_drafts(info):
            return None
        return OfferSegment.from_json(self.model.segment)

    @strawberry.field(
        description=f"{DRAFTS_NOTE}: the interest tags it is about (for ranking); empty for "
        "members."
    )
    async def interests(self, info: Info[Context, None]) -> list[str]:
        return list(self.model.interests or ()) if await _sees_drafts(info) else []

    @strawberry.field(
        description=f"{DRAFTS_NOTE}: tier codes that see it `earlyAccessHours` before "
        "`startsAt`; empty for members."
    )
    async def early_access_tiers(self, info: Info[Context, None]) -> list[str]:
        return list(self.model.early_access_tiers or ()) if await _sees_drafts(info) else []

    @strawberry.field(
        description=f"{DRAFTS_NOTE}: hours before `startsAt` the early-access tiers see it; "
        "null for members."
    )
    async def early_access_hours(self, info: Info[Context, None]) -> int | None:
        return self.model.early_access_hours if await _sees_drafts(info) else None

    @strawberry.field(
        description=f"{DRAFTS_NOTE}: bonus offers: how many purchases per member it pays "
        "on (1 for other kinds); null for members (they read `usesLeft`)."
    )
    async def uses_per_member(self, info: Info[Context, None]) -> int | None:
        return self.model.uses_per_member if await _sees_drafts(info) else None

    @strawberry.field(
        description=f"{DRAFTS_NOTE}: when it was archived (UTC); null: not archived, and "
        "for members."
    )
    async def archived_at(self, info: Info[Context, None]) -> dt.datetime | None:
        return self.model.archived_at if await _sees_drafts(info) else None

    @classmethod
    def from_model(cls, o: models.Offer, locale: str) -> "Offer":
        """An offer as staff see it: nobody's in particular (not activated, no uses left)."""
        return cls._build(o, locale, visible_from=earliest_visible(o), activated=False,
                          uses_left=None)  # fmt: skip

    @classmethod
    def from_shown(cls, s: Shown, locale: str) -> "Offer":
        """An offer as the member it is shown to sees it."""
        return cls._build(s.offer, locale, visible_from=s.visible_from,
                          activated=s.activation is not None, uses_left=s.uses_left)  # fmt: skip

    @classmethod
    def _build(
        cls,
        o: models.Offer,
        locale: str,
        *,
        visible_from: dt.datetime,
        activated: bool,
        uses_left: int | None,
    ) -> "Offer":
        return cls(
            id=o.id, kind=OfferKind(o.kind), image_url=o.image_url, link=o.link,
            starts_at=o.starts_at, ends_at=o.ends_at, visible_from=visible_from,
            early_access=visible_from < o.starts_at, needs_activation=o.needs_activation,
            activated=activated, uses_left=uses_left, status=OfferStatus(status_of(o)),
            bonus_multiplier=Decimal(o.bonus_multiplier) if o.bonus_multiplier is not None
            else None,
            bonus_points=o.bonus_points, qualifying_categories=list(o.qualifying_categories or ()),
            minimum_spend=o.minimum_spend, sku=o.sku, member_price=o.member_price,
            regular_price=o.regular_price, currency=o.currency,
            title=localized(o.texts, locale, "title"),
            description=localized(o.texts, locale, "description"), model=o,
        )  # fmt: skip

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list["Offer | None"]:
        """Members: only offers made for them now. Staff (CATALOG_DRAFTS): any offer,
        archived, scheduled, ended or targeted at others."""
        from app.offers.service import offers_for

        locale = await info.context.locale()

        async def load(viewer, ids: list[int]) -> list:
            if policy.allows(viewer, policy.Access.CATALOG_DRAFTS):
                found = await info.context.loaders.offers.offer.load_many(ids)
                return [cls.from_model(o, locale) if o else None for o in found]
            mine = {s.offer.id: s for s in await offers_for(viewer.id)}
            return [cls.from_shown(mine[i], locale) if i in mine else None for i in ids]

        return await policy.visible_nodes(
            info, node_ids, access=None, load=load, convert=lambda o: o
        )


@strawberry.type(description="A page of offers (made for you; for staff, every offer).")
class OfferConnection(relay.Connection[Offer]):
    pass


ActivateOfferResult = Annotated[
    Offer | OfferNotFoundError | InvalidInputError,
    strawberry.union(
        "ActivateOfferResult", description="The activated offer, or why it cannot be activated."
    ),
]


@strawberry.input(description="Who it is for: every criterion given must hold.")
class SegmentInput:
    tiers: list[str] | None = strawberry.field(
        default=None, description='Tier codes; "" for members below every tier.'
    )
    min_points: int | None = strawberry.field(
        default=None, description="At least this many available points."
    )
    max_points: int | None = strawberry.field(
        default=None, description="At most this many available points."
    )
    purchased_within_days: int | None = strawberry.field(
        default=None, description="Made a purchase in the last this-many days."
    )
    categories: list[str] | None = strawberry.field(
        default=None, description="Bought any of these in the last 365 days."
    )
    interests: list[str] | None = strawberry.field(
        default=None, description="Chose any of these interest tags."
    )
    locales: list[str] | None = strawberry.field(
        default=None, description="Uses one of these languages (`en`, `nl`, `es`)."
    )
    engagement: list[Engagement] | None = strawberry.field(
        default=None, description="Is in any of these engagement states."
    )
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


@strawberry.input(description="An offer's texts in one language.")
class OfferTextInput:
    locale: str = strawberry.field(description="`en`, `nl` or `es`.")
    title: str = strawberry.field(description="The headline in this language.")
    description: str = strawberry.field(default="", description="The details (optional).")


@strawberry.input(description="An offer's settings. Money in minor units of `currency`.")
class OfferInput:
    kind: OfferKind = strawberry.field(description="What the offer gives.")
    texts: list[OfferTextInput] = strawberry.field(
        description="Title and description per language; English is the fallback."
    )
    starts_at: dt.datetime = strawberry.field(description="When it starts to apply.")
    ends_at: dt.datetime = strawberry.field(description="When it stops; after `startsAt`.")
    segment: SegmentInput | None = strawberry.field(
        default=None, description="Who it is for; null: every member."
    )
    image_url: str | None = strawberry.field(default=None, description="An https image URL.")
    link: str | None = strawberry.field(default=None, description="An https link to read more.")
    interests: list[str] | None = strawberry.field(
        default=None, description="Interest tags it is about, to rank it for members."
    )
    early_access_tiers: list[str] | None = strawberry.field(
        default=None, description="Tier codes that see it `earlyAccessHours` before the start."
    )
    early_access_hours: int = strawberry.field(
        default=0, description="Hours before `startsAt` the early-access tiers see it."
    )
    needs_activation: bool = strawberry.field(
        default=False, description="True: members must activate it before it applies."
    )
    bonus_multiplier: Decimal | None = strawberry.field(
        default=None, description="Bonus offers: multiplier on the points a purchase earns."
    )
    bonus_points: int | None = strawberry.field(
        default=None, description="Bonus offers: fixed extra points per qualifying purchase."
    )
    qualifying_categories: list[str] | None = strawberry.field(
        default=None, description="Product categories that qualify; null: every purchase."
    )
    minimum_spend: int | None = strawberry.field(
        default=None, description="Least a purchase must total, in minor units of `currency`."
    )
    uses_per_member: int = strawberry.field(
        default=1, description="Bonus offers: how many purchases per member it pays on."
    )
    sku: str | None = strawberry.field(
        default=None, description="Member-price offers: the product."
    )
    member_price: int | None = strawberry.field(
        default=None, description="Member-price offers: the members' price, in minor units."
    )
    regular_price: int | None = strawberry.field(
        default=None, description="Member-price offers: the usual price, in minor units."
    )
    currency: str | None = strawberry.field(
        default=None, description="ISO 4217 code of `minimumSpend` and the prices."
    )


@strawberry.type(description="An offer as staff set it up.")
class OfferSaved:
    id: relay.GlobalID = strawberry.field(description="The offer's global id.")
    archived: bool = strawberry.field(description="True once archived (members no longer see it).")


SaveOfferResult = Annotated[
    OfferSaved | InvalidInputError | OfferNotFoundError,
    strawberry.union("SaveOfferResult", description="The saved offer, or why it was not saved."),
]
