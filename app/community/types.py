import datetime as dt
from collections.abc import Iterable
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app import errors
from app.community import models
from app.graphql.context import Context
from app.graphql.enums import described_enum
from app.graphql.errors import (
    InvalidInputError,
    MemberNotFoundError,
    UserError,
    error_type,
)
from app.graphql.permissions import Can, allow
from app.graphql.policy import Access
from app.graphql.relay import PageAfter, PageFirst, to_connection
from app.i18n import localized
from app.pagination import Page, decode_cursor, encode_cursor, page_size
from app.rewards.types import NotEligibleError

ReactionKind = described_enum(
    models.ReactionKind,
    name="ReactionKind",
    description="A reaction to a post.",
    values={
        "LIKE": "Like.",
        "LOVE": "Love.",
        "CELEBRATE": "Celebrate.",
        "INSIGHTFUL": "Insightful.",
    },
)
RsvpStatus = described_enum(
    models.RsvpStatus,
    name="RsvpStatus",
    description="Where an RSVP stands.",
    values={
        "CONFIRMED": "You have a place.",
        "WAITLISTED": "The event is full; you get a place when one frees up, in order.",
        "CANCELLED": "You cancelled.",
    },
)
ModerationAction = described_enum(
    models.ModerationAction,
    name="ModerationAction",
    description="A moderator's action on a member.",
    values={
        "HIDE_POST": "Not accepted by moderateMember (use hideContent).",
        "HIDE_COMMENT": "Not accepted by moderateMember (use hideContent).",
        "MUTE": "The member may read but not post or comment in the group until `until`.",
        "BAN": "The member loses access to the group until `until`.",
        "UNBAN": "Lift a mute or ban.",
    },
)


@error_type(
    errors.GroupNotFound, description="No such group, or it is for a tier you have not reached."
)
class GroupNotFoundError(UserError):
    pass


@error_type(errors.PostNotFound, description="No such post, or moderators hid it.")
class PostNotFoundError(UserError):
    pass


@error_type(
    errors.EventNotFound, description="No such event, or it is for a tier you have not reached."
)
class EventNotFoundError(UserError):
    pass


@error_type(
    errors.PostingNotAllowed,
    description="You may not post or comment here: `reason` is NOT_A_MEMBER (join the group first), MUTED (until a time) or BANNED.",
)
class PostingNotAllowedError(UserError):
    reason: str = strawberry.field(description="NOT_A_MEMBER, MUTED or BANNED.")
    until: dt.datetime | None = strawberry.field(description="End of a mute.")


@error_type(
    errors.SlowDown,
    description="Too many posts or comments in a short time: try again after `retryAfterSeconds`.",
)
class SlowDownError(UserError):
    retry_after_seconds: int = strawberry.field(description="Seconds to wait before posting again.")


@error_type(
    errors.AlreadyRsvped,
    description="You already have an RSVP (confirmed or waitlisted) for this event.",
)
class AlreadyRsvpedError(UserError):
    pass


@error_type(errors.RsvpNotFound, description="You have no RSVP for this event to cancel.")
class RsvpNotFoundError(UserError):
    pass


@strawberry.type(description="Who wrote something: their display name only.")
class Author:
    id: relay.GlobalID = strawberry.field(description="The author's member global id.")
    display_name: str = strawberry.field(
        description="The author's display name; null: none set (or erased)."
    )


@strawberry.type(description="A community group.")
class Group(relay.Node):
    id: relay.NodeID[int]
    texts: strawberry.Private[dict]
    min_tier_id: strawberry.Private[int | None]

    @strawberry.field(description="The name in your locale (falls back to English).")
    async def name(self, info: Info[Context, None]) -> str:
        return localized(self.texts, await info.context.locale(), "name")

    @strawberry.field(description="The description in your locale (falls back to English).")
    async def description(self, info: Info[Context, None]) -> str:
        return localized(self.texts, await info.context.locale(), "description")

    @strawberry.field(description="Code of the lowest tier that may join (null: open).")
    async def min_tier(self) -> str | None:
        from app.tiers.service import current_program

        tier = (await current_program()).by_id(self.min_tier_id)
        return tier.code if tier else None

    @classmethod
    def from_model(cls, g: models.Group) -> "Group":
        return cls(id=g.id, texts=g.texts, min_tier_id=g.min_tier_id)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list["Group | None"]:
        """For `node(id:)`: what the signed-in member may read (see service.nodes_for)."""
        from app.community.service import nodes_for
        from app.graphql import policy

        async def load(viewer, ids: list[int]) -> list:
            return await nodes_for("group", ids, member_id=viewer.id)

        return await policy.visible_nodes(
            info, node_ids, access=None, load=load, convert=cls.from_model
        )


