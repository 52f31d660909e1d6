from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app.clock import now
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.permissions import Can, IsStaff, allow
from app.graphql.relay import AfterCursor, PageSize, node_id
from app.offers import models as M
from app.offers import service
from app.offers import types as T
from app.segments.service import profile_of

OFFER_EDITORS = policy.roles(policy.Access.EDIT_OFFERS)


def _fields(i: T.OfferInput) -> service.OfferFields:
    return service.OfferFields(
        kind=M.OfferKind(i.kind.value),
        texts={t.locale: {"title": t.title, "description": t.description} for t in i.texts},
        starts_at=i.starts_at, ends_at=i.ends_at, segment=T.segment_from_input(i.segment),
        image_url=i.image_url, link=i.link, interests=tuple(i.interests or ()),
        early_access_tiers=tuple(i.early_access_tiers or ()),
        early_access_hours=i.early_access_hours, needs_activation=i.needs_activation,
        bonus_multiplier=i.bonus_multiplier, bonus_points=i.bonus_points,
        qualifying_categories=tuple(i.qualifying_categories or ()),
        minimum_spend=i.minimum_spend, uses_per_member=i.uses_per_member, sku=i.sku,
        member_price=i.member_price, regular_price=i.regular_price, currency=i.currency,
    )  # fmt: skip


def _saved(offer: M.Offer) -> T.OfferSaved:
    return T.OfferSaved(id=relay.GlobalID("Offer", str(offer.id)),
                        archived=offer.archived_at is not None)  # fmt: skip


@strawberry.type
class OffersQuery:
    @strawberry.field(
        description="Offers made for you now, most relevant first: offers targeted at you, "
        "then those about your interests and what you buy, then the newest."
    )
    async def offers(
        self,
        info: Info[Context, None],
        first: PageSize = 20,
        after: AfterCursor = None,
    ) -> T.OfferConnection:
        from app.graphql.relay import to_connection

        _, member = await info.context.require_member()
        at = now()
        facts = await info.context.loaders.segments.facts.load(member.id)
        page = await service.ranked_offers(
            member.id, profile=profile_of(member, facts, at), at=at, first=first, after=after,
            known_clips=facts.more.get(service.clip_facts),
        )  # fmt: skip
        locale = await info.context.locale()
        return to_connection(T.OfferConnection, page, lambda s: T.Offer.from_shown(s, locale))

    @strawberry.field(
        description="Staff (every role, as for reward drafts): every offer, newest first, "
        "scheduled, ended, archived and targeted ones included, with every setting it was "
        "saved with (`texts`, `segment`, early access); only those in `status` when given.",
        extensions=allow(Can(policy.Access.CATALOG_DRAFTS)),
    )
    async def all_offers(
        self,
        info: Info[Context, None],
        first: PageSize = 20,
        after: AfterCursor = None,
        status: Annotated[
            T.OfferStatus | None,
            strawberry.argument(description="Only offers in this status; null: every offer."),
        ] = None,
    ) -> T.OfferConnection:
        from app.graphql.relay import to_connection

        page = await service.offer_page(
            first=first, after=after, status=service.OfferStatus(status.value) if status else None
        )
        locale = await info.context.locale()
        return to_connection(T.OfferConnection, page, lambda o: T.Offer.from_model(o, locale))


@strawberry.type
class OffersMutation:
    @strawberry.mutation(description="Clip an offer that needs activation (again: no change).")
    async def activate_offer(
        self,
        info: Info[Context, None],
        id: Annotated[relay.GlobalID, strawberry.argument(description="The offer's global id.")],
    ) -> T.ActivateOfferResult:
        _, member = await info.context.require_member()
        shown = await service.activate(member_id=member.id,
                                       offer_id=node_id(id, "Offer", "id"))  # fmt: skip
        return T.Offer.from_shown(shown, await info.context.locale())

    @strawberry.mutation(
        description="Staff (admin, marketer): create an offer.",
        extensions=allow(IsStaff(*OFFER_EDITORS)),
    )
    async def create_offer(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.OfferInput, strawberry.argument(description="The new offer's settings.")
        ],
    ) -> T.SaveOfferResult:
        offer = await service.create_offer(fields=_fields(input))
        return _saved(offer)

    @strawberry.mutation(
        description="Staff (admin, marketer): replace an offer's settings.",
        extensions=allow(IsStaff(*OFFER_EDITORS)),
    )
    async def update_offer(
        self,
        info: Info[Context, None],
        id: Annotated[relay.GlobalID, strawberry.argument(description="The offer's global id.")],
        input: Annotated[
            T.OfferInput,
            strawberry.argument(description="The offer's settings, replacing the current ones."),
        ],
    ) -> T.SaveOfferResult:
        offer = await service.update_offer(offer_id=node_id(id, "Offer", "id"),
                                           fields=_fields(input))  # fmt: skip
        return _saved(offer)

    @strawberry.mutation(
        description="Staff (admin, marketer): stop showing an offer.",
        extensions=allow(IsStaff(*OFFER_EDITORS)),
    )
    async def archive_offer(
        self,
        info: Info[Context, None],
        id: Annotated[relay.GlobalID, strawberry.argument(description="The offer's global id.")],
    ) -> T.SaveOfferResult:
        offer = await service.archive_offer(offer_id=node_id(id, "Offer", "id"))
        return _saved(offer)
