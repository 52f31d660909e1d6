import datetime as dt
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app.community import models as M
from app.community import service
from app.community import types as T
from app.errors import FieldProblem, InvalidInput
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.permissions import Can, IsStaff, allow
from app.graphql.relay import PageAfter, PageFirst, node_id, to_connection
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
        self,
        info: Info[Context, None],
        first: PageFirst = 20,
        after: PageAfter = None,
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
        group_id: Annotated[
            relay.GlobalID,
            strawberry.argument(
                description="The group's global id; you must be eligible for it (NotEligible otherwise)."
            ),
        ],
        first: PageFirst = 20,
        after: PageAfter = None,
        last: Annotated[
            int | None,
            strawberry.argument(
                description="Backward paging: the last 0..100 posts before `before` (the "
                "oldest when `before` is null); when given, `first` is ignored."
            ),
        ] = None,
        before: Annotated[
            str | None,
            strawberry.argument(
                description="The `startCursor` of a page: the posts newer than it (with `last`)."
            ),
        ] = None,
    ) -> T.FeedResult:
        _, member = await info.context.require_member()
        group = await service.readable_group(node_id(group_id, "Group", "groupId"), member.id)
        page = await service.post_page(group_id=group.id, first=first, after=after, last=last,
                                       before=before)  # fmt: skip
        built = {p.id: b for p, b in zip(page.items, await T.Post.build(info, page.items),
                                         strict=True)}  # fmt: skip
        connection = to_connection(T.PostConnection, page, lambda p: built[p.id])
        connection.group_id = group.id
        return connection

    @strawberry.field(
        description="Moderators (admin, support): the reports members sent about posts and "
        "comments. Open ones (the queue) oldest first; with `resolved: true`, resolved ones "
        "newest first. Hiding the content resolves its reports.",
        extensions=allow(Can(policy.Access.MODERATE_COMMUNITY)),
    )
    async def community_reports(
        self,
        info: Info[Context, None],
        first: PageFirst = 20,
        after: PageAfter = None,
        resolved: Annotated[
            bool | None,
            strawberry.argument(
                description="false (the default) or null: the open reports; true: the "
                "resolved ones."
            ),
        ] = False,
    ) -> T.CommunityReportConnection:
        done = bool(resolved)
        page = await service.report_page(first=first, after=after, resolved=done)
        await T.CommunityReport.preload(info, page.items)
        connection = to_connection(T.CommunityReportConnection, page, T.CommunityReport.from_model)
        connection.resolved = done
        return connection

    @strawberry.field(description="Upcoming member-only events, soonest first.")
    async def events(
        self,
        info: Info[Context, None],
        first: PageFirst = 20,
        after: PageAfter = None,
    ) -> T.EventConnection:
        await info.context.require_member()
        page = await service.upcoming_event_page(first=first, after=after)
        return to_connection(T.EventConnection, page, T.Event.from_model)


