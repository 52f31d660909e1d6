"""The legacy `graphql-ws` subprotocol (subscriptions-transport-ws, Apollo iOS and Kotlin's
default) beside graphql-transport-ws, against a real uvicorn: the same limits, event types
that carry `member`, and streams that end saying why (TOKEN_EXPIRED, SESSION_REVOKED)."""

import asyncio
import json
import time

import pytest
import websockets

from app.auth.tokens import issue_access_token, verify_access_token
from app.graphql.view import MAX_OPERATIONS_PER_SOCKET
from app.settings import get_settings
from tests.graphql.test_websocket import _connect, _recv
from tests.helpers import RECORD_PURCHASE, gql, integration_token, purchase_input, sign_up

PROFILE = "subscription { memberUpdated { displayName } }"
UPDATE = 'mutation { updateProfile(input: {displayName: "Live"}) { __typename } }'
POINTS = (
    "subscription { pointsChanged { balance { available } member { id balance { available } } } }"
)
LOG_OUT = "mutation { logOut(allSessions: false) }"
PROTOCOLS = ["graphql-ws", "graphql-transport-ws"]


async def _legacy(server, payload=None):
    ws = await websockets.connect(
        f"ws://{server}/graphql", subprotocols=["graphql-ws"], open_timeout=5
    )
    assert ws.subprotocol == "graphql-ws"
    await ws.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
    return ws


async def _next(ws, timeout=5.0):
    """The next message that is not a keep-alive."""
    while True:
        message = await _recv(ws, timeout)
        if message.get("type") != "ka":
            return message


async def _open(protocol, server, token):
    """A socket of `protocol`, acknowledged, and how to start and read an operation there."""
    payload = {"authorization": f"Bearer {token}"}
    ws = await (_legacy(server, payload) if protocol == "graphql-ws" else _connect(server, payload))
    assert (await _next(ws))["type"] == "connection_ack"
    return ws


async def _start(protocol, ws, op_id, query):
    kind = "start" if protocol == "graphql-ws" else "subscribe"
    await ws.send(json.dumps({"id": op_id, "type": kind, "payload": {"query": query}}))


def _result(protocol, message):
    assert message["type"] == ("data" if protocol == "graphql-ws" else "next"), message
    return message["payload"]


async def _closed(ws):
    try:
        while True:
            await asyncio.wait_for(ws.recv(), 5)
    except websockets.ConnectionClosed as closed:
        return closed.rcvd


async def test_legacy_protocol_streams_and_stops(client, live_server):
    session = await sign_up(client)
    ws = await _open("graphql-ws", live_server, session["accessToken"])
    try:
        await _start("graphql-ws", ws, "1", PROFILE)
        await asyncio.sleep(0.2)
        await gql(client, UPDATE, token=session["accessToken"])
        message = await _next(ws)
        assert message["id"] == "1"
        assert _result("graphql-ws", message)["data"] == {"memberUpdated": {"displayName": "Live"}}
        await ws.send(json.dumps({"id": "1", "type": "stop"}))
        assert (await _next(ws)) == {"type": "complete", "id": "1"}
    finally:
        await ws.close()


