"""graphql-transport-ws against a real uvicorn on loopback."""

import argparse
import asyncio
import contextlib
import json
import logging
import time

import pytest
import uvicorn
import websockets
from strawberry.asgi import GraphQL

from app.auth.tokens import issue_access_token
from app.graphql.view import MAX_OPERATIONS_PER_SOCKET, LoyaltyGraphQL
from app.main import create_app
from app.settings import get_settings
from tests.conftest import _free_port
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


# -- the socket holds the HTTP input limits ---------------------------------------------


class _Records(logging.Handler):
    """Records of the app's and uvicorn's loggers (uvicorn's do not reach caplog)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@contextlib.contextmanager
def _logged():
    handler = _Records()
    loggers = [logging.getLogger(), logging.getLogger("uvicorn.error")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


async def _closed_with(ws, timeout=5.0):
    try:
        message = await asyncio.wait_for(ws.recv(), timeout)
    except websockets.ConnectionClosed as closed:
        return closed.rcvd.code, closed.rcvd.reason
    raise AssertionError(f"socket stayed open and answered {message!r}")


async def _still_serves(server):
    ws = await _connect(server)
    try:
        assert (await _recv(ws))["type"] == "connection_ack"
        await ws.send(
            json.dumps({"id": "ok", "type": "subscribe", "payload": {"query": "{ __typename }"}})
        )
        assert (await _recv(ws))["payload"]["data"] == {"__typename": "Query"}
    finally:
        await ws.close()


def _subscribe(payload, id_="1"):
    return json.dumps({"type": "subscribe", "id": id_, "payload": payload})


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        pytest.param(
            _subscribe({"query": "{ __typename }", "variables": {"v": "__DEEP__"}}).replace(
                '"__DEEP__"', "[" * 20000 + "]" * 20000
            ),
            "The message is nested too deeply.",
            id="20000-nested-brackets",
        ),
        pytest.param(
            _subscribe({"query": "{ __typename }", "variables": {"v": "__DEEP__"}}).replace(
                '"__DEEP__"', "[" * 40 + "]" * 40
            ),
            "The message is nested too deeply.",
            id="past-max-json-depth",
        ),
        pytest.param("[1]", "WebSocket message must be a JSON object.", id="array"),
        pytest.param('"subscribe"', "WebSocket message must be a JSON object.", id="string"),
        pytest.param(_subscribe([]), "`payload` must be an object.", id="payload-array"),
        pytest.param(
            json.dumps({"type": "subscribe", "id": "1"}), "`payload` must be an object.", id="none"
        ),
        pytest.param(
            _subscribe({"query": "{ __typename }"}, {}), "`id` must be a string.", id="id-object"
        ),
        pytest.param(
            _subscribe({"query": "{ __typename }"}, 5), "`id` must be a string.", id="id-number"
        ),
        pytest.param(
            json.dumps({"type": "complete", "id": {}}), "`id` must be a string.", id="complete"
        ),
        pytest.param(_subscribe({"query": 5}), "`query` must be a string.", id="query-number"),
        pytest.param(
            _subscribe({"query": "{ __typename }", "variables": [1]}),
            "`variables` must be an object or null.",
            id="variables-array",
        ),
        pytest.param(
            _subscribe({"query": "{ __typename }", "operationName": 3}),
            "`operationName` must be a string or null.",
            id="operation-name-number",
        ),
    ],
)
async def test_a_malformed_frame_closes_the_socket_with_4400(live_server, frame, reason):
    """Each of these raised inside strawberry (RecursionError, TypeError: a traceback in the
    log and an abnormal close) or ran with the bad part ignored."""
    with _logged() as records:
        ws = await _connect(live_server)
        try:
            assert (await _recv(ws))["type"] == "connection_ack"
            await ws.send(frame)
            assert await _closed_with(ws) == (4400, reason)
        finally:
            await ws.close()
        await _still_serves(live_server)
    assert not [r for r in records if r.exc_info or r.levelno >= logging.ERROR], [
        r.getMessage() for r in records
    ]


async def test_a_frame_larger_than_the_body_limit_is_refused(live_server, settings):
    """The live server has uvicorn's default 16 MiB frames: the view still holds
    MAX_BODY_BYTES (`loyalty serve` also stops larger frames in uvicorn)."""
    ws = await _connect(live_server)
    try:
        assert (await _recv(ws))["type"] == "connection_ack"
        big = "x" * (settings.max_body_bytes + 1)
        await ws.send(_subscribe({"query": "{ __typename }", "variables": {"s": big}}))
        code, reason = await _closed_with(ws)
        assert code == 1009
        assert reason == f"The message is larger than {settings.max_body_bytes} bytes."
    finally:
        await ws.close()
    # Multi-byte text is counted in bytes: 1/3 of the limit in characters of 3 bytes each.
    ws = await _connect(live_server)
    try:
        assert (await _recv(ws))["type"] == "connection_ack"
        wide = "\u20ac" * (settings.max_body_bytes // 3 + 1)
        await ws.send(_subscribe({"query": "{ __typename }", "variables": {"s": wide}}))
        assert (await _closed_with(ws))[0] == 1009
    finally:
        await ws.close()
    await _still_serves(live_server)


async def serve_options(monkeypatch, settings) -> dict:
    """The options `loyalty serve` passes to uvicorn.run with `settings` (nothing served)."""
    from app import cli

    captured: dict = {}
    monkeypatch.setattr(cli, "_settings", lambda: settings)

    async def no_problem(settings):
        return None

    monkeypatch.setattr(cli, "_database_problem", no_problem)
    monkeypatch.setattr(uvicorn, "run", lambda application, **options: captured.update(options))
    await asyncio.to_thread(cli.cmd_serve, argparse.Namespace(host=None, port=None))
    return captured


async def test_loyalty_serve_caps_websocket_frames_in_uvicorn(app, settings_with, monkeypatch):
    """`loyalty serve` passes MAX_BODY_BYTES to uvicorn as ws_max_size: a larger frame is
    refused by uvicorn (1009) before it is assembled, whatever the view does."""

    small = settings_with(max_body_bytes=4096)
    captured = await serve_options(monkeypatch, small)
    assert captured["ws_max_size"] == 4096
    # The same options on a real uvicorn (on a free loopback port, the app's own lifespan
    # off: the session's database is open already).
    options = {**captured, "host": "127.0.0.1", "port": _free_port(), "lifespan": "off"}
    monkeypatch.setattr(LoyaltyGraphQL, "decode_json", GraphQL.decode_json)  # only uvicorn
    server = uvicorn.Server(uvicorn.Config(create_app(small, manage_database=False), **options))
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.02)
        address = f"127.0.0.1:{options['port']}"
        ws = await _connect(address)
        try:
            assert (await _recv(ws))["type"] == "connection_ack"
            await ws.send(_subscribe({"query": "{ __typename }", "variables": {"s": "x" * 5000}}))
            assert (await _closed_with(ws))[0] == 1009
        finally:
            await ws.close()
        await _still_serves(address)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def test_one_socket_runs_at_most_twenty_operations(client, live_server):
    """Every subscription holds a task and bus listeners: one more than
    MAX_OPERATIONS_PER_SOCKET is answered with an error for its id; the others go on, and a
    completed one frees its place."""
    assert MAX_OPERATIONS_PER_SOCKET == 20
    session = await sign_up(client)
    ws = await _connect(live_server, {"authorization": f"Bearer {session['accessToken']}"})
    try:
        assert (await _recv(ws))["type"] == "connection_ack"
        for i in range(20):
            await ws.send(_subscribe({"query": SUBSCRIBE}, f"s{i}"))
        await ws.send(_subscribe({"query": SUBSCRIBE}, "one-more"))
        refused = await _recv(ws)
        assert refused["id"] == "one-more" and refused["type"] == "error", refused
        (error,) = refused["payload"]
        assert error["extensions"]["code"] == "TOO_MANY_OPERATIONS"
        assert error["extensions"]["maximum"] == 20
        await asyncio.sleep(0.3)  # every stream listens before the update
        await gql(client, UPDATE, token=session["accessToken"])
        delivered = {(await _recv(ws))["id"] for _ in range(20)}
        assert delivered == {f"s{i}" for i in range(20)}
        # Completing one frees its place.
        await ws.send(json.dumps({"type": "complete", "id": "s0"}))
        await asyncio.sleep(0.2)
        await ws.send(_subscribe({"query": "{ __typename }"}, "after"))
        answer = await _recv(ws)
        assert answer["id"] == "after" and answer["type"] == "next", answer
    finally:
        await ws.close()
