"""Rewards through the API: catalog, redeeming, cancelling, vouchers at the till, paying with
points, cashback; every refusal typed and writing nothing."""

import datetime as dt
import re

import pytest
from strawberry.relay import to_base64

from app.ledger import service as ledger
from app.ledger.check import check
from app.members.models import Role
from app.rewards import service
from app.rewards.models import (
    CashbackCredit,
    Entitlement,
    Redemption,
    RedemptionStatus,
    Reward,
    RewardKind,
    Voucher,
)
from tests import factories
from tests.helpers import (
    RECORD_PURCHASE,
    RECORD_REFUND,
    gql,
    integration_token,
    member_token,
    purchase_input,
    staff_session,
)

REDEEM = """mutation($input: RedeemRewardInput!) { redeemReward(input: $input) {
  __typename
  ... on Redemption { id quantity points status reward { id stockLeft }
    vouchers { code status expiresAt } transaction { kind points explanation { rule description } } }
  ... on UserError { code message }
  ... on OutOfStock { stockLeft }
  ... on InsufficientPoints { available required }
  ... on LimitReached { limit period }
  ... on RewardUnavailable { reason }
  ... on InvalidInput { fields { field code } }
} }"""

CANCEL = """mutation($id: ID!) { cancelRedemption(id: $id) {
  __typename
  ... on Redemption { status cancelledAt vouchers { status } }
  ... on UserError { code }
  ... on RedemptionNotCancellable { reason }
} }"""

REWARDS = """query($first: Int, $after: String, $category: String, $affordable: Boolean) {
  rewards(first: $first, after: $after, category: $category, affordable: $affordable) {
    edges { node { id title pointsCost stockLeft canRedeem whyNot { code message } } }
    pageInfo { hasNextPage endCursor }
} }"""

CONSUME = """mutation($input: ConsumeVoucherInput!) { consumeVoucher(input: $input) {
  __typename
  ... on VoucherCheck { replayed discountAmount voucher { status usedAt } reward { kind } memberId }
  ... on UserError { code message }
  ... on VoucherNotUsable { reason }
  ... on InvalidInput { fields { field code } }
} }"""

CHECKOUT = """mutation($input: CheckoutPointsInput!) { redeemPointsAtCheckout(input: $input) {
  __typename
  ... on CheckoutPaid { pointsUsed amountCovered amountDue currency replayed
    transaction { kind points explanation { description } } }
  ... on InsufficientPoints { available required }
  ... on UserError { code }
  ... on InvalidInput { fields { field code } }
} }"""

CREATE = """mutation($input: RewardInput!) { createReward(input: $input) {
  __typename
  ... on RewardSaved { reward { id kind title stockLeft texts { locale title } } }
  ... on InvalidInput { fields { field code } }
} }"""

BALANCE = "{ me { balance { available } } }"


def gid(kind: str, pk: int) -> str:
    return to_base64(kind, pk)


async def redeem(client, token, reward_pk, key, quantity=1):
    body = await gql(
        client, REDEEM,
        {"input": {"rewardId": gid("Reward", reward_pk), "quantity": quantity,
                   "idempotencyKey": key}},
        token=token,
    )  # fmt: skip
    return body["data"]["redeemReward"]


async def available(client, token) -> int:
    return (await gql(client, BALANCE, token=token))["data"]["me"]["balance"]["available"]


# ---- catalog -------------------------------------------------------------------------------