async def test_legacy_protocol_sends_keep_alives(client, live_server):
    session = await sign_up(client)
    ws = await _legacy(live_server, {"authorization": f"Bearer {session['accessToken']}"})
    try:
        assert (await _recv(ws))["type"] == "connection_ack"
        assert (await _recv(ws))["type"] == "ka"
    finally:
        await ws.close()


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_points_change_carries_the_member_node_of_me(client, live_server, protocol):
    me = await sign_up(client)
    till = await integration_token(client, "purchases:write")
    ws = await _open(protocol, live_server, me["accessToken"])
    try:
        await _start(protocol, ws, "1", POINTS)
        await asyncio.sleep(0.2)
        for n, (amount, available) in enumerate(((4200, 42), (1000, 52))):
            await gql(client, RECORD_PURCHASE,
                      {"input": purchase_input(me["member"]["id"], f"l-{n}", amount=amount)},
                      token=till)  # fmt: skip
            change = _result(protocol, await _next(ws))["data"]["pointsChanged"]
            # The same global id as `me { id }`, and the balance after this event (not the
            # first event's, cached for the socket's lifetime).
            assert change == {
                "balance": {"available": available},
                "member": {"id": me["member"]["id"], "balance": {"available": available}},
            }
    finally:
        await ws.close()


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        ("[1, 2]", "WebSocket message must be a JSON object."),
        ('{"type": "start", "id": 1, "payload": {"query": "{ __typename }"}}',
         "`id` must be a string."),
        ('{"type": "stop", "id": ["x"]}', "`id` must be a string."),
        ('{"type": "start", "id": "1", "payload": {}}', "`query` must be a string."),
        ('{"type": "start", "id": "1", "payload": {"query": "{ a }", "variables": 3}}',
         "`variables` must be an object or null."),
        ("[" * 40 + "]" * 40, "The message is nested too deeply."),
    ],
)  # fmt: skip
async def test_a_malformed_legacy_message_closes_with_4400(live_server, frame, reason):
    ws = await _legacy(live_server)
    assert (await _next(ws))["type"] == "connection_ack"
    await ws.send(frame)
    closed = await _closed(ws)
    assert (closed.code, closed.reason) == (4400, reason)


async def test_a_legacy_frame_past_the_body_limit_closes_with_1009(live_server, settings):
    ws = await _legacy(live_server)
    assert (await _next(ws))["type"] == "connection_ack"
    await ws.send(json.dumps({"type": "start", "id": "1",
                              "payload": {"query": "x" * (settings.max_body_bytes + 1)}}))  # fmt: skip
    assert (await _closed(ws)).code == 1009


async def test_a_forged_token_gets_connection_error_and_4403(live_server):
    ws = await _legacy(live_server, {"authorization": "Bearer forged.token.value"})
    message = await _recv(ws)
    assert message["type"] == "connection_error"
    assert message["payload"]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await _closed(ws)).code == 4403


async def test_a_second_connection_init_closes_with_4429(client, live_server):
    session = await sign_up(client)
    other = await sign_up(client)
    ws = await _open("graphql-ws", live_server, session["accessToken"])
    await ws.send(json.dumps({"type": "connection_init",
                              "payload": {"authorization": f"Bearer {other['accessToken']}"}}))  # fmt: skip
    assert (await _closed(ws)).code == 4429


async def test_start_before_connection_init_closes_with_4401(live_server):
    ws = await websockets.connect(
        f"ws://{live_server}/graphql", subprotocols=["graphql-ws"], open_timeout=5
    )
    await ws.send(json.dumps({"type": "start", "id": "1", "payload": {"query": PROFILE}}))
    assert (await _closed(ws)).code == 4401


async def test_one_legacy_socket_runs_at_most_twenty_operations(client, live_server):
    session = await sign_up(client)
    ws = await _open("graphql-ws", live_server, session["accessToken"])
    try:
        for n in range(MAX_OPERATIONS_PER_SOCKET + 1):
            await _start("graphql-ws", ws, str(n), PROFILE)
        message = await _next(ws)
        assert message["type"] == "error" and message["id"] == str(MAX_OPERATIONS_PER_SOCKET)
        assert message["payload"]["extensions"]["code"] == "TOO_MANY_OPERATIONS"
        # The others go on.
        await gql(client, UPDATE, token=session["accessToken"])
        assert _result("graphql-ws", await _next(ws))["data"]["memberUpdated"]
    finally:
        await ws.close()


async def _ends_with(protocol, ws, reason, timeout=10.0):
    message = await _next(ws, timeout)
    payload = message["payload"]
    errors = payload if message["type"] == "error" else _result(protocol, message)["errors"]
    errors = errors if isinstance(errors, list) else [errors]
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED", message
    assert errors[0]["extensions"]["reason"] == reason, message
    assert (await _next(ws)) == {"type": "complete", "id": "1"}


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_an_expired_token_ends_the_stream_with_token_expired(client, live_server, protocol):
    session = await sign_up(client)
    principal = verify_access_token(get_settings(), session["accessToken"])
    short, _ = issue_access_token(get_settings(), kind="member", subject=principal.subject,
                                  ttl=2, session_id=principal.session_id)  # fmt: skip
    ws = await _open(protocol, live_server, short)
    try:
        await _start(protocol, ws, "1", PROFILE)
        started = time.monotonic()
        await _ends_with(protocol, ws, "TOKEN_EXPIRED")
        assert time.monotonic() - started < 9
    finally:
        await ws.close()


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_sign_out_ends_the_stream_with_session_revoked(client, live_server, protocol):
    session = await sign_up(client)
    ws = await _open(protocol, live_server, session["accessToken"])
    try:
        await _start(protocol, ws, "1", PROFILE)
        await asyncio.sleep(0.3)
        body = await gql(client, LOG_OUT, token=session["accessToken"])
        assert body["data"]["logOut"], body
        await _ends_with(protocol, ws, "SESSION_REVOKED")
    finally:
        await ws.close()


