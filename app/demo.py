"""The demo program `scripts/serve` creates once: accounts with known passwords, earning
rules, and purchases so the members' balances and activity are not empty."""

import datetime as dt
from decimal import Decimal

from app.auth import service as auth
from app.earning import config
from app.earning import service as earning
from app.earning.models import MultiplierTarget
from app.earning.rules import Line
from app.members import service as members
from app.members.models import Role
from app.rewards import catalog
from app.rewards.models import LimitPeriod, RewardKind
from app.tiers import service as tiers
from app.tiers.models import Basis, Window

DEMO_PASSWORD = "loyalty-demo-2026"
DEMO_ACCOUNTS = [
    ("ana@demo.loyalty", "Ana", "es", Role.MEMBER),
    ("daan@demo.loyalty", "Daan", "nl", Role.MEMBER),
    ("emma@demo.loyalty", "Emma", "en", Role.MEMBER),
    ("admin@demo.loyalty", "Demo Admin", "en", Role.ADMIN),
    ("marketing@demo.loyalty", "Demo Marketer", "en", Role.MARKETER),
    ("support@demo.loyalty", "Demo Support", "en", Role.SUPPORT),
]


async def seed_demo() -> list[str]:
    """Create the demo accounts that are missing; returns lines describing them."""
    created = 0
    for email, name, locale, role in DEMO_ACCOUNTS:
        if await members.get_member_by_email(email=email) is None:
            if role == Role.MEMBER:
                await members.create_member(
                    email=email, password=DEMO_PASSWORD, display_name=name, locale=locale
                )
            else:
                await auth.create_staff(
                    email=email, password=DEMO_PASSWORD, role=role, display_name=name
                )
            created += 1
            account = await members.get_member_by_email(email=email)
            await members.mark_email_verified(member_id=account.id)  # demo addresses
    if created:
        await _seed_tiers()
        await _seed_earning()
        await _seed_rewards()
        await _seed_engagement()
    lines = [f"demo data: {created} account(s) created" if created else "demo data: present"]
    lines.append(f"demo accounts (password for all: {DEMO_PASSWORD}):")
    lines.extend(f"  {email:<26} {role.value}" for email, _, _, role in DEMO_ACCOUNTS)
    return lines


DEMO_PURCHASES = {  # member: [(days ago, amount in cents, lines)]
    "ana@demo.loyalty": [(40, 5620, [(3620, "shoes"), (2000, "coffee")]), (3, 1250, [])],
    "daan@demo.loyalty": [(12, 23999, [(23999, "electronics")])],
    "emma@demo.loyalty": [(5, 860, [(860, "coffee")]), (1, 4300, [])],
}


async def _seed_earning() -> None:
    await config.set_currency_rate(
        currency="EUR", points_per_unit=Decimal(1), minor_digits=2, minimum_spend=100
    )
    await config.set_multiplier(
        target=MultiplierTarget.CATEGORY, value="coffee", multiplier=Decimal(2)
    )
    await config.save_event_type(
        code="product_review", name="Product review", points=25, daily_limit=3,
        total_limit=None, active=True,
    )  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    for email, purchases in DEMO_PURCHASES.items():
        member = await members.get_member_by_email(email=email)
        for n, (days, amount, lines) in enumerate(purchases, 1):
            await earning.record_purchase(
                scope="demo", idempotency_key=f"demo-{member.id}-{n}",
                member=earning.MemberRef(member_id=member.id), source="demo-till",
                external_id=f"demo-{member.id}-{n}", amount=amount, currency="EUR",
                occurred_at=now - dt.timedelta(days=days), store="Demo store",
                lines=[Line(a, category=c) for a, c in lines],
            )  # fmt: skip


def _texts(en: str, nl: str, es: str, terms: str = "") -> dict:
    return {"en": {"title": en, "terms": terms}, "nl": {"title": nl}, "es": {"title": es}}


DEMO_REWARDS = [
    dict(kind=RewardKind.FREE_PRODUCT, category="coffee", points_cost=50, sku="ESPRESSO",
         voucher_prefix="CAFE", period_limit=1, limit_period=LimitPeriod.DAY,
         texts=_texts("Free espresso", "Gratis espresso", "Espresso gratis", "One a day.")),
    dict(kind=RewardKind.DISCOUNT_VOUCHER, category="shopping", points_cost=200,
         amount_off=500, minimum_basket=2500, currency="EUR",
         texts=_texts("5 EUR off 25 EUR", "5 EUR korting op 25 EUR", "5 EUR de descuento")),
    dict(kind=RewardKind.EXCLUSIVE_ACCESS, category="events", points_cost=150, stock=40,
         entitlement="event:winter-preview", per_member_limit=1, min_tier_code="silver",
         texts=_texts("Winter collection preview", "Voorpremière wintercollectie",
                      "Preestreno colección de invierno")),
    dict(kind=RewardKind.CASHBACK, category="cashback", points_cost=1000,
         cashback_amount=1000, currency="EUR",
         texts=_texts("10 EUR cashback", "10 EUR cashback", "10 EUR de reembolso")),
]  # fmt: skip


