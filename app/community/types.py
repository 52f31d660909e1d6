import datetime as dt
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app import errors
from app.community import models
from app.graphql.context import Context
from app.graphql.errors import (
    InvalidInputError,
    MemberNotFoundError,
    UserError,
    error_type,
)
from app.i18n import localized
from app.rewards.types import NotEligibleError

ReactionKind = strawberry.enum(models.ReactionKind, name="ReactionKind")
RsvpStatus = strawberry.enum(models.RsvpStatus, name="RsvpStatus")


@error_type(errors.GroupNotFound)
class GroupNotFoundError(UserError):
    pass


@error_type(errors.PostNotFound)
class PostNotFoundError(UserError):
    pass


@error_type(errors.EventNotFound)
class EventNotFoundError(UserError):
    pass


@error_type(errors.PostingNotAllowed)
class PostingNotAllowedError(UserError):
    reason: str = strawberry.field(description="NOT_A_MEMBER, MUTED or BANNED.")
    until: dt.datetime | None = strawberry.field(description="End of a mute.")


@error_type(errors.SlowDown)
class SlowDownError(UserError):
    retry_after_seconds: int


@error_type(errors.AlreadyRsvped)
class AlreadyRsvpedError(UserError):
    pass


@error_type(errors.RsvpNotFound)
class RsvpNotFoundError(UserError):
    pass


@strawberry.type(description="Who wrote something: their display name only.")
class Author:
    id: relay.GlobalID
    display_name: str


@strawberry.type(description="A community group.")
class Group:
    id: relay.GlobalID
    texts: strawberry.Private[dict]
    min_tier_id: strawberry.Private[int | None]

    @strawberry.field
    async def name(self, info: Info[Context, None]) -> str:
        return localized(self.texts, await info.context.locale(), "name")

    @strawberry.field
    async def description(self, info: Info[Context, None]) -> str:
        return localized(self.texts, await info.context.locale(), "description")

    @strawberry.field(description="Code of the lowest tier that may join (null: open).")
    async def min_tier(self) -> str | None:
        from app.tiers.service import current_program

        tier = (await current_program()).by_id(self.min_tier_id)
        return tier.code if tier else None

    @classmethod
    def from_model(cls, g: models.Group) -> "Group":
        return cls(id=relay.GlobalID("Group", str(g.id)), texts=g.texts, min_tier_id=g.min_tier_id)


@strawberry.type(description="A comment on a post.")
class Comment:
    id: relay.GlobalID
    text: str
    created_at: dt.datetime
    author_id: strawberry.Private[int]

    @strawberry.field
    async def author(self, info: Info[Context, None]) -> Author:
        return await _author(info, self.author_id)

    @classmethod
    def from_model(cls, c: models.Comment) -> "Comment":
        return cls(id=relay.GlobalID("Comment", str(c.id)), text=c.text, created_at=c.created_at,
                   author_id=c.author_id)  # fmt: skip


async def _author(info: Info[Context, None], member_id: int) -> Author:
    member = await info.context.loaders.members.by_id.load(member_id)
    name = (member.display_name if member else None) or "Member"
    return Author(id=relay.GlobalID("Member", str(member_id)), display_name=name)


@strawberry.type(description="How many of each reaction.")
class ReactionCount:
    kind: ReactionKind
    count: int


