"""Transactional notifications: in the member's language, with the change they report, once
per reminder batch, pushing only where the member wants it."""

import datetime as dt
from decimal import Decimal

from strawberry.relay import to_base64

from app import jobs
from app.ledger import service as ledger
from app.ledger.models import Kind
from app.messaging import notifications
from app.messaging.models import InboxMessage, MessageCategory
from app.rewards import catalog
from app.rewards.models import RewardKind, Voucher
from app.rewards.service import redeem
from app.tiers import service as tiers
from app.tiers.models import Basis, Window
from tests import factories
from tests.helpers import RECORD_PURCHASE, gql, integration_token, member_token, purchase_input
from tests.messaging.test_messaging import TOKEN, recorder  # noqa: F401  (fixture)

DAY = dt.timedelta(days=1)


async def _inbox(member_id):
    return [(m.category, m.title, m.body) for m in
            await InboxMessage.filter(member_id=member_id).order_by("id")]  # fmt: skip


async def test_points_earned_in_the_members_language_with_a_push(client, recorder):  # noqa: F811
    member = await factories.member(locale="nl")
    from app.messaging.models import Platform
    from app.messaging.service import register_device

    await register_device(member_id=member.id, token=TOKEN, platform=Platform.IOS)
    till = await integration_token(client, "purchases:write")
    data = purchase_input(to_base64("Member", member.id), "n-1", amount=4200)
    await gql(client, RECORD_PURCHASE, {"input": data}, token=till)
    await jobs.drain()  # the notification is written by a job, moments after the purchase
    assert await _inbox(member.id) == [
        (MessageCategory.POINTS, "Je hebt 42 punten verdiend",
         "Bedankt voor je aankoop! Je hebt nu 42 punten.")]  # fmt: skip
    (push,) = recorder.sent
    assert push.title == "Je hebt 42 punten verdiend" and push.data["category"] == "points"

    # A retried purchase (same key) tells the member nothing new.
    await gql(client, RECORD_PURCHASE, {"input": data}, token=till)
    await jobs.drain()
    assert len(await _inbox(member.id)) == 1


async def test_category_opt_out_keeps_the_inbox_but_not_the_push(client, recorder):  # noqa: F811
    member = await factories.member()
    token = await member_token(member)
    from app.messaging.models import Platform
    from app.messaging.service import register_device

    await register_device(member_id=member.id, token=TOKEN, platform=Platform.ANDROID)
    mutation = """mutation { setNotificationPreference(category: POINTS, push: false) {
      category push } }"""
    prefs = (await gql(client, mutation, token=token))["data"]["setNotificationPreference"]
    assert {"category": "POINTS", "push": False} in prefs
    assert {"category": "TIER", "push": True} in prefs
    async with ledger.member_book(member_id=member.id) as book:
        await book.earn(points=10, kind=Kind.PURCHASE)
    await jobs.drain()
    assert recorder.sent == [] and len(await _inbox(member.id)) == 1


async def test_redemption_and_tier_change_notify(app):
    await tiers.update_policy(basis=Basis.POINTS, window=Window.ROLLING, window_months=12,
                              grace_days=30, spend_currency="EUR")  # fmt: skip
    await tiers.save_tier(code="gold", rank=1, threshold=100, earn_multiplier=Decimal(1),
                          texts={"en": {"name": "Gold", "benefits": []},
                                 "es": {"name": "Oro", "benefits": []}})  # fmt: skip
    member = await factories.member(locale="es")
    async with ledger.member_book(member_id=member.id) as book:
        await book.earn(points=500, kind=Kind.PURCHASE)
    reward = await catalog.create_reward(
        fields=catalog.RewardFields(kind=RewardKind.UPGRADE, category="travel", points_cost=200,
                                    texts={"en": {"title": "Lounge"}}), actor_id=None)  # fmt: skip
    await redeem(member_id=member.id, reward_id=reward.id, quantity=1,
                 idempotency_key="notify-redeem-1")  # fmt: skip
    await jobs.drain()
    # The jobs run side by side, so the messages may land in any order.
    titles = sorted(t for _, t, _ in await _inbox(member.id))
    assert titles == [
        "Disfruta tu recompensa: Lounge",
        "Has ganado 500 puntos",
        "¡Bienvenido a Oro!",
    ]


async def test_expiry_and_voucher_reminders_once_per_batch(app):
    member = await factories.member()
    now = dt.datetime.now(dt.UTC)
    soon = (now + 10 * DAY).replace(microsecond=0)
    async with ledger.member_book(member_id=member.id) as book:
        await book.earn(points=30, kind=Kind.BONUS, expires_at=soon)
        await book.earn(points=12, kind=Kind.BONUS, expires_at=soon)
        await book.earn(points=99, kind=Kind.BONUS, expires_at=now + 90 * DAY)
    assert await notifications.expiry_reminders(at=now) == 1
    assert await notifications.expiry_reminders(at=now) == 0  # the same batch: nothing new
    reward = await catalog.create_reward(
        fields=catalog.RewardFields(kind=RewardKind.FREE_PRODUCT, category="coffee",
                                    points_cost=10, sku="ESPRESSO",
                                    texts={"en": {"title": "Espresso"}}), actor_id=None)  # fmt: skip
    await redeem(member_id=member.id, reward_id=reward.id, quantity=1,
                 idempotency_key="notify-voucher-1")  # fmt: skip
    await Voucher.all().update(expires_at=now + 2 * DAY)
    assert await notifications.voucher_reminders(at=now) == 1
    assert await notifications.voucher_reminders(at=now) == 0
    await jobs.drain()
    titles = [t for _, t, _ in await _inbox(member.id)]
    assert f"42 points expire on {soon.date().isoformat()}" in titles
    assert f"Your voucher expires on {(now + 2 * DAY).date().isoformat()}" in titles