async def _seed_rewards() -> None:
    for values in DEMO_REWARDS:
        await catalog.create_reward(fields=catalog.RewardFields(**values), actor_id=None)
    await catalog.set_checkout_rate(currency="EUR", points_per_unit=100, minor_digits=2)


DEMO_TIERS = [  # code, rank, threshold (EUR cents spent in 12 months), multiplier, names
    ("bronze", 1, 0, "1", ("Bronze", "Brons", "Bronce"), ["Birthday bonus", "Member prices"]),
    ("silver", 2, 10_000, "1.5", ("Silver", "Zilver", "Plata"), ["1.5x points", "Free delivery"]),
    ("gold", 3, 50_000, "2", ("Gold", "Goud", "Oro"),
     ["Double points", "Early access to sales", "Lounge upgrade"]),
]  # fmt: skip


async def _seed_tiers() -> None:
    await tiers.update_policy(basis=Basis.SPEND, window=Window.ROLLING, window_months=12,
                              grace_days=30, spend_currency="EUR")  # fmt: skip
    for code, rank, threshold, multiplier, (en, nl, es), benefits in DEMO_TIERS:
        await tiers.save_tier(
            code=code, rank=rank, threshold=threshold, earn_multiplier=Decimal(multiplier),
            texts={"en": {"name": en, "benefits": benefits}, "nl": {"name": nl},
                   "es": {"name": es}},
        )  # fmt: skip


async def _seed_engagement() -> None:
    """Offers, exclusive content, a community group with posts, and an event."""
    from app.community import service as community
    from app.content.models import ContentKind
    from app.content.service import ContentFields, save_content
    from app.offers import service as offers
    from app.offers.models import OfferKind
    from app.segments.rules import Segment

    now = dt.datetime.now(dt.UTC)
    day = dt.timedelta(days=1)
    await offers.create_offer(fields=offers.OfferFields(
        kind=OfferKind.BONUS_POINTS, needs_activation=True, bonus_multiplier=Decimal(2),
        qualifying_categories=("coffee",), starts_at=now - day, ends_at=now + 30 * day,
        texts={"en": {"title": "Double points on coffee", "description": "Clip it first."},
               "nl": {"title": "Dubbele punten op koffie"},
               "es": {"title": "Puntos dobles en café"}},
        interests=("coffee",),
    ))  # fmt: skip
    await offers.create_offer(fields=offers.OfferFields(
        kind=OfferKind.MEMBER_PRICE, sku="SNEAKER-1", member_price=5900, regular_price=7900,
        currency="EUR", starts_at=now - day, ends_at=now + 14 * day,
        texts={"en": {"title": "Trail sneakers for 59 EUR"}},
    ))  # fmt: skip
    await offers.create_offer(fields=offers.OfferFields(
        kind=OfferKind.EARLY_ACCESS, starts_at=now + 2 * day, ends_at=now + 9 * day,
        early_access_tiers=("gold",), early_access_hours=48,
        texts={"en": {"title": "Winter sale: gold members first"}},
        segment=Segment(),
    ))  # fmt: skip
    await save_content(item_id=None, fields=ContentFields(
        kind=ContentKind.ARTICLE, publish_at=now - day,
        texts={"en": {"title": "How we roast our beans", "body": "It starts at dawn..."}},
    ))  # fmt: skip
    await save_content(item_id=None, fields=ContentFields(
        kind=ContentKind.BEHIND_THE_SCENES, publish_at=now - day, min_tier_code="gold",
        texts={"en": {"title": "Designing the winter collection", "body": "Sketches..."}},
    ))  # fmt: skip
    group = await community.create_group(
        texts={"en": {"name": "Coffee lovers", "description": "Beans, brews and cafés."}},
        min_tier_code=None,
    )
    ana = await members.get_member_by_email(email="ana@demo.loyalty")
    await community.join(group_id=group.id, member_id=ana.id)
    await community.create_post(group_id=group.id, member_id=ana.id,
                                text="Tried the new Ethiopian roast: fruity!")  # fmt: skip
    await community.create_event(
        texts={"en": {"title": "Latte art workshop"}},
        starts_at=now + 7 * day,
        ends_at=now + 7 * day + dt.timedelta(hours=2),
        capacity=12,
        location="Demo store",
        min_tier_code=None,
    )