async def test_staff_build_the_catalog_and_bad_input_writes_nothing(client, funded):
    marketer = await staff_session(client, Role.MARKETER)
    good = {
        "kind": "FREE_PRODUCT", "category": "Coffee", "pointsCost": 250, "stock": 5,
        "sku": "ESPRESSO", "voucherPrefix": "CAFE",
        "texts": [{"locale": "en", "title": "Free espresso", "terms": "One per visit."},
                  {"locale": "es", "title": "Espresso gratis"}],
    }  # fmt: skip
    body = await gql(client, CREATE, {"input": good}, token=marketer["accessToken"])
    saved = body["data"]["createReward"]
    assert saved["__typename"] == "RewardSaved", body
    assert saved["reward"]["kind"] == "FREE_PRODUCT"
    assert saved["reward"]["stockLeft"] == 5
    assert [t["locale"] for t in saved["reward"]["texts"]] == ["en", "es"]

    bad = {**good, "stock": -1, "percentOff": 10, "voucherPattern": "XX-XX",
           "texts": [{"locale": "fr", "title": "Café"}], "imageUrl": "http://x/y.png"}  # fmt: skip
    body = await gql(client, CREATE, {"input": bad}, token=marketer["accessToken"])
    result = body["data"]["createReward"]
    assert result["__typename"] == "InvalidInput"
    assert {(f["field"], f["code"]) for f in result["fields"]} == {
        ("stock", "INVALID_VALUE"),
        ("percentOff", "NOT_FOR_KIND"),
        ("voucherPattern", "INVALID_PATTERN"),
        ("texts.fr", "UNSUPPORTED_LOCALE"),
        ("texts.en.title", "REQUIRED"),
        ("imageUrl", "INVALID_URL"),
    }
    assert await Reward.all().count() == 1

    # Members cannot edit the catalog.
    _, token = await funded(0)
    denied = await gql(client, CREATE, {"input": good}, token=token)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await Reward.all().count() == 1


async def test_stock_adjustments_are_atomic_and_never_negative(client, reward):
    marketer = await staff_session(client, Role.MARKETER)
    r = await reward(stock=3)
    adjust = """mutation($id: ID!, $change: Int!) { adjustRewardStock(id: $id, change: $change) {
      __typename ... on RewardSaved { reward { stockLeft } }
      ... on InvalidInput { fields { field code } } } }"""
    token = marketer["accessToken"]
    body = await gql(client, adjust, {"id": gid("Reward", r.id), "change": -5}, token=token)
    assert body["data"]["adjustRewardStock"]["__typename"] == "InvalidInput"
    body = await gql(client, adjust, {"id": gid("Reward", r.id), "change": 7}, token=token)
    assert body["data"]["adjustRewardStock"]["reward"]["stockLeft"] == 10
    assert (await Reward.get(id=r.id)).stock == 10


# ---- member catalog view -------------------------------------------------------------------


async def test_catalog_says_what_you_can_redeem_and_why_not(client, funded, reward):
    _, token = await funded(300, locale="nl")
    cheap = await reward(points_cost=100, category="coffee")
    dear = await reward(points_cost=1000, category="coffee")
    gone = await reward(points_cost=50, stock=0, category="books")
    once = await reward(points_cost=10, per_member_limit=1, category="books")
    await reward(points_cost=10, valid_from=service.now() + dt.timedelta(days=3))  # not yet
    archived = await reward(points_cost=10)
    await Reward.filter(id=archived.id).update(archived_at=service.now())
    assert (await redeem(client, token, once.id, "once-0001"))["__typename"] == "Redemption"

    body = await gql(client, REWARDS, {"first": 10}, token=token)
    nodes = {e["node"]["id"]: e["node"] for e in body["data"]["rewards"]["edges"]}
    assert set(nodes) == {gid("Reward", r.id) for r in (cheap, dear, gone, once)}
    assert nodes[gid("Reward", cheap.id)]["canRedeem"] is True
    assert nodes[gid("Reward", cheap.id)]["title"].startswith("10% korting")  # in Dutch
    assert nodes[gid("Reward", dear.id)]["whyNot"]["code"] == "INSUFFICIENT_POINTS"
    assert nodes[gid("Reward", gone.id)]["whyNot"]["code"] == "OUT_OF_STOCK"
    assert nodes[gid("Reward", once.id)]["whyNot"]["code"] == "LIMIT_REACHED"
    assert nodes[gid("Reward", once.id)]["whyNot"]["message"].startswith("Je hebt")  # Dutch

    body = await gql(client, REWARDS, {"affordable": True, "category": "coffee"}, token=token)
    assert [e["node"]["id"] for e in body["data"]["rewards"]["edges"]] == [gid("Reward", cheap.id)]

    body = await gql(client, REWARDS, {"first": 2}, token=token)
    page = body["data"]["rewards"]
    assert page["pageInfo"]["hasNextPage"] is True
    body = await gql(client, REWARDS, {"first": 10, "after": page["pageInfo"]["endCursor"]},
                     token=token)  # fmt: skip
    assert len(body["data"]["rewards"]["edges"]) == 2


