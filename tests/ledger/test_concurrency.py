"""The ledger under races on PostgreSQL: parallel writers, each on its own pooled connection."""

import asyncio

import pytest
from strawberry.relay import to_base64

from app.earning.models import Purchase
from app.errors import InsufficientPoints
from app.ledger import service as ledger
from app.ledger.check import check
from app.ledger.models import Kind, PointsTransaction
from tests import factories
from tests.helpers import RECORD_PURCHASE, RECORD_REFUND, gql, integration_token, purchase_input


@pytest.fixture(autouse=True)
def _postgres_only(dialect):
    if dialect != "postgres":
        pytest.skip("SQLite serializes writers; races are proven on PostgreSQL")


async def _funded_member(points: int):
    m = await factories.member()
    async with ledger.member_book(member_id=m.id) as book:
        await book.earn(points=points, kind=Kind.PURCHASE)
    return m


async def test_fifty_parallel_debits_never_overdraw(app):
    m = await _funded_member(1000)

    async def debit():
        try:
            async with ledger.member_book(member_id=m.id) as book:
                await book.debit(points=100)
            return True
        except InsufficientPoints:
            return False

    results = await asyncio.gather(*(debit() for _ in range(50)))
    assert results.count(True) == 10
    (balance,) = await ledger.balances([m.id])
    assert balance.available == 0
    assert await check() == []


async def test_fifty_parallel_retries_of_one_purchase_earn_once(client):
    m = await factories.member()
    till = await integration_token(client, "purchases:write")
    data = purchase_input(to_base64("Member", m.id), "race-1", amount=5000)
    bodies = await asyncio.gather(
        *(gql(client, RECORD_PURCHASE, {"input": data}, token=till) for _ in range(50))
    )
    results = [b["data"]["recordPurchase"] for b in bodies]
    assert {r["__typename"] for r in results} == {"PurchaseRecorded"}, results
    assert sorted(r["replayed"] for r in results) == [False] + [True] * 49
    assert len({r["purchase"]["id"] for r in results}) == 1
    assert await Purchase.all().count() == 1
    assert await PointsTransaction.filter(kind=Kind.PURCHASE).count() == 1
    (balance,) = await ledger.balances([m.id])
    assert balance.available == 50
    assert await check() == []


async def test_parallel_distinct_purchases_of_one_member_all_count(client):
    m = await factories.member()
    till = await integration_token(client, "purchases:write")
    gid = to_base64("Member", m.id)
    bodies = await asyncio.gather(
        *(
            gql(
                client,
                RECORD_PURCHASE,
                {"input": purchase_input(gid, f"p-{i}", amount=1000)},
                token=till,
            )
            for i in range(30)
        )
    )
    assert all(b["data"]["recordPurchase"]["__typename"] == "PurchaseRecorded" for b in bodies)
    (balance,) = await ledger.balances([m.id])
    assert balance.available == 300
    assert await check() == []


async def test_parallel_refunds_never_exceed_the_purchase(client):
    m = await factories.member()
    till = await integration_token(client, "purchases:write")
    await gql(client, RECORD_PURCHASE,
              {"input": purchase_input(to_base64("Member", m.id), "p-r", amount=10000)},
              token=till)  # fmt: skip

    def refund(i):
        return {"idempotencyKey": f"refund-key-{i}", "source": "pos", "purchaseExternalId": "p-r",
                "externalId": f"f-{i}", "amount": 5000,
                "occurredAt": "2026-11-21T10:00:00+00:00"}  # fmt: skip

    bodies = await asyncio.gather(
        *(gql(client, RECORD_REFUND, {"input": refund(i)}, token=till) for i in range(8))
    )
    kinds = [b["data"]["recordRefund"]["__typename"] for b in bodies]
    assert kinds.count("RefundRecorded") == 2
    assert kinds.count("RefundExceedsPurchase") == 6
    (balance,) = await ledger.balances([m.id])
    assert (balance.available, balance.lifetime) == (0, 0)
    assert await check() == []


async def test_two_expiry_runs_at_once_expire_each_lot_once(app):
    now = ledger.now()
    members = []
    for _ in range(10):
        m = await factories.member()
        async with ledger.member_book(member_id=m.id) as book:
            await book.earn(points=10, kind=Kind.PURCHASE, expires_at=now)
        members.append(m)
    counts = await asyncio.gather(*(ledger.expire_due_points(at=now) for _ in range(3)))
    assert sum(counts) == 10
    assert await PointsTransaction.filter(kind=Kind.EXPIRY).count() == 10
    assert await check() == []
