"""The ledger's operations and invariants, at the service level."""

import asyncio
import datetime as dt

import pytest

from app.errors import InsufficientPoints
from app.ledger import service as ledger
from app.ledger.check import check
from app.ledger.models import Kind
from tests import factories

pytestmark = pytest.mark.usefixtures("app")
DAY = dt.timedelta(days=1)


async def balance(member_id: int) -> ledger.Balance:
    (b,) = await ledger.balances([member_id])
    return b


async def test_earn_then_debit_consumes_first_to_expire_lots():
    m = await factories.member()
    now = ledger.now()
    async with ledger.member_book(member_id=m.id) as book:
        await book.earn(points=100, kind=Kind.PURCHASE, expires_at=now + 30 * DAY)
        await book.earn(points=50, kind=Kind.PURCHASE, expires_at=now + 10 * DAY)
    async with ledger.member_book(member_id=m.id) as book:
        await book.debit(points=60)
    assert await balance(m.id) == ledger.Balance(m.id, 90, 0, 150)
    expiring = (await ledger.expiring_points([m.id]))[0]
    assert [e.points for e in expiring] == [90]  # the 50-point lot went first
    assert await check() == []


async def test_debit_never_overdraws_and_writes_nothing():
    m = await factories.member()
    async with ledger.member_book(member_id=m.id) as book:
        await book.earn(points=30, kind=Kind.PURCHASE)
    with pytest.raises(InsufficientPoints):
        async with ledger.member_book(member_id=m.id) as book:
            await book.debit(points=31)
    assert (await balance(m.id)).available == 30
    assert await check() == []


async def test_pending_points_release_once_and_debt_is_repaid_first():
    m = await factories.member()
    now = ledger.now()
    async with ledger.member_book(member_id=m.id) as book:
        await book.earn(points=40, kind=Kind.PURCHASE, available_at=now + 14 * DAY)
        await book.debit(points=25, kind=Kind.REFUND, allow_negative=True)  # a debt of 25
    assert await balance(m.id) == ledger.Balance(m.id, -25, 40, 15)
    assert await ledger.release_due_points(at=now + 15 * DAY) == 1
    assert await ledger.release_due_points(at=now + 15 * DAY) == 0
    assert await balance(m.id) == ledger.Balance(m.id, 15, 0, 15)
    assert await check() == []


async def test_expiry_runs_once():
    m = await factories.member()
    now = ledger.now()
    async with ledger.member_book(member_id=m.id) as book:
        await book.earn(points=70, kind=Kind.PURCHASE, expires_at=now + DAY)
        await book.earn(points=5, kind=Kind.PURCHASE, expires_at=now + 90 * DAY)
    assert await ledger.expire_due_points(at=now + 2 * DAY) == 1
    assert await ledger.expire_due_points(at=now + 2 * DAY) == 0
    assert (await balance(m.id)).available == 5
    assert await check() == []


async def test_adjustment_keeps_author_and_reason():
    staff = await factories.member()
    m = await factories.member()
    txn = await ledger.adjust_points(
        member_id=m.id,
        points=-20,
        reason="Duplicate scan at the till",
        actor_id=staff.id,
        expires_at=None,
    )
    assert (txn.kind, txn.points, txn.actor_id, txn.reason) == (
        Kind.ADJUSTMENT,
        -20,
        staff.id,
        "Duplicate scan at the till",
    )
    assert (await balance(m.id)).available == -20
    assert await check() == []


async def test_nested_books_of_one_member_share_one_balance():
    m = await factories.member()
    async with ledger.member_book(member_id=m.id) as outer:
        await outer.earn(points=10, kind=Kind.PURCHASE)
        async with ledger.member_book(member_id=m.id) as inner:
            assert inner is outer
            await inner.earn(points=5, kind=Kind.BONUS)
    assert (await balance(m.id)).available == 15
    assert await check() == []


async def test_the_server_lifespan_runs_maintenance_periodically(settings_with):
    """With WORKER_INTERVAL set, a served app releases held points without `loyalty worker`."""
    from app.main import create_app

    m = await factories.member()
    async with ledger.member_book(member_id=m.id) as book:
        await book.earn(
            points=30, kind=Kind.PURCHASE, available_at=ledger.now() + dt.timedelta(seconds=0.5)
        )
    served = create_app(settings_with(worker_interval=1), manage_database=False)
    async with served.router.lifespan_context(served):
        for _ in range(60):
            if (await balance(m.id)).available == 30:
                break
            await asyncio.sleep(0.1)
    assert await balance(m.id) == ledger.Balance(m.id, 30, 0, 30)
