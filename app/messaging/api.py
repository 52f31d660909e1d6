from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app.graphql.context import Context
from app.graphql.relay import node_id
from app.graphql.subscriptions import member_events
from app.messaging import models as M
from app.messaging import service
from app.messaging import types as T


async def category_pushes(member_id: int) -> list[T.CategoryPush]:
    return T.CategoryPush.listed(await service.category_channels(member_id))


def _message_id(gid: relay.GlobalID) -> int:
    return node_id(gid, "InboxMessage", "id")


@strawberry.type
class MessagingMutation:
    @strawberry.mutation(
        description="Register this device's FCM token for your pushes (a token another "
        "account registered moves to you)."
    )
    async def register_device(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.RegisterDeviceInput,
            strawberry.argument(description="The device's push token and details."),
        ],
    ) -> T.RegisterDeviceResult:
        _, member = await info.context.require_member()
        device = await service.register_device(
            member_id=member.id, token=input.token, platform=M.Platform(input.platform.value),
            app_version=input.app_version, locale=input.locale,
        )  # fmt: skip
        return T.Device.from_model(device)

    @strawberry.mutation(description="Stop pushes to this device (e.g. when signing out).")
    async def unregister_device(
        self,
        info: Info[Context, None],
        token: Annotated[
            str, strawberry.argument(description="The push token to stop pushing to.")
        ],
    ) -> bool:
        _, member = await info.context.require_member()
        return await service.unregister_device(member_id=member.id, token=token)

    @strawberry.mutation(
        description="Switch one category's pushes or emails on or off (the inbox keeps every "
        "message; security and account mail cannot be switched off). Returns every category."
    )
    async def set_notification_preference(
        self,
        info: Info[Context, None],
        category: Annotated[
            T.MessageCategory, strawberry.argument(description="The message category.")
        ],
        push: Annotated[
            bool,
            strawberry.argument(
                description="True: messages of this category reach you on `channel` (by "
                "default: push to your devices)."
            ),
        ],
        channel: Annotated[
            T.NotificationChannel,
            strawberry.argument(description="Which channel `push` switches: PUSH or EMAIL."),
        ] = T.NotificationChannel.PUSH,
    ) -> list[T.CategoryPush]:
        _, member = await info.context.require_member()
        await service.set_category_channel(
            member_id=member.id, category=M.MessageCategory(category.value),
            channel=T.NotificationChannel(channel).value, enabled=push,
        )  # fmt: skip
        return await category_pushes(member.id)

    @strawberry.mutation(description="Mark one of your messages read.")
    async def mark_read(
        self,
        info: Info[Context, None],
        id: Annotated[
            relay.GlobalID, strawberry.argument(description="The inbox message's global id.")
        ],
    ) -> T.InboxMessageResult:
        _, member = await info.context.require_member()
        message = await service.mark_read(member_id=member.id, message_id=_message_id(id))
        return T.InboxMessage.from_model(message)

    @strawberry.mutation(description="The app opened this message (e.g. from its push).")
    async def mark_opened(
        self,
        info: Info[Context, None],
        id: Annotated[
            relay.GlobalID, strawberry.argument(description="The inbox message's global id.")
        ],
    ) -> T.InboxMessageResult:
        _, member = await info.context.require_member()
        message = await service.mark_opened(member_id=member.id, message_id=_message_id(id))
        return T.InboxMessage.from_model(message)

    @strawberry.mutation(description="Mark your whole inbox read; returns how many changed.")
    async def mark_all_read(self, info: Info[Context, None]) -> int:
        _, member = await info.context.require_member()
        return await service.mark_all_read(member_id=member.id)

    @strawberry.mutation(description="Delete one of your messages.")
    async def delete_message(
        self,
        info: Info[Context, None],
        id: Annotated[
            relay.GlobalID, strawberry.argument(description="The inbox message's global id.")
        ],
    ) -> T.InboxMessageResult:
        _, member = await info.context.require_member()
        message_id = _message_id(id)
        found = await service.inbox_message(member_id=member.id, message_id=message_id)
        await service.delete_message(member_id=member.id, message_id=message_id)
        return T.InboxMessage.from_model(found)


@strawberry.type
class MessagingSubscription:
    @strawberry.subscription(description="Messages arriving in your inbox (after commit).")
    async def inbox_message_received(
        self, info: Info[Context, None]
    ) -> AsyncGenerator[T.InboxMessage, None]:
        async for member_id, event in member_events(info, "INBOX_MESSAGE"):
            message = await service.inbox_message(member_id=member_id, message_id=event["message"])
            if message is not None:
                yield T.InboxMessage.from_model(message)
