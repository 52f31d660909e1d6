"""Races on PostgreSQL: a download link used at once from several places hands the file out
once; an account erased twice at once is erased once, its points forfeited once."""

import asyncio

import pytest

from app import jobs
from app.errors import AccountAlreadyErased
from app.ledger import service as ledger
from app.ledger.check import check
from app.ledger.models import Kind, PointsTransaction
from app.privacy import erasure, exports
from app.privacy.models import ErasureReason, ErasureRecord
from tests import factories


@pytest.fixture(autouse=True)
def _postgres_only(dialect):
    if dialect != "postgres":
        pytest.skip("SQLite serializes writers; races are proven on PostgreSQL")


async def test_a_link_used_ten_times_at_once_works_once(client):
    member = await factories.member()
    await exports.request_export(member_id=member.id)
    await jobs.drain()
    url = f"/exports/{(await exports.exports_of(member_id=member.id))[0].token}"
    answers = await asyncio.gather(*(client.get(url) for _ in range(10)))
    assert sorted(a.status_code for a in answers) == [200] + [410] * 9


async def test_two_erasures_at_once_erase_once(app):
    member = await factories.member()
    async with ledger.member_book(member_id=member.id) as book:
        await book.earn(points=120, kind=Kind.BONUS)
    outcomes = await asyncio.gather(
        *(erasure.erase_member(member_id=member.id, reason=ErasureReason.OTHER) for _ in range(2)),
        return_exceptions=True,
    )
    assert sum(isinstance(o, ErasureRecord) for o in outcomes) == 1
    assert sum(isinstance(o, AccountAlreadyErased) for o in outcomes) == 1
    assert await PointsTransaction.filter(member_id=member.id, kind=Kind.EXPIRY).count() == 1
    assert await check() == []


async def test_purchases_racing_an_erasure_never_credit_the_erased_account(app):
    import datetime as dt
    import uuid

    from app.earning import service as earning
    from app.errors import MemberNotFound

    for _ in range(3):
        member = await factories.member()
        async with ledger.member_book(member_id=member.id) as book:
            await book.earn(points=100, kind=Kind.BONUS)

        async def buy(i, member_id=member.id):
            await asyncio.sleep(0.002 * i)
            return await earning.record_purchase(
                scope="pos", idempotency_key=f"k-{uuid.uuid4().hex}",
                member=earning.MemberRef(member_id=member_id), source="pos",
                external_id=f"s-{uuid.uuid4().hex}", amount=1000, currency="EUR",
                occurred_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))  # fmt: skip

        outcomes = await asyncio.gather(
            *(buy(i) for i in range(6)),
            erasure.erase_member(member_id=member.id, reason=ErasureReason.OTHER),
            *(buy(i) for i in range(6, 12)), return_exceptions=True)  # fmt: skip
        # No deadlock, no masked error: a purchase either ran before the erasure (and its
        # points were forfeited with the rest) or finds the member gone.
        assert all(not isinstance(o, Exception) or isinstance(o, MemberNotFound)
                   for o in outcomes), outcomes  # fmt: skip
        (balance,) = await ledger.balances([member.id])
        assert balance.available == balance.pending == 0
    assert await check() == []
