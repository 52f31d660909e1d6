"""Two members with records in every domain, made through the domains' services, and the
personal values each one leaves behind (for the export and erasure tests)."""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from app import jobs
from app.auth import service as auth
from app.community import service as community
from app.community.models import ModerationAction, ReactionKind
from app.earning import config as earning_config
from app.earning import service as earning
from app.ledger import service as ledger
from app.ledger.models import Kind
from app.members import service as members
from app.members.models import Member, Role
from app.messaging import service as messaging
from app.messaging.models import MessageCategory, Platform
from app.offers import service as offers
from app.offers.models import OfferKind
from app.privacy import exports
from app.privacy import service as consents
from app.privacy.models import ConsentSource, Purpose
from app.rewards import catalog, till
from app.rewards import service as rewards
from app.rewards.models import RewardKind
from app.tiers import service as tiers
from app.tiers.models import Basis, Window
from tests.helpers import PASSWORD

NOW = dt.datetime.now(dt.UTC)
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)


@dataclass
class World:
    """The program's side: staff, tiers, rewards, an offer, a group, an event, terms."""

    staff: Member
    voucher: int
    access: int
    cashback: int
    offer: int
    group: int
    event: int
    terms_version: str | None = None


@dataclass
class Person:
    member: Member
    device_tokens: list[str] = field(default_factory=list)
    post_id: int | None = None
    comment_id: int | None = None

    async def personal(self) -> list[str]:
        """The values that identify this person (read before any erasure)."""
        m = await Member.get(id=self.member.id)
        values = [m.email, m.display_name, m.card_number, m.external_ref, *self.device_tokens]
        return [v for v in values if v]


async def world() -> World:
    staff = await auth.create_staff(email=f"admin-{uuid.uuid4().hex[:6]}@example.com",
                                    password=PASSWORD, role=Role.ADMIN, display_name="Ada Admin")  # fmt: skip
    await tiers.update_policy(basis=Basis.SPEND, window=Window.ROLLING, window_months=12,
                              grace_days=30, spend_currency="EUR")  # fmt: skip
    await tiers.save_tier(code="silver", rank=1, threshold=10_000, earn_multiplier=Decimal(1),
                          texts={"en": {"name": "Silver", "benefits": []}})  # fmt: skip
    await earning_config.save_event_type(code="review", name="Review", points=15, daily_limit=None,
                                         total_limit=None, active=True)  # fmt: skip

    async def reward(kind, **extra):
        return (await catalog.create_reward(fields=catalog.RewardFields(
            kind=kind, category="treats", points_cost=50,
            texts={"en": {"title": f"{kind.value} treat"}}, **extra), actor_id=staff.id)).id  # fmt: skip

    await catalog.set_checkout_rate(currency="EUR", points_per_unit=10, minor_digits=2)
    voucher = await reward(RewardKind.DISCOUNT_VOUCHER, percent_off=10)
    access = await reward(RewardKind.EXCLUSIVE_ACCESS, entitlement="event:gala")
    cashback = await reward(RewardKind.CASHBACK, cashback_amount=500, currency="EUR")
    offer = await offers.create_offer(fields=offers.OfferFields(
        kind=OfferKind.BONUS_POINTS, texts={"en": {"title": "Double"}}, starts_at=NOW - DAY,
        ends_at=NOW + 10 * DAY, needs_activation=True, bonus_points=10))  # fmt: skip
    group = await community.create_group(texts={"en": {"name": "Runners"}}, min_tier_code=None)
    event = await community.create_event(texts={"en": {"title": "Gala"}}, starts_at=NOW + DAY,
                                         ends_at=NOW + DAY + HOUR, capacity=10, location="Hall",
                                         min_tier_code=None)  # fmt: skip
    found = World(staff, voucher, access, cashback, offer.id, group.id, event.id)
    try:  # the program's terms gate, where it exists: both members accept
        from app.program import terms
        from app.program.models import DocumentKind

        text = {"title": "Terms", "body": "The rules."}
        await terms.publish(kind=DocumentKind.TERMS, version="2026.1",
                            texts={"en": text, "nl": text, "es": text},
                            effective_at=NOW - HOUR, actor_id=staff.id)  # fmt: skip
        terms.IN_FORCE.forget()
        found.terms_version = "2026.1"
    except ImportError:
        pass
    return found


async def person(n: int, w: World) -> Person:
    """A member with a name, a CRM reference, a device and records in every domain."""
    tag = uuid.uuid4().hex[:8]
    member = await members.create_member(email=f"zelda.{tag}@example.com", password=PASSWORD,
                                         display_name=f"Zelda Quixote{n}{tag}")  # fmt: skip
    await Member.filter(id=member.id).update(external_ref=f"CRM-{tag}")
    await members.update_profile(member_id=member.id, birthday=dt.date(1990, 5, n + 1),
                                 interests=["running"], time_zone="Europe/Amsterdam")  # fmt: skip
    return Person(await Member.get(id=member.id))


