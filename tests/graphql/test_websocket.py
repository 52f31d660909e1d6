"""graphql-transport-ws against a real uvicorn on loopback."""

import asyncio
import json
import time

import websockets

from app.auth.tokens import issue_access_token
from app.settings import get_settings
from tests.helpers import gql, sign_up

SUBSCRIBE = "subscription { memberUpdated { email displayName } }"
UPDATE = 'mutation { updateProfile(input: {displayName: "Live"}) { __typename } }'


async def _connect(server, payload=None, headers=None):
    ws = await websockets.connect(
        f"ws://{server}/graphql",
        subprotocols=["graphql-transport-ws"],
        additional_headers=headers or {},
        open_timeout=5,
    )
    await ws.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
    return ws


async def _recv(ws, timeout=5.0):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def test_subscriber_receives_own_profile_updates(client, live_server):
    session = await sign_up(client, displayName="Before")
    other = await sign_up(client)
    ws = await _connect(live_server, {"authorization": f"Bearer {session['accessToken']}"})
    try:
        assert (await _recv(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
        await asyncio.sleep(0.2)
        # Someone else's change is not delivered; one's own is.
        await gql(client, UPDATE, token=other["accessToken"])
        await gql(client, UPDATE, token=session["accessToken"])
        message = await _recv(ws)
        assert message["type"] == "next"
        assert message["payload"]["data"]["memberUpdated"] == {
            "email": session["member"]["email"],
            "displayName": "Live",
        }
    finally:
        await ws.close()


async def test_token_in_upgrade_header_works(client, live_server):
    session = await sign_up(client)
    ws = await _connect(live_server, headers={"Authorization": f"Bearer {session['accessToken']}"})
    try:
        assert (await _recv(ws))["type"] == "connection_ack"
    finally:
        await ws.close()


async def test_without_token_cannot_subscribe_to_member_data(live_server):
    ws = await _connect(live_server)
    try:
        assert (await _recv(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
        message = await _recv(ws)
        assert message["type"] in ("error", "next")
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    finally:
        await ws.close()


async def test_invalid_token_is_rejected_at_connection_init(live_server):
    ws = await _connect(live_server, {"authorization": "Bearer forged.token.value"})
    try:
        await asyncio.wait_for(ws.recv(), 5)
    except websockets.ConnectionClosed as closed:
        assert closed.rcvd.code == 4403
    else:  # pragma: no cover
        raise AssertionError("socket with a forged token was not closed")


async def test_expired_token_stops_member_events(client, live_server):
    session = await sign_up(client)
    # Same session, but an access token that lives two seconds.
    from app.auth.tokens import verify_access_token

    principal = verify_access_token(get_settings(), session["accessToken"])
    short, _ = issue_access_token(
        get_settings(),
        kind="member",
        subject=principal.subject,
        ttl=2,
        session_id=principal.session_id,
    )
    ws = await _connect(live_server, {"authorization": f"Bearer {short}"})
    try:
        assert (await _recv(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
        started = time.monotonic()
        message = await _recv(ws, timeout=10)
        assert time.monotonic() - started < 9
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
        await gql(client, UPDATE, token=session["accessToken"])
        try:
            follow_up = await _recv(ws, timeout=1)
        except (TimeoutError, websockets.ConnectionClosed):
            follow_up = None
        assert follow_up is None or follow_up["type"] == "complete"
    finally:
        await ws.close()
