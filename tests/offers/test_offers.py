"""Offers and exclusive content: who sees what when, ranking, clipping, the bonus on the next
purchase, teasers for higher tiers; bad input typed and writing nothing."""

import asyncio
import datetime as dt
from decimal import Decimal

import pytest
from strawberry.relay import to_base64

from app.content.models import ContentItem, ContentKind
from app.content.service import ContentFields, save_content
from app.ledger import service as ledger
from app.ledger.models import Kind
from app.members.models import Member, Role
from app.offers import service as offers
from app.offers.models import Offer, OfferKind
from app.segments.rules import Engagement, Segment
from app.tiers import service as tiers
from app.tiers.models import MemberTier
from tests import factories
from tests.helpers import (
    RECORD_PURCHASE,
    gql,
    integration_token,
    member_token,
    purchase_input,
    spend_tiers,
    staff_session,
)

NOW = dt.datetime.now(dt.UTC)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
OFFERS = """query($first: Int, $after: String) { offers(first: $first, after: $after) {
  edges { node { id title earlyAccess activated usesLeft } }
  pageInfo { hasNextPage endCursor } } }"""


async def _tiers():
    await spend_tiers()  # silver 10,000, gold 50,000


async def _member(tier: str | None = None, **fields):
    m = await factories.member(**fields)
    if tier:
        program = await tiers.current_program()
        t = next(x for x in program.tiers if x.code == tier)
        await MemberTier.create(member_id=m.id, tier_id=t.id)
    return m, await member_token(m)


async def _offer(title: str, **overrides) -> Offer:
    values = {"kind": OfferKind.EARLY_ACCESS, "texts": {"en": {"title": title}},
              "starts_at": NOW - HOUR, "ends_at": NOW + 10 * DAY, **overrides}  # fmt: skip
    return await offers.create_offer(fields=offers.OfferFields(**values))


async def _titles(client, token) -> list[str]:
    body = await gql(client, OFFERS, {"first": 50}, token=token)
    return [e["node"]["title"] for e in body["data"]["offers"]["edges"]]


async def test_targeting_matrix(client):
    await _tiers()
    await _offer("everyone")
    await _offer("gold only", segment=Segment(tiers=("gold",)))
    await _offer("below every tier", segment=Segment(tiers=("",)))
    await _offer("rich", segment=Segment(min_points=1000))
    await _offer("coffee lovers", segment=Segment(interests=("coffee",)))
    await _offer("dutch", segment=Segment(locales=("nl",)))
    await _offer("dormant", segment=Segment(engagement=(Engagement.DORMANT,)))
    await _offer("recent buyers", segment=Segment(purchased_within_days=7))
    await _offer("shoe buyers", segment=Segment(categories=("shoes",)))
    await _offer("future", starts_at=NOW + DAY)
    await _offer("over", starts_at=NOW - 3 * DAY, ends_at=NOW - DAY)
    archived = await _offer("archived")
    await offers.archive_offer(offer_id=archived.id)
    # Gold sees the sale 48 hours early; everyone else from its start.
    await _offer("gold early", starts_at=NOW + DAY, early_access_tiers=("gold",),
                 early_access_hours=48)  # fmt: skip

    _, gold_token = await _member("gold", interests=["coffee"])
    plain, plain_token = await _member(locale="nl")
    async with ledger.member_book(member_id=plain.id) as book:
        await book.earn(points=5000, kind=Kind.BONUS)
    till = await integration_token(client, "purchases:write")
    data = purchase_input(to_base64("Member", plain.id), "shoe-1", amount=5000,
                          occurredAt=(NOW - DAY).isoformat(),
                          lines=[{"amount": 5000, "category": "shoes"}])  # fmt: skip
    assert (await gql(client, RECORD_PURCHASE, {"input": data}, token=till))["data"]
    dormant, dormant_token = await _member()
    await Member.filter(id=dormant.id).update(created_at=NOW - 100 * DAY)

    assert set(await _titles(client, gold_token)) == {
        "everyone", "gold only", "coffee lovers", "gold early"}  # fmt: skip
    assert set(await _titles(client, plain_token)) == {
        "everyone", "below every tier", "rich", "dutch", "recent buyers", "shoe buyers"}  # fmt: skip
    assert set(await _titles(client, dormant_token)) == {"everyone", "below every tier", "dormant"}

    body = await gql(client, OFFERS, {"first": 50}, token=gold_token)
    early = next(e["node"] for e in body["data"]["offers"]["edges"]
                 if e["node"]["title"] == "gold early")  # fmt: skip
    assert early["earlyAccess"] is True
    # Once the window opens for everyone, the others see it too.
    later = await offers.offers_for(plain.id, at=NOW + DAY + HOUR)
    assert "gold early" in {s.offer.texts["en"]["title"] for s in later}


