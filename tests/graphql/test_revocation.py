"""A revoked session's live subscriptions end within a second, in every server process.

Before: after `logOut` (one or all sessions), a password change, a refresh-token reuse or an
erasure, the session's open subscriptions kept delivering until the access token expired
(up to 15 minutes). Now the revocation is announced after commit on the member's `sessions:`
topic, and every stream built on `topic_events` ends with UNAUTHENTICATED.
"""

import asyncio
import datetime as dt
import json
import time

import httpx
import pytest

from app.auth.models import AuthSession
from app.events import bus, member_topic, revocation, revokes, session_topic
from app.graphql import subscriptions
from tests.graphql.test_websocket import _connect, _recv
from tests.helpers import LOG_IN, PASSWORD, REFRESH, gql, sign_up
from tests.test_events import REDIS_URL, two_servers  # noqa: F401  (fixture)

POINTS = "subscription { pointsChanged { balance { available } } }"
PROFILE = "subscription { memberUpdated { displayName } }"
UPDATE = 'mutation { updateProfile(input: {displayName: "Still here"}) { __typename } }'
LOG_OUT = "mutation($all: Boolean!) { logOut(allSessions: $all) }"
# The bound is one second; the margin is for a loaded test machine.
WITHIN = 1.0 + 1.0


async def _second_session(client, session: dict) -> dict:
    body = await gql(client, LOG_IN, {"input": {"email": session["member"]["email"],
                                                "password": PASSWORD}})  # fmt: skip
    result = body["data"]["logIn"]
    assert result["__typename"] == "AuthSession", body
    return result


async def _subscribe(server: str, token: str, *queries: str):
    ws = await _connect(server, {"authorization": f"Bearer {token}"})
    assert (await _recv(ws))["type"] == "connection_ack"
    for n, query in enumerate(queries, 1):
        await ws.send(json.dumps({"id": str(n), "type": "subscribe",
                                  "payload": {"query": query}}))  # fmt: skip
    await asyncio.sleep(0.3)  # the streams are listening
    return ws


def _error_code(message: dict) -> str | None:
    if message["type"] == "error":
        return message["payload"][0]["extensions"]["code"]
    if message["type"] == "next" and message["payload"].get("errors"):
        return message["payload"]["errors"][0]["extensions"]["code"]
    return None


async def _ended(ws, count: int, started: float) -> None:
    """Each of the socket's `count` subscriptions answers UNAUTHENTICATED within WITHIN."""
    ended: set[str] = set()
    while len(ended) < count:
        remaining = started + WITHIN - time.monotonic()
        assert remaining > 0, f"only {sorted(ended)} ended within {WITHIN}s"
        message = await _recv(ws, timeout=remaining)
        code = _error_code(message)
        assert code in (None, "UNAUTHENTICATED"), message
        assert message["type"] != "next" or code is not None, f"delivered after: {message}"
        if code == "UNAUTHENTICATED":
            ended.add(message["id"])


async def _still_streaming(client, ws, token: str) -> None:
    await gql(client, UPDATE, token=token)
    message = await _recv(ws)
    assert message["type"] == "next", message
    assert message["payload"]["data"]["memberUpdated"] == {"displayName": "Still here"}


async def test_log_out_ends_that_sessions_subscriptions_within_a_second(client, live_server):
    a = await sign_up(client)
    b = await _second_session(client, a)
    on_a = await _subscribe(live_server, a["accessToken"], POINTS, PROFILE)
    on_b = await _subscribe(live_server, b["accessToken"], PROFILE)
    try:
        started = time.monotonic()
        assert (await gql(client, LOG_OUT, {"all": False}, token=a["accessToken"]))["data"]
        await _ended(on_a, 2, started)
        # The member's other session was not signed out: it keeps streaming.
        await _still_streaming(client, on_b, b["accessToken"])
    finally:
        await on_a.close()
        await on_b.close()


async def test_log_out_everywhere_ends_every_sessions_subscriptions(client, live_server):
    a = await sign_up(client)
    b = await _second_session(client, a)
    on_a = await _subscribe(live_server, a["accessToken"], POINTS)
    on_b = await _subscribe(live_server, b["accessToken"], PROFILE)
    try:
        started = time.monotonic()
        await gql(client, LOG_OUT, {"all": True}, token=b["accessToken"])
        await _ended(on_a, 1, started)
        await _ended(on_b, 1, started)
    finally:
        await on_a.close()
        await on_b.close()


async def test_a_password_change_ends_the_other_sessions_subscriptions(client, live_server):
    a = await sign_up(client)
    b = await _second_session(client, a)
    on_a = await _subscribe(live_server, a["accessToken"], PROFILE)
    on_b = await _subscribe(live_server, b["accessToken"], POINTS, PROFILE)
    try:
        started = time.monotonic()
        result = await gql(client, """mutation($i: ChangePasswordInput!) {
            changePassword(input: $i) { __typename } }""",
                           {"i": {"currentPassword": PASSWORD,
                                  "newPassword": "a-brand-new-passphrase"}},
                           token=a["accessToken"])  # fmt: skip
        assert result["data"]["changePassword"]["__typename"] == "PasswordChanged", result
        await _ended(on_b, 2, started)
        await _still_streaming(client, on_a, a["accessToken"])  # the changing session stays
    finally:
        await on_a.close()
        await on_b.close()