async def test_tier_changed_carries_the_member_node_of_me(client, live_server):
    from strawberry.relay import to_base64

    from tests.tiers.test_tiers import Shop, _program

    await _program()
    shop = await Shop.open(client)
    ws = await _open("graphql-ws", live_server, shop.token)
    try:
        query = "subscription { tierChanged { member { id tier { current { code } } } } }"
        await _start("graphql-ws", ws, "1", query)
        await asyncio.sleep(0.2)
        await shop.buy(20_000)
        change = _result("graphql-ws", await _next(ws))["data"]["tierChanged"]
        assert change == {"member": {"id": to_base64("Member", shop.member.id),
                                     "tier": {"current": {"code": "silver"}}}}  # fmt: skip
        me = await gql(client, "{ me { id } }", token=shop.token)
        assert me["data"]["me"]["id"] == change["member"]["id"]
    finally:
        await ws.close()


async def test_inbox_message_received_carries_the_member_node_of_me(client, live_server):
    from strawberry.relay import to_base64

    from app.messaging import service as messaging
    from app.messaging.models import MessageCategory
    from tests import factories
    from tests.helpers import member_token

    member = await factories.member()
    token = await member_token(member)
    ws = await _open("graphql-ws", live_server, token)
    try:
        query = (
            "subscription { inboxMessageReceived { title member { id inbox { unreadCount } } } }"
        )
        await _start("graphql-ws", ws, "1", query)
        await asyncio.sleep(0.2)
        for unread in (1, 2):
            await messaging.send_message(member_id=member.id, category=MessageCategory.TIER,
                                         title="Gold!", body="b")  # fmt: skip
            received = _result("graphql-ws", await _next(ws))["data"]["inboxMessageReceived"]
            assert received == {"title": "Gold!", "member": {
                "id": to_base64("Member", member.id), "inbox": {"unreadCount": unread}}}  # fmt: skip
    finally:
        await ws.close()


async def test_a_query_over_the_legacy_protocol_answers_once(live_server):
    ws = await _legacy(live_server)
    try:
        assert (await _next(ws))["type"] == "connection_ack"
        await _start("graphql-ws", ws, "q", "{ __typename }")
        message = await _next(ws)
        assert _result("graphql-ws", message) == {"data": {"__typename": "Query"}}, message
        assert (await _next(ws)) == {"type": "complete", "id": "q"}
    finally:
        await ws.close()


async def test_trusted_documents_only_holds_on_the_legacy_protocol(app, settings_with):
    from app.graphql import documents
    from app.main import create_app
    from tests.conftest import serve_app

    await documents.add(documents.parse_manifest(json.dumps({"relay-1": "{ __typename }"})))
    strict = create_app(settings_with(trusted_documents="only"), manage_database=False)
    async with serve_app(strict) as server:
        ws = await _legacy(server)
        try:
            assert (await _next(ws))["type"] == "connection_ack"
            await _start("graphql-ws", ws, "free", "{ __schema { types { name } } }")
            refused = await _next(ws)
            assert refused["type"] == "error" and refused["id"] == "free", refused
            assert refused["payload"]["extensions"]["code"]
            await ws.send(json.dumps({"id": "known", "type": "start",
                                      "payload": {"documentId": "relay-1"}}))  # fmt: skip
            answer = await _next(ws)
            assert _result("graphql-ws", answer) == {"data": {"__typename": "Query"}}, answer
        finally:
            await ws.close()
