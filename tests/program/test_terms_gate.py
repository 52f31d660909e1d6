"""The terms gate: redeeming and earning for actions refuse with TermsNotAccepted until the
terms in force are accepted; a till purchase is recorded meanwhile and its points are
credited exactly once on acceptance (also after a refund, also on retries)."""

import datetime as dt

from app.earning import config
from app.earning.models import Purchase
from app.ledger import service as ledger
from app.ledger.check import check
from app.ledger.models import Kind, PointsTransaction
from app.program.models import TermsAcceptance
from tests.helpers import BALANCE, RECORD_REFUND, gql, integration_token, purchase_input
from tests.rewards.test_api import redeem

ACCEPT = """mutation($v: String!) { acceptTerms(version: $v) {
  __typename
  ... on TermsAccepted { version acceptedAt pointsCredited }
  ... on TermsVersionNotCurrent { code message current }
} }"""

STATUS = "{ me { termsAcceptance { acceptedVersion currentVersion mustAccept acceptedAt } } }"

PURCHASE = """mutation($input: PurchaseInput!) { recordPurchase(input: $input) {
  __typename
  ... on PurchaseRecorded { replayed pointsDeferred
    purchase { id pointsEarned pointsAwaitingTerms }
    transaction { points explanation { rule points description } } }
  ... on UserError { code message }
} }"""

EVENT = """mutation($input: EventInput!) { recordEvent(input: $input) {
  __typename
  ... on EventRecorded { points }
  ... on TermsNotAccepted { code message version }
} }"""

REDEEM_GATE = """mutation($input: RedeemRewardInput!) { redeemReward(input: $input) {
  __typename ... on TermsNotAccepted { code message version }
} }"""


async def _accept(client, token, version, headers=None) -> dict:
    body = await gql(client, ACCEPT, {"v": version}, token=token, headers=headers)
    return body["data"]["acceptTerms"]


async def _status(client, token) -> dict:
    return (await gql(client, STATUS, token=token))["data"]["me"]["termsAcceptance"]


async def _balance(client, token) -> dict:
    return (await gql(client, BALANCE, token=token))["data"]["me"]["balance"]


async def _purchase(client, till, gid, external_id, amount=2500, key=None) -> dict:
    data = purchase_input(gid, external_id, amount=amount)
    if key:
        data["idempotencyKey"] = key
    body = await gql(client, PURCHASE, {"input": data}, token=till)
    return body["data"]["recordPurchase"]


async def test_without_published_terms_nothing_is_gated(client, member):
    _, _, token = await member()
    assert await _status(client, token) == {
        "acceptedVersion": None, "currentVersion": None, "mustAccept": False, "acceptedAt": None
    }  # fmt: skip
    result = await _accept(client, token, "1")
    assert result["__typename"] == "TermsVersionNotCurrent" and result["current"] == ""


async def test_redeeming_is_refused_until_the_current_version_is_accepted(client, member, publish):
    from app.rewards import catalog
    from app.rewards.models import RewardKind

    m, _, token = await member(locale="nl")
    async with ledger.member_book(member_id=m.id) as book:
        await book.earn(points=500, kind=Kind.BONUS)
    reward = await catalog.create_reward(fields=catalog.RewardFields(
        kind=RewardKind.DISCOUNT_VOUCHER, category="coffee", points_cost=100, percent_off=10,
        texts={"en": {"title": "10% off"}}), actor_id=None)  # fmt: skip
    await publish("2026-1")

    body = await gql(client, REDEEM_GATE, {"input": {
        "rewardId": _gid("Reward", reward.id), "idempotencyKey": "gate-0001"}}, token=token)  # fmt: skip
    refused = body["data"]["redeemReward"]
    assert refused == {
        "__typename": "TermsNotAccepted", "code": "TERMS_NOT_ACCEPTED", "version": "2026-1",
        "message": "Accepteer eerst de programmavoorwaarden (versie 2026-1).",
    }  # fmt: skip
    assert (await _status(client, token))["mustAccept"] is True
    assert (await _balance(client, token))["available"] == 500  # nothing taken

    wrong = await _accept(client, token, "2025-9")
    assert wrong["__typename"] == "TermsVersionNotCurrent" and wrong["current"] == "2026-1"
    accepted = await _accept(client, token, "2026-1", headers={"User-Agent": "LoyaltyApp/3.1"})
    assert accepted["__typename"] == "TermsAccepted"
    assert accepted["version"] == "2026-1" and accepted["pointsCredited"] == 0
    row = await TermsAcceptance.get(member_id=m.id)
    assert row.user_agent == "LoyaltyApp/3.1" and row.client.startswith("session:")
    status = await _status(client, token)
    assert status["acceptedVersion"] == "2026-1" and status["mustAccept"] is False

    assert (await redeem(client, token, reward.id, "gate-0002"))["__typename"] == "Redemption"
    # A retry of the refused key is not a replay of the refusal: it runs now.
    assert (await redeem(client, token, reward.id, "gate-0001"))["__typename"] == "Redemption"

    # A new version in force asks again; accepting twice changes nothing.
    await publish("2026-2")
    assert (await redeem(client, token, reward.id, "gate-0003"))["__typename"] == (
        "TermsNotAccepted"
    )
    assert (await _accept(client, token, "2026-2"))["__typename"] == "TermsAccepted"
    assert (await _accept(client, token, "2026-2"))["__typename"] == "TermsAccepted"
    assert await TermsAcceptance.filter(member_id=m.id).count() == 2