async def test_ranking_and_pages(client):
    await _offer("old general", starts_at=NOW - 5 * DAY)
    await _offer("new general", starts_at=NOW - HOUR)
    await _offer("about coffee", starts_at=NOW - 4 * DAY, interests=("coffee",))
    await _offer("targeted", starts_at=NOW - 3 * DAY, segment=Segment(locales=("en",)))
    _, token = await _member(interests=["coffee"])
    assert await _titles(client, token) == ["targeted", "about coffee", "new general",
                                            "old general"]  # fmt: skip
    first = await gql(client, OFFERS, {"first": 3}, token=token)
    page = first["data"]["offers"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await gql(client, OFFERS, {"first": 3, "after": page["pageInfo"]["endCursor"]},
                     token=token)  # fmt: skip
    assert [e["node"]["title"] for e in rest["data"]["offers"]["edges"]] == ["old general"]


async def test_a_clipped_bonus_offer_pays_on_the_next_qualifying_purchase(client):
    await _tiers()
    offer = await _offer("Double coffee points", kind=OfferKind.BONUS_POINTS,
                         needs_activation=True, bonus_multiplier=Decimal(2),
                         qualifying_categories=("coffee",))  # fmt: skip
    member, token = await _member()
    till = await integration_token(client, "purchases:write")
    gid = to_base64("Member", member.id)

    async def buy(n, lines):
        data = purchase_input(gid, f"b-{n}", amount=sum(x["amount"] for x in lines),
                              occurredAt=NOW.isoformat(), lines=lines)  # fmt: skip
        body = await gql(client, RECORD_PURCHASE, {"input": data}, token=till)
        return body["data"]["recordPurchase"]["transaction"]

    coffee = [{"amount": 1000, "category": "coffee"}, {"amount": 500, "category": "bread"}]
    before = await buy(1, coffee)  # not clipped yet: no bonus
    assert before["points"] == 15
    activate = """mutation($id: ID!) { activateOffer(id: $id) {
      __typename ... on Offer { activated usesLeft } } }"""
    oid = to_base64("Offer", offer.id)
    result = (await gql(client, activate, {"id": oid}, token=token))["data"]["activateOffer"]
    assert result == {"__typename": "Offer", "activated": True, "usesLeft": 1}
    again = (await gql(client, activate, {"id": oid}, token=token))["data"]["activateOffer"]
    assert again["activated"] is True  # clipping twice changes nothing

    bonus = await buy(2, coffee)
    assert bonus["points"] == 25  # 15 + 10 on the coffee line
    step = bonus["explanation"][-1]
    assert (step["rule"], step["points"]) == ("RULE_OFFER", 10)
    assert "Double coffee points" in step["description"]
    after = await buy(3, coffee)  # used once: over
    assert after["points"] == 15
    listed = await gql(client, OFFERS, token=token)
    assert listed["data"]["offers"]["edges"][0]["node"]["usesLeft"] == 0

    _, stranger = await _member()
    hidden = await _offer("Gold only", segment=Segment(tiers=("gold",)))
    refused = await gql(client, activate, {"id": to_base64("Offer", hidden.id)}, token=stranger)
    assert refused["data"]["activateOffer"]["__typename"] == "OfferNotFound"


async def test_staff_offer_input_is_validated_whole(client):
    marketer = await staff_session(client, Role.MARKETER)
    create = """mutation($input: OfferInput!) { createOffer(input: $input) {
      __typename ... on OfferSaved { id } ... on InvalidInput { fields { field code } } } }"""
    bad = {"kind": "BONUS_POINTS", "texts": [{"locale": "de", "title": "x"}],
           "startsAt": NOW.isoformat(), "endsAt": (NOW - DAY).isoformat(),
           "segment": {"tiers": ["platinum"], "minPoints": 10, "maxPoints": 5},
           "bonusMultiplier": "2", "bonusPoints": 50, "memberPrice": 100,
           "link": "javascript:alert(1)"}  # fmt: skip
    body = await gql(client, create, {"input": bad}, token=marketer["accessToken"])
    fields = {(f["field"], f["code"]) for f in body["data"]["createOffer"]["fields"]}
    assert fields == {
        ("texts.de", "UNSUPPORTED_LOCALE"), ("texts.en.title", "REQUIRED"),
        ("endsAt", "ENDS_BEFORE_START"), ("segment.tiers", "INVALID_VALUE"),
        ("segment.maxPoints", "INVALID_VALUE"), ("bonusMultiplier", "ONE_REFERENCE"),
        ("memberPrice", "NOT_FOR_KIND"), ("link", "INVALID_URL"),
    }  # fmt: skip
    assert await Offer.all().count() == 0
    good = {"kind": "MEMBER_PRICE", "texts": [{"locale": "en", "title": "Sneakers 59"}],
            "startsAt": NOW.isoformat(), "endsAt": (NOW + DAY).isoformat(),
            "memberPrice": 5900, "regularPrice": 7900, "currency": "eur", "sku": "SNK-1"}  # fmt: skip
    body = await gql(client, create, {"input": good}, token=marketer["accessToken"])
    assert body["data"]["createOffer"]["__typename"] == "OfferSaved"
    _, token = await _member()
    denied = await gql(client, create, {"input": good}, token=token)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_exclusive_content_by_tier_and_time(client):
    await _tiers()
    gold_tier = "gold"

    async def item(title, **extra):
        fields = ContentFields(kind=ContentKind.ARTICLE,
                               texts={"en": {"title": title, "body": f"{title} body"}},
                               publish_at=extra.pop("publish_at", NOW - DAY), **extra)  # fmt: skip
        return await save_content(item_id=None, fields=fields)

    await item("for all")
    secret = await item("gold story", min_tier_code=gold_tier)
    tomorrow = await item("tomorrow", publish_at=NOW + DAY)
    await item("taken down", unpublish_at=NOW - HOUR, publish_at=NOW - 2 * DAY)
    query = """{ content { edges { node { id title body locked requiredTier } } } }"""
    _, plain_token = await _member()
    _, gold_token = await _member("gold")

    plain = (await gql(client, query, token=plain_token))["data"]["content"]["edges"]
    assert [(e["node"]["title"], e["node"]["locked"], e["node"]["body"]) for e in plain] == [
        ("gold story", True, None), ("for all", False, "for all body")]  # fmt: skip
    assert plain[0]["node"]["requiredTier"] == "Gold"
    gold = (await gql(client, query, token=gold_token))["data"]["content"]["edges"]
    assert gold[0]["node"]["body"] == "gold story body"

    node = """query($id: ID!) { node(id: $id) { ... on Content { title body locked } } }"""
    gid = to_base64("Content", secret.id)
    teaser = await gql(client, node, {"id": gid}, token=plain_token)
    assert teaser["data"]["node"] == {"title": "gold story", "body": None, "locked": True}
    anonymous = await gql(client, node, {"id": gid})
    assert anonymous["data"]["node"] is None
    unpublished = await gql(client, node, {"id": to_base64("Content", tomorrow.id)},
                            token=gold_token)  # fmt: skip
    assert unpublished["data"]["node"] is None
    assert await ContentItem.all().count() == 4


async def test_parallel_purchases_use_a_one_time_bonus_once(client, dialect):
    if dialect != "postgres":
        pytest.skip("SQLite serializes writers; races are proven on PostgreSQL")
    await _offer("Welcome bonus", kind=OfferKind.BONUS_POINTS, bonus_points=100)
    member, _ = await _member()
    till = await integration_token(client, "purchases:write")
    gid = to_base64("Member", member.id)
    bodies = await asyncio.gather(*(
        gql(client, RECORD_PURCHASE, {"input": purchase_input(
            gid, f"par-{i}", amount=1000, occurredAt=NOW.isoformat())}, token=till)
        for i in range(10)
    ))  # fmt: skip
    points = sorted(b["data"]["recordPurchase"]["transaction"]["points"] for b in bodies)
    assert points == [10] * 9 + [110]
    (balance,) = await ledger.balances([member.id])
    assert balance.available == 200


async def test_a_ranked_page_is_the_page_of_the_whole_ranking(client):
    """`ranked_offers` (what the home screen asks: only the page is ranked) walks the same
    pages as ranking every live offer the plain way (`is_for`, `visible_from`, sorted by the
    rank key), with rank cursors and with older position cursors."""
    import random

    from app.segments.rules import Profile

    rng = random.Random(5)
    await _tiers()
    tags = ["coffee", "tea", "books", "shoes"]
    for n in range(40):
        targeted = n % 3 == 0
        await _offer(
            f"o{n}", starts_at=NOW + HOUR if n % 11 == 0 else NOW - rng.choice([1, 2, 30]) * HOUR,
            ends_at=NOW + rng.choice([1, 5]) * DAY,
            interests=tuple(rng.sample(tags, rng.randint(0, 2))),
            qualifying_categories=tuple(rng.sample(tags, rng.randint(0, 1))),
            segment=rng.choice([Segment(tiers=("gold",)), Segment(interests=("tea",)),
                                Segment(locales=("nl",))]) if targeted else Segment(),
            early_access_tiers=("gold",) if n % 5 == 0 else (),
            early_access_hours=48 if n % 5 == 0 else 0,
        )  # fmt: skip
    board = [o for o, _ in await offers.live_offers()]
    for tier in (None, "gold"):
        for interests, bought in ((set(), set()), ({"tea"}, {"coffee"}), (set(tags), set(tags))):
            profile = Profile(
                member_id=1, tier=tier, points=0, last_purchase_at=None,
                categories=frozenset(bought), interests=frozenset(interests), locale="nl",
                engagement=Engagement.ACTIVE,
            )  # fmt: skip
            expected = sorted(
                ((not Segment.from_json(o.segment).everyone, len(interests & set(o.interests or ())),
                  len(bought & set(o.qualifying_categories or ())), o.starts_at, o.id)
                 for o in board if offers.is_for(o, profile, NOW)), reverse=True,
            )  # fmt: skip
            assert len(expected) > 10
            for size in (1, 7, 50):
                walked, after = [], None
                while True:
                    page = await offers.ranked_offers(1, profile=profile, at=NOW, first=size,
                                                      after=after)  # fmt: skip
                    walked += [s.rank for s in page.items]
                    assert page.has_previous_page == (after is not None)
                    if not page.has_next_page:
                        break
                    after = page.cursors[-1]
                assert walked == expected, (tier, interests, size)
            by_position = await offers.ranked_offers(
                1, profile=profile, at=NOW, first=3, after=offers.encode_position(4)
            )
            assert [s.rank for s in by_position.items] == expected[5:8]
