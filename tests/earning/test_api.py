"""Earning through the API: purchases, refunds, idempotency, rules, explanations."""

import copy

from strawberry.relay import from_base64, to_base64

from app.earning import config
from app.earning.models import MultiplierTarget
from app.ledger import service as ledger
from app.ledger.check import check
from app.ledger.models import PointsTransaction
from tests.helpers import (
    BALANCE,
    RECORD_PURCHASE,
    RECORD_REFUND,
    gql,
    integration_token,
    purchase_input,
    sign_up,
)


async def _setup(client):
    member = await sign_up(client)
    till = await integration_token(client, "purchases:write")
    return member, till


async def _record(client, till, data):
    body = await gql(client, RECORD_PURCHASE, {"input": data}, token=till)
    assert "errors" not in body, body
    return body["data"]["recordPurchase"]


async def test_purchase_earns_once_with_explanation_and_balance(client):
    member, till = await _setup(client)
    gid = member["member"]["id"]
    data = purchase_input(gid, "r-1", amount=2599)
    first = await _record(client, till, data)
    assert first["__typename"] == "PurchaseRecorded", first
    assert first["replayed"] is False
    assert first["purchase"]["pointsEarned"] == 25  # 1 point per EUR, rounded down
    steps = first["transaction"]["explanation"]
    assert steps == [{"rule": "RULE_BASE", "points": 25, "description": "1 point per EUR spent"}]

    again = await _record(client, till, data)  # a retry: same answer, no second earn
    assert again["__typename"] == "PurchaseRecorded" and again["replayed"] is True
    assert again["purchase"]["id"] == first["purchase"]["id"]

    other_payload = await _record(client, till, {**data, "amount": 9999})
    assert other_payload["code"] == "IDEMPOTENCY_KEY_REUSED"

    new_key = await _record(client, till, {**data, "idempotencyKey": "another-key-1"})
    assert new_key["__typename"] == "PurchaseAlreadyRecorded"

    balance = (await gql(client, BALANCE, token=member["accessToken"]))["data"]["me"]["balance"]
    assert balance["available"] == 25 and balance["lifetime"] == 25
    assert [e["points"] for e in balance["expiring"]] == [25]
    assert await PointsTransaction.filter(kind="purchase").count() == 1
    assert await check() == []


async def test_rules_multipliers_bonus_window_and_caps(client):
    member, till = await _setup(client)
    await config.set_multiplier(target=MultiplierTarget.CATEGORY, value="Shoes", multiplier=2)
    await config.set_multiplier(target=MultiplierTarget.SKU, value="GIFTCARD", multiplier=0)
    await config.update_policy(changes={"daily_cap": 100}, actor_id=None)
    data = purchase_input(
        member["member"]["id"], "r-2", amount=10000,
        lines=[{"amount": 6000, "category": "shoes"}, {"amount": 3000, "sku": "GIFTCARD"},
               {"amount": 1000}],
    )  # fmt: skip
    result = await _record(client, till, data)
    steps = [(s["rule"], s["points"], s["description"])
             for s in result["transaction"]["explanation"]]  # fmt: skip
    # 100 base - 30 for the gift card + 60 extra on shoes, capped at 100 a day
    assert steps == [
        ("RULE_BASE", 100, "1 point per EUR spent"),
        ("RULE_MULTIPLIER", -30, "0x points on GIFTCARD"),
        ("RULE_MULTIPLIER", 60, "2x points on shoes"),
        ("RULE_DAILY_CAP", -30, "Daily limit of 100 points reached"),
    ]
    assert result["purchase"]["pointsEarned"] == 100
    second = await _record(client, till, purchase_input(member["member"]["id"], "r-3"))
    assert second["purchase"]["pointsEarned"] == 0  # the day's cap is used up
    assert await check() == []


async def test_hold_period_makes_points_pending(client):
    member, till = await _setup(client)
    await config.update_policy(changes={"hold_days": 30}, actor_id=None)
    data = purchase_input(member["member"]["id"], "r-4")
    data["occurredAt"] = "2026-11-22T09:00:00+00:00"
    result = await _record(client, till, data)
    assert result["transaction"]["pendingChange"] == 25
    assert "RULE_HOLD" in [s["rule"] for s in result["transaction"]["explanation"]]
    balance = (await gql(client, BALANCE, token=member["accessToken"]))["data"]["me"]["balance"]
    assert (balance["available"], balance["pending"]) == (0, 25)