# ---- redeeming -----------------------------------------------------------------------------


async def test_redeem_debits_takes_stock_and_issues_unambiguous_vouchers(client, funded, reward):
    _, token = await funded(500)
    r = await reward(stock=5, voucher_prefix="CAFE", voucher_pattern="XXXXX-XXXXX")
    result = await redeem(client, token, r.id, "redeem-0001", quantity=2)
    assert result["__typename"] == "Redemption", result
    assert (result["quantity"], result["points"], result["status"]) == (2, 200, "ISSUED")
    assert result["reward"]["stockLeft"] == 3
    assert result["transaction"]["kind"] == "REDEMPTION"
    assert result["transaction"]["points"] == -200
    assert result["transaction"]["explanation"][0]["rule"] == "RULE_REDEMPTION"
    codes = [v["code"] for v in result["vouchers"]]
    assert len(set(codes)) == 2
    for code in codes:
        assert re.fullmatch(r"CAFE-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}", code), code
    assert await available(client, token) == 300

    # The same key again: the same redemption, nothing more spent.
    again = await redeem(client, token, r.id, "redeem-0001", quantity=2)
    assert again["id"] == result["id"]
    assert await available(client, token) == 300
    # The same key for something else: refused.
    other = await redeem(client, token, r.id, "redeem-0001", quantity=1)
    assert other["__typename"] == "IdempotencyKeyReused"

    me = await gql(client, "{ me { redemptions { edges { node { id vouchers { code } } } } } }",
                   token=token)  # fmt: skip
    edges = me["data"]["me"]["redemptions"]["edges"]
    assert [e["node"]["id"] for e in edges] == [result["id"]]
    assert await check() == []


async def test_refusals_are_typed_and_write_nothing(client, funded, reward):
    member, token = await funded(150)
    r = await reward(points_cost=100, stock=2, per_member_limit=3, period_limit=1,
                     limit_period="day")  # fmt: skip
    archived = await reward()
    await Reward.filter(id=archived.id).update(archived_at=service.now())
    ended = await reward(valid_until=service.now() - dt.timedelta(seconds=1))
    scarce = await reward(points_cost=10, stock=2)

    cases = [
        (await redeem(client, token, 999_999, "bad-00001"), "RewardUnavailable", "NOT_FOUND"),
        (await redeem(client, token, archived.id, "bad-00002"), "RewardUnavailable", "ARCHIVED"),
        (await redeem(client, token, ended.id, "bad-00003"), "RewardUnavailable", "ENDED"),
        (await redeem(client, token, r.id, "bad-00004", quantity=0), "InvalidInput", None),
        (await redeem(client, token, scarce.id, "bad-00005", quantity=3), "OutOfStock", None),
        (await redeem(client, token, r.id, "short"), "InvalidInput", None),
    ]
    for result, typename, reason in cases:
        assert result["__typename"] == typename, result
        if reason:
            assert result["reason"] == reason
    assert cases[3][0]["fields"] == [{"field": "quantity", "code": "MUST_BE_POSITIVE"}]
    body = await gql(
        client, REDEEM,
        {"input": {"rewardId": gid("Member", member.id), "idempotencyKey": "bad-00006"}},
        token=token,
    )  # fmt: skip
    assert body["data"]["redeemReward"]["fields"] == [
        {"field": "rewardId", "code": "INVALID_VALUE"}
    ]

    assert (await redeem(client, token, r.id, "ok-000001"))["__typename"] == "Redemption"
    limited = await redeem(client, token, r.id, "bad-00007")
    assert limited["__typename"] == "LimitReached"
    assert (limited["limit"], limited["period"]) == (1, "DAY")

    _, poor_token = await funded(50)
    short = await redeem(client, poor_token, r.id, "poor-00001")
    assert (short["__typename"], short["available"], short["required"]) == (
        "InsufficientPoints", 50, 100)  # fmt: skip

    assert await Redemption.all().count() == 1
    assert (await Reward.get(id=r.id)).stock == 1
    assert (await Reward.get(id=scarce.id)).stock == 2
    assert await available(client, token) == 50
    assert await available(client, poor_token) == 50
    assert await check() == []


