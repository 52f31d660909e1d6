import datetime as dt
from enum import StrEnum
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app import errors
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.enums import described_enum
from app.graphql.errors import InvalidInputError, UserError, error_type
from app.messaging import models

# Resolved when first used, not imported: the members' types show the inbox.
_MEMBER = strawberry.LazyType("Member", "app.members.types")

Platform = described_enum(
    models.Platform,
    name="Platform",
    description="The operating system a device runs.",
    values={"IOS": "Apple iOS.", "ANDROID": "Android.", "WEB": "A web browser (web push)."},
)
MessageCategory = described_enum(
    models.MessageCategory,
    name="MessageCategory",
    description="What a message is about; members choose per category whether it may push.",
    values={
        "POINTS": "Points earned, released or expiring.",
        "REWARDS": "Rewards redeemed, vouchers and cashback.",
        "TIER": "Tier changes.",
        "EVENTS": "Community events: RSVPs and waitlist places.",
        "MARKETING": "Campaigns and offers (only with marketing consent).",
    },
)


@error_type(
    errors.MessageNotFound,
    description="No message with this id in your inbox (deleted, or not yours).",
)
class MessageNotFoundError(UserError):
    pass


@strawberry.type(description="A device that receives your pushes.")
class Device(relay.Node):
    id: relay.NodeID[int]
    platform: Platform = strawberry.field(description="The device's operating system.")
    app_version: str | None = strawberry.field(
        description="The app version the device reported; null if not given."
    )
    locale: str | None = strawberry.field(
        description="Language for pushes to this device; null: the member's language."
    )
    active: bool = strawberry.field(
        description="False once push delivery reported the token invalid or it was unregistered."
    )

    @classmethod
    def from_model(cls, d: models.Device) -> "Device":
        return cls(id=d.id, platform=Platform(d.platform),
                   app_version=d.app_version, locale=d.locale, active=d.active)  # fmt: skip

    @classmethod
    async def resolve_nodes(
        cls, *, info, node_ids, required: bool = False
    ) -> list["Device | None"]:
        """For `node(id:)`: the member's own devices, theirs alone (the Access.INBOX rule)."""
        from app.messaging.service import devices_by_ids

        return await policy.visible_nodes(
            info, node_ids, access=policy.Access.INBOX,
            load=lambda viewer, ids: devices_by_ids(ids),
            owner=lambda d: d.member_id, convert=cls.from_model,
        )  # fmt: skip


@strawberry.input(description="A device to push to; registering a known token again updates it.")
class RegisterDeviceInput:
    token: str = strawberry.field(description="The FCM registration token.")
    platform: Platform = strawberry.field(description="The device's operating system.")
    app_version: str | None = strawberry.field(
        default=None, description="The app version, for support (optional)."
    )
    locale: str | None = strawberry.field(
        default=None, description="`en`, `nl` or `es` for this device; null: the member's."
    )


RegisterDeviceResult = Annotated[
    Device | InvalidInputError,
    strawberry.union(
        "RegisterDeviceResult", description="The registered device, or the rejected fields."
    ),
]


@strawberry.type(description="A message in your inbox.")
class InboxMessage(relay.Node):
    id: relay.NodeID[int]
    category: MessageCategory = strawberry.field(description="What the message is about.")
    title: str = strawberry.field(description="Headline, in the member's language.")
    body: str = strawberry.field(description="Text, in the member's language.")
    deep_link: str | None = strawberry.field(
        description="An app link to open when tapped; null: none."
    )
    image_url: str | None = strawberry.field(description="An image to show; null: none.")
    data: strawberry.scalars.JSON = strawberry.field(
        description="Extra key/value data for the app (ids, amounts); {} when none."
    )
    created_at: dt.datetime = strawberry.field(description="When it arrived (UTC).")
    read_at: dt.datetime | None = strawberry.field(
        description="When it was marked read; null while unread."
    )
    read: bool = strawberry.field(description="True once marked read.")
    member_id: strawberry.Private[int]

    @strawberry.field(
        description="You, the inbox's owner: the same node (and global id) as `me`, so a "
        "normalized cache updates `me.inbox.unreadCount` from `inboxMessageReceived`."
    )
    async def member(
        self, info: Info[Context, None]
    ) -> Annotated["Member", strawberry.lazy("app.members.types")]:  # noqa: F821
        if not await policy.viewer_allows(info, policy.Access.INBOX, self.member_id):
            raise errors.Forbidden()
        found = await info.context.loaders.members.by_id.load(self.member_id)
        if found is None:
            raise errors.Forbidden()
        return _MEMBER.resolve_type().from_model(found)

    @classmethod
    def from_model(cls, m: models.InboxMessage) -> "InboxMessage":
        return cls(id=m.id, category=MessageCategory(m.category), title=m.title, body=m.body,
                   deep_link=m.deep_link, image_url=m.image_url, data=m.data or {},
                   created_at=m.created_at, read_at=m.read_at, read=m.read_at is not None,
                   member_id=m.member_id)  # fmt: skip

    @classmethod
    async def resolve_nodes(cls, *, info: Info[Context, None], node_ids, required: bool = False):
        """Your own messages only (Access.INBOX: not even staff)."""

        from app.messaging import service

        async def load(viewer, ids: list[int]) -> list:
            return await service.inbox_messages(member_id=viewer.id, ids=ids)

        return await policy.visible_nodes(
            info, node_ids, access=policy.Access.INBOX, load=load,
            owner=lambda m: m.member_id, convert=cls.from_model,
        )  # fmt: skip


@strawberry.type(description="A page of your inbox, newest first, with the unread count.")
class InboxConnection(relay.Connection[InboxMessage]):
    unread_count: int = strawberry.field(
        default=0, description="Unread messages in the whole inbox."
    )
    member_id: strawberry.Private[int | None] = None
    unread_only: strawberry.Private[bool] = False

    @strawberry.field(
        description="How many messages the list holds (unread ones only with `unreadOnly`): "
        "one COUNT on the member's inbox index, run only when asked."
    )
    async def total_count(self) -> int:
        from app.messaging import service

        if self.member_id is None:
            return 0
        return await service.inbox_count(member_id=self.member_id, unread_only=self.unread_only)


InboxMessageResult = Annotated[
    InboxMessage | MessageNotFoundError | InvalidInputError,
    strawberry.union(
        "InboxMessageResult",
        description="The message as changed, or why not (unknown id, bad input).",
    ),
]


class Channel(StrEnum):
    PUSH = "push"
    EMAIL = "email"


NotificationChannel = described_enum(
    Channel,
    name="NotificationChannel",
    description="How messages of a category reach you besides the inbox.",
    values={
        "PUSH": "Pushes to your devices.",
        "EMAIL": "Email to your verified address (marketing mail also needs your consent).",
    },
)


@strawberry.type(
    description="Whether messages of one category reach you by push and by email. Security "
    "and account mail (password, address changes, data exports, account deletion) has no "
    "category: it always comes."
)
class CategoryPush:
    category: MessageCategory = strawberry.field(description="The category.")
    push: bool = strawberry.field(
        description="True: messages of this category also push to your devices."
    )
    email: bool = strawberry.field(
        description="True: messages of this category also come by email."
    )

    @classmethod
    def listed(cls, chosen: dict) -> "list[CategoryPush]":
        """One per category, from messaging.service.category_channels' answer."""
        return [cls(category=MessageCategory(c.value), push=on["push"], email=on["email"])
                for c, on in chosen.items()]  # fmt: skip
