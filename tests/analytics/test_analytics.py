"""Staff analytics: every figure of `programAnalytics` on data seeded through the services
equals the figure computed here in plain Python from what the test did; staff only; a
reversed or too long range is BAD_USER_INPUT; asking twice gives the same answer."""

import datetime as dt
from collections import Counter
from decimal import Decimal
from fractions import Fraction

from strawberry.relay import to_base64

from app.analytics import service as analytics
from app.campaigns.models import Campaign, CampaignRecipient, CampaignStatus, RecipientStatus
from app.db import connection
from app.earning import service as earning
from app.ledger import service as ledger
from app.ledger.models import Kind, MemberBalance, PointsTransaction
from app.members.models import Member, Role
from app.rewards import catalog
from app.rewards import service as rewards
from app.rewards.models import RewardKind
from app.tiers import service as tiers
from app.tiers.models import Basis, MemberTier, TierChange, Window
from tests import factories
from tests.helpers import gql, integration_token, member_token, staff_session

QUERY = """query($from: DateTime!, $to: DateTime!) { programAnalytics(from: $from, to: $to) {
  from to
  activeMembers { last30Days last90Days }
  points { issued redeemed expired clawedBack adjustedOut breakageRate redemptionRate }
  earnBySource { source transactions points }
  outstanding { points value { currency amount } }
  openingOutstanding { points value { currency amount } }
  tierDistribution { tier { code } members }
  tierMovement { upgrades downgrades overrides moves { fromTier { code } toTier { code }
                                                      reason changes } }
  topRewards(first: 5) { reward { id } redemptions units points }
  campaigns(windowDays: 14) { campaignId name recipients { members spend points }
    controlGroup { members spend points } spendUplift pointsUplift }
} }"""

EARNING = (Kind.PURCHASE, Kind.ACTION, Kind.BONUS, Kind.REFERRAL)


class Book:
    """What the test did to members' points: (member id, kind, change, when)."""

    def __init__(self):
        self.moves: list[tuple[int, Kind, int, dt.datetime]] = []

    def add(self, member_id: int, kind: Kind, points: int, at: dt.datetime) -> None:
        self.moves.append((member_id, kind, points, at))

    def within(self, start, end):
        return [m for m in self.moves if start <= m[3] < end]


async def _earn(member_id, points, kind, *, expires_at=None):
    async with ledger.member_book(member_id=member_id) as book:
        txn = await book.earn(points=points, kind=kind, expires_at=expires_at)
    return txn


async def _backdate(txn_id: int, at: dt.datetime) -> None:
    await PointsTransaction.filter(id=txn_id).update(created_at=at)


async def _reward(cost: int, title: str):
    return await catalog.create_reward(
        fields=catalog.RewardFields(kind=RewardKind.FREE_PRODUCT, category="test",
                                    points_cost=cost, sku=title, texts={"en": {"title": title}}),
        actor_id=None,
    )  # fmt: skip