async def test_a_version_scheduled_for_later_does_not_gate_yet(client, member, publish):
    _, _, token = await member()
    await publish("next", effective_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=3))
    assert (await _status(client, token))["mustAccept"] is False
    assert (await _accept(client, token, "next"))["__typename"] == "TermsVersionNotCurrent"


async def test_actions_earn_nothing_until_accepted(client, member, publish):
    _, gid, token = await member()
    await config.save_event_type(code="review", name="Review", points=30, daily_limit=None,
                                 total_limit=None, active=True)  # fmt: skip
    await publish("v1")
    till = await integration_token(client, "events:write")
    event = {"idempotencyKey": "event-review-1", "member": {"id": gid}, "eventType": "review",
             "externalId": "r-1", "occurredAt": "2026-11-20T10:00:00+00:00"}  # fmt: skip
    refused = (await gql(client, EVENT, {"input": event}, token=till))["data"]["recordEvent"]
    assert refused["__typename"] == "TermsNotAccepted" and refused["version"] == "v1"
    assert refused["message"] == "Please accept the program terms (version v1) first."
    assert (await _balance(client, token))["available"] == 0
    await _accept(client, token, "v1")
    done = (await gql(client, EVENT, {"input": event}, token=till))["data"]["recordEvent"]
    assert done == {"__typename": "EventRecorded", "points": 30}


async def test_a_till_purchase_is_recorded_and_earns_exactly_once_on_acceptance(
    client, member, publish
):
    m, gid, token = await member()
    await publish("v1")
    till = await integration_token(client, "purchases:write")

    first = await _purchase(client, till, gid, "r-1", amount=2500)
    assert first["__typename"] == "PurchaseRecorded" and first["pointsDeferred"] is True
    assert first["purchase"]["pointsEarned"] == 0
    assert first["purchase"]["pointsAwaitingTerms"] == 25
    assert first["transaction"]["points"] == 0
    assert [s["rule"] for s in first["transaction"]["explanation"]] == [
        "RULE_BASE", "RULE_AWAITING_TERMS"
    ]  # fmt: skip
    assert sum(s["points"] for s in first["transaction"]["explanation"]) == 0
    assert first["transaction"]["explanation"][1]["description"] == (
        "Credited once you accept the program terms (v1)"
    )
    balance = await _balance(client, token)
    assert (balance["available"], balance["pending"], balance["lifetime"]) == (0, 0, 0)

    # The till retries: the same answer, nothing more.
    retry = await _purchase(client, till, gid, "r-1", amount=2500)
    assert retry["replayed"] is True and retry["purchase"]["id"] == first["purchase"]["id"]
    second = await _purchase(client, till, gid, "r-2", amount=1000)
    assert second["pointsDeferred"] is True

    accepted = await _accept(client, token, "v1")
    assert accepted["pointsCredited"] == 35
    assert (await _balance(client, token))["available"] == 35
    again = await _accept(client, token, "v1")
    assert again["__typename"] == "TermsAccepted" and again["pointsCredited"] == 0
    assert (await _balance(client, token))["available"] == 35

    # The credit carries the purchase's own explanation and reference.
    credit = await PointsTransaction.filter(member_id=m.id, points=25).get()
    assert credit.kind == Kind.PURCHASE and credit.reference == "purchase:pos:r-1"
    assert [s["rule"] for s in credit.explanation] == ["RULE_BASE"]
    purchase = await Purchase.get(external_id="r-1")
    assert (purchase.awaiting_terms, purchase.points_earned, purchase.transaction_id) == (
        False, 25, credit.id
    )  # fmt: skip

    # Retrying the first purchase after acceptance still credits nothing more.
    late = await _purchase(client, till, gid, "r-1", amount=2500)
    assert late["replayed"] is True and late["pointsDeferred"] is False
    assert late["purchase"]["pointsEarned"] == 25
    # From now on purchases earn at once.
    now_earning = await _purchase(client, till, gid, "r-3", amount=500)
    assert now_earning["pointsDeferred"] is False and now_earning["transaction"]["points"] == 5
    assert (await _balance(client, token))["available"] == 40
    assert await check() == []


