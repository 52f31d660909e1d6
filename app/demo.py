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
    if created:
        await _seed_earning()
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
