"""A stream's session recheck is spread with jitter and retried when the database cannot
answer: a briefly slow or unreachable database never ends a live stream (app.graphql
.subscriptions). Before, every stream rechecked exactly every 60 s, and a recheck that failed
ended the stream with SERVICE_UNAVAILABLE (655 of 5,000 under load in `scripts/bench
subscriptions`).

The fault test stops a PostgreSQL cluster of its own (tests.test_faults.Cluster, its own
port), never the shared one.
"""

import asyncio
import json
import time
from types import SimpleNamespace

import httpx
import pytest

from app.auth import service as auth
from app.graphql import subscriptions
from app.postgres import PoolTimeout
from tests.graphql.test_websocket import _connect, _recv, serve_options
from tests.helpers import gql, sign_up
from tests.test_faults import (  # noqa: F401  (fixtures)
    Program,
    Server,
    _free_port,
    _postgres_only,
    cluster,
)

PROFILE = "subscription { memberUpdated { displayName } }"
POINTS = "subscription { pointsChanged { transaction { points } balance { available } } }"


def _update(name: str) -> str:
    return f'mutation {{ updateProfile(input: {{displayName: "{name}"}}) {{ __typename }} }}'


def test_rechecks_are_spread_and_retries_back_off_with_jitter(monkeypatch):
    monkeypatch.setattr(subscriptions, "SESSION_RECHECK_SECONDS", 60.0)
    delays = [subscriptions.next_recheck_delay() for _ in range(2000)]
    # Never later than the interval (a lost notice is still caught within it), and spread
    # over its second half rather than all in the same second.
    assert all(30.0 <= d <= 60.0 for d in delays)
    assert max(delays) - min(delays) > 25.0
    assert len({int(d) for d in delays}) >= 25
    for failures, ceiling in ((1, 1.0), (2, 2.0), (3, 4.0), (5, 16.0), (6, 30.0), (50, 30.0)):
        retries = [subscriptions.retry_delay(failures) for _ in range(200)]
        assert all(ceiling / 2 <= r <= ceiling for r in retries), (failures, retries[:5])
        assert max(retries) - min(retries) > ceiling / 10  # jittered, not in lockstep


async def test_the_streams_checks_are_asked_together(monkeypatch):
    asked: list[list] = []

    async def live_sessions(sessions):
        asked.append(sorted(sessions))
        return {pair for pair in sessions if pair[1] % 2 == 0}

    monkeypatch.setattr(subscriptions, "auth", SimpleNamespace(live_sessions=live_sessions))
    checks = subscriptions._SessionChecks(asyncio.get_running_loop())
    answers = await asyncio.gather(*(checks.live(f"s{n}", n) for n in range(50)),
                                   checks.live("s4", 4))  # fmt: skip
    assert answers == [n % 2 == 0 for n in range(50)] + [True]
    assert asked == [sorted((f"s{n}", n) for n in range(50))]  # one query, each session once


async def test_live_sessions_are_those_of_their_member_unrevoked_and_active(client):
    import datetime as dt

    from app.auth.models import AuthSession
    from app.members.models import Member

    for _ in range(3):
        await sign_up(client)
    sessions = {s.member_id: str(s.id) for s in await AuthSession.all()}
    ids = sorted(sessions)
    ma, mb, mc = ids[-3:]
    await AuthSession.filter(member_id=mb).update(revoked_at=dt.datetime.now(dt.UTC))
    await Member.filter(id=mc).update(is_active=False)
    asked = [(sessions[ma], ma), (sessions[ma].upper(), ma), (sessions[ma], mb),
             (sessions[mb], mb), (sessions[mc], mc), ("not-a-uuid", ma)]  # fmt: skip
    assert await auth.live_sessions(asked) == {(sessions[ma], ma), (sessions[ma].upper(), ma)}
    assert await auth.live_sessions([]) == set()


