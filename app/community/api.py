import datetime as dt
from collections.abc import AsyncGenerator

import strawberry
from strawberry import relay
from strawberry.types import Info

from app.community import models as M
from app.community import service
from app.community import types as T
from app.errors import FieldProblem, InvalidInput
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.permissions import IsStaff, allow
from app.graphql.relay import node_id, to_connection
from app.graphql.subscriptions import topic_events

MODERATORS = policy.roles(policy.Access.MODERATE_COMMUNITY)
ORGANIZERS = policy.roles(policy.Access.ORGANIZE_COMMUNITY)


async def _rsvp(place: M.Rsvp) -> T.Rsvp:
    event = await service.event_by_id(event_id=place.event_id)
    position = None
    if place.status == M.RsvpStatus.WAITLISTED:
        position = await service.waitlist_position(place.event_id, place.id)
    return T.Rsvp(status=T.RsvpStatus(place.status), waitlist_position=position,
                  event=T.Event.from_model(event))  # fmt: skip


@strawberry.type
class CommunityQuery:
    @strawberry.field(description="Community groups, oldest first (tier-gated ones included).")
    async def groups(
        self, info: Info[Context, None], first: int | None = 20, after: str | None = None
    ) -> T.GroupConnection:
        await info.context.require_member()
        page = await service.group_page(first=first, after=after)
        return to_connection(T.GroupConnection, page, T.Group.from_model)

    @strawberry.field(
        description="A group's posts, newest first (hidden ones never); GroupNotFound or "
        "NotEligible (the tier it needs) when you cannot read it."
    )
    async def feed(
        self,
        info: Info[Context, None],
        group_id: relay.GlobalID,
        first: int | None = 20,
        after: str | None = None,
    ) -> T.FeedResult:
        _, member = await info.context.require_member()
        group = await service.readable_group(node_id(group_id, "Group", "groupId"), member.id)
        page = await service.post_page(group_id=group.id, first=first, after=after)
        built = dict(zip(page.items, await T.Post.build(info, page.items), strict=True))
        return to_connection(T.PostConnection, page, built.__getitem__)

    @strawberry.field(description="Upcoming member-only events, soonest first.")
    async def events(
        self, info: Info[Context, None], first: int | None = 20, after: str | None = None
    ) -> T.EventConnection:
        await info.context.require_member()
        page = await service.upcoming_event_page(first=first, after=after)
        return to_connection(T.EventConnection, page, T.Event.from_model)


