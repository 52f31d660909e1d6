"""The GraphQL floor of `scripts/bench home`: the home document executed by a Strawberry
schema of the same shape (same types, fields, nullability, enums and scalars) over plain
in-memory objects, with default resolvers only: no database, no authentication, no business
logic; parsing and validation cached as the app caches them. What HTTP, Strawberry and
graphql-core alone cost for that answer in this worker.

The objects are built from the real answers the bench read first (one per member, keyed by
its bearer token), written to the JSON file named by BENCH_HOME_FLOOR and read on the first
request, so the floor serializes exactly what the app does.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Annotated

import strawberry
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache

# ---- the same shape as the app's schema (only what the home document reads) ---------------


@strawberry.enum(name="MessageCategory")
class MessageCategory(Enum):
    POINTS = "POINTS"
    REWARDS = "REWARDS"
    TIER = "TIER"
    EVENTS = "EVENTS"
    MARKETING = "MARKETING"


@strawberry.enum(name="OfferKind")
class OfferKind(Enum):
    BONUS_POINTS = "BONUS_POINTS"
    MEMBER_PRICE = "MEMBER_PRICE"
    EARLY_ACCESS = "EARLY_ACCESS"


@strawberry.enum(name="ReactionKind")
class ReactionKind(Enum):
    LIKE = "LIKE"
    LOVE = "LOVE"
    CELEBRATE = "CELEBRATE"
    INSIGHTFUL = "INSIGHTFUL"


@strawberry.type
class ExpiringPoints:
    points: int
    expires_at: dt.datetime


@strawberry.type
class Balance:
    available: int
    pending: int
    lifetime: int
    expiring: list[ExpiringPoints]


@strawberry.type
class Tier:
    code: str
    name: str


@strawberry.type
class TierProgress:
    value: int
    target: int | None
    remaining: int | None
    unit: str
    deadline: dt.datetime | None


@strawberry.type
class TierStatus:
    current: Tier | None
    next: Tier | None
    progress: TierProgress
    retain_by: dt.datetime | None


@strawberry.type
class InboxMessage:
    id: strawberry.ID
    category: MessageCategory
    title: str
    body: str
    deep_link: str | None
    read: bool
    created_at: dt.datetime


@strawberry.type
class InboxMessageEdge:
    node: InboxMessage


@strawberry.type
class InboxConnection:
    unread_count: int
    edges: list[InboxMessageEdge]


@strawberry.type
class Member:
    id: strawberry.ID
    display_name: str | None
    balance: Balance
    tier: TierStatus
    _inbox: strawberry.Private[InboxConnection]

    @strawberry.field
    def inbox(self, first: int | None = 20) -> InboxConnection:
        return self._inbox


@strawberry.type
class Offer:
    id: strawberry.ID
    kind: OfferKind
    title: str
    early_access: bool
    activated: bool
    uses_left: int | None
    bonus_multiplier: Decimal | None
    member_price: int | None
    currency: str | None


@strawberry.type
class OfferEdge:
    node: Offer


@strawberry.type
class OfferConnection:
    edges: list[OfferEdge]


@strawberry.type
class Author:
    display_name: str


@strawberry.type
class ReactionCount:
    kind: ReactionKind
    count: int


@strawberry.type
class Post:
    id: strawberry.ID
    text: str
    created_at: dt.datetime
    author: Author
    comment_count: int
    my_reaction: ReactionKind | None
    reactions: list[ReactionCount]


@strawberry.type
class PostEdge:
    node: Post


@strawberry.type
class PostConnection:
    edges: list[PostEdge]


@strawberry.type
class GroupNotFound:
    message: str


FeedResult = Annotated[PostConnection | GroupNotFound, strawberry.union("FeedResult")]


@strawberry.type
class Query:
    me_: strawberry.Private[Member | None]
    offers_: strawberry.Private[OfferConnection]
    feed_: strawberry.Private[PostConnection]

    @strawberry.field
    def me(self) -> Member | None:
        return self.me_

    @strawberry.field
    def offers(self, first: int | None = 20) -> OfferConnection:
        return self.offers_

    @strawberry.field
    def feed(self, group_id: strawberry.ID, first: int | None = 20) -> FeedResult:
        return self.feed_


# Parsing and validation cached, as the app caches them (app.graphql.extensions): the floor
# pays for executing the document, not for checking it again on every request.
SCHEMA = strawberry.Schema(query=Query, extensions=[ParserCache(maxsize=64),
                                                    ValidationCache(maxsize=64)])  # fmt: skip


# ---- the objects, from the app's answers ----------------------------------------------------


def _when(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _tier(d: dict | None) -> Tier | None:
    return Tier(code=d["code"], name=d["name"]) if d else None


def root_from(data: dict) -> Query:
    """The root object answering the home document as `data` (the app's answer) does."""
    me = data["me"]
    balance, tier, inbox = me["balance"], me["tier"], me["inbox"]
    progress = tier["progress"]
    member = Member(
        id=me["id"],
        display_name=me["displayName"],
        balance=Balance(
            available=balance["available"], pending=balance["pending"],
            lifetime=balance["lifetime"],
            expiring=[ExpiringPoints(points=e["points"], expires_at=_when(e["expiresAt"]))
                      for e in balance["expiring"]],
        ),
        tier=TierStatus(
            current=_tier(tier["current"]), next=_tier(tier["next"]),
            progress=TierProgress(value=progress["value"], target=progress["target"],
                                  remaining=progress["remaining"], unit=progress["unit"],
                                  deadline=_when(progress["deadline"])),
            retain_by=_when(tier["retainBy"]),
        ),
        _inbox=InboxConnection(
            unread_count=inbox["unreadCount"],
            edges=[InboxMessageEdge(node=InboxMessage(
                id=n["id"], category=MessageCategory(n["category"]), title=n["title"],
                body=n["body"], deep_link=n["deepLink"], read=n["read"],
                created_at=_when(n["createdAt"]))) for n in (e["node"] for e in inbox["edges"])],
        ),
    )  # fmt: skip
    offers = OfferConnection(edges=[OfferEdge(node=Offer(
        id=n["id"], kind=OfferKind(n["kind"]), title=n["title"], early_access=n["earlyAccess"],
        activated=n["activated"], uses_left=n["usesLeft"],
        bonus_multiplier=Decimal(n["bonusMultiplier"]) if n["bonusMultiplier"] else None,
        member_price=n["memberPrice"], currency=n["currency"],
    )) for n in (e["node"] for e in data["offers"]["edges"])])  # fmt: skip
    feed = PostConnection(edges=[PostEdge(node=Post(
        id=n["id"], text=n["text"], created_at=_when(n["createdAt"]),
        author=Author(display_name=n["author"]["displayName"]),
        comment_count=n["commentCount"],
        my_reaction=ReactionKind(n["myReaction"]) if n["myReaction"] else None,
        reactions=[ReactionCount(kind=ReactionKind(r["kind"]), count=r["count"])
                   for r in n["reactions"]],
    )) for n in (e["node"] for e in data["feed"]["edges"])])  # fmt: skip
    return Query(me_=member, offers_=offers, feed_=feed)


class Floor(GraphQL):
    """Plain Strawberry ASGI view; the root value is the caller's member (by bearer token)."""

    def __init__(self) -> None:
        super().__init__(SCHEMA, graphql_ide=None)
        self._roots: dict[str, Query] | None = None

    async def get_root_value(self, request) -> Query | None:
        if self._roots is None:
            answers = json.loads(Path(os.environ["BENCH_HOME_FLOOR"]).read_text())  # noqa: ASYNC240
            self._roots = {token: root_from(data) for token, data in answers.items()}
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        return self._roots[token]
