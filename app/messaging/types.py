import datetime as dt
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app import errors
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.errors import InvalidInputError, UserError, error_type
from app.messaging import models

Platform = strawberry.enum(models.Platform, name="Platform")
MessageCategory = strawberry.enum(models.MessageCategory, name="MessageCategory")


@error_type(errors.MessageNotFound)
class MessageNotFoundError(UserError):
    pass


@strawberry.type(description="A device that receives your pushes.")
class Device:
    id: relay.GlobalID
    platform: Platform
    app_version: str | None
    locale: str | None
    active: bool

    @classmethod
    def from_model(cls, d: models.Device) -> "Device":
        return cls(id=relay.GlobalID("Device", str(d.id)), platform=Platform(d.platform),
                   app_version=d.app_version, locale=d.locale, active=d.active)  # fmt: skip


@strawberry.input
class RegisterDeviceInput:
    token: str = strawberry.field(description="The FCM registration token.")
    platform: Platform
    app_version: str | None = None
    locale: str | None = None


RegisterDeviceResult = Annotated[
    Device | InvalidInputError, strawberry.union("RegisterDeviceResult")
]


@strawberry.type(description="A message in your inbox.")
class InboxMessage(relay.Node):
    id: relay.NodeID[int]
    category: MessageCategory
    title: str
    body: str
    deep_link: str | None
    image_url: str | None
    data: strawberry.scalars.JSON
    created_at: dt.datetime
    read_at: dt.datetime | None
    read: bool

    @classmethod
    def from_model(cls, m: models.InboxMessage) -> "InboxMessage":
        return cls(id=m.id, category=MessageCategory(m.category), title=m.title, body=m.body,
                   deep_link=m.deep_link, image_url=m.image_url, data=m.data or {},
                   created_at=m.created_at, read_at=m.read_at, read=m.read_at is not None)  # fmt: skip

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


@strawberry.type
class InboxConnection(relay.Connection[InboxMessage]):
    unread_count: int = strawberry.field(
        default=0, description="Unread messages in the whole inbox."
    )


InboxMessageResult = Annotated[
    InboxMessage | MessageNotFoundError | InvalidInputError, strawberry.union("InboxMessageResult")
]


@strawberry.type(description="Whether pushes of one category of messages reach you.")
class CategoryPush:
    category: MessageCategory
    push: bool