async def _seed(now: dt.datetime, start: dt.datetime):
    """Members, points, rewards, tiers and a campaign; returns what was done."""
    book = Book()
    await tiers.update_policy(basis=Basis.POINTS, window=Window.ROLLING, window_months=12,
                              grace_days=30, spend_currency="EUR")  # fmt: skip
    for code, rank, threshold in (("silver", 1, 100), ("gold", 2, 600)):
        await tiers.save_tier(code=code, rank=rank, threshold=threshold,
                              earn_multiplier=Decimal(1), texts={"en": {"name": code}})  # fmt: skip
    tiers.PROGRAM.forget()
    await catalog.set_checkout_rate(currency="EUR", points_per_unit=40, minor_digits=2)
    staff = await factories.member(role=Role.ADMIN)
    m = [await factories.member() for _ in range(8)]

    # In the range.
    purchases = {}
    for i, amount in ((0, 10_000), (1, 5_000)):
        rec = await earning.record_purchase(
            scope="t", idempotency_key=f"key-purchase-{i}", member=earning.MemberRef(member_id=m[i].id),
            source="till", external_id=f"p{i}", amount=amount, currency="EUR",
            occurred_at=now - dt.timedelta(days=1),
        )  # fmt: skip
        purchases[i] = await _purchase(rec.id)
        book.add(m[i].id, Kind.PURCHASE, purchases[i]["points_earned"], now)
    await earning.record_refund(
        scope="t", idempotency_key="key-refund-1", source="till", purchase_external_id="p1",
        external_id="r1", amount=2_500, occurred_at=now,
    )  # fmt: skip
    clawed = (await _purchase(purchases[1]["id"]))["points_clawed_back"]
    assert clawed > 0
    book.add(m[1].id, Kind.REFUND, -clawed, now)
    for member, points, kind in ((m[0], 300, Kind.BONUS), (m[3], 300, Kind.ACTION),
                                 (m[3], 50, Kind.REFERRAL)):  # fmt: skip
        await _earn(member.id, points, kind)
        book.add(member.id, kind, points, now)
    # Expires at once: issued and expired in the range.
    await _earn(m[2].id, 500, Kind.BONUS, expires_at=now - dt.timedelta(minutes=1))
    book.add(m[2].id, Kind.BONUS, 500, now)
    assert await ledger.expire_due_points(at=ledger.now()) == 1
    book.add(m[2].id, Kind.EXPIRY, -500, now)
    coffee, cake = await _reward(100, "Coffee"), await _reward(50, "Cake")
    for member, reward, quantity in ((m[0], coffee, 1), (m[3], coffee, 1), (m[3], cake, 2)):
        r, _ = await rewards.redeem(member_id=member.id, reward_id=reward.id, quantity=quantity,
                                    idempotency_key=f"key-redeem-{member.id}-{reward.id}")  # fmt: skip
        book.add(member.id, Kind.REDEMPTION, -r.points, now)
    cancelled, _ = await rewards.redeem(member_id=m[3].id, reward_id=cake.id, quantity=1,
                                        idempotency_key="key-redeem-cancelled")  # fmt: skip
    book.add(m[3].id, Kind.REDEMPTION, -cancelled.points, now)
    await rewards.cancel(member_id=m[3].id, redemption_id=cancelled.id)
    book.add(m[3].id, Kind.CANCELLATION, cancelled.points, now)
    for points in (200, -30):
        await ledger.adjust_points(member_id=m[4].id, points=points, reason="goodwill",
                                   actor_id=staff.id, expires_at=None)  # fmt: skip
        book.add(m[4].id, Kind.ADJUSTMENT, points, now)
    await tiers.override(member_id=m[5].id, tier_code="gold", reason="VIP guest", until=None,
                         actor_id=staff.id)  # fmt: skip

    # Before the range: in the opening liability; m6 active in 90 days, m7 in neither.
    for member, points, kind, days in ((m[4], 1000, Kind.BONUS, 20), (m[6], 40, Kind.PURCHASE, 60),
                                       (m[7], 10, Kind.PURCHASE, 120)):  # fmt: skip
        txn = await _earn(member.id, points, kind)
        await _backdate(txn.id, now - dt.timedelta(days=days))
        book.add(member.id, kind, points, now - dt.timedelta(days=days))

    # A campaign two days ago: m0 and m1 got it, m3 was held out.
    campaign = await Campaign.create(
        name="Spring", variants={"en": {"title": "Hi", "body": "Come by"}},
        status=CampaignStatus.DONE, launched_at=now - dt.timedelta(days=2), holdout_percent=30,
    )  # fmt: skip
    for member, status in ((m[0], RecipientStatus.SENT), (m[1], RecipientStatus.SENT),
                           (m[3], RecipientStatus.CONTROL)):  # fmt: skip
        await CampaignRecipient.create(campaign_id=campaign.id, member_id=member.id,
                                       status=status, send_after=now)  # fmt: skip
    return book, m, staff, {"coffee": coffee, "cake": cake}, campaign, purchases


async def _purchase(purchase_id: int) -> dict:
    from app.earning.models import Purchase

    return (await Purchase.filter(id=purchase_id).values())[0]


def _expected_flows(book: Book, start, end) -> dict:
    moves = book.within(start, end)

    def total(kinds, sign):
        return sum(p for _, k, p, _ in moves if k in kinds and p * sign > 0) * sign

    issued = total(EARNING, 1) + total((Kind.ADJUSTMENT,), 1)
    redeemed = total((Kind.REDEMPTION,), -1) - total((Kind.CANCELLATION,), 1)
    expired = total((Kind.EXPIRY,), -1)
    return {
        "issued": issued, "redeemed": redeemed, "expired": expired,
        "clawedBack": total((Kind.REFUND,), -1), "adjustedOut": total((Kind.ADJUSTMENT,), -1),
        "breakageRate": expired / issued, "redemptionRate": redeemed / issued,
    }  # fmt: skip