@strawberry.type
class CommunityMutation:
    @strawberry.mutation(description="Join a group (your tier must open it).")
    async def join_group(self, info: Info[Context, None], id: relay.GlobalID) -> T.GroupResult:
        _, member = await info.context.require_member()
        group_id = node_id(id, "Group", "id")
        await service.join(group_id=group_id, member_id=member.id)
        return T.Group.from_model(await service.group_by_id(group_id=group_id))

    @strawberry.mutation(description="Leave a group.")
    async def leave_group(self, info: Info[Context, None], id: relay.GlobalID) -> T.Done:
        _, member = await info.context.require_member()
        await service.leave(group_id=node_id(id, "Group", "id") or 0, member_id=member.id)
        return T.Done()

    @strawberry.mutation(description="Post in a group you joined.")
    async def create_post(
        self,
        info: Info[Context, None],
        group_id: relay.GlobalID,
        text: str,
        image_urls: list[str] | None = None,
    ) -> T.PostResult:
        _, member = await info.context.require_member()
        post = await service.create_post(
            group_id=node_id(group_id, "Group", "groupId"), member_id=member.id,
            text=text, image_urls=image_urls or [],
        )  # fmt: skip
        (built,) = await T.Post.build(info, [post])
        return built

    @strawberry.mutation(description="Comment on a post.")
    async def comment_on_post(
        self, info: Info[Context, None], post_id: relay.GlobalID, text: str
    ) -> T.CommentResult:
        _, member = await info.context.require_member()
        made = await service.comment(post_id=node_id(post_id, "Post", "postId"),
                                     member_id=member.id, text=text)  # fmt: skip
        return T.Comment.from_model(made)

    @strawberry.mutation(description="React to a post; without a kind, take your reaction back.")
    async def react_to_post(
        self, info: Info[Context, None], post_id: relay.GlobalID, kind: T.ReactionKind | None = None
    ) -> T.PostResult:
        _, member = await info.context.require_member()
        post = await service.react(
            post_id=node_id(post_id, "Post", "postId"), member_id=member.id,
            kind=M.ReactionKind(kind.value) if kind else None,
        )  # fmt: skip
        (built,) = await T.Post.build(info, [post])
        return built

    @strawberry.mutation(description="Report a post or a comment to the moderators.")
    async def report_content(
        self,
        info: Info[Context, None],
        reason: str,
        post_id: relay.GlobalID | None = None,
        comment_id: relay.GlobalID | None = None,
    ) -> T.ModerationResult:
        _, member = await info.context.require_member()
        await service.report(
            member_id=member.id, post_id=node_id(post_id, "Post", "postId"),
            comment_id=node_id(comment_id, "Comment", "commentId"), reason=reason,
        )  # fmt: skip
        return T.Done()

    @strawberry.mutation(
        description="Moderators (admin, support): hide a post or comment, with a reason.",
        extensions=allow(IsStaff(*MODERATORS)),
    )
    async def hide_content(
        self,
        info: Info[Context, None],
        reason: str,
        post_id: relay.GlobalID | None = None,
        comment_id: relay.GlobalID | None = None,
    ) -> T.ModerationResult:
        _, staff = await info.context.require_member()
        await service.hide(
            actor_id=staff.id, post_id=node_id(post_id, "Post", "postId"),
            comment_id=node_id(comment_id, "Comment", "commentId"), reason=reason,
        )  # fmt: skip
        return T.Done()

    @strawberry.mutation(
        description="Moderators (admin, support): mute (until a time), ban or unban a member "
        "in a group, with a reason.",
        extensions=allow(IsStaff(*MODERATORS)),
    )
    async def moderate_member(
        self,
        info: Info[Context, None],
        group_id: relay.GlobalID,
        member: relay.GlobalID,
        action: strawberry.enum(M.ModerationAction, name="ModerationAction"),  # type: ignore[valid-type]
        reason: str,
        until: dt.datetime | None = None,
    ) -> T.ModerationResult:
        _, staff = await info.context.require_member()
        chosen = M.ModerationAction(action.value)
        if chosen not in (M.ModerationAction.MUTE, M.ModerationAction.BAN,
                          M.ModerationAction.UNBAN):  # fmt: skip
            raise InvalidInput([FieldProblem("action", "INVALID_VALUE")])
        await service.restrict(
            actor_id=staff.id, group_id=node_id(group_id, "Group", "groupId"),
            member_id=node_id(member, "Member", "member"), action=chosen, reason=reason,
            until=until,
        )  # fmt: skip
        return T.Done()

    @strawberry.mutation(
        description="Staff (admin, marketer): create a group, open or from a tier up.",
        extensions=allow(IsStaff(*ORGANIZERS)),
    )
    async def create_group(
        self, info: Info[Context, None], texts: list[T.GroupTextInput], min_tier: str | None = None
    ) -> T.GroupResult:
        group = await service.create_group(
            texts={t.locale: {"name": t.name, "description": t.description} for t in texts},
            min_tier_code=min_tier,
        )
        return T.Group.from_model(group)

    @strawberry.mutation(
        description="Staff (admin, marketer): create a member-only event.",
        extensions=allow(IsStaff(*ORGANIZERS)),
    )
    async def create_event(self, info: Info[Context, None], input: T.EventInput) -> T.EventResult:
        event = await service.create_event(
            texts={t.locale: {"title": t.title, "description": t.description}
                   for t in input.texts},
            starts_at=input.starts_at, ends_at=input.ends_at, capacity=input.capacity,
            location=input.location, min_tier_code=input.min_tier,
        )  # fmt: skip
        return T.Event.from_model(event)

    @strawberry.mutation(description="Take a place at an event, or the end of its waitlist.")
    async def rsvp(self, info: Info[Context, None], event_id: relay.GlobalID) -> T.RsvpResult:
        _, member = await info.context.require_member()
        place = await service.rsvp(event_id=node_id(event_id, "Event", "eventId"),
                                   member_id=member.id)  # fmt: skip
        return await _rsvp(place)

    @strawberry.mutation(description="Give up your place (the first on the waitlist gets it).")
    async def cancel_rsvp(
        self, info: Info[Context, None], event_id: relay.GlobalID
    ) -> T.RsvpResult:
        _, member = await info.context.require_member()
        place = await service.cancel_rsvp(event_id=node_id(event_id, "Event", "eventId"),
                                          member_id=member.id)  # fmt: skip
        return await _rsvp(place)


@strawberry.type
class CommunitySubscription:
    @strawberry.subscription(description="New posts in a group you can read (never hidden ones).")
    async def feed_post_added(
        self, info: Info[Context, None], group_id: relay.GlobalID
    ) -> AsyncGenerator[T.Post, None]:
        _, member = await info.context.require_member()
        group = await service.readable_group(node_id(group_id, "Group", "groupId"), member.id)
        async for event in topic_events(info, service.group_topic(group.id)):
            post = await service.shown_post(post_id=event.get("post"), group_id=group.id)
            if post is not None:
                (built,) = await T.Post.build(info, [post])
                yield built