@strawberry.type(description="A comment on a post.")
class Comment(relay.Node):
    id: relay.NodeID[int]
    text: str = strawberry.field(description="The comment's text.")
    created_at: dt.datetime = strawberry.field(description="When it was written (UTC).")
    author_id: strawberry.Private[int]

    @strawberry.field(description="Who wrote it.")
    async def author(self, info: Info[Context, None]) -> Author:
        return await _author(info, self.author_id)

    @classmethod
    def from_model(cls, c: models.Comment) -> "Comment":
        return cls(id=c.id, text=c.text, created_at=c.created_at,
                   author_id=c.author_id)  # fmt: skip

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list["Comment | None"]:
        """For `node(id:)`: what the signed-in member may read (see service.nodes_for)."""
        from app.community.service import nodes_for
        from app.graphql import policy

        async def load(viewer, ids: list[int]) -> list:
            return await nodes_for("comment", ids, member_id=viewer.id)

        return await policy.visible_nodes(
            info, node_ids, access=None, load=load, convert=cls.from_model
        )


async def _author(info: Info[Context, None], member_id: int) -> Author:
    member = await info.context.loaders.members.by_id.load(member_id)
    return _author_of(member_id, member)


def _author_of(member_id: int, member) -> Author:
    """The display name of a loaded member (or "Member"), never more of them."""
    name = (member.display_name if member else None) or "Member"
    return Author(id=relay.GlobalID("Member", str(member_id)), display_name=name)


@strawberry.type(description="How many of each reaction.")
class ReactionCount:
    kind: ReactionKind = strawberry.field(description="The reaction.")
    count: int = strawberry.field(description="How many members reacted this way.")


@strawberry.type(description="A post in a group.")
class Post(relay.Node):
    id: relay.NodeID[int]
    text: str = strawberry.field(description="The post's text.")
    image_urls: list[str] = strawberry.field(description="Its images' https URLs, in order.")
    created_at: dt.datetime = strawberry.field(description="When it was posted (UTC).")
    author: Author = strawberry.field(description="Who posted it.")
    comment_count: int = strawberry.field(description="Visible comments on it.")
    reactions: list[ReactionCount] = strawberry.field(
        description="Reaction counts, one per kind that has any."
    )
    my_reaction: ReactionKind | None = strawberry.field(description="Your own reaction, if any.")
    pk: strawberry.Private[int]

    @strawberry.field(description="Oldest first.")
    async def comments(
        self,
        info: Info[Context, None],
        first: PageFirst = 20,
        after: PageAfter = None,
    ) -> "CommentConnection":
        from app.community import service
        from app.graphql.relay import to_connection

        page = await service.comment_page(post_id=self.pk, first=first, after=after)
        return to_connection(CommentConnection, page, Comment.from_model)

    @classmethod
    async def build(cls, info: Info[Context, None], posts: list[models.Post]) -> list["Post"]:
        """Posts with authors, counts and the viewer's reactions, batched through the
        request's DataLoaders (a page costs the same few queries whatever its size)."""
        loaders = info.context.loaders
        ids = [p.id for p in posts]
        viewer = await info.context.viewer()
        if all(hasattr(p, "author_name") for p in posts):  # read with the page (PostRow)
            names = [p.author_name for p in posts]
        else:
            authors = await loaders.members.account.load_many([p.author_id for p in posts])
            names = [m.display_name if m else None for m in authors]
        facts = await loaders.community.facts_for(viewer.id if viewer else None).load_many(ids)
        return [
            cls(
                id=p.id,
                text=p.text,
                image_urls=list(p.image_urls or ()),
                created_at=p.created_at,
                pk=p.id,
                author=Author(
                    id=relay.GlobalID("Member", str(p.author_id)), display_name=name or "Member"
                ),
                comment_count=f.comments,
                reactions=[
                    ReactionCount(kind=ReactionKind(k), count=c)
                    for k, c in sorted(f.reactions.items())
                ],
                my_reaction=ReactionKind(f.mine) if f.mine else None,
            )
            for p, name, f in zip(posts, names, facts, strict=True)
        ]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list["Post | None"]:
        """For `node(id:)`: what the signed-in member may read (see service.nodes_for)."""
        from app.community.service import nodes_for
        from app.graphql import policy

        async def load(viewer, ids: list[int]) -> list:
            return await nodes_for("post", ids, member_id=viewer.id)

        rows = await policy.visible_nodes(
            info, node_ids, access=None, load=load, convert=lambda row: row
        )
        built = iter(await cls.build(info, [r for r in rows if r is not None]))
        return [next(built) if r is not None else None for r in rows]


