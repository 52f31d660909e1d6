"""The app's home screen (the document `scripts/bench home` measures): what it costs the
database, whatever the size of its lists."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from strawberry.relay import to_base64

from app.community import service as community
from app.community.models import Comment, Post, Reaction, ReactionKind
from app.earning import service as earning
from app.messaging.models import InboxMessage, MessageCategory
from app.offers import service as offers
from app.offers.models import Offer, OfferActivation, OfferKind
from tests import factories
from tests.helpers import gql, member_token, spend_tiers
from tests.statements import counted_statements

HOME = (Path(__file__).resolve().parents[2] / "scripts" / "home.graphql").read_text()
# Statements per home screen (PostgreSQL) before issue 18's work: 19; now 5 on both
# databases: the session; the inbox page with its unread count; the feed page with its
# authors' names; their comments and reactions (one); the member's own facts (one: balance,
# what expires, tier standing and qualifying spend, purchases, devices and consent for offer
# targeting, and the offers they clipped: segments.member_facts). Offers, tiers, groups and
# the earning rules come from the process's caches.
MOST = 5


async def _home(size: int):
    now = dt.datetime.now(dt.UTC)
    await spend_tiers(("bronze", 1, 0), ("silver", 2, 10_000))
    member = await factories.member(interests=["coffee"])
    others = [await factories.member() for _ in range(3)]
    await earning.record_purchase(
        scope="test", idempotency_key=f"home-screen-{member.id:06d}", member=earning.MemberRef(member.id),
        source="till", external_id=f"home-{member.id}", amount=2_000, currency="EUR",
        occurred_at=now - dt.timedelta(days=1), lines=[earning.Line(2_000, category="coffee")],
    )  # fmt: skip
    for i in range(size):
        await Offer.create(kind=OfferKind.BONUS_POINTS, texts={"en": {"title": f"O{i}",
                           "description": ""}}, starts_at=now - dt.timedelta(days=1),
                           ends_at=now + dt.timedelta(days=1), segment={},
                           interests=["coffee"] if i % 2 else [], bonus_multiplier=Decimal(2),
                           needs_activation=i % 3 == 0)  # fmt: skip
        await InboxMessage.create(member_id=member.id, category=MessageCategory.POINTS,
                                  title=f"M{i}", body="B", read_at=now if i % 2 else None)  # fmt: skip
    await offers.LIVE.changed()  # as the offers' service announces its changes
    group = await community.create_group(texts={"en": {"name": "Coffee"}}, min_tier_code=None)
    await community.join(group_id=group.id, member_id=member.id)
    for i in range(size):
        post = await Post.create(group_id=group.id, author_id=others[i % 3].id, text=f"P{i}")
        await Comment.create(post_id=post.id, author_id=member.id, text="Nice")
        for who in (member, *others[: i % 3]):
            await Reaction.create(post_id=post.id, member_id=who.id, kind=ReactionKind.LIKE)
    return member, to_base64("Group", group.id)


async def test_the_home_screen_costs_the_same_few_statements_whatever_its_size(client):
    costs = {}
    for size in (2, 10):
        member, group = await _home(size)
        token = await member_token(member)
        await gql(client, HOME, {"group": group}, token=token)  # the process's caches warm
        with counted_statements() as sent:
            body = await gql(client, HOME, {"group": group}, token=token)
        data = body["data"]
        unread = await InboxMessage.filter(member_id=member.id, read_at__isnull=True).count()
        assert len(data["feed"]["edges"]) == size and len(data["me"]["inbox"]["edges"]) >= size
        assert data["me"]["inbox"]["unreadCount"] == unread > 0
        post = data["feed"]["edges"][0]["node"]
        assert post["commentCount"] == 1 and post["myReaction"] == "LIKE"
        assert sum(r["count"] for r in post["reactions"]) >= 1
        assert data["offers"]["edges"] and data["me"]["tier"]["current"]["code"] == "bronze"
        costs[size] = len(sent)
    assert costs[2] == costs[10] <= MOST, costs


async def test_the_members_facts_in_one_statement_equal_the_separate_reads(app):
    """`segments.member_facts` (balance, what expires, tier status, segment facts: one
    UNION ALL) answers what the domains' own reads answer, overridden tiers included."""
    from app.ledger import service as ledger
    from app.ledger.models import Kind
    from app.members import service as members
    from app.members.models import Channel, Role
    from app.messaging import service as messaging
    from app.messaging.models import Platform
    from app.segments import service as segments
    from app.tiers import service as tiers

    await spend_tiers(("bronze", 1, 0), ("silver", 2, 10_000))
    now = dt.datetime.now(dt.UTC)
    plain, busy, overridden = [await factories.member() for _ in range(3)]
    for n, who in enumerate((busy, overridden)):
        await earning.record_purchase(
            scope="test", idempotency_key=f"facts-{who.id:06d}", member=earning.MemberRef(who.id),
            source="till", external_id=f"facts-{who.id}", amount=12_000, currency="EUR",
            occurred_at=now - dt.timedelta(days=2),
            lines=[earning.Line(12_000, category="books")],
        )  # fmt: skip
        async with ledger.member_book(member_id=who.id) as book:
            for days in (3, 3, 9):
                await book.earn(points=10 + n, kind=Kind.PURCHASE,
                                expires_at=now + dt.timedelta(days=days))  # fmt: skip
    await messaging.register_device(member_id=busy.id, token="facts-device-token-0001",
                                    platform=Platform.ANDROID)  # fmt: skip
    await members.record_channel_consent(member_id=busy.id, channel=Channel.PUSH, opted_in=True,
                                         at=now)  # fmt: skip
    staff = await factories.member(role=Role.SUPPORT)
    await tiers.override(member_id=overridden.id, tier_code="silver", reason="VIP", until=None,
                         actor_id=staff.id)  # fmt: skip
    clipped = await offers.create_offer(fields=offers.OfferFields(
        kind=OfferKind.BONUS_POINTS, texts={"en": {"title": "Clip"}}, starts_at=now,
        ends_at=now + dt.timedelta(days=5), bonus_points=5, uses_per_member=3))  # fmt: skip
    await OfferActivation.create(member_id=busy.id, offer_id=clipped.id, uses=2)
    ids = [plain.id, busy.id, overridden.id]
    at = dt.datetime.now(dt.UTC)
    with counted_statements() as sent:
        facts = await segments.member_facts(ids[:2], at=at)
    assert len(sent) == 1  # no override among them: one statement
    facts += await segments.member_facts(ids[2:], at=at)  # the override's reason: read after
    assert [f.balance for f in facts] == await ledger.balances(ids)
    assert [f.expiring for f in facts] == await ledger.expiring_points(ids)
    assert facts[1].expiring[0].points == 20 and len(facts[1].expiring) == 3  # and the sale's
    program = await tiers.current_program()
    separate = tiers._built(program, ids, await tiers._standings(ids),
                            await tiers.qualifying_values(program.policy, ids, at), at)  # fmt: skip
    assert [f.status for f in facts] == separate
    assert facts[2].status.override_reason == "VIP" and facts[1].status.current.code == "silver"
    profiles = await segments.profiles(ids, at=at)
    accounts = await members.members_by_id(member_ids=ids)
    assert [segments.profile_of(accounts[f.member_id], f, at) for f in facts] == [
        profiles[i] for i in ids
    ]
    assert (facts[1].has_device, facts[1].marketing_consent, facts[1].categories) == (
        True, True, frozenset({"books"}),
    )  # fmt: skip
    # What other domains add through segments.FACT_PART_HOOKS (app.wiring): the clips.
    assert [f.more[offers.clip_facts] for f in facts] == [await offers.clips(i) for i in ids]
    assert facts[1].more[offers.clip_facts] == {clipped.id: offers.Clip(clipped.id, 2)}


async def test_a_balance_alone_reads_no_purchases(client):
    """Only an operation that ranks offers reads the member's facts in one statement; a plain
    `me { balance tier }` (a subscriber refetching, say) keeps the separate, lighter reads."""
    member, group = await _home(2)
    token = await member_token(member)
    query = "{ me { balance { available expiring { points } } tier { current { code } } } }"
    await gql(client, query, token=token)
    with counted_statements() as sent:
        body = await gql(client, query, token=token)
    assert body["data"]["me"]["tier"]["current"]["code"] == "bronze"
    assert not any("purchase.lines" in q or "device" in q for q in sent), sent
    with counted_statements() as sent:
        await gql(client, HOME, {"group": group}, token=token)
    assert sum("purchase.lines" in q for q in sent) == 1
