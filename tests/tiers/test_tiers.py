"""Tiers: qualification by spend or points, rolling or calendar windows, grace before a
downgrade, manual overrides, the earn multiplier, tier-gated rewards, and tierChanged."""

import asyncio
import datetime as dt
import json
from decimal import Decimal

import pytest
from strawberry.relay import to_base64

from app.members.models import Role
from app.rewards import catalog
from app.rewards.models import RewardKind
from app.tiers import service as tiers
from app.tiers.models import Basis, ChangeReason, MemberTier, Tier, TierChange, Window
from app.worker import run_maintenance
from tests import factories
from tests.graphql.test_websocket import _connect, _recv
from tests.helpers import (
    RECORD_PURCHASE,
    RECORD_REFUND,
    gql,
    integration_token,
    member_token,
    purchase_input,
    staff_session,
)

DAY = dt.timedelta(days=1)
TIER = """{ me { tier { current { code name benefits earnMultiplier } next { code }
  progress { value target remaining unit deadline } retainBy overrideReason benefits
  history { reason fromTier { code } toTier { code } note } } } }"""


async def _program(*, basis=Basis.SPEND, window=Window.ROLLING, grace_days=30):
    await tiers.update_policy(basis=basis, window=window, window_months=12,
                              grace_days=grace_days, spend_currency="EUR")  # fmt: skip
    await tiers.save_tier(code="silver", rank=1, threshold=10_000, earn_multiplier=Decimal(1),
                          texts={"en": {"name": "Silver", "benefits": ["Free coffee"]},
                                 "nl": {"name": "Zilver", "benefits": ["Gratis koffie"]}})  # fmt: skip
    await tiers.save_tier(code="gold", rank=2, threshold=50_000, earn_multiplier=Decimal(2),
                          texts={"en": {"name": "Gold", "benefits": ["Double points"]}})  # fmt: skip


class Shop:
    """A member, their token and a till."""

    def __init__(self, client, member, token, till):
        self.client, self.member, self.token, self.till = client, member, token, till
        self.n = 0

    @classmethod
    async def open(cls, client, **fields):
        member = await factories.member(**fields)
        till = await integration_token(client, "purchases:write")
        return cls(client, member, await member_token(member), till)

    async def buy(self, amount: int, days_ago: int = 1) -> dict:
        self.n += 1
        at = (dt.datetime.now(dt.UTC) - days_ago * DAY).isoformat()
        data = purchase_input(to_base64("Member", self.member.id), f"t{self.member.id}-{self.n}",
                              amount=amount, occurredAt=at)  # fmt: skip
        body = await gql(self.client, RECORD_PURCHASE, {"input": data}, token=self.till)
        result = body["data"]["recordPurchase"]
        assert result["__typename"] == "PurchaseRecorded", body
        return result

    async def refund(self, purchase_n: int, amount: int) -> None:
        data = {"idempotencyKey": f"refund-{self.member.id}-{purchase_n}", "source": "pos",
                "purchaseExternalId": f"t{self.member.id}-{purchase_n}",
                "externalId": f"rf-{purchase_n}", "amount": amount,
                "occurredAt": dt.datetime.now(dt.UTC).isoformat()}  # fmt: skip
        body = await gql(self.client, RECORD_REFUND, {"input": data}, token=self.till)
        assert body["data"]["recordRefund"]["__typename"] == "RefundRecorded", body

    async def tier(self) -> dict:
        return (await gql(self.client, TIER, token=self.token))["data"]["me"]["tier"]


async def _code(member_id: int) -> str | None:
    standing = await MemberTier.get_or_none(member_id=member_id)
    if standing is None or standing.tier_id is None:
        return None
    return (await Tier.get(id=standing.tier_id)).code


async def test_upgrades_apply_at_once_and_the_multiplier_to_the_next_earn(client):
    await _program()
    shop = await Shop.open(client, locale="nl")
    before = await shop.tier()
    assert before["current"] is None and before["next"]["code"] == "silver"
    assert before["progress"] == {"value": 0, "target": 10_000, "remaining": 10_000,
                                  "unit": "EUR", "deadline": None}  # fmt: skip

    await shop.buy(30_000)  # mid-window: silver at once
    assert await _code(shop.member.id) == "silver"
    status = await shop.tier()
    assert status["current"]["name"] == "Zilver" and status["benefits"] == ["Gratis koffie"]
    assert status["progress"]["remaining"] == 20_000

    upgrading = await shop.buy(25_000)  # earns at the silver multiplier, then gold
    assert upgrading["transaction"]["points"] == 250
    assert await _code(shop.member.id) == "gold"
    following = await shop.buy(1_000)
    steps = following["transaction"]["explanation"]
    assert [(s["rule"], s["points"]) for s in steps] == [("RULE_BASE", 10), ("RULE_TIER", 10)]
    assert following["transaction"]["points"] == 20

    status = await shop.tier()
    assert status["current"]["code"] == "gold" and status["next"] is None
    assert [(h["reason"], h["toTier"]["code"]) for h in status["history"]] == [
        ("UPGRADE", "gold"), ("UPGRADE", "silver")]  # fmt: skip