async def test_a_refund_before_acceptance_shrinks_what_acceptance_credits(client, member, publish):
    _, gid, token = await member()
    await publish("v1")
    till = await integration_token(client, "purchases:write")
    await _purchase(client, till, gid, "r-1", amount=2500)  # 25 points held
    await _purchase(client, till, gid, "r-2", amount=1000)  # 10 points held

    async def refund(purchase, external_id, amount):
        data = {"idempotencyKey": f"refund-{external_id}", "source": "pos",
                "purchaseExternalId": purchase, "externalId": external_id, "amount": amount,
                "occurredAt": "2026-11-21T10:00:00+00:00"}  # fmt: skip
        return (await gql(client, RECORD_REFUND, {"input": data}, token=till))["data"][
            "recordRefund"
        ]

    partial = await refund("r-1", "x-1", 1000)
    assert partial["__typename"] == "RefundRecorded"
    assert partial["pointsClawedBack"] == 0 and partial["transaction"] is None
    full = await refund("r-2", "x-2", 1000)
    assert full["pointsClawedBack"] == 0
    assert (await _balance(client, token))["available"] == 0

    accepted = await _accept(client, token, "v1")
    assert accepted["pointsCredited"] == 15  # 25 less the 10 of the refunded 10.00; r-2 none
    assert (await _balance(client, token))["available"] == 15
    r1 = await Purchase.get(external_id="r-1")
    assert (r1.points_earned, r1.points_clawed_back) == (25, 10)
    # The rest of r-1 refunded after acceptance takes back exactly what was credited.
    rest = await refund("r-1", "x-3", 1500)
    assert rest["pointsClawedBack"] == 15
    assert (await _balance(client, token))["available"] == 0
    assert await check() == []


async def test_referral_points_of_a_held_first_purchase_follow_the_acceptance(
    client, member, publish
):
    from app.earning import actions

    referrer, _, referrer_token = await member()
    referee, gid, token = await member()
    await config.update_policy(changes={"referrer_points": 100, "referee_points": 50},
                               actor_id=None)  # fmt: skip
    await actions.apply_referral_code(member_id=referee.id, code=referrer.referral_code)
    await publish("v1")
    till = await integration_token(client, "purchases:write")
    await _purchase(client, till, gid, "r-1", amount=2000)
    assert (await _balance(client, token))["available"] == 0
    assert (await _balance(client, referrer_token))["available"] == 0
    assert (await _accept(client, token, "v1"))["pointsCredited"] == 20
    assert (await _balance(client, token))["available"] == 70  # 20 + the welcome gift
    assert (await _balance(client, referrer_token))["available"] == 100
    assert await check() == []


def _gid(kind: str, pk: int) -> str:
    from strawberry.relay import to_base64

    return to_base64(kind, pk)


async def test_paying_at_the_till_with_points_waits_for_the_terms_too(client, member, publish):
    from app import flows
    from app.errors import TermsNotAccepted
    from app.rewards import till
    from app.rewards.models import CheckoutRate

    m, _, _ = await member()
    async with ledger.member_book(member_id=m.id) as book:
        await book.earn(points=1000, kind=Kind.BONUS)
    await CheckoutRate.create(currency="EUR", points_per_unit=100, minor_digits=2)
    await publish("2026-1")

    def pay(key):
        return till.pay_with_points(
            client="till-1", idempotency_key=key, member=till.MemberRef(member_id=m.id),
            external_id=key, basket_amount=500, currency="EUR")  # fmt: skip

    try:
        await pay("pay-0001")
        raise AssertionError("paid before accepting the terms")
    except TermsNotAccepted as refused:
        assert refused.version == "2026-1"
    assert (await ledger.balances([m.id]))[0].available == 1000  # nothing spent
    await flows.accept_terms(member_id=m.id, version="2026-1", client="test")
    paid = await pay("pay-0002")
    assert paid.payment.points == 500
    assert (await ledger.balances([m.id]))[0].available == 500


async def test_a_cache_behind_another_process_does_not_hold_points_back(client, member, publish):
    from app import flows
    from app.earning import service as earning
    from app.program import terms

    m, _, _ = await member()
    await publish("v1", effective_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    await terms.current_documents()
    behind = terms.IN_FORCE._value  # what another process still has cached
    await publish("v2")
    await flows.accept_terms(member_id=m.id, version="v2", client="app")
    terms.IN_FORCE._value = behind  # that process records a till purchase within its cache window
    await earning.record_purchase(
        scope="pos", idempotency_key="stale-0001", member=earning.MemberRef(member_id=m.id),
        source="pos", external_id="stale-1", amount=5000, currency="EUR",
        occurred_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))  # fmt: skip
    purchase = await Purchase.get(member_id=m.id)
    assert not purchase.awaiting_terms and purchase.points_earned > 0