async def populate(p: Person, w: World) -> None:
    m = p.member
    n = uuid.uuid4().hex[:6]
    name = m.display_name
    if w.terms_version:
        from app import flows

        await flows.accept_terms(member_id=m.id, version=w.terms_version, client="app",
                                 user_agent=f"LoyaltyApp {name}", address="203.0.113.9")  # fmt: skip
    for purpose in (Purpose.MARKETING_PUSH, Purpose.ANALYTICS):
        await consents.set_consent(member_id=m.id, purpose=purpose, granted=True,
                                   policy_version="2026-11", source=ConsentSource.APP,
                                   client=f"iPhone of {name}")  # fmt: skip
    await consents.set_consent(member_id=m.id, purpose=Purpose.ANALYTICS, granted=False,
                               policy_version=None, source=ConsentSource.APP)  # fmt: skip
    token = f"fcm-{m.id}-{uuid.uuid4().hex}"
    await messaging.register_device(member_id=m.id, token=token, platform=Platform.IOS)
    p.device_tokens.append(token)
    client = auth.ClientInfo(address="198.51.100.7", user_agent=f"Phone of {name}")
    issued = await auth._open_session(m, client)
    await auth.refresh_session(refresh_token=issued.refresh_token)

    # Points: a purchase, a refund, an action, pending points, redemptions, a till payment.
    ref = earning.MemberRef(member_id=m.id)
    await earning.record_purchase(scope="pos", idempotency_key=f"p-key-{m.id}-{n}", member=ref,
                                  source="pos", external_id=f"sale-{m.id}", amount=200_000,
                                  currency="EUR", occurred_at=NOW - HOUR, store="Store 1")  # fmt: skip
    await earning.record_refund(scope="pos", idempotency_key=f"r-key-{m.id}-{n}", source="pos",
                                purchase_external_id=f"sale-{m.id}", external_id=f"ret-{m.id}",
                                amount=10_000, occurred_at=NOW - HOUR / 2)  # fmt: skip
    await earning.record_event(scope="crm", idempotency_key=f"e-key-{m.id}-{n}", member_id=m.id,
                               event_type="review", external_id=f"rev-{m.id}",
                               occurred_at=NOW - HOUR)  # fmt: skip
    async with ledger.member_book(member_id=m.id) as book:
        await book.earn(points=40, kind=Kind.BONUS, available_at=NOW + 14 * DAY)
    redemption, _ = await rewards.redeem(member_id=m.id, reward_id=w.voucher, quantity=1,
                                         idempotency_key=f"v-key-{m.id}-{n}")  # fmt: skip
    from app.rewards.models import Voucher

    code = (await Voucher.get(redemption_id=redemption.id)).code
    await till.consume_voucher(code=code, client="till-1", reference=f"rcpt-{m.id}")
    await rewards.redeem(member_id=m.id, reward_id=w.access, quantity=1,
                         idempotency_key=f"a-key-{m.id}-{n}")  # fmt: skip
    await rewards.redeem(member_id=m.id, reward_id=w.cashback, quantity=1,
                         idempotency_key=f"c-key-{m.id}-{n}")  # fmt: skip
    cancelled, _ = await rewards.redeem(member_id=m.id, reward_id=w.voucher, quantity=1,
                                        idempotency_key=f"x-key-{m.id}-{n}")  # fmt: skip
    await rewards.cancel(member_id=m.id, redemption_id=cancelled.id)
    await till.pay_with_points(client="till-1", idempotency_key=f"pay-key-{m.id}-{n}", member=ref,
                               external_id=f"basket-{m.id}", basket_amount=300, currency="EUR",
                               points=30)  # fmt: skip
    await tiers.override(member_id=m.id, tier_code="silver",
                         reason=f"VIP: {name} complained", until=None, actor_id=w.staff.id)  # fmt: skip
    await offers.activate(member_id=m.id, offer_id=w.offer)

    # Community: what they wrote may name them.
    await community.join(group_id=w.group, member_id=m.id)
    post = await community.create_post(group_id=w.group, member_id=m.id,
                                       text=f"Hi all, {name} here, card {m.card_number}")  # fmt: skip
    p.post_id = post.id
    await community.react(post_id=post.id, member_id=m.id, kind=ReactionKind.LOVE)
    await community.rsvp(event_id=w.event, member_id=m.id)

    # Messages: an inbox message pushed to the device, a request for an export.
    await messaging.send_message(member_id=m.id, category=MessageCategory.EVENTS,
                                 title=f"Welcome {name}", body=f"Your card {m.card_number}")  # fmt: skip
    await jobs.drain()
    export = await exports.request_export(member_id=m.id)
    await exports.build_pending(export_id=export.id)


async def interact(p: Person, w: World, other: Person) -> None:
    """`p` comments on, reacts to and reports `other`'s post, and is muted for shouting."""
    m, name = p.member, p.member.display_name
    comment = await community.comment(post_id=other.post_id, member_id=m.id,
                                      text=f"Nice one! -- {name}")  # fmt: skip
    p.comment_id = comment.id
    await community.react(post_id=other.post_id, member_id=m.id, kind=ReactionKind.LIKE)
    await community.report(member_id=m.id, post_id=other.post_id, comment_id=None,
                           reason=f"{name} thinks this is spam")  # fmt: skip
    await community.restrict(actor_id=w.staff.id, group_id=w.group, member_id=m.id,
                             action=ModerationAction.MUTE, reason=f"{name} shouted",
                             until=NOW + DAY)  # fmt: skip


async def campaign(w: World) -> None:
    """A campaign to everyone who consented, personalized with their first name, sent."""
    from app.campaigns import service as campaigns
    from app.segments.rules import Segment

    variants = {"en": {"title": "Hi {first_name}", "body": "You have {points_available} points."}}
    made = await campaigns.create_campaign(
        fields=campaigns.CampaignFields(name="Autumn", segment=Segment(), variants=variants,
                                        quiet_start=0, quiet_end=0), actor_id=w.staff.id)  # fmt: skip
    await campaigns.launch(campaign_id=made.id, send_at=None)
    await jobs.drain()


async def two_people() -> tuple[World, Person, Person]:
    """Two members with records in every domain, who interacted with each other."""
    w = await world()
    a, b = await person(1, w), await person(2, w)
    await populate(a, w)
    await populate(b, w)
    await interact(a, w, b)
    await interact(b, w, a)
    await campaign(w)
    return w, a, b