async def test_cancel_returns_points_and_stock_once(client, funded, reward):
    expiry = service.now() + dt.timedelta(days=40)
    member, token = await funded(300, expires_at=expiry)
    r = await reward(stock=1, points_cost=200)
    redemption = await redeem(client, token, r.id, "cancel-001")
    assert await available(client, token) == 100

    body = await gql(client, CANCEL, {"id": redemption["id"]}, token=token)
    cancelled = body["data"]["cancelRedemption"]
    assert cancelled["__typename"] == "Redemption"
    assert cancelled["status"] == "CANCELLED"
    assert [v["status"] for v in cancelled["vouchers"]] == ["CANCELLED"]
    assert await available(client, token) == 300
    assert (await Reward.get(id=r.id)).stock == 1
    # The points came back with the expiry date they had.
    (expiring,) = await ledger.expiring_points([member.id])
    assert sum(e.points for e in expiring) == 300
    assert {e.expires_at for e in expiring} == {expiry}

    again = (await gql(client, CANCEL, {"id": redemption["id"]}, token=token))["data"]
    assert again["cancelRedemption"]["reason"] == "ALREADY_CANCELLED"
    assert await available(client, token) == 300

    # Someone else's redemption does not exist for you.
    _, stranger = await funded(0)
    other = (await gql(client, CANCEL, {"id": redemption["id"]}, token=stranger))["data"]
    assert other["cancelRedemption"]["__typename"] == "RedemptionNotFound"

    # Redeem after cancel works, and a used voucher cannot be cancelled.
    second = await redeem(client, token, r.id, "cancel-002")
    assert second["__typename"] == "Redemption"
    till = await integration_token(client, "vouchers:redeem")
    code = second["vouchers"][0]["code"]
    used = await gql(client, CONSUME, {"input": {"code": code, "reference": "rcpt-1"}}, token=till)
    assert used["data"]["consumeVoucher"]["__typename"] == "VoucherCheck"
    refused = (await gql(client, CANCEL, {"id": second["id"]}, token=token))["data"]
    assert refused["cancelRedemption"]["reason"] == "VOUCHER_USED"
    assert (await Redemption.get(id=int(_pk(second["id"])))).status == RedemptionStatus.ISSUED
    assert await available(client, token) == 100
    assert await check() == []


def _pk(global_id: str) -> str:
    from strawberry.relay import from_base64

    return from_base64(global_id)[1]


async def test_refund_after_redeem_leaves_a_debt_and_a_clean_ledger(client, funded, reward):
    member, token = await funded(0)
    pos = await integration_token(client, "purchases:write")
    data = purchase_input(gid("Member", member.id), "r-1", amount=30000)
    assert (await gql(client, RECORD_PURCHASE, {"input": data}, token=pos))["data"]
    r = await reward(points_cost=250)
    assert (await redeem(client, token, r.id, "spend-0001"))["__typename"] == "Redemption"
    refund = {
        "idempotencyKey": "refund-r-1",
        "source": "pos",
        "purchaseExternalId": "r-1",
        "externalId": "rf-1",
        "amount": 30000,
        "occurredAt": "2026-11-21T10:00:00+00:00",
    }
    body = await gql(client, RECORD_REFUND, {"input": refund}, token=pos)
    assert body["data"]["recordRefund"]["__typename"] == "RefundRecorded", body
    assert await available(client, token) == -250  # spent points that were taken back
    assert await check() == []


# ---- vouchers at the till ------------------------------------------------------------------