async def _subscribe(server: str, token: str, query: str):
    ws = await _connect(server, {"authorization": f"Bearer {token}"})
    assert (await _recv(ws))["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
    await asyncio.sleep(0.3)  # the stream is listening
    return ws


async def test_a_recheck_failing_once_is_retried_and_the_stream_survives(
    client, live_server, monkeypatch
):  # fmt: skip
    monkeypatch.setattr(subscriptions, "SESSION_RECHECK_SECONDS", 0.4)
    monkeypatch.setattr(subscriptions, "RETRY_FIRST_SECONDS", 0.2)
    session = await sign_up(client)
    real = auth.live_sessions
    calls: list[str] = []
    failing = {"left": 0}

    async def flaky(sessions):
        if failing["left"] > 0:
            failing["left"] -= 1
            calls.append("failed")
            raise PoolTimeout("no database connection free within 5 s (pool of 10)")
        calls.append("answered")
        return await real(sessions)

    # Only the streams' checks go through `flaky` (the API's requests do not).
    monkeypatch.setattr(subscriptions, "auth", SimpleNamespace(live_sessions=flaky))
    ws = await _subscribe(live_server, session["accessToken"], PROFILE)
    try:
        calls.clear()
        failing["left"] = 1  # the next recheck meets a pool that gives no connection in time
        deadline = time.monotonic() + 5
        while calls.count("answered") < 1:  # failed once, then retried and answered
            assert time.monotonic() < deadline, calls
            await asyncio.sleep(0.05)
        assert calls[0] == "failed", calls
        # The stream lives on: no error, no complete; events still arrive.
        await gql(client, _update("After the retry"), token=session["accessToken"])
        message = await _recv(ws)
        assert message["type"] == "next", message
        assert message["payload"] == {"data": {"memberUpdated": {"displayName": "After the retry"}}}
        # And rechecks go on after the retry (a revoked session is still caught).
        answered = calls.count("answered")
        await asyncio.sleep(1.0)
        assert calls.count("answered") > answered, calls
    finally:
        await ws.close()


async def test_events_wait_while_the_first_check_is_unanswered(client, live_server, monkeypatch):
    """The first check (a sign-out may have committed before the stream listened) holds the
    stream's events back until the database answers; they are delivered after it did."""
    monkeypatch.setattr(subscriptions, "RETRY_FIRST_SECONDS", 0.3)
    session = await sign_up(client)
    real = auth.live_sessions
    state = {"failures": 0}

    async def flaky(sessions):
        if state["failures"] < 3:
            state["failures"] += 1
            raise ConnectionRefusedError("the database is restarting")
        return await real(sessions)

    monkeypatch.setattr(subscriptions, "auth", SimpleNamespace(live_sessions=flaky))
    ws = await _connect(live_server, {"authorization": f"Bearer {session['accessToken']}"})
    try:
        assert (await _recv(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": PROFILE}}))  # fmt: skip
        await asyncio.sleep(0.4)  # the first check (asked with others after CHECK_BATCH_SECONDS)
        assert state["failures"] >= 1
        await gql(client, _update("Held back"), token=session["accessToken"])
        assert state["failures"] < 3  # still unanswered when the event came
        message = await _recv(ws, timeout=10)
        assert state["failures"] == 3
        assert message["type"] == "next", message
        assert message["payload"]["data"]["memberUpdated"] == {"displayName": "Held back"}
    finally:
        await ws.close()


# ---- a real outage: PostgreSQL stopped under a live stream -----------------------------------

# `loyalty serve` with rechecks every second or so (the module's constants, set in the child).
_SERVE = (
    "import sys; from app.graphql import subscriptions as s; "
    "s.SESSION_RECHECK_SECONDS = 1.0; s.RETRY_FIRST_SECONDS = 0.2; s.RETRY_MAX_SECONDS = 1.0; "
    "from app.cli import main; main(['serve', '--port', sys.argv[1]])"
)


async def test_a_stream_outlives_a_database_outage(cluster):  # noqa: F811
    server = await asyncio.to_thread(
        Server, cluster.url, code=_SERVE, DATABASE_POOL_TIMEOUT_MS="1000"
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://{server.address}", timeout=30) as http:
            program = await Program.set_up(http, cluster.url)
            member = await program.member()
            ws = await _subscribe(server.address, member["token"], POINTS)
            try:
                await asyncio.to_thread(cluster.stop)
                try:
                    # Several rechecks (and retries) meet no database: none ends the stream.
                    with pytest.raises(TimeoutError):
                        message = await _recv(ws, timeout=4.0)
                        pytest.fail(f"the stream said something during the outage: {message}")
                finally:
                    await asyncio.to_thread(cluster.start)
                deadline = time.monotonic() + 30
                while True:  # the first requests may meet connections from before the outage
                    response, body = await program.purchase(member, "after-the-outage")
                    if response.status_code != 503:
                        break
                    assert time.monotonic() < deadline, body
                    await asyncio.sleep(0.2)
                assert body["data"]["recordPurchase"]["__typename"] == "PurchaseRecorded", body
                message = await _recv(ws, timeout=10)
                assert message["type"] == "next", message
                assert message["payload"]["data"]["pointsChanged"]["transaction"] == {
                    "points": 25
                }, message
            finally:
                await ws.close()
        log = server.log()
        assert "session check(s) unanswered" in log, log
        assert "Traceback" not in log, log
    finally:
        await asyncio.to_thread(server.stop)


# ---- permessage-deflate: off unless WS_PER_MESSAGE_DEFLATE ------------------------------------


def test_ws_per_message_deflate_setting():
    from app.settings import Settings

    assert Settings.from_env({}).ws_per_message_deflate is False
    assert Settings.from_env({"WS_PER_MESSAGE_DEFLATE": "true"}).ws_per_message_deflate is True


@pytest.mark.parametrize("deflate", [False, True])
async def test_loyalty_serve_negotiates_deflate_only_when_configured(
    app, settings_with, monkeypatch, deflate
):  # fmt: skip
    """Browsers offer permessage-deflate; `loyalty serve` refuses it by default (two zlib
    streams per socket for as long as it is open: about 40 KiB each), accepts it with
    WS_PER_MESSAGE_DEFLATE=true."""
    import uvicorn
    import websockets

    from app.main import create_app

    chosen = settings_with(ws_per_message_deflate=True) if deflate else settings_with()
    captured = await serve_options(monkeypatch, chosen)
    assert captured["ws_per_message_deflate"] is deflate
    options = {**captured, "host": "127.0.0.1", "port": _free_port(), "lifespan": "off"}
    server = uvicorn.Server(uvicorn.Config(create_app(chosen, manage_database=False), **options))
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.02)
        async with websockets.connect(
            f"ws://127.0.0.1:{options['port']}/graphql", subprotocols=["graphql-transport-ws"],
            compression="deflate",
        ) as ws:  # fmt: skip
            names = [type(e).__name__ for e in ws.protocol.extensions]
            assert names == (["PerMessageDeflate"] if deflate else []), names
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
