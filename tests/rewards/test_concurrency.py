"""Rewards under races on PostgreSQL: parallel requests, each on its own pooled connection."""

import asyncio

import pytest

from app.ledger import service as ledger
from app.ledger.check import check
from app.rewards.models import Redemption, Reward, Voucher
from tests.helpers import gql, integration_token
from tests.rewards.test_api import CANCEL, CONSUME, redeem


@pytest.fixture(autouse=True)
def _postgres_only(dialect):
    if dialect != "postgres":
        pytest.skip("SQLite serializes writers; races are proven on PostgreSQL")


async def test_hundred_members_race_for_ten_units(client, funded, reward):
    r = await reward(points_cost=100, stock=10)
    members = [await funded(150) for _ in range(100)]
    results = await asyncio.gather(
        *(redeem(client, token, r.id, f"race-{i:04d}") for i, (_, token) in enumerate(members))
    )
    kinds = [res["__typename"] for res in results]
    assert kinds.count("Redemption") == 10, kinds
    assert kinds.count("OutOfStock") == 90, kinds
    assert (await Reward.get(id=r.id)).stock == 0
    assert await Redemption.all().count() == 10
    balances = {b.member_id: b.available for b in await ledger.balances([m.id for m, _ in members])}
    for (member, _), result in zip(members, results, strict=True):
        expected = 50 if result["__typename"] == "Redemption" else 150
        assert balances[member.id] == expected  # no loser debited
    assert await check() == []


async def test_one_member_with_points_for_three_fires_twenty(client, funded, reward):
    member, token = await funded(300)
    r = await reward(points_cost=100)
    results = await asyncio.gather(
        *(redeem(client, token, r.id, f"burst-{i:04d}") for i in range(20))
    )
    kinds = [res["__typename"] for res in results]
    assert kinds.count("Redemption") == 3, kinds
    assert kinds.count("InsufficientPoints") == 17, kinds
    (balance,) = await ledger.balances([member.id])
    assert balance.available == 0
    assert await check() == []


async def test_a_voucher_consumed_from_two_tills_at_once_is_consumed_once(client, funded, reward):
    _, token = await funded(500)
    r = await reward()
    tills = [await integration_token(client, "vouchers:redeem") for _ in range(2)]
    for round_ in range(5):
        code = (await redeem(client, token, r.id, f"tills-{round_:04d}"))["vouchers"][0]["code"]
        bodies = await asyncio.gather(
            *(
                gql(client, CONSUME, {"input": {"code": code, "reference": f"r-{i}"}}, token=t)
                for i, t in enumerate(tills)
            )
        )
        results = [b["data"]["consumeVoucher"] for b in bodies]
        kinds = sorted(res["__typename"] for res in results)
        assert kinds == ["VoucherCheck", "VoucherNotUsable"], results
        (voucher,) = await Voucher.filter(code=code)
        winner = next(res for res in results if res["__typename"] == "VoucherCheck")
        assert voucher.used_at is not None and winner["replayed"] is False


async def test_cancel_racing_a_till_gives_points_back_only_if_the_voucher_was_not_used(
    client, funded, reward
):
    member, token = await funded(1000)
    r = await reward(points_cost=100, stock=20)
    till = await integration_token(client, "vouchers:redeem")
    for round_ in range(5):
        redemption = await redeem(client, token, r.id, f"crace-{round_:04d}")
        assert redemption["__typename"] == "Redemption", redemption
        code = redemption["vouchers"][0]["code"]
        cancel, consume = await asyncio.gather(
            gql(client, CANCEL, {"id": redemption["id"]}, token=token),
            gql(client, CONSUME, {"input": {"code": code, "reference": f"c-{round_}"}},
                token=till),
        )  # fmt: skip
        cancelled = cancel["data"]["cancelRedemption"]["__typename"] == "Redemption"
        consumed = consume["data"]["consumeVoucher"]["__typename"] == "VoucherCheck"
        assert cancelled != consumed, (cancel, consume)  # exactly one of them wins
    redemptions = await Redemption.filter(member_id=member.id)
    used = sum(1 for x in redemptions if x.status == "issued")
    (balance,) = await ledger.balances([member.id])
    assert balance.available == 1000 - 100 * used
    assert (await Reward.get(id=r.id)).stock == 20 - used
    assert await check() == []


async def test_parallel_cancels_of_one_redemption_refund_once(client, funded, reward):
    member, token = await funded(100)
    r = await reward(points_cost=100, stock=1)
    redemption = await redeem(client, token, r.id, "double-0001")
    bodies = await asyncio.gather(
        *(gql(client, CANCEL, {"id": redemption["id"]}, token=token) for _ in range(10))
    )
    kinds = sorted(b["data"]["cancelRedemption"]["__typename"] for b in bodies)
    assert kinds == ["Redemption"] + ["RedemptionNotCancellable"] * 9
    (balance,) = await ledger.balances([member.id])
    assert balance.available == 100
    assert (await Reward.get(id=r.id)).stock == 1
    assert await check() == []