async def test_tills_check_and_consume_a_voucher_exactly_once(client, funded, reward):
    member, token = await funded(500)
    r = await reward(percent_off=None, amount_off=500, currency="EUR", minimum_basket=2000)
    code = (await redeem(client, token, r.id, "till-0001"))["vouchers"][0]["code"]
    till_a = await integration_token(client, "vouchers:redeem")
    till_b = await integration_token(client, "vouchers:redeem")

    check_q = """query($code: String!, $basket: Int) { voucher(code: $code, basketAmount: $basket) {
      __typename ... on VoucherCheck { discountAmount voucher { status } }
      ... on VoucherNotUsable { reason } } }"""
    small = await gql(client, check_q, {"code": code, "basket": 1000}, token=till_a)
    assert small["data"]["voucher"]["reason"] == "BASKET_TOO_SMALL"
    ok = await gql(client, check_q, {"code": code.lower().replace("-", " "), "basket": 3000},
                   token=till_a)  # fmt: skip
    assert ok["data"]["voucher"] == {"__typename": "VoucherCheck", "discountAmount": 500,
                                     "voucher": {"status": "ACTIVE"}}  # fmt: skip

    def consume(till, reference, code=code):
        return gql(client, CONSUME, {"input": {"code": code, "reference": reference,
                                               "basketAmount": 3000}}, token=till)  # fmt: skip

    first = (await consume(till_a, "rcpt-9"))["data"]["consumeVoucher"]
    assert (first["__typename"], first["replayed"], first["voucher"]["status"]) == (
        "VoucherCheck", False, "USED")  # fmt: skip
    assert first["memberId"] == gid("Member", member.id)
    retry = (await consume(till_a, "rcpt-9"))["data"]["consumeVoucher"]
    assert retry["replayed"] is True
    other = (await consume(till_b, "rcpt-7"))["data"]["consumeVoucher"]
    assert other["reason"] == "USED"
    unknown = (await consume(till_b, "x", code="ABCD-EFGH-JKMN"))["data"]["consumeVoucher"]
    assert unknown["__typename"] == "VoucherNotFound"
    bad = (await consume(till_b, "x", code="not a code!"))["data"]["consumeVoucher"]
    assert bad["fields"] == [{"field": "code", "code": "INVALID_VOUCHER_CODE"}]

    # Archiving the reward does not break codes already issued.
    kept = (await redeem(client, token, r.id, "till-0003"))["vouchers"][0]["code"]
    await Reward.filter(id=r.id).update(archived_at=service.now())
    still = (await consume(till_b, "rcpt-8", code=kept))["data"]["consumeVoucher"]
    assert still["__typename"] == "VoucherCheck"
    assert (await redeem(client, token, r.id, "till-0004"))["reason"] == "ARCHIVED"
    await Reward.filter(id=r.id).update(archived_at=None)

    expired_code = (await redeem(client, token, r.id, "till-0002"))["vouchers"][0]["code"]
    await Voucher.filter(code=expired_code).update(expires_at=service.now())
    expired = (await consume(till_b, "x", code=expired_code))["data"]["consumeVoucher"]
    assert expired["reason"] == "EXPIRED"

    # Members have no business at the till.
    denied = await consume(token, "x")
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_exclusive_access_grants_an_entitlement_and_cashback_is_paid_once(
    client, funded, reward
):
    member, token = await funded(1000)
    starts = service.now() + dt.timedelta(days=7)
    gala = await reward(kind=RewardKind.EXCLUSIVE_ACCESS, percent_off=None,
                        entitlement="event:summer-gala", access_starts_at=starts,
                        access_ends_at=starts + dt.timedelta(hours=5))  # fmt: skip
    ticket = await redeem(client, token, gala.id, "gala-00001")
    assert len(ticket["vouchers"]) == 1  # the ticket shown at the door
    (entitlement,) = await Entitlement.filter(member_id=member.id)
    assert (entitlement.key, entitlement.starts_at) == ("event:summer-gala", starts)

    cash = await reward(kind=RewardKind.CASHBACK, percent_off=None, cashback_amount=250,
                        currency="EUR")  # fmt: skip
    paid = await redeem(client, token, cash.id, "cash-00001", quantity=2)
    assert paid["vouchers"] == []
    payer = await integration_token(client, "cashback:pay")
    pending = await gql(client, "{ pendingCashback { edges { node { id amount currency } } } }",
                        token=payer)  # fmt: skip
    (edge,) = pending["data"]["pendingCashback"]["edges"]
    assert (edge["node"]["amount"], edge["node"]["currency"]) == (500, "EUR")
    mark = """mutation($id: ID!, $ref: String!) { markCashbackPaid(id: $id, reference: $ref) {
      __typename ... on CashbackNotPayable { reason } ... on CashbackCredit { paidAt } } }"""
    credit_id = edge["node"]["id"]
    first = await gql(client, mark, {"id": credit_id, "ref": "sepa-1"}, token=payer)
    assert first["data"]["markCashbackPaid"]["paidAt"]
    twice = await gql(client, mark, {"id": credit_id, "ref": "sepa-2"}, token=payer)
    assert twice["data"]["markCashbackPaid"]["reason"] == "ALREADY_PAID"
    refused = (await gql(client, CANCEL, {"id": paid["id"]}, token=token))["data"]
    assert refused["cancelRedemption"]["reason"] == "CASHBACK_PAID"
    assert await CashbackCredit.filter(paid_at__isnull=False).count() == 1

    # Cancelling the ticket revokes the entitlement.
    assert (await gql(client, CANCEL, {"id": ticket["id"]}, token=token))["data"]
    assert (await Entitlement.get(id=entitlement.id)).revoked_at is not None
    assert await check() == []