@strawberry.type
class CommunityMutation:
    @strawberry.mutation(description="Join a group (your tier must open it).")
    async def join_group(
        self,
        info: Info[Context, None],
        id: Annotated[relay.GlobalID, strawberry.argument(description="The group's global id.")],
    ) -> T.GroupResult:
        _, member = await info.context.require_member()
        group_id = node_id(id, "Group", "id")
        await service.join(group_id=group_id, member_id=member.id)
        return T.Group.from_model(await service.group_by_id(group_id=group_id))

    @strawberry.mutation(description="Leave a group.")
    async def leave_group(
        self,
        info: Info[Context, None],
        id: Annotated[relay.GlobalID, strawberry.argument(description="The group's global id.")],
    ) -> T.Done:
        _, member = await info.context.require_member()
        await service.leave(group_id=node_id(id, "Group", "id") or 0, member_id=member.id)
        return T.Done()

    @strawberry.mutation(description="Post in a group you joined.")
    async def create_post(
        self,
        info: Info[Context, None],
        group_id: Annotated[
            relay.GlobalID,
            strawberry.argument(
                description="The group to post in; you must be a member and not muted or banned."
            ),
        ],
        text: Annotated[
            str,
            strawberry.argument(
                description="The post's text, 1-2000 characters (InvalidInput otherwise)."
            ),
        ],
        image_urls: Annotated[
            list[str] | None,
            strawberry.argument(
                description="https image URLs, at most 4 (InvalidInput TOO_MANY otherwise)."
            ),
        ] = None,
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
        self,
        info: Info[Context, None],
        post_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The post's global id.")
        ],
        text: Annotated[
            str,
            strawberry.argument(
                description="The comment's text, 1-1000 characters (InvalidInput otherwise)."
            ),
        ],
    ) -> T.CommentResult:
        _, member = await info.context.require_member()
        made = await service.comment(post_id=node_id(post_id, "Post", "postId"),
                                     member_id=member.id, text=text)  # fmt: skip
        return T.Comment.from_model(made)

    @strawberry.mutation(description="React to a post; without a kind, take your reaction back.")
    async def react_to_post(
        self,
        info: Info[Context, None],
        post_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The post's global id.")
        ],
        kind: Annotated[
            T.ReactionKind | None,
            strawberry.argument(
                description="Your reaction; it replaces your earlier one on the post."
            ),
        ] = None,
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
        reason: Annotated[
            str,
            strawberry.argument(
                description="Why it breaks the rules, for the moderators (at most 500 characters)."
            ),
        ],
        post_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(
                description="The post to report; give exactly one of postId and commentId."
            ),
        ] = None,
        comment_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(
                description="The comment to report; give exactly one of postId and commentId."
            ),
        ] = None,
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
        reason: Annotated[
            str, strawberry.argument(description="Why it is hidden, kept in the moderation log.")
        ],
        post_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(
                description="The post to hide; give exactly one of postId and commentId."
            ),
        ] = None,
        comment_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(
                description="The comment to hide; give exactly one of postId and commentId."
            ),
        ] = None,
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
        group_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The group the action applies in.")
        ],
        member: Annotated[
            relay.GlobalID, strawberry.argument(description="The member's global id.")
        ],
        action: Annotated[
            T.ModerationAction,
            strawberry.argument(
                description="What to do to the member: MUTE, BAN or UNBAN (others are InvalidInput)."
            ),
        ],  # type: ignore[valid-type]
        reason: Annotated[str, strawberry.argument(description="Why, kept in the moderation log.")],
        until: Annotated[
            dt.datetime | None,
            strawberry.argument(description="When a mute or ban ends (UTC); null: until lifted."),
        ] = None,
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
        self,
        info: Info[Context, None],
        texts: Annotated[
            list[T.GroupTextInput],
            strawberry.argument(description="The group's name and description per locale."),
        ],
        min_tier: Annotated[
            str | None,
            strawberry.argument(
                description="A tier code members need to see and join it; null: every member."
            ),
        ] = None,
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
    async def create_event(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.EventInput,
            strawberry.argument(description="The event's texts, time, place and capacity."),
        ],
    ) -> T.EventResult:
        event = await service.create_event(
            texts={t.locale: {"title": t.title, "description": t.description}
                   for t in input.texts},
            starts_at=input.starts_at, ends_at=input.ends_at, capacity=input.capacity,
            location=input.location, min_tier_code=input.min_tier,
        )  # fmt: skip
        return T.Event.from_model(event)

    @strawberry.mutation(description="Take a place at an event, or the end of its waitlist.")
    async def rsvp(
        self,
        info: Info[Context, None],
        event_id: Annotated[
            relay.GlobalID,
            strawberry.argument(
                description="The event's global id; when it is full you are waitlisted."
            ),
        ],
    ) -> T.RsvpResult:
        _, member = await info.context.require_member()
        place = await service.rsvp(event_id=node_id(event_id, "Event", "eventId"),
                                   member_id=member.id)  # fmt: skip
        return await _rsvp(place)

    @strawberry.mutation(description="Give up your place (the first on the waitlist gets it).")
    async def cancel_rsvp(
        self,
        info: Info[Context, None],
        event_id: Annotated[
            relay.GlobalID,
            strawberry.argument(
                description="The event's global id; the first waitlisted member gets your place."
            ),
        ],
    ) -> T.RsvpResult:
        _, member = await info.context.require_member()
        place = await service.cancel_rsvp(event_id=node_id(event_id, "Event", "eventId"),
                                          member_id=member.id)  # fmt: skip
        return await _rsvp(place)


@strawberry.type
class CommunitySubscription:
    @strawberry.subscription(description="New posts in a group you can read (never hidden ones).")
    async def feed_post_added(
        self,
        info: Info[Context, None],
        group_id: Annotated[
            relay.GlobalID,
            strawberry.argument(description="The group's global id; you must be eligible for it."),
        ],
    ) -> AsyncGenerator[T.Post, None]:
        _, member = await info.context.require_member()
        group = await service.readable_group(node_id(group_id, "Group", "groupId"), member.id)
        async for event in topic_events(info, service.group_topic(group.id)):
            post = await service.shown_post(post_id=event.get("post"), group_id=group.id)
            if post is not None:
                (built,) = await T.Post.build(info, [post])
                yield built
