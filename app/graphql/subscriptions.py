"""Event streams for subscriptions: authenticated, ended at token expiry and at sign-out.

Every stream also listens to its member's `sessions:` topic (app.events.session_topic): a
sign-out, a password change, a refresh-token reuse or an erasure committed in any server
process ends the streams of the sessions it revoked within moments, with the same
UNAUTHENTICATED error as an expired token. In case a notice is lost (Redis unwell), each
stream also asks the database again at most `SESSION_RECHECK_SECONDS` after it last did:
each time after a random part of it (between RECHECK_SPREAD of it and all of it), so the
streams of a process opened in the same second do not all ask in the same second. The checks
of a process's streams are asked together, one query per CHECK_BATCH_SECONDS
(app.auth.service.live_sessions), the token itself verified by each stream.

A check the database cannot answer (unreachable, slow, no pool connection free) never ends
a stream: it is tried again after a capped, jittered backoff (RETRY_FIRST_SECONDS doubling up
to RETRY_MAX_SECONDS, each a random part of it) while the stream goes on; only an answer that
the session ended, or the token's expiry, ends it. Until a stream's first check succeeds it
holds its events back (they wait in its inbox, at most app.events.QUEUE_SIZE).

The end of a stream says why: its last message is an error with `extensions.code`
UNAUTHENTICATED and `extensions.reason` TOKEN_EXPIRED (the access token's time is up: refresh
it and reconnect) or SESSION_REVOKED (signed out, password changed, refresh token reused,
account erased: sign in again), then `complete`, in both WebSocket protocols. The socket stays
open (a socket's token is fixed at connection_init, so a client reconnects with the new one).

Each event is resolved with fresh DataLoaders: the socket's context lives as long as the
socket, and cached loads (a balance, a tier) would otherwise be as old as the first event.

A process holds thousands of these streams, each for as long as its socket lives, so a
stream is one async generator waiting on its inbox (app.events.Inbox) with no task or timer
of its own: deadlines go to the inbox's shared clock.
"""

import asyncio
import logging
import random
import time
import weakref
from collections.abc import AsyncGenerator, AsyncIterator

from graphql import GraphQLError
from strawberry.types import Info

from app import observability
from app.auth import service as auth
from app.auth.tokens import Principal, verify_access_token
from app.errors import Unauthenticated
from app.events import bus, member_topic, revokes, session_topic
from app.graphql.context import Context
from app.graphql.loaders import Loaders
from app.i18n import translate
from app.settings import get_settings

log = logging.getLogger(__name__)

SESSION_RECHECK_SECONDS = 60.0  # the longest a stream goes without asking the database
RECHECK_SPREAD = 0.5  # each recheck after a random 50-100% of SESSION_RECHECK_SECONDS
RETRY_FIRST_SECONDS = 1.0  # a check the database could not answer: tried again after this,
RETRY_MAX_SECONDS = 30.0  # doubling up to this (each wait a random 50-100% of it)
CHECK_BATCH_SECONDS = 0.2  # session checks of the process's streams are asked together
CHECK_BATCH_SIZE = 500  # sessions per query
FAILURE_LOG_INTERVAL = 10.0  # checks the database could not answer: one log line at most per
TOKEN_EXPIRED = "TOKEN_EXPIRED"
SESSION_REVOKED = "SESSION_REVOKED"

_unanswered = {"count": 0, "logged_at": float("-inf")}


def _ended(info: Info[Context, None], reason: str) -> GraphQLError:
    """The stream's last error: UNAUTHENTICATED, with why in `reason`."""
    message = translate("SESSION_EXPIRED", info.context.locale_hint or "en")
    return GraphQLError(message, extensions={"code": "UNAUTHENTICATED", "reason": reason})


