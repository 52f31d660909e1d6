from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app.errors import FieldProblem, InvalidInput
from app.graphql.context import Context
from app.graphql.permissions import Can, allow
from app.graphql.policy import Access
from app.graphql.relay import AfterCursor, PageSize, node_pk, to_connection
from app.graphql.subscriptions import member_events
from app.members import models, service
from app.members.types import (
    Member,
    MemberConnection,
    UpdateProfileInput,
    UpdateProfileResult,
)


def _given(value: object) -> bool:
    return value is not strawberry.UNSET


@strawberry.type
class MemberQuery:
    @strawberry.field(description="The signed-in member; null when signed out.")
    async def me(self, info: Info[Context, None]) -> Member | None:
        viewer = await info.context.viewer()
        return Member.from_model(viewer) if viewer else None

    @strawberry.field(
        description="Staff (admin, support): one member by global id (the same rule as "
        "`node`); null for an unknown or malformed id.",
        extensions=allow(Can(Access.MEMBER)),
    )
    async def member(
        self,
        info: Info[Context, None],
        id: Annotated[relay.GlobalID, strawberry.argument(description="The member's global id.")],
    ) -> Member | None:
        member_id = node_pk(id, "Member")
        if member_id is None:
            return None
        found = await info.context.loaders.members.by_id.load(member_id)
        return Member.from_model(found) if found else None

    @strawberry.field(
        description="Staff (admin, support): members by email or name fragment.",
        extensions=allow(Can(Access.MEMBER)),
    )
    async def members(
        self,
        info: Info[Context, None],
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Part of an email or display name (case-insensitive); null lists everyone."
            ),
        ] = None,
        first: PageSize = 20,
        after: AfterCursor = None,
    ) -> MemberConnection:
        page = await service.search_members(search=search, first=first, after=after)
        for m in page.items:
            info.context.loaders.members.by_id.prime(m.id, m)
        return to_connection(MemberConnection, page, Member.from_model)


@strawberry.type
class MemberMutation:
    @strawberry.mutation(description="Change your own profile; invalid input changes nothing.")
    async def update_profile(
        self,
        info: Info[Context, None],
        input: Annotated[
            UpdateProfileInput, strawberry.argument(description="Only the fields given change.")
        ],
    ) -> UpdateProfileResult:
        _, viewer = await info.context.require_member()
        changes: dict = {}
        for name in ("display_name", "time_zone", "birthday", "interests", "locale"):
            value = getattr(input, name)
            if _given(value):
                changes[name] = value
        for name in ("locale", "time_zone", "interests"):
            if name in changes and changes[name] is None:
                field = {"time_zone": "timeZone"}.get(name, name)
                raise InvalidInput([FieldProblem(field, "REQUIRED")])
        if _given(input.communication_preferences):
            changes["channels"] = [
                service.ChannelChoice(channel=models.Channel(c.channel.value), opted_in=c.opted_in)
                for c in input.communication_preferences or []
            ]
        member = await service.update_profile(member_id=viewer.id, **changes)
        return Member.from_model(member)


@strawberry.type
class MemberSubscription:
    @strawberry.subscription(description="Your own profile, each time it changes.")
    async def member_updated(self, info: Info[Context, None]) -> AsyncGenerator[Member, None]:
        async for member_id, _event in member_events(info, "MEMBER_UPDATED"):
            member = await service.get_member(member_id=member_id)
            if member is not None:
                yield Member.from_model(member)
