"""Event streams for subscriptions: authenticated, ended at token expiry and at sign-out.

Every stream also listens to its member's `sessions:` topic (app.events.session_topic): a
sign-out, a password change, a refresh-token reuse or an erasure committed in any server
process ends the streams of the sessions it revoked within moments, with the same
UNAUTHENTICATED error as an expired token. In case a notice is lost (Redis unwell), each
stream also asks the database every `SESSION_RECHECK_SECONDS`.

The end of a stream says why: its last message is an error with `extensions.code`
UNAUTHENTICATED and `extensions.reason` TOKEN_EXPIRED (the access token's time is up: refresh
it and reconnect) or SESSION_REVOKED (signed out, password changed, refresh token reused,
account erased: sign in again), then `complete`, in both WebSocket protocols. The socket stays
open (a socket's token is fixed at connection_init, so a client reconnects with the new one).

Each event is resolved with fresh DataLoaders: the socket's context lives as long as the
socket, and cached loads (a balance, a tier) would otherwise be as old as the first event.
"""

import asyncio
import time
from collections.abc import AsyncGenerator

from graphql import GraphQLError
from strawberry.types import Info

from app import observability
from app.auth import service as auth
from app.errors import Unauthenticated
from app.events import bus, member_topic, revokes, session_topic
from app.graphql.context import Context
from app.graphql.loaders import Loaders
from app.i18n import translate

SESSION_RECHECK_SECONDS = 60.0
TOKEN_EXPIRED = "TOKEN_EXPIRED"
SESSION_REVOKED = "SESSION_REVOKED"


def _ended(info: Info[Context, None], reason: str) -> GraphQLError:
    """The stream's last error: UNAUTHENTICATED, with why in `reason`."""
    message = translate("SESSION_EXPIRED", info.context.locale_hint or "en")
    return GraphQLError(message, extensions={"code": "UNAUTHENTICATED", "reason": reason})


async def _still_live(info: Info[Context, None]) -> bool:
    try:
        await auth.authenticate(token=info.context.token or "")
    except Unauthenticated:
        return False
    return True


def _why(principal: object) -> str:
    expires_at = getattr(principal, "expires_at", 0)
    return TOKEN_EXPIRED if expires_at - time.time() <= 0 else SESSION_REVOKED


async def topic_events(info: Info[Context, None], topic: str) -> AsyncGenerator[dict, None]:
    """Every event on `topic` until the signed-in member's session ends or token expires.

    A socket without a valid token never subscribes; one whose token expires, or whose
    session is revoked, gets an UNAUTHENTICATED error and stops receiving events.
    """
    principal, member = await info.context.require_member()
    # One inbox for the topic and the member's notices (urgent: taken before any event, so
    # nothing is delivered after a sign-out), and no task while waiting: thousands of these
    # are open per process, and each costs memory for as long as its socket lives.
    async with bus().subscribe(topic, urgent=session_topic(member.id)) as inbox:
        # A sign-out that committed before we listened sent its notice to nobody: ask again.
        if not await _still_live(info):
            raise _ended(info, _why(principal))
        recheck_at = time.monotonic() + SESSION_RECHECK_SECONDS
        observability.subscription_opened()
        try:
            while True:
                remaining = principal.expires_at - time.time()
                if remaining <= 0:
                    raise _ended(info, TOKEN_EXPIRED)
                if time.monotonic() >= recheck_at:  # busy streams too: a notice can be lost
                    if not await _still_live(info):
                        raise _ended(info, _why(principal))
                    recheck_at = time.monotonic() + SESSION_RECHECK_SECONDS
                if inbox.empty():
                    wait = min(remaining, recheck_at - time.monotonic())
                    try:
                        async with asyncio.timeout(max(wait, 0)):
                            await inbox.wait()
                    except TimeoutError:
                        continue
                notice = inbox.take_urgent()
                if notice is not None:
                    if revokes(notice, principal.session_id):
                        raise _ended(info, SESSION_REVOKED)
                    continue
                info.context.loaders = Loaders()
                yield inbox.get_nowait()
        finally:
            observability.subscription_closed()


async def member_events(
    info: Info[Context, None], event_type: str
) -> AsyncGenerator[tuple[int, dict], None]:
    """(member id, event) of `event_type` from the signed-in member's own topic."""
    _, member = await info.context.require_member()
    async for event in topic_events(info, member_topic(member.id)):
        if event.get("type") == event_type:
            yield member.id, event