async def test_a_refund_below_the_threshold_downgrades_only_after_grace(client):
    await _program(grace_days=30)
    shop = await Shop.open(client)
    await shop.buy(15_000)
    assert await _code(shop.member.id) == "silver"
    await shop.refund(1, 10_000)  # value 5,000: below silver
    status = await shop.tier()
    assert status["current"]["code"] == "silver"  # kept during the grace period
    retain_by = dt.datetime.fromisoformat(status["retainBy"])
    assert retain_by - dt.datetime.now(dt.UTC) > 29 * DAY

    await tiers.evaluate(member_id=shop.member.id, at=retain_by - DAY)
    assert await _code(shop.member.id) == "silver"
    await run_maintenance(at=retain_by + dt.timedelta(seconds=1))  # the worker's pass
    assert await _code(shop.member.id) is None
    change = await TierChange.filter(member_id=shop.member.id).order_by("-id").first()
    assert change.reason == ChangeReason.DOWNGRADE

    # Requalifying during a grace period clears it.
    other = await Shop.open(client)
    await other.buy(12_000)
    await other.refund(1, 5_000)
    assert (await other.tier())["retainBy"] is not None
    await other.buy(6_000)
    status = await other.tier()
    assert status["retainBy"] is None and status["current"]["code"] == "silver"


async def test_calendar_year_window_resets_on_the_first_of_january(client):
    await _program(window=Window.CALENDAR_YEAR, grace_days=0)
    shop = await Shop.open(client)
    await shop.buy(20_000, days_ago=0)
    assert await _code(shop.member.id) == "silver"
    status = await shop.tier()
    now = dt.datetime.now(dt.UTC)
    assert dt.datetime.fromisoformat(status["progress"]["deadline"]) == dt.datetime(
        now.year + 1, 1, 1, tzinfo=dt.UTC)  # fmt: skip
    new_year = dt.datetime(now.year + 1, 1, 2, tzinfo=dt.UTC)
    await tiers.evaluate(member_id=shop.member.id, at=new_year)  # no grace: down at once
    assert await _code(shop.member.id) is None
    standing = await MemberTier.get(member_id=shop.member.id)
    assert standing.value == 0


async def test_points_basis_counts_points_earned(client):
    await _program(basis=Basis.POINTS)
    shop = await Shop.open(client)
    await shop.buy(900_000)  # 9,000 points
    assert await _code(shop.member.id) is None
    await shop.buy(200_000)  # 11,000 points
    assert await _code(shop.member.id) == "silver"
    assert (await shop.tier())["progress"]["unit"] == "POINTS"


async def test_staff_override_with_a_reason_until_they_end_it(client):
    await _program()
    shop = await Shop.open(client)
    await shop.buy(12_000)
    support = await staff_session(client, Role.SUPPORT)
    override = """mutation($m: ID!, $tier: String, $reason: String!, $until: DateTime) {
      overrideTier(member: $m, tier: $tier, reason: $reason, until: $until) {
        __typename ... on TierStatus { current { code } overrideReason }
        ... on InvalidInput { fields { field code } } } }"""
    gid = to_base64("Member", shop.member.id)
    token = support["accessToken"]

    bad = await gql(client, override, {"m": gid, "tier": "platinum", "reason": " "}, token=token)
    assert {f["field"] for f in bad["data"]["overrideTier"]["fields"]} == {"tier", "reason"}
    denied = await gql(client, override, {"m": gid, "tier": "gold", "reason": "x"},
                       token=shop.token)  # fmt: skip
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    body = await gql(client, override, {"m": gid, "tier": "gold", "reason": "Complaint #42"},
                     token=token)  # fmt: skip
    assert body["data"]["overrideTier"] == {"__typename": "TierStatus",
                                            "current": {"code": "gold"},
                                            "overrideReason": "Complaint #42"}  # fmt: skip
    await shop.buy(1_000)  # evaluation keeps the override
    assert await _code(shop.member.id) == "gold"

    ended = await gql(client, override, {"m": gid, "reason": "Goodwill period over"},
                      token=token)  # fmt: skip
    assert ended["data"]["overrideTier"]["current"] == {"code": "silver"}
    history = (await shop.tier())["history"]
    assert [(h["reason"], h["note"]) for h in history[:2]] == [
        ("OVERRIDE_ENDED", "Goodwill period over"), ("OVERRIDE", "Complaint #42")]  # fmt: skip