# ---- paying with points at the till --------------------------------------------------------


async def test_paying_part_of_a_basket_with_points(client, funded):
    admin = await staff_session(client, Role.ADMIN)
    rate = """mutation { setCheckoutRate(currency: "EUR", pointsPerUnit: 100) {
      __typename ... on CheckoutRate { pointsPerUnit } } }"""
    assert (await gql(client, rate, token=admin["accessToken"]))["data"]["setCheckoutRate"][
        "pointsPerUnit"] == 100  # fmt: skip
    member, token = await funded(1234)
    till = await integration_token(client, "vouchers:redeem")

    def pay(key, basket, **extra):
        data = {
            "idempotencyKey": key,
            "member": {"id": gid("Member", member.id)},
            "externalId": key,
            "basketAmount": basket,
            "currency": "EUR",
            **extra,
        }
        return gql(client, CHECKOUT, {"input": data}, token=till)  # fmt: skip

    # 500 points pay 5.00 of a 20.00 basket.
    first = (await pay("chk-000001", 2000, points=500))["data"]["redeemPointsAtCheckout"]
    assert (first["pointsUsed"], first["amountCovered"], first["amountDue"]) == (500, 500, 1500)
    assert first["transaction"]["explanation"][0]["description"] == "Paid 5.00 EUR at the till"
    again = (await pay("chk-000001", 2000, points=500))["data"]["redeemPointsAtCheckout"]
    assert again["replayed"] is True
    # Not enough for the whole basket and no partial payment: refused, nothing spent.
    refused = (await pay("chk-000002", 5000, allowPartial=False))["data"]["redeemPointsAtCheckout"]
    assert (refused["__typename"], refused["available"], refused["required"]) == (
        "InsufficientPoints", 734, 5000)  # fmt: skip
    # Partial: what they have, never a point for a fraction of a cent.
    partial = (await pay("chk-000003", 5000))["data"]["redeemPointsAtCheckout"]
    assert (partial["pointsUsed"], partial["amountCovered"]) == (734, 734)
    bad = (await pay("chk-000004", 0, currency="XXX"))["data"]["redeemPointsAtCheckout"]
    assert {f["field"] for f in bad["fields"]} == {"basketAmount", "currency"}
    assert await available(client, token) == 0
    assert await check() == []


@pytest.mark.parametrize("query", ["{ checkoutRates { currency } }"])
async def test_only_staff_read_checkout_rates(client, funded, query):
    _, token = await funded(0)
    body = await gql(client, query, token=token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_node_shows_members_only_what_the_catalog_lists(client, reward):
    """Unreleased and ended rewards stay hidden from members through node(id:) too."""
    now = dt.datetime.now(dt.UTC)
    future = await reward(valid_from=now + dt.timedelta(days=30))
    ended = await reward(valid_until=now - dt.timedelta(days=1))
    listed = await reward()
    query = "query($id: ID!) { node(id: $id) { ... on Reward { id pointsCost } } }"
    member = await member_token(await factories.member())
    admin = (await staff_session(client, Role.ADMIN))["accessToken"]
    for r, seen_by_member in ((future, False), (ended, False), (listed, True)):
        gid = to_base64("Reward", r.id)
        as_member = await gql(client, query, {"id": gid}, token=member)
        assert (as_member["data"]["node"] is not None) is seen_by_member, (r, as_member)
        as_admin = await gql(client, query, {"id": gid}, token=admin)
        assert as_admin["data"]["node"]["id"] == gid  # staff see drafts and ended ones