async def test_every_figure_matches_what_the_test_did(client):
    now = ledger.now()
    start, end = now - dt.timedelta(days=7), now + dt.timedelta(hours=1)
    book, _, _, rewards_made, campaign, purchases = await _seed(now, start)
    token = (await staff_session(client, Role.MARKETER))["accessToken"]
    body = await gql(client, QUERY, {"from": start.isoformat(), "to": end.isoformat()},
                     token=token)  # fmt: skip
    assert "errors" not in body, body
    got = body["data"]["programAnalytics"]

    # Points moved in the range.
    assert got["points"] == _expected_flows(book, start, end)
    sources: dict[str, list[int]] = {}
    for _, kind, points, _at in book.within(start, end):
        if kind in EARNING or (kind == Kind.ADJUSTMENT and points > 0):
            n, total = sources.get(kind.value, [0, 0])
            sources[kind.value] = [n + 1, total + points]
    assert {s["source"]: [s["transactions"], s["points"]] for s in got["earnBySource"]} == sources
    assert [s["points"] for s in got["earnBySource"]] == sorted(
        (p for _, p in sources.values()), reverse=True
    )

    # Liability: everything done so far / what was done before `from`; EUR at 40 points.
    closing = sum(p for _, _, p, _ in book.moves)
    opening = sum(p for _, _, p, at in book.moves if at < start)
    assert opening == 1050
    # The opening figure is derived from the closing one; the direct query agrees.
    assert await analytics.outstanding_points(at=start) == opening
    balances = await MemberBalance.all().values_list("available", "pending")
    assert closing == sum(a + p for a, p in balances)
    for key, points in (("outstanding", closing), ("openingOutstanding", opening)):
        cents = round(Fraction(points * 100, 40))
        assert got[key] == {"points": points, "value": [{"currency": "EUR", "amount": cents}]}
    assert got["outstanding"]["points"] - got["openingOutstanding"]["points"] == (
        got["points"]["issued"] - got["points"]["redeemed"] - got["points"]["expired"]
        - got["points"]["clawedBack"] - got["points"]["adjustedOut"]
    )  # fmt: skip

    # Active: purchases, refunds, actions, referrals, redemptions only.
    def active(days):
        return len({mid for mid, k, _, at in book.moves if now - dt.timedelta(days=days) <= at < end
                    and k in (Kind.PURCHASE, Kind.ACTION, Kind.REFERRAL, Kind.REDEMPTION, Kind.REFUND)})  # fmt: skip

    assert got["activeMembers"] == {"last30Days": active(30), "last90Days": active(90)}
    assert (active(30), active(90)) == (3, 4)

    # Tiers: from the rows the tiers domain wrote, counted here.
    standing = {t.member_id: t.tier_id for t in await MemberTier.all()}
    codes = {t.id: t.code for t in (await tiers.current_program()).tiers}
    members = await Member.filter(role=Role.MEMBER, is_active=True).values_list("id", flat=True)
    heads = Counter(codes.get(standing.get(mid)) for mid in members)
    assert {(r["tier"] or {}).get("code"): r["members"] for r in got["tierDistribution"]} == heads
    assert [r["tier"]["code"] if r["tier"] else None for r in got["tierDistribution"]] == [
        c for c in ("gold", "silver", None) if c in heads
    ]
    changes = await TierChange.all()
    moves = Counter((codes.get(c.from_tier_id), codes.get(c.to_tier_id), c.reason.upper())
                    for c in changes)  # fmt: skip
    movement = got["tierMovement"]
    assert {((x["fromTier"] or {}).get("code"), (x["toTier"] or {}).get("code"), x["reason"]):
            x["changes"] for x in movement["moves"]} == moves  # fmt: skip
    reasons = Counter(c.reason.value for c in changes)
    assert movement["upgrades"] == reasons["upgrade"] > 0
    assert movement["downgrades"] == reasons["downgrade"]
    assert movement["overrides"] == reasons["override"] + reasons["override_ended"] == 1

    # Rewards: redemptions still standing.
    assert got["topRewards"] == [
        {"reward": {"id": to_base64("Reward", rewards_made["coffee"].id)}, "redemptions": 2,
         "units": 2, "points": 200},
        {"reward": {"id": to_base64("Reward", rewards_made["cake"].id)}, "redemptions": 1,
         "units": 2, "points": 100},
    ]  # fmt: skip

    # The campaign: m0 and m1 bought after the launch, m3 (control) did not.
    (uplift,) = got["campaigns"]
    spend = purchases[0]["amount"] + purchases[1]["amount"]
    points = purchases[0]["points_earned"] + purchases[1]["points_earned"]
    assert uplift == {
        "campaignId": to_base64("Campaign", campaign.id), "name": "Spring",
        "recipients": {"members": 2, "spend": spend, "points": points},
        "controlGroup": {"members": 1, "spend": 0, "points": 0},
        "spendUplift": spend / 2, "pointsUplift": points / 2,
    }  # fmt: skip

    # Asked again: the same figures.
    again = await gql(client, QUERY, {"from": start.isoformat(), "to": end.isoformat()},
                      token=token)  # fmt: skip
    assert again == body


