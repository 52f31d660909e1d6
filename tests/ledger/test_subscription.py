"""pointsChanged over graphql-transport-ws: one's own changes only, after commit."""

import asyncio
import json

from strawberry.relay import from_base64

from app.ledger import service as ledger
from app.ledger.models import Kind
from tests.graphql.test_websocket import _connect, _recv
from tests.helpers import RECORD_PURCHASE, gql, integration_token, purchase_input, sign_up

POINTS = """subscription { pointsChanged {
  transaction { kind points explanation { rule } } balance { available pending } } }"""


async def _subscribe(server, token):
    ws = await _connect(server, {"authorization": f"Bearer {token}"})
    assert (await _recv(ws))["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": POINTS}}))
    await asyncio.sleep(0.2)
    return ws


async def test_points_changed_delivers_own_changes_after_commit(client, live_server):
    me = await sign_up(client)
    other = await sign_up(client)
    till = await integration_token(client, "purchases:write")
    ws = await _subscribe(live_server, me["accessToken"])
    try:
        # Another member's purchase is not delivered to me.
        await gql(client, RECORD_PURCHASE,
                  {"input": purchase_input(other["member"]["id"], "s-0")}, token=till)  # fmt: skip
        # A change that rolls back is never delivered.
        member_id = int(from_base64(me["member"]["id"])[1])
        try:
            async with ledger.member_book(member_id=member_id) as book:
                await book.earn(points=999, kind=Kind.BONUS)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        await gql(client, RECORD_PURCHASE,
                  {"input": purchase_input(me["member"]["id"], "s-1", amount=4200)},
                  token=till)  # fmt: skip
        message = await _recv(ws)
        assert message["type"] == "next", message
        assert message["payload"]["data"]["pointsChanged"] == {
            "transaction": {"kind": "PURCHASE", "points": 42,
                            "explanation": [{"rule": "RULE_BASE"}]},
            "balance": {"available": 42, "pending": 0},
        }  # fmt: skip
        # Nothing else is queued: the other member's and the rolled-back change never came.
        try:
            extra = await asyncio.wait_for(ws.recv(), 0.5)
        except TimeoutError:
            extra = None
        assert extra is None, extra
    finally:
        await ws.close()