async def test_refresh_token_reuse_ends_the_sessions_subscriptions(client, live_server):
    a = await sign_up(client)
    spent = a["refreshToken"]
    assert (await gql(client, REFRESH, {"t": spent}))["data"]["refreshSession"]["accessToken"]
    on_a = await _subscribe(live_server, a["accessToken"], POINTS)
    try:
        started = time.monotonic()
        reused = await gql(client, REFRESH, {"t": spent})  # leaked: the session is revoked
        assert reused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", reused
        await _ended(on_a, 1, started)
    finally:
        await on_a.close()


async def test_erasing_the_account_ends_its_subscriptions(client, live_server):
    a = await sign_up(client)
    on_a = await _subscribe(live_server, a["accessToken"], POINTS, PROFILE)
    try:
        started = time.monotonic()
        result = await gql(client, "mutation($p: String!) { deleteAccount(password: $p) "
                           "{ __typename } }", {"p": PASSWORD}, token=a["accessToken"])  # fmt: skip
        assert result["data"]["deleteAccount"]["__typename"] == "AccountErased", result
        await _ended(on_a, 2, started)
    finally:
        await on_a.close()


async def test_a_lost_notice_is_caught_by_the_periodic_recheck(client, live_server, monkeypatch):
    """A session revoked with no notice (one lost while Redis was unwell) still ends."""
    monkeypatch.setattr(subscriptions, "SESSION_RECHECK_SECONDS", 0.5)
    a = await sign_up(client)
    on_a = await _subscribe(live_server, a["accessToken"], POINTS)
    try:
        started = time.monotonic()
        await AuthSession.all().update(revoked_at=dt.datetime.now(dt.UTC))  # no notice sent
        await _ended(on_a, 1, started)
    finally:
        await on_a.close()


async def test_a_busy_stream_is_rechecked_too(client, live_server, monkeypatch):
    """The recheck also runs while events keep arriving (a lost notice on a busy stream)."""
    monkeypatch.setattr(subscriptions, "SESSION_RECHECK_SECONDS", 0.5)
    a = await sign_up(client)
    first = await AuthSession.all().order_by("created_at").first()
    on_a = await _subscribe(live_server, a["accessToken"], PROFILE)
    try:
        started = time.monotonic()
        await AuthSession.filter(id=first.id).update(revoked_at=dt.datetime.now(dt.UTC))

        member_id = first.member_id

        async def keep_busy() -> None:  # a backlog always waiting: the stream never idles
            while True:
                for _ in range(20):
                    await bus().publish(member_topic(member_id), {"type": "MEMBER_UPDATED"})
                await asyncio.sleep(0.01)

        busy = asyncio.create_task(keep_busy())
        try:
            while True:  # events may still arrive until the recheck: no notice was sent
                remaining = started + WITHIN - time.monotonic()
                assert remaining > 0, "the busy stream was not rechecked"
                message = await _recv(on_a, timeout=remaining)
                if _error_code(message) == "UNAUTHENTICATED":
                    break
                assert message["type"] == "next", message
        finally:
            busy.cancel()
    finally:
        await on_a.close()


async def test_notices_name_sessions_or_all_but_some(app):
    assert revokes(revocation(sessions=["s1"]), "s1")
    assert not revokes(revocation(sessions=["s1"]), "s2")
    assert revokes(revocation(), "s2")
    assert not revokes(revocation(keep=["s2"]), "s2")
    assert not revokes({"type": "POINTS_CHANGED"}, "s1")
    # A revocation that rolls back announces nothing.
    from app.db import transaction
    from app.events import publish_revocation

    async with bus().subscribe(session_topic(7)) as notices:
        with pytest.raises(RuntimeError):
            async with transaction():
                publish_revocation(member_id=7)
                raise RuntimeError("roll back")
        async with transaction():
            publish_revocation(member_id=7, sessions=["s9"])
            assert notices.empty()  # not before the commit
        assert notices.get_nowait() == revocation(sessions=["s9"])
        assert notices.empty()


async def test_a_log_out_through_one_process_ends_a_subscription_on_another(
    client, two_servers  # noqa: F811
):  # fmt: skip
    assert REDIS_URL
    server_1, server_2 = two_servers
    a = await sign_up(client)
    b = await _second_session(client, a)
    on_2 = await _subscribe(server_2, a["accessToken"], POINTS, PROFILE)
    other = await _subscribe(server_2, b["accessToken"], PROFILE)
    try:
        async with httpx.AsyncClient(base_url=f"http://{server_1}") as through_1:
            started = time.monotonic()
            result = await gql(through_1, LOG_OUT, {"all": False}, token=a["accessToken"])
            assert result["data"]["logOut"] is True, result
            await _ended(on_2, 2, started)
            # The member's other session, also streaming on process 2, is not affected.
            await _still_streaming(through_1, other, b["accessToken"])
    finally:
        await on_2.close()
        await other.close()