async def test_each_kind_posts_against_its_program_account(app):
    """The figures read transactions by kind; that is exact only while each kind posts
    against one program account, which this holds over data of every kind."""
    now = ledger.now()
    await _seed(now, now - dt.timedelta(days=7))
    rows = await connection().execute_query_dict(
        'SELECT DISTINCT t."kind", p."account" FROM "points_posting" p JOIN "points_transaction" '
        't ON t."id" = p."transaction_id" WHERE p."account" NOT IN (\'wallet\', \'pending\')'
    )
    pairs = {(str(r["kind"]), str(r["account"])) for r in rows}
    assert len({k for k, _ in pairs}) >= 8
    assert pairs <= {(k.value, a.value) for k, a in analytics.COUNTER_ACCOUNT.items() if a}


async def test_only_admins_and_marketers_see_analytics(client):
    now = ledger.now()
    variables = {"from": (now - dt.timedelta(days=1)).isoformat(), "to": now.isoformat()}
    query = "query($from: DateTime!, $to: DateTime!) { programAnalytics(from: $from, to: $to) " \
            "{ points { issued } } }"  # fmt: skip
    member = await member_token(await factories.member())
    support = (await staff_session(client, Role.SUPPORT))["accessToken"]
    till = await integration_token(client, "purchases:write")
    for token in (member, support, till):
        body = await gql(client, query, variables, token=token)
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql(client, query, variables)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    for role in (Role.ADMIN, Role.MARKETER):
        token = (await staff_session(client, role))["accessToken"]
        body = await gql(client, query, variables, token=token)
        assert body["data"]["programAnalytics"]["points"]["issued"] == 0


async def test_a_reversed_or_too_long_range_is_bad_input(client):
    token = (await staff_session(client, Role.ADMIN))["accessToken"]
    now = ledger.now()
    query = "query($from: DateTime!, $to: DateTime!) { programAnalytics(from: $from, to: $to) " \
            "{ to } }"  # fmt: skip
    for start, end, code in ((now, now, "MUST_BE_AFTER_FROM"),
                             (now, now - dt.timedelta(days=1), "MUST_BE_AFTER_FROM"),
                             (now - dt.timedelta(days=3 * 366 + 1), now, "RANGE_TOO_LONG")):  # fmt: skip
        body = await gql(client, query, {"from": start.isoformat(), "to": end.isoformat()},
                         token=token)  # fmt: skip
        error = body["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", body
        assert error["extensions"]["fields"] == [{"field": "to", "code": code}]


async def test_campaign_uplift_by_id(client):
    now = ledger.now()
    _, _, _, _, campaign, purchases = await _seed(now, now - dt.timedelta(days=7))
    token = (await staff_session(client, Role.ADMIN))["accessToken"]
    query = """query($id: ID!) { campaignUplift(campaignId: $id, windowDays: 7) {
      name windowDays recipients { members spendPerMember } controlGroup { members }
      spendUplift } }"""
    body = await gql(client, query, {"id": to_base64("Campaign", campaign.id)}, token=token)
    spend = purchases[0]["amount"] + purchases[1]["amount"]
    assert body["data"]["campaignUplift"] == {
        "name": "Spring", "windowDays": 7, "recipients": {"members": 2, "spendPerMember": spend / 2},
        "controlGroup": {"members": 1}, "spendUplift": spend / 2,
    }  # fmt: skip
    missing = await gql(client, query, {"id": to_base64("Campaign", 999_999)}, token=token)
    assert missing["data"]["campaignUplift"] is None


async def test_the_dashboards_campaign_list_agrees_with_each_campaign_alone(app):
    now = ledger.now()
    _, _, _, _, campaign, _ = await _seed(now, now - dt.timedelta(days=7))
    for days in (1, 7, 90):  # windows that end before, among and after the purchases
        (together,) = await analytics.campaign_uplifts(campaign_ids=[campaign.id, 999_999],
                                                     window_days=days)  # fmt: skip
        alone = await analytics.campaign_uplift(campaign_id=campaign.id, window_days=days)
        assert together == alone