async def test_refunds_claw_back_in_proportion_even_into_debt(client):
    member, till = await _setup(client)
    gid = member["member"]["id"]
    await _record(client, till, purchase_input(gid, "r-5", amount=10000))  # 100 points
    # Spend 80 of them (a redemption), then refund the purchase in two parts.
    member_id = int(from_base64(gid)[1])
    async with ledger.member_book(member_id=member_id) as book:
        await book.debit(points=80)

    def refund(ext, amount, key=None):
        return {"idempotencyKey": key or f"refund-{ext}", "source": "pos",
                "purchaseExternalId": "r-5", "externalId": ext, "amount": amount,
                "occurredAt": "2026-11-21T10:00:00+00:00"}  # fmt: skip

    part = await gql(client, RECORD_REFUND, {"input": refund("f-1", 2550)}, token=till)
    part = part["data"]["recordRefund"]
    assert part["__typename"] == "RefundRecorded" and part["pointsClawedBack"] == 25
    too_much = await gql(client, RECORD_REFUND, {"input": refund("f-2", 9000)}, token=till)
    assert too_much["data"]["recordRefund"] == {
        "__typename": "RefundExceedsPurchase", "refundable": 7450,
        "code": "REFUND_EXCEEDS_PURCHASE",
        "message": "The refund is larger than what is left to refund (7450).",
    }  # fmt: skip
    rest = await gql(client, RECORD_REFUND, {"input": refund("f-3", 7450)}, token=till)
    assert rest["data"]["recordRefund"]["pointsClawedBack"] == 75  # all 100 taken back
    balance = (await gql(client, BALANCE, token=member["accessToken"]))["data"]["me"]["balance"]
    assert balance["available"] == -80 and balance["lifetime"] == 0
    # Later earnings repay the debt first.
    await _record(client, till, purchase_input(gid, "r-6", amount=10000))
    balance = (await gql(client, BALANCE, token=member["accessToken"]))["data"]["me"]["balance"]
    assert balance["available"] == 20
    assert await check() == []


async def test_bad_input_is_typed_and_writes_nothing(client):
    member, till = await _setup(client)
    gid = member["member"]["id"]
    cases = [
        ({"amount": -5}, "amount", "MUST_BE_POSITIVE"),
        ({"amount": 2_000_000_000}, "amount", "TOO_LARGE"),
        ({"currency": "XXX"}, "currency", "UNKNOWN_CURRENCY"),
        ({"idempotencyKey": "short"}, "idempotencyKey", "INVALID_KEY"),
        ({"idempotencyKey": "bad key with spaces"}, "idempotencyKey", "INVALID_KEY"),
        ({"member": {"id": gid, "cardNumber": "1"}}, "member", "ONE_REFERENCE"),
        ({"occurredAt": "2099-01-01T00:00:00+00:00"}, "occurredAt", "IN_THE_FUTURE"),
        ({"lines": [{"amount": 100}]}, "lines", "LINES_TOTAL_MISMATCH"),
        ({"externalId": "x" * 101}, "externalId", "TOO_LONG"),
    ]
    for change, field, code in cases:
        data = {**purchase_input(gid, "bad-1"), **change}
        result = await _record(client, till, data)
        assert result["__typename"] == "InvalidInput", (change, result)
        assert {"field": field, "code": code} in result["fields"], (change, result)
    unknown = await _record(client, till, purchase_input("TWVtYmVyOjk5OTk5", "bad-2"))
    assert unknown["__typename"] == "MemberNotFound"
    huge = to_base64("Member", 10**20)  # no bigint holds it: bad input, not a server error
    refused = await _record(client, till, purchase_input(huge, "bad-2"))
    assert refused["fields"] == [{"field": "member.id", "code": "INVALID_VALUE"}]
    by_ref = copy.deepcopy(purchase_input(gid, "bad-2"))
    by_ref["member"] = {"externalRef": "crm-nobody"}
    assert (await _record(client, till, by_ref))["__typename"] == "MemberNotFound"
    by_card = copy.deepcopy(purchase_input(gid, "bad-3"))
    by_card["member"] = {"cardNumber": "0000000000000000"}
    assert (await _record(client, till, by_card))["__typename"] == "MemberNotFound"
    wrong_type = await gql(client, RECORD_PURCHASE,
                           {"input": {**purchase_input(gid, "bad-4"), "amount": "12"}},
                           token=till)  # fmt: skip
    assert wrong_type["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    refund_unknown = await gql(client, RECORD_REFUND, {"input": {
        "idempotencyKey": "refund-unknown", "source": "pos", "purchaseExternalId": "nope",
        "externalId": "f-9", "amount": 100, "occurredAt": "2026-11-21T10:00:00+00:00"}},
        token=till)  # fmt: skip
    assert refund_unknown["data"]["recordRefund"]["__typename"] == "PurchaseNotFound"
    assert await PointsTransaction.all().count() == 0


