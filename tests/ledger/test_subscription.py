"""pointsChanged over graphql-transport-ws: one's own changes only, after commit."""

import asyncio
import json

from strawberry.relay import from_base64

from app.ledger import service as ledger
from app.ledger.models import Kind, PointsTransaction
from tests.graphql.test_websocket import _connect, _recv
from tests.helpers import RECORD_PURCHASE, gql, integration_token, purchase_input, sign_up

POINTS = """subscription { pointsChanged {
  transaction { kind points explanation { rule } } balance { available pending } } }"""


async def _subscribe(server, token, query=POINTS):
    ws = await _connect(server, {"authorization": f"Bearer {token}"})
    assert (await _recv(ws))["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
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


FULL = """subscription { pointsChanged {
  transaction { id kind points availableChange pendingChange reference reason createdAt
                explanation { rule points description } }
  balance { available pending lifetime } } }"""
READ_BACK = """query($id: ID!) {
  node(id: $id) { ... on PointsTransaction { id kind points availableChange pendingChange
    reference reason createdAt explanation { rule points description } } }
  me { balance { available pending lifetime } } }"""


async def test_the_event_carries_what_the_commit_wrote(client, live_server):
    """The subscriber's server answers from the event (no read), and the answer is what the
    database holds: the same transaction and the balance its commit wrote."""
    me = await sign_up(client)
    till = await integration_token(client, "purchases:write")
    ws = await _subscribe(live_server, me["accessToken"], FULL)
    try:
        for n, amount in enumerate((4200, 1999)):
            await gql(client, RECORD_PURCHASE,
                      {"input": purchase_input(me["member"]["id"], f"c-{n}", amount=amount)},
                      token=till)  # fmt: skip
            change = (await _recv(ws))["payload"]["data"]["pointsChanged"]
            stored = await gql(client, READ_BACK, {"id": change["transaction"]["id"]},
                               token=me["accessToken"])  # fmt: skip
            assert "errors" not in stored, stored
            stored = stored["data"]
            assert change["transaction"] == stored["node"]
            assert change["balance"] == stored["me"]["balance"]
        assert change["balance"]["available"] == 42 + 19
    finally:
        await ws.close()


async def test_change_from_takes_only_a_whole_change_of_the_member():
    member_id = 7
    change = {"member_id": member_id, "kind": "purchase", "points": 5, "available_delta": 5,
              "pending_delta": 0, "reference": "r", "reason": None, "actor_id": None,
              "explanation": [], "created_at": "2026-01-02T03:04:05+00:00",
              "balance": [5, 0, 5]}  # fmt: skip
    event = {"type": "POINTS_CHANGED", "transaction": 11, "change": change}
    txn, balance = ledger.change_from(event, member_id)
    assert (txn.id, txn.member_id, txn.kind, txn.points) == (11, member_id, Kind.PURCHASE, 5)
    assert (balance.available, balance.pending, balance.lifetime) == (5, 0, 5)
    assert ledger.change_from(event, member_id + 1) is None  # another member's
    assert ledger.change_from({"type": "POINTS_CHANGED", "transaction": 11}, member_id) is None
    for broken in ({**change, "balance": [5]}, {**change, "kind": "NOPE"},
                   {k: v for k, v in change.items() if k != "points"}):  # fmt: skip
        assert ledger.change_from({**event, "change": broken}, member_id) is None


async def test_an_event_without_the_change_is_read_from_the_database(client, live_server):
    """An event from a process that does not carry the change yet (a rolling deploy) is
    answered as before: the transaction and balance read again."""
    from app.events import bus, member_topic

    me = await sign_up(client)
    till = await integration_token(client, "purchases:write")
    await gql(client, RECORD_PURCHASE,
              {"input": purchase_input(me["member"]["id"], "o-1", amount=4200)},
              token=till)  # fmt: skip
    member_id = int(from_base64(me["member"]["id"])[1])
    (txn,) = await PointsTransaction.filter(member_id=member_id)
    ws = await _subscribe(live_server, me["accessToken"])
    try:
        await bus().publish(member_topic(member_id),
                            {"type": "POINTS_CHANGED", "transaction": txn.id})  # fmt: skip
        message = await _recv(ws)
        assert message["payload"]["data"]["pointsChanged"] == {
            "transaction": {"kind": "PURCHASE", "points": 42,
                            "explanation": [{"rule": "RULE_BASE"}]},
            "balance": {"available": 42, "pending": 0},
        }  # fmt: skip
    finally:
        await ws.close()