@strawberry.type(description="A page of a post's comments, oldest first.")
class CommentConnection(relay.Connection[Comment]):
    pass


@strawberry.type(description="A page of a group's feed, newest first.")
class PostConnection(relay.Connection[Post]):
    group_id: strawberry.Private[int | None] = None

    @strawberry.field(
        description="How many posts the group's feed holds (hidden ones never); one COUNT "
        "on the group's posts index, run only when asked."
    )
    async def total_count(self) -> int:
        from app.community.service import post_count

        return 0 if self.group_id is None else await post_count(group_id=self.group_id)


@strawberry.type(description="A page of the groups you may see.")
class GroupConnection(relay.Connection[Group]):
    pass


@strawberry.type(description="A member-only event.")
class Event(relay.Node):
    id: relay.NodeID[int]
    location: str | None = strawberry.field(description="Where it takes place; null: not given.")
    starts_at: dt.datetime = strawberry.field(description="When it starts (UTC).")
    ends_at: dt.datetime = strawberry.field(description="When it ends (UTC).")
    capacity: int = strawberry.field(description="Places in total.")
    places_left: int = strawberry.field(
        description="Places not yet confirmed; 0: new RSVPs are waitlisted."
    )
    texts: strawberry.Private[dict]

    @strawberry.field(description="The title in your locale (falls back to English).")
    async def title(self, info: Info[Context, None]) -> str:
        return localized(self.texts, await info.context.locale(), "title")

    @strawberry.field(description="The description in your locale (falls back to English).")
    async def description(self, info: Info[Context, None]) -> str:
        return localized(self.texts, await info.context.locale(), "description")

    @strawberry.field(
        description="Staff who organize events (admin, marketer): the event's RSVPs in "
        "arrival order (the waitlist's order), each with the member's display name (nothing "
        "else of theirs), its status and waitlist position. Batched across events.",
        extensions=allow(Can(Access.ORGANIZE_COMMUNITY)),
    )
    async def rsvps(
        self,
        info: Info[Context, None],
        first: PageFirst = 50,
        after: PageAfter = None,
        status: Annotated[
            RsvpStatus | None,
            strawberry.argument(description="Only RSVPs in this status; null: all of them."),
        ] = None,  # type: ignore[valid-type]
    ) -> "EventRsvpConnection":
        size = page_size(first)
        after_id = decode_cursor(after) if after is not None else None
        chosen = models.RsvpStatus(status.value) if status is not None else None
        key = (self.id, size, after_id, chosen)
        items, more, positions = await info.context.loaders.community.event_rsvps.load(key)
        page = Page(items, [encode_cursor(r.id) for r in items], more, after is not None)
        members = await info.context.loaders.members.by_id.load_many([r.member_id for r in items])
        built = {
            r.id: EventRsvp(
                member=_author_of(r.member_id, m), status=RsvpStatus(r.status),
                waitlist_position=positions.get(r.id), created_at=r.created_at,
                updated_at=r.updated_at,
            )
            for r, m in zip(items, members, strict=True)
        }  # fmt: skip
        return to_connection(EventRsvpConnection, page, lambda r: built[r.id])

    @classmethod
    def from_model(cls, e: models.Event) -> "Event":
        return cls(id=e.id, location=e.location,
                   starts_at=e.starts_at, ends_at=e.ends_at, capacity=e.capacity,
                   places_left=max(e.capacity - e.confirmed, 0), texts=e.texts)  # fmt: skip

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list["Event | None"]:
        """For `node(id:)`: what the signed-in member may read (see service.nodes_for)."""
        from app.community.service import nodes_for
        from app.graphql import policy

        async def load(viewer, ids: list[int]) -> list:
            return await nodes_for("event", ids, member_id=viewer.id)

        return await policy.visible_nodes(
            info, node_ids, access=None, load=load, convert=cls.from_model
        )


@strawberry.type(description="A page of upcoming events, soonest first.")
class EventConnection(relay.Connection[Event]):
    pass