class _SessionChecks:
    """The session checks of one event loop's streams, asked in one query per
    CHECK_BATCH_SECONDS (at most CHECK_BATCH_SIZE sessions each): thousands of streams
    recheck every minute, and one query each would cost the database and the process more
    than the events they carry."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._pending: dict[tuple[str, int], asyncio.Future] = {}
        self._flush: asyncio.TimerHandle | None = None
        self._running: set[asyncio.Task] = set()

    async def live(self, session_id: str, member_id: int) -> bool:
        key = (session_id, member_id)
        future = self._pending.get(key)
        if future is None:
            future = self._pending[key] = self._loop.create_future()
            if self._flush is None:
                self._flush = self._loop.call_later(CHECK_BATCH_SECONDS, self._start)
        # Shielded: a stream that ends meanwhile does not cancel the others' answer.
        return await asyncio.shield(future)

    def _start(self) -> None:
        self._flush = None
        pending, self._pending = self._pending, {}
        keys = list(pending)
        for start in range(0, len(keys), CHECK_BATCH_SIZE):
            batch = {k: pending[k] for k in keys[start : start + CHECK_BATCH_SIZE]}
            task = self._loop.create_task(self._ask(batch), name="subscription-session-checks")
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def _ask(self, batch: dict[tuple[str, int], asyncio.Future]) -> None:
        try:
            live = await auth.live_sessions(list(batch))
        except Exception as exc:  # unreachable, slow, pool exhausted: each asks again later
            for future in batch.values():
                if not future.done():
                    future.set_exception(exc)
            return
        for key, future in batch.items():
            if not future.done():
                future.set_result(key in live)


_checks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _SessionChecks] = (
    weakref.WeakKeyDictionary()
)


def _session_checks() -> _SessionChecks:
    loop = asyncio.get_running_loop()
    checks = _checks.get(loop)
    if checks is None:
        checks = _checks[loop] = _SessionChecks(loop)
    return checks


async def _still_live(
    info: Info[Context, None], principal: Principal, member_id: int
) -> bool | None:
    """Whether the stream's session is live (its token still verifies, its session is not
    revoked, its account active: what `authenticate` checks for a request); None when the
    database could not say."""
    try:
        verify_access_token(get_settings(), info.context.token or "")
    except Unauthenticated:
        return False
    try:
        return await _session_checks().live(str(principal.session_id), member_id)
    except Exception as exc:  # unreachable, slow, pool exhausted: ask again later
        _unanswered["count"] += 1
        at = time.monotonic()
        if at - _unanswered["logged_at"] >= FAILURE_LOG_INTERVAL:
            log.warning("%d subscription session check(s) unanswered (%s: %s); each is tried "
                        "again with backoff, the streams go on", _unanswered["count"],
                        type(exc).__name__, exc)  # fmt: skip
            _unanswered["count"], _unanswered["logged_at"] = 0, at
        return None
    return True


def next_recheck_delay() -> float:
    """Seconds until a stream's next session recheck: a random part of the interval."""
    return SESSION_RECHECK_SECONDS * random.uniform(1.0 - RECHECK_SPREAD, 1.0)


def retry_delay(failures: int) -> float:
    """Seconds before asking again after `failures` (>= 1) unanswered checks in a row."""
    ceiling = min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2 ** min(failures - 1, 16))
    return ceiling * random.uniform(0.5, 1.0)


def _why(principal: object) -> str:
    expires_at = getattr(principal, "expires_at", 0)
    return TOKEN_EXPIRED if expires_at - time.time() <= 0 else SESSION_REVOKED


async def _events(
    info: Info[Context, None], topic: str | None, event_type: str | None
) -> AsyncGenerator:
    """Events of `topic` (None: the member's own, yielded as (member id, event) pairs, only
    those of `event_type`) until the session ends or the token expires."""
    principal, member = await info.context.require_member()
    loop = asyncio.get_running_loop()
    # The token's expiry on the loop's clock (the inbox's deadlines are on it).
    expires_at = loop.time() + (principal.expires_at - time.time())
    pairs = topic is None
    # One inbox for the topic and the member's notices (urgent: taken before any event, so
    # nothing is delivered after a sign-out).
    async with bus().subscribe(
        member_topic(member.id) if pairs else topic, urgent=session_topic(member.id)
    ) as inbox:
        # A sign-out that committed before we listened sent its notice to nobody: ask first
        # (and hold events back until the database answered).
        verified, failures, check_at = False, 0, loop.time()
        try:
            while True:
                now = loop.time()
                if now >= expires_at:
                    raise _ended(info, TOKEN_EXPIRED)
                notice = inbox.take_urgent()
                if notice is not None:
                    if revokes(notice, principal.session_id):
                        raise _ended(info, SESSION_REVOKED)
                    continue
                if now >= check_at:  # busy streams too: a notice can be lost
                    live = await _still_live(info, principal, member.id)
                    if live is False:
                        raise _ended(info, _why(principal))
                    if live:
                        if not verified:
                            verified = True
                            observability.subscription_opened()
                        failures, check_at = 0, loop.time() + next_recheck_delay()
                    else:
                        failures += 1
                        check_at = loop.time() + retry_delay(failures)
                    continue
                if verified and inbox.has_ordinary():
                    event = inbox.get_nowait()
                    if not pairs:
                        info.context.loaders = Loaders()
                        yield event
                    elif event.get("type") == event_type:
                        info.context.loaders = Loaders()
                        yield member.id, event
                    continue
                await inbox.wait(until=min(check_at, expires_at), urgent_only=not verified)
        finally:
            if verified:
                observability.subscription_closed()


def topic_events(info: Info[Context, None], topic: str) -> AsyncIterator[dict]:
    """Every event on `topic` until the signed-in member's session ends or token expires.

    A socket without a valid token never subscribes; one whose token expires, or whose
    session is revoked, gets an UNAUTHENTICATED error and stops receiving events.
    """
    return _events(info, topic, None)


def member_events(info: Info[Context, None], event_type: str) -> AsyncIterator[tuple[int, dict]]:
    """(member id, event) of `event_type` from the signed-in member's own topic."""
    return _events(info, None, event_type)