async def test_only_integrations_with_the_scope_record_purchases(client):
    member, _ = await _setup(client)
    data = purchase_input(member["member"]["id"], "r-7")
    as_member = await gql(client, RECORD_PURCHASE, {"input": data}, token=member["accessToken"])
    assert as_member["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    crm = await integration_token(client, "members:sync")
    as_crm = await gql(client, RECORD_PURCHASE, {"input": data}, token=crm)
    assert as_crm["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = await gql(client, RECORD_PURCHASE, {"input": data})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_activity_lists_newest_first_with_kind_filter(client):
    member, till = await _setup(client)
    gid = member["member"]["id"]
    for i in range(3):
        await _record(client, till, purchase_input(gid, f"a-{i}", amount=1000 * (i + 1)))
    query = """query($after: String, $kind: PointsTransactionKind) { me { activity(first: 2,
      after: $after, kind: $kind) { edges { node { points kind } } pageInfo { hasNextPage
      endCursor } } } }"""
    page = (await gql(client, query, token=member["accessToken"]))["data"]["me"]["activity"]
    assert [e["node"]["points"] for e in page["edges"]] == [30, 20]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await gql(client, query, {"after": page["pageInfo"]["endCursor"]},
                     token=member["accessToken"])  # fmt: skip
    assert [e["node"]["points"] for e in rest["data"]["me"]["activity"]["edges"]] == [10]
    refunds = await gql(client, query, {"kind": "REFUND"}, token=member["accessToken"])
    assert refunds["data"]["me"]["activity"]["edges"] == []


ADJUST = """mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) { __typename
  ... on PointsTransaction { points kind reason explanation { description } }
  ... on UserError { code } ... on InvalidInput { fields { field code } } } }"""


async def test_staff_adjustments_are_audited(client):
    from app.members.models import Role
    from tests.helpers import staff_session

    member = await sign_up(client)
    support = await staff_session(client, Role.SUPPORT)
    gid = member["member"]["id"]
    body = await gql(client, ADJUST, {"input": {"member": gid, "points": 40,
                     "reason": "Missing points for receipt 88"}}, token=support["accessToken"])  # fmt: skip
    assert body["data"]["adjustPoints"] == {
        "__typename": "PointsTransaction", "points": 40, "kind": "ADJUSTMENT",
        "reason": "Missing points for receipt 88",
        "explanation": [{"description": "Correction by our team: Missing points for receipt 88"}],
    }  # fmt: skip
    bad = await gql(client, ADJUST, {"input": {"member": gid, "points": 0, "reason": ""}},
                    token=support["accessToken"])  # fmt: skip
    assert bad["data"]["adjustPoints"]["fields"] == [
        {"field": "points", "code": "MUST_NOT_BE_ZERO"}, {"field": "reason", "code": "REQUIRED"},
    ]  # fmt: skip
    marketer = await staff_session(client, Role.MARKETER)
    denied = await gql(client, ADJUST, {"input": {"member": gid, "points": 5, "reason": "why"}},
                       token=marketer["accessToken"])  # fmt: skip
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # Who did it is visible to staff, not to the member.
    query = (
        "query($id: ID!) { member(id: $id) { activity { edges { node { madeBy { email } } } } } }"
    )
    seen = await gql(client, query, {"id": gid}, token=support["accessToken"])
    made_by = seen["data"]["member"]["activity"]["edges"][0]["node"]["madeBy"]
    assert made_by["email"].startswith("support")
    own = await gql(client, "{ me { activity { edges { node { madeBy { email } } } } } }",
                    token=member["accessToken"])  # fmt: skip
    assert own["data"]["me"]["activity"]["edges"][0]["node"]["madeBy"] is None
    balance = (await gql(client, BALANCE, token=member["accessToken"]))["data"]["me"]["balance"]
    assert balance["available"] == 40
    assert await check() == []