@strawberry.type(description="Staff: a member's RSVP to an event, as the organizers see it.")
class EventRsvp:
    member: Author = strawberry.field(
        description="Who: their member global id and display name only."
    )
    status: RsvpStatus = strawberry.field(
        description="CONFIRMED (a place), WAITLISTED (in line) or CANCELLED."
    )  # type: ignore[valid-type]
    waitlist_position: int | None = strawberry.field(
        description="Place on the waitlist (1 = next in) while WAITLISTED; null otherwise."
    )
    created_at: dt.datetime = strawberry.field(
        description="When they RSVPed (UTC): the waitlist keeps this order."
    )
    updated_at: dt.datetime = strawberry.field(
        description="When the status last changed (UTC), e.g. promoted or cancelled."
    )


@strawberry.type(description="A page of an event's RSVPs, in arrival order.")
class EventRsvpConnection(relay.Connection[EventRsvp]):  # type: ignore[type-var]
    pass


@strawberry.type(
    description="Moderators: a member's report of a post or a comment, with what was reported."
)
class CommunityReport(relay.Node):
    id: relay.NodeID[int]
    reason: str = strawberry.field(description="Why the member reported it, as they wrote it.")
    created_at: dt.datetime = strawberry.field(description="When it was reported (UTC).")
    resolved_at: dt.datetime | None = strawberry.field(
        description="When it was resolved (UTC; hiding the content resolves its reports); "
        "null: still in the queue."
    )
    reporter_id: strawberry.Private[int]
    post_id: strawberry.Private[int | None]
    comment_id: strawberry.Private[int | None]

    @strawberry.field(
        description="Who reported it: their member global id and display name only (staff "
        "who may see member profiles look them up with `member(id:)`)."
    )
    async def reporter(self, info: Info[Context, None]) -> Author:
        return await _author(info, self.reporter_id)

    async def _post_row(self, info: Info[Context, None]) -> models.Post | None:
        post_id = self.post_id
        if post_id is None and self.comment_id is not None:
            comment = await info.context.loaders.community.comment.load(self.comment_id)
            post_id = comment.post_id if comment else None
        return await info.context.loaders.community.post.load(post_id) if post_id else None

    @strawberry.field(
        description="The reported post; for a report of a comment, the post the comment is "
        "on. Hidden posts are shown here too (see `hiddenAt`)."
    )
    async def post(self, info: Info[Context, None]) -> Post | None:
        row = await self._post_row(info)
        return (await Post.build(info, [row]))[0] if row else None

    @strawberry.field(description="The reported comment; null: the report is of a post.")
    async def comment(self, info: Info[Context, None]) -> Comment | None:
        if self.comment_id is None:
            return None
        row = await info.context.loaders.community.comment.load(self.comment_id)
        return Comment.from_model(row) if row else None

    @strawberry.field(description="The group it was posted in (mute and ban apply per group).")
    async def group(self, info: Info[Context, None]) -> Group | None:
        row = await self._post_row(info)
        group = await info.context.loaders.community.group.load(row.group_id) if row else None
        return Group.from_model(group) if group else None

    @strawberry.field(
        description="When moderators hid the reported post or comment (UTC); null: members "
        "still see it."
    )
    async def hidden_at(self, info: Info[Context, None]) -> dt.datetime | None:
        if self.comment_id is not None:
            row = await info.context.loaders.community.comment.load(self.comment_id)
        else:
            row = await self._post_row(info)
        return row.hidden_at if row else None

    @classmethod
    async def preload(cls, info: Info[Context, None], reports: list[models.Report]) -> None:
        """Load a page's comments, posts and groups in one batch each (the fields then read
        them from the request's DataLoaders)."""
        loaders = info.context.loaders.community
        comments = await loaders.comment.load_many(
            [r.comment_id for r in reports if r.comment_id is not None]
        )
        post_ids = {r.post_id for r in reports if r.post_id is not None}
        post_ids |= {c.post_id for c in comments if c is not None}
        posts = await loaders.post.load_many(sorted(post_ids))
        await loaders.group.load_many(sorted({p.group_id for p in posts if p is not None}))

    @classmethod
    def from_model(cls, r: models.Report) -> "CommunityReport":
        return cls(id=r.id, reason=r.reason, created_at=r.created_at, resolved_at=r.resolved_at,
                   reporter_id=r.reporter_id, post_id=r.post_id,
                   comment_id=r.comment_id)  # fmt: skip

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list["CommunityReport | None"]:
        """For `node(id:)`: reports, for the staff roles Access.MODERATE_COMMUNITY names."""
        from app.community.service import reports_by_ids
        from app.graphql import policy

        return await policy.visible_nodes(
            info, node_ids, access=Access.MODERATE_COMMUNITY,
            load=lambda viewer, ids: reports_by_ids(ids), convert=cls.from_model,
        )  # fmt: skip


