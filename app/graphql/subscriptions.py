"""Event streams for subscriptions: authenticated, ended at token expiry and at sign-out.

Every stream also listens to its member's `sessions:` topic (app.events.session_topic): a
sign-out, a password change, a refresh-token reuse or an erasure committed in any server
process ends the streams of the sessions it revoked within moments, with the same
UNAUTHENTICATED / SESSION_EXPIRED error as an expired token. In case a notice is lost (Redis
unwell), each stream also asks the database every `SESSION_RECHECK_SECONDS`.
"""

import asyncio
import time
from collections.abc import AsyncGenerator

from strawberry.types import Info

from app.auth import service as auth
from app.errors import Unauthenticated
from app.events import bus, member_topic, revokes, session_topic
from app.graphql.context import Context

SESSION_RECHECK_SECONDS = 60.0


async def _still_live(info: Info[Context, None]) -> bool:
    try:
        await auth.authenticate(token=info.context.token or "")
    except Unauthenticated:
        return False
    return True


async def topic_events(info: Info[Context, None], topic: str) -> AsyncGenerator[dict, None]:
    """Every event on `topic` until the signed-in member's session ends or token expires.

    A socket without a valid token never subscribes; one whose token expires, or whose
    session is revoked, gets an UNAUTHENTICATED error and stops receiving events.
    """
    principal, member = await info.context.require_member()
    async with (
        bus().subscribe(topic) as queue,
        bus().subscribe(session_topic(member.id)) as notices,
    ):
        # A sign-out that committed before we listened sent its notice to nobody: ask again.
        if not await _still_live(info):
            raise Unauthenticated("SESSION_EXPIRED")
        recheck_at = time.monotonic() + SESSION_RECHECK_SECONDS
        event: asyncio.Future | None = None
        notice: asyncio.Future | None = None
        try:
            while True:
                remaining = principal.expires_at - time.time()
                if remaining <= 0:
                    raise Unauthenticated("SESSION_EXPIRED")
                if time.monotonic() >= recheck_at:  # busy streams too: a notice can be lost
                    if not await _still_live(info):
                        raise Unauthenticated("SESSION_EXPIRED")
                    recheck_at = time.monotonic() + SESSION_RECHECK_SECONDS
                no_notice = notices.empty() and (notice is None or not notice.done())
                if event is None and no_notice and not queue.empty():
                    yield queue.get_nowait()  # events waiting, no notice: no task needed
                    continue
                event = event or asyncio.ensure_future(queue.get())
                notice = notice or asyncio.ensure_future(notices.get())
                wait = min(remaining, recheck_at - time.monotonic())
                done, _ = await asyncio.wait(
                    (event, notice), timeout=max(wait, 0), return_when=asyncio.FIRST_COMPLETED
                )
                if notice in done:  # before any event: nothing is delivered after sign-out
                    ended, notice = revokes(notice.result(), principal.session_id), None
                    if ended:
                        raise Unauthenticated("SESSION_EXPIRED")
                    continue
                if event in done:
                    delivered, event = event.result(), None
                    yield delivered
        finally:
            for waiting in (event, notice):
                if waiting is not None:
                    waiting.cancel()


async def member_events(
    info: Info[Context, None], event_type: str
) -> AsyncGenerator[tuple[int, dict], None]:
    """(member id, event) of `event_type` from the signed-in member's own topic."""
    _, member = await info.context.require_member()
    async for event in topic_events(info, member_topic(member.id)):
        if event.get("type") == event_type:
            yield member.id, event
