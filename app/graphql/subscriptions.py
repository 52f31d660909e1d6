"""Event streams for subscriptions: authenticated, and ended at token expiry."""

import asyncio
import time
from collections.abc import AsyncGenerator

from strawberry.types import Info

from app.errors import Unauthenticated
from app.events import bus, member_topic
from app.graphql.context import Context


async def topic_events(info: Info[Context, None], topic: str) -> AsyncGenerator[dict, None]:
    """Every event on `topic` until the signed-in member's token expires.

    A socket without a valid token never subscribes; one whose token expires gets an
    UNAUTHENTICATED error and stops receiving events.
    """
    principal, _ = await info.context.require_member()
    async with bus().subscribe(topic) as queue:
        while True:
            remaining = principal.expires_at - time.time()
            if remaining <= 0:
                raise Unauthenticated("SESSION_EXPIRED")
            try:
                yield await asyncio.wait_for(queue.get(), timeout=remaining)
            except TimeoutError:
                continue


async def member_events(
    info: Info[Context, None], event_type: str
) -> AsyncGenerator[tuple[int, dict], None]:
    """(member id, event) of `event_type` from the signed-in member's own topic."""
    _, member = await info.context.require_member()
    async for event in topic_events(info, member_topic(member.id)):
        if event.get("type") == event_type:
            yield member.id, event