@strawberry.type(description="A post in a group.")
class Post:
    id: relay.GlobalID
    text: str
    image_urls: list[str]
    created_at: dt.datetime
    author: Author
    comment_count: int
    reactions: list[ReactionCount]
    my_reaction: ReactionKind | None = strawberry.field(description="Your own reaction, if any.")
    pk: strawberry.Private[int]

    @strawberry.field(description="Oldest first.")
    async def comments(
        self, info: Info[Context, None], first: int | None = 20, after: str | None = None
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
        members = await loaders.members.by_id.load_many([p.author_id for p in posts])
        counts = await loaders.community.comment_count.load_many(ids)
        reactions = await loaders.community.reaction_counts.load_many(ids)
        mine = (await loaders.community.own_reaction_for(viewer.id).load_many(ids)
                if viewer else [None] * len(ids))  # fmt: skip
        return [
            cls(
                id=relay.GlobalID("Post", str(p.id)),
                text=p.text,
                image_urls=list(p.image_urls or ()),
                created_at=p.created_at,
                pk=p.id,
                author=Author(
                    id=relay.GlobalID("Member", str(p.author_id)),
                    display_name=(m.display_name if m else None) or "Member",
                ),
                comment_count=n,
                reactions=[
                    ReactionCount(kind=ReactionKind(k), count=c) for k, c in sorted(r.items())
                ],
                my_reaction=ReactionKind(own) if own else None,
            )
            for p, m, n, r, own in zip(posts, members, counts, reactions, mine, strict=True)
        ]


@strawberry.type
class CommentConnection(relay.Connection[Comment]):
    pass


@strawberry.type
class PostConnection(relay.Connection[Post]):
    pass


@strawberry.type
class GroupConnection(relay.Connection[Group]):
    pass


@strawberry.type(description="A member-only event.")
class Event:
    id: relay.GlobalID
    location: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    places_left: int
    texts: strawberry.Private[dict]

    @strawberry.field
    async def title(self, info: Info[Context, None]) -> str:
        return localized(self.texts, await info.context.locale(), "title")

    @strawberry.field
    async def description(self, info: Info[Context, None]) -> str:
        return localized(self.texts, await info.context.locale(), "description")

    @classmethod
    def from_model(cls, e: models.Event) -> "Event":
        return cls(id=relay.GlobalID("Event", str(e.id)), location=e.location,
                   starts_at=e.starts_at, ends_at=e.ends_at, capacity=e.capacity,
                   places_left=max(e.capacity - e.confirmed, 0), texts=e.texts)  # fmt: skip


@strawberry.type
class EventConnection(relay.Connection[Event]):
    pass


@strawberry.type(description="Your place at an event.")
class Rsvp:
    status: RsvpStatus
    waitlist_position: int | None = strawberry.field(description="1 = next in line.")
    event: Event


@strawberry.type
class Done:
    ok: bool = True


PostResult = Annotated[
    Post | InvalidInputError | GroupNotFoundError | NotEligibleError | PostingNotAllowedError
    | SlowDownError | PostNotFoundError,
    strawberry.union("PostResult"),
]  # fmt: skip
CommentResult = Annotated[
    Comment | InvalidInputError | PostNotFoundError | NotEligibleError | PostingNotAllowedError
    | SlowDownError,
    strawberry.union("CommentResult"),
]  # fmt: skip
GroupResult = Annotated[
    Group | GroupNotFoundError | NotEligibleError | InvalidInputError,
    strawberry.union("GroupResult"),
]
RsvpResult = Annotated[
    Rsvp | EventNotFoundError | NotEligibleError | AlreadyRsvpedError | RsvpNotFoundError
    | InvalidInputError,
    strawberry.union("RsvpResult"),
]  # fmt: skip
ModerationResult = Annotated[
    Done | InvalidInputError | PostNotFoundError | GroupNotFoundError | MemberNotFoundError,
    strawberry.union("ModerationResult"),
]
EventResult = Annotated[Event | InvalidInputError, strawberry.union("EventResult")]
FeedResult = Annotated[
    PostConnection | GroupNotFoundError | NotEligibleError | InvalidInputError,
    strawberry.union(
        "FeedResult",
        description="A group's posts; or why not: no such group, a tier the group needs, or a "
        "malformed group id or cursor.",
    ),
]


@strawberry.input
class GroupTextInput:
    locale: str
    name: str
    description: str = ""


@strawberry.input
class EventTextInput:
    locale: str
    title: str
    description: str = ""


@strawberry.input(name="CommunityEventInput")
class EventInput:
    texts: list[EventTextInput]
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    location: str | None = None
    min_tier: str | None = None