async def test_tier_gated_rewards(client):
    await _program()
    silver = await Shop.open(client)
    await silver.buy(12_000)
    gold = await Shop.open(client)
    await gold.buy(60_000)
    reward = await catalog.create_reward(
        fields=catalog.RewardFields(kind=RewardKind.UPGRADE, category="travel", points_cost=10,
                                    min_tier_code="gold", texts={"en": {"title": "Lounge"}}),
        actor_id=None,
    )  # fmt: skip
    redeem = """mutation($id: ID!) { redeemReward(input: {rewardId: $id, idempotencyKey: "lounge-1"}) {
      __typename ... on NotEligible { tier reason } } }"""
    rid = to_base64("Reward", reward.id)
    refused = await gql(client, redeem, {"id": rid}, token=silver.token)
    assert refused["data"]["redeemReward"] == {"__typename": "NotEligible", "tier": "Gold",
                                               "reason": "TIER"}  # fmt: skip
    listing = await gql(client, "{ rewards { edges { node { minTier whyNot { code } } } } }",
                        token=silver.token)  # fmt: skip
    assert listing["data"]["rewards"]["edges"][0]["node"] == {
        "minTier": "gold", "whyNot": {"code": "NOT_ELIGIBLE"}}  # fmt: skip
    ok = await gql(client, redeem, {"id": rid}, token=gold.token)
    assert ok["data"]["redeemReward"]["__typename"] == "Redemption"


async def test_staff_define_tiers_and_bad_input_writes_nothing(client):
    marketer = await staff_session(client, Role.MARKETER)
    save = """mutation($input: TierInput!) { saveTier(input: $input) {
      __typename ... on Tier { code name } ... on InvalidInput { fields { field code } } } }"""
    token = marketer["accessToken"]
    good = {"code": "silver", "rank": 1, "threshold": 1000,
            "texts": [{"locale": "en", "name": "Silver", "benefits": ["A"]}]}  # fmt: skip
    assert (await gql(client, save, {"input": good}, token=token))["data"]["saveTier"][
        "code"] == "silver"  # fmt: skip
    clash = {**good, "code": "gold"}
    body = await gql(client, save, {"input": clash}, token=token)
    assert body["data"]["saveTier"]["fields"] == [{"field": "rank", "code": "TAKEN"}]
    bad = {"code": "Gold!", "rank": -1, "threshold": -5, "earnMultiplier": "50",
           "texts": [{"locale": "fr", "name": "Or"}]}  # fmt: skip
    body = await gql(client, save, {"input": bad}, token=token)
    assert {f["field"] for f in body["data"]["saveTier"]["fields"]} == {
        "code",
        "rank",
        "threshold",
        "earnMultiplier",
        "texts.fr",
        "texts.en.name",
    }
    assert await Tier.all().count() == 1
    listed = await gql(client, "{ tiers { code benefits } }", token=token)
    assert listed["data"]["tiers"] == [{"code": "silver", "benefits": ["A"]}]


async def test_tier_changed_subscription_delivers_own_changes(client, live_server):
    await _program()
    shop = await Shop.open(client)
    other = await Shop.open(client)
    ws = await _connect(live_server, {"authorization": f"Bearer {shop.token}"})
    try:
        assert (await _recv(ws))["type"] == "connection_ack"
        query = "subscription { tierChanged { current { code } } }"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        await asyncio.sleep(0.2)
        await other.buy(20_000)  # someone else's upgrade
        await shop.buy(20_000)
        message = await _recv(ws)
        assert message["payload"]["data"]["tierChanged"] == {"current": {"code": "silver"}}
        with pytest.raises(TimeoutError):
            await _recv(ws, timeout=0.5)
    finally:
        await ws.close()


async def test_parallel_purchases_upgrade_once_per_tier(client, dialect):
    if dialect != "postgres":
        pytest.skip("SQLite serializes writers; races are proven on PostgreSQL")
    await _program()
    shop = await Shop.open(client)
    results = await asyncio.gather(*(shop.buy(3_000) for _ in range(20)))  # 60,000 in all
    assert all(r["transaction"]["points"] in (30, 60) for r in results)
    assert await _code(shop.member.id) == "gold"
    changes = await TierChange.filter(member_id=shop.member.id).order_by("id")
    assert [c.reason for c in changes] == [ChangeReason.UPGRADE, ChangeReason.UPGRADE]
    assert (await MemberTier.get(member_id=shop.member.id)).value == 60_000