@strawberry.type(description="A page of members' reports: open ones oldest first.")
class CommunityReportConnection(relay.Connection[CommunityReport]):
    resolved: strawberry.Private[bool] = False

    @strawberry.field(
        description="How many reports are open (or resolved, with `resolved: true`); one "
        "COUNT, run only when asked."
    )
    async def total_count(self) -> int:
        from app.community.service import report_count

        return await report_count(resolved=self.resolved)


@strawberry.type(description="Your place at an event.")
class Rsvp:
    status: RsvpStatus = strawberry.field(description="Whether you have a place or are waitlisted.")
    waitlist_position: int | None = strawberry.field(description="1 = next in line.")
    event: Event = strawberry.field(description="The event.")


@strawberry.type(description="The action was carried out.")
class Done:
    ok: bool = strawberry.field(default=True, description="Always true.")


PostResult = Annotated[
    Post | InvalidInputError | GroupNotFoundError | NotEligibleError | PostingNotAllowedError
    | SlowDownError | PostNotFoundError,
    strawberry.union("PostResult", description="The post, or InvalidInput, GroupNotFound, NotEligible, PostingNotAllowed, SlowDown, PostNotFound."),
]  # fmt: skip
CommentResult = Annotated[
    Comment | InvalidInputError | PostNotFoundError | NotEligibleError | PostingNotAllowedError
    | SlowDownError,
    strawberry.union("CommentResult", description="The comment, or InvalidInput, PostNotFound, NotEligible, PostingNotAllowed, SlowDown."),
]  # fmt: skip
GroupResult = Annotated[
    Group | GroupNotFoundError | NotEligibleError | InvalidInputError,
    strawberry.union(
        "GroupResult", description="The group, or GroupNotFound, NotEligible, InvalidInput."
    ),
]
RsvpResult = Annotated[
    Rsvp | EventNotFoundError | NotEligibleError | AlreadyRsvpedError | RsvpNotFoundError
    | InvalidInputError,
    strawberry.union("RsvpResult", description="The RSVP, or EventNotFound, NotEligible, AlreadyRsvped, RsvpNotFound, InvalidInput."),
]  # fmt: skip
ModerationResult = Annotated[
    Done | InvalidInputError | PostNotFoundError | GroupNotFoundError | MemberNotFoundError,
    strawberry.union(
        "ModerationResult",
        description="Done, or InvalidInput, PostNotFound, GroupNotFound, MemberNotFound.",
    ),
]
EventResult = Annotated[
    Event | InvalidInputError,
    strawberry.union("EventResult", description="The event, or InvalidInput."),
]
FeedResult = Annotated[
    PostConnection | GroupNotFoundError | NotEligibleError | InvalidInputError,
    strawberry.union(
        "FeedResult",
        description="A group's posts; or why not: no such group, a tier the group needs, or a "
        "malformed group id or cursor.",
    ),
]


@strawberry.input(description="A group's texts in one locale.")
class GroupTextInput:
    locale: str = strawberry.field(description="en, nl or es.")
    name: str = strawberry.field(description="The group's name.")
    description: str = strawberry.field(default="", description="What the group is about.")


@strawberry.input(description="An event's texts in one locale.")
class EventTextInput:
    locale: str = strawberry.field(description="en, nl or es.")
    title: str = strawberry.field(description="The event's title.")
    description: str = strawberry.field(default="", description="What the event is.")


@strawberry.input(
    name="CommunityEventInput", description="A new community event (admins, marketers)."
)
class EventInput:
    texts: list[EventTextInput] = strawberry.field(
        description="One per locale; English is the fallback."
    )
    starts_at: dt.datetime = strawberry.field(description="When it starts (UTC); in the future.")
    ends_at: dt.datetime = strawberry.field(description="When it ends (UTC); after `startsAt`.")
    capacity: int = strawberry.field(description="Places in total, at least 1.")
    location: str | None = strawberry.field(default=None, description="Where it takes place.")
    min_tier: str | None = strawberry.field(
        default=None, description="A tier code members need to RSVP; null: every member."
    )
