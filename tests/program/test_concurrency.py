"""The terms gate under races on PostgreSQL: acceptances and till purchases at once for a
member with held purchase points credit every purchase exactly once."""

import asyncio

import pytest

from app.earning.models import Purchase
from app.ledger import service as ledger
from app.ledger.check import check
from app.ledger.models import Kind, PointsTransaction
from app.program.models import TermsAcceptance
from tests.helpers import gql, integration_token, purchase_input
from tests.program.test_terms_gate import ACCEPT, PURCHASE


@pytest.fixture(autouse=True)
def _postgres_only(dialect):
    if dialect != "postgres":
        pytest.skip("SQLite serializes writers; races are proven on PostgreSQL")


async def test_ten_acceptances_racing_purchases_credit_each_purchase_once(client, member, publish):
    m, gid, token = await member()
    await publish("v1")
    till = await integration_token(client, "purchases:write")
    for i in range(3):  # 25 points each, held
        data = purchase_input(gid, f"held-{i}", amount=2500)
        body = await gql(client, PURCHASE, {"input": data}, token=till)
        assert body["data"]["recordPurchase"]["pointsDeferred"] is True

    accepts = [gql(client, ACCEPT, {"v": "v1"}, token=token) for _ in range(10)]
    purchases = [
        gql(client, PURCHASE, {"input": purchase_input(gid, f"race-{i}", amount=1000)}, token=till)
        for i in range(6)
    ]
    # A retry of a held purchase in the same storm must not credit it again.
    retries = [
        gql(client, PURCHASE, {"input": purchase_input(gid, "held-0", amount=2500)}, token=till)
        for _ in range(3)
    ]
    bodies = await asyncio.gather(*accepts, *purchases, *retries)
    accepted = [b["data"]["acceptTerms"] for b in bodies[:10]]
    assert all(a["__typename"] == "TermsAccepted" for a in accepted), accepted
    recorded = [b["data"]["recordPurchase"] for b in bodies[10:]]
    assert all(r["__typename"] == "PurchaseRecorded" for r in recorded), recorded

    # Held points are credited by exactly one acceptance; racing purchases made before it
    # were held and credited by it, those after it earned at once: 3 x 25 + 6 x 10.
    credited = sum(a["pointsCredited"] for a in accepted)
    deferred_in_race = sum(1 for r in recorded[:6] if r["pointsDeferred"])
    assert credited == 75 + 10 * deferred_in_race
    (balance,) = await ledger.balances([m.id])
    assert balance.available == 135
    assert await TermsAcceptance.filter(member_id=m.id).count() == 1
    assert not await Purchase.filter(member_id=m.id, awaiting_terms=True).exists()
    earned = await PointsTransaction.filter(member_id=m.id, kind=Kind.PURCHASE, points__gt=0)
    assert sorted(t.reference for t in earned) == sorted(
        [f"purchase:pos:held-{i}" for i in range(3)] + [f"purchase:pos:race-{i}" for i in range(6)]
    )
    assert await check() == []
