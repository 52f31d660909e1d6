"""Separation of duties: nobody corrects, earns on or spends from a staff account (their own
included); large corrections wait for a second admin; tills cannot record absurd purchases.

Each test reproduces what got through before (issue 13, item 3) and now is refused."""

import asyncio
import dataclasses
import datetime as dt

import pytest
from strawberry.relay import to_base64

from app.earning import actions, config
from app.earning import rules as R
from app.earning import service as earning
from app.earning.models import ActionEarning, Purchase
from app.ledger import adjustments
from app.ledger import service as ledger
from app.ledger.check import check
from app.ledger.models import (
    AdjustmentStatus,
    IdempotencyRecord,
    Kind,
    PendingAdjustment,
    PointsTransaction,
)
from app.members.models import Member, Role
from app.rewards import catalog
from app.rewards.models import CashbackCredit, CheckoutPayment, Redemption, RewardKind
from app.settings import configure
from tests import factories
from tests.helpers import (
    RECORD_PURCHASE,
    gql,
    integration_token,
    member_token,
    purchase_input,
    sign_up,
    staff_session,
)

ADJUST = """mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) { __typename
  ... on PointsTransaction { id points kind reason madeBy { email } }
  ... on AdjustmentPendingApproval { approval { id points reason status requestedBy { email } } }
  ... on UserError { code message } ... on InvalidInput { fields { field code } } } }"""

APPROVAL_FIELDS = """id points reason status requestedAt decidedAt decisionNote
  member { id } requestedBy { email } decidedBy { email }
  transaction { id points kind reason madeBy { email } approval { id decidedBy { email } } }"""

APPROVE = f"""mutation($id: ID!) {{ approveAdjustment(id: $id) {{ __typename
  ... on AdjustmentApproval {{ {APPROVAL_FIELDS} }}
  ... on AdjustmentAlreadyDecided {{ status }} ... on UserError {{ code message }} }} }}"""

REJECT = f"""mutation($id: ID!, $note: String!) {{ rejectAdjustment(id: $id, note: $note) {{
  __typename ... on AdjustmentApproval {{ {APPROVAL_FIELDS} }}
  ... on AdjustmentAlreadyDecided {{ status }} ... on UserError {{ code }}
  ... on InvalidInput {{ fields {{ field code }} }} }} }}"""

PENDING = f"""query($status: AdjustmentStatus, $first: Int, $after: String) {{
  pendingAdjustments(status: $status, first: $first, after: $after) {{
    edges {{ node {{ {APPROVAL_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""

REDEEM = """mutation($input: RedeemRewardInput!) { redeemReward(input: $input) { __typename
  ... on Redemption { id points } ... on UserError { code message } } }"""

CHECKOUT = """mutation($input: CheckoutPointsInput!) { redeemPointsAtCheckout(input: $input) {
  __typename ... on CheckoutPaid { pointsUsed } ... on UserError { code } } }"""

EVENT = """mutation($input: EventInput!) { recordEvent(input: $input) { __typename
  ... on EventRecorded { points } ... on UserError { code } } }"""

BALANCE = "{ me { balance { available } } }"


@pytest.fixture
def configured(settings):
    """`configured(**changes)`: process-wide settings with `changes` for this test only."""

    def apply(**changes):
        configure(dataclasses.replace(settings, **changes))

    yield apply
    configure(settings)


async def _balance(client, token: str) -> int:
    return (await gql(client, BALANCE, token=token))["data"]["me"]["balance"]["available"]


async def _me(client, token: str) -> str:
    return (await gql(client, "{ me { id } }", token=token))["data"]["me"]["id"]


async def _adjust(client, token: str, member_gid: str, points: int, reason="Goodwill gesture"):
    body = await gql(client, ADJUST, {"input": {"member": member_gid, "points": points,
                                                "reason": reason}}, token=token)  # fmt: skip
    return body["data"]["adjustPoints"]


# ---- nobody touches a staff account's points ------------------------------------------------


async def test_support_cannot_adjust_their_own_account_nor_another_staff_account(client):
    support = await staff_session(client, Role.SUPPORT)
    admin = await staff_session(client, Role.ADMIN)
    own = await _adjust(client, support["accessToken"], await _me(client, support["accessToken"]),
                        500, "I deserve it")  # fmt: skip
    assert own["__typename"] == "SelfAdjustmentForbidden", own
    assert own["code"] == "SELF_ADJUSTMENT_FORBIDDEN" and own["message"]
    colleague = await _adjust(client, support["accessToken"],
                              await _me(client, admin["accessToken"]), 500)  # fmt: skip
    assert colleague["__typename"] == "NotAMemberAccount", colleague
    # Admins are no exception, neither below nor above the approval threshold.
    for points in (500, 50_000):
        mine = await _adjust(client, admin["accessToken"],
                             await _me(client, admin["accessToken"]), points)  # fmt: skip
        assert mine["__typename"] == "SelfAdjustmentForbidden", mine
    assert await PointsTransaction.all().count() == 0
    assert await PendingAdjustment.all().count() == 0
    # A member's account still takes corrections.
    member = await sign_up(client)
    done = await _adjust(client, support["accessToken"], member["member"]["id"], 40)
    assert (done["__typename"], done["points"]) == ("PointsTransaction", 40)
    assert done["madeBy"]["email"].startswith("support")


async def test_a_staff_account_earns_nothing_from_purchases_or_events(client):
    support = await staff_session(client, Role.SUPPORT)
    staff = await Member.get(id=int(_pk(support["member"]["id"])))
    till = await integration_token(client, "purchases:write", "events:write")
    await config.save_event_type(code="review", name="Review", points=25, daily_limit=None,
                                 total_limit=None, active=True)  # fmt: skip
    for i, ref in enumerate(({"cardNumber": staff.card_number}, {"id": support["member"]["id"]})):
        data = {**purchase_input(support["member"]["id"], f"staff-{i}"), "member": ref}
        body = await gql(client, RECORD_PURCHASE, {"input": data}, token=till)
        result = body["data"]["recordPurchase"]
        assert result["__typename"] == "NotAMemberAccount", result
        event = await gql(client, EVENT, {"input": {
            "idempotencyKey": f"event-staff-{i}", "member": ref, "eventType": "review",
            "externalId": f"review-{i}", "occurredAt": "2026-11-20T10:00:00+00:00"}}, token=till)  # fmt: skip
        assert event["data"]["recordEvent"]["__typename"] == "NotAMemberAccount", event
    # Nothing recorded: no purchase, no movement, no idempotency record, no balance.
    assert await Purchase.all().count() == 0
    assert await ActionEarning.all().count() == 0
    assert await PointsTransaction.all().count() == 0
    assert await IdempotencyRecord.all().count() == 0
    assert await _balance(client, support["accessToken"]) == 0
    # The service refuses it too, whoever calls it.
    with pytest.raises(Exception) as refused:
        await earning.record_event(
            scope="test", idempotency_key="event-direct-1", member_id=staff.id,
            event_type="review", external_id="direct", occurred_at=ledger.now(),
        )  # fmt: skip
    assert refused.value.code == "NOT_A_MEMBER_ACCOUNT"


async def test_staff_earn_no_birthday_bonus_and_their_referral_code_refers_nobody(client):
    today = dt.date(2026, 6, 15)
    member = await factories.member(birthday=dt.date(1990, 6, 15))
    await factories.member(birthday=dt.date(1985, 6, 15), role=Role.SUPPORT)
    given = await actions.award_birthday_bonuses(today=today, policy=R.Policy(birthday_bonus=50))
    assert given == 1
    assert await PointsTransaction.filter(member_id=member.id).count() == 1
    staff = await factories.member(role=Role.MARKETER)
    newcomer = await factories.member()
    with pytest.raises(Exception) as refused:
        await actions.apply_referral_code(member_id=newcomer.id, code=staff.referral_code)
    assert refused.value.problems[0].code == "UNKNOWN_REFERRAL_CODE"


async def test_a_staff_account_cannot_redeem_or_pay_with_points(client):
    # The attack: an account with points (a member later given a staff role, or one that
    # corrected itself before this fix) redeems the cashback reward and pays at the till.
    staff = await factories.member(role=Role.SUPPORT)
    async with ledger.member_book(member_id=staff.id) as book:
        await book.earn(points=5000, kind=Kind.ADJUSTMENT)
    token = await member_token(staff)
    cash = await catalog.create_reward(fields=catalog.RewardFields(
        kind=RewardKind.CASHBACK, category="cashback", points_cost=1000, cashback_amount=1000,
        currency="EUR", texts={"en": {"title": "10 EUR"}, "nl": {"title": "10 EUR"},
                               "es": {"title": "10 EUR"}}), actor_id=None)  # fmt: skip
    body = await gql(client, REDEEM, {"input": {"rewardId": to_base64("Reward", cash.id),
                                                "quantity": 1, "idempotencyKey": "cash-staff-1"}},
                     token=token)  # fmt: skip
    assert body["data"]["redeemReward"]["__typename"] == "NotAMemberAccount", body
    await catalog.set_checkout_rate(currency="EUR", points_per_unit=100, minor_digits=2)
    till = await integration_token(client, "vouchers:redeem")
    paid = await gql(client, CHECKOUT, {"input": {
        "idempotencyKey": "checkout-staff-1", "member": {"cardNumber": staff.card_number},
        "externalId": "basket-1", "basketAmount": 2000, "currency": "EUR"}}, token=till)  # fmt: skip
    assert paid["data"]["redeemPointsAtCheckout"]["__typename"] == "NotAMemberAccount", paid
    assert await Redemption.all().count() == 0
    assert await CashbackCredit.all().count() == 0
    assert await CheckoutPayment.all().count() == 0
    assert await _balance(client, token) == 5000


# ---- the largest purchase a till may record ---------------------------------------------------


async def test_a_purchase_above_the_maximum_is_refused_and_at_the_maximum_accepted(client):
    member = await sign_up(client)
    gid = member["member"]["id"]
    till = await integration_token(client, "purchases:write")

    async def record(external_id, amount, **extra):
        data = purchase_input(gid, external_id, amount=amount, **extra)
        return (await gql(client, RECORD_PURCHASE, {"input": data}, token=till))["data"][
            "recordPurchase"
        ]

    huge = await record("huge-1", 100_000_000)  # what a till could record before
    assert huge["__typename"] == "InvalidInput", huge
    assert huge["fields"] == [{"field": "amount", "code": "TOO_LARGE"}]
    above = await record("above-1", 1_000_001)  # MAX_PURCHASE_AMOUNT defaults to 1,000,000
    assert above["fields"] == [{"field": "amount", "code": "TOO_LARGE"}]
    line = await record("line-1", 1000, lines=[{"amount": 5_000_000}])
    assert {"field": "lines.0.amount", "code": "TOO_LARGE"} in line["fields"], line
    assert await Purchase.all().count() == 0
    assert await PointsTransaction.all().count() == 0
    at_max = await record("max-1", 1_000_000)
    assert at_max["__typename"] == "PurchaseRecorded", at_max
    assert await Purchase.all().count() == 1


async def test_the_maximum_is_per_currency_and_says_what_it_is(client, configured):
    configured(max_purchase_amounts={"*": 1_000_000, "EUR": 50_000})
    member = await sign_up(client)
    till = await integration_token(client, "purchases:write")
    message = """mutation($input: PurchaseInput!) { recordPurchase(input: $input) { __typename
      ... on InvalidInput { fields { field code message } } } }"""
    eur = purchase_input(member["member"]["id"], "eur-1", amount=50_001)
    body = await gql(client, message, {"input": eur}, token=till)
    (problem,) = body["data"]["recordPurchase"]["fields"]
    assert (problem["field"], problem["code"]) == ("amount", "TOO_LARGE")
    assert "50000" in problem["message"]
    usd = purchase_input(member["member"]["id"], "usd-1", amount=50_001, currency="USD")
    body = await gql(client, RECORD_PURCHASE, {"input": usd}, token=till)
    assert body["data"]["recordPurchase"]["__typename"] == "PurchaseRecorded", body


# ---- large corrections wait for a second admin ------------------------------------------------


async def test_a_large_adjustment_waits_for_another_admin(client):
    member = await sign_up(client)
    gid, token = member["member"]["id"], member["accessToken"]
    asker = await staff_session(client, Role.ADMIN)
    other = await staff_session(client, Role.ADMIN)
    support = await staff_session(client, Role.SUPPORT)

    waiting = await _adjust(client, asker["accessToken"], gid, 20_000, "Lost  receipts  of 2025")
    assert waiting["__typename"] == "AdjustmentPendingApproval", waiting
    approval = waiting["approval"]
    assert (approval["points"], approval["status"]) == (20_000, "PENDING")
    assert approval["reason"] == "Lost receipts of 2025"
    assert approval["requestedBy"]["email"] == asker["member"]["email"]
    assert await _balance(client, token) == 0  # nothing posted yet
    assert await PointsTransaction.all().count() == 0

    listed = await gql(client, PENDING, token=other["accessToken"])
    (edge,) = listed["data"]["pendingAdjustments"]["edges"]
    assert edge["node"]["id"] == approval["id"] and edge["node"]["transaction"] is None
    for denied in (support, member):
        body = await gql(client, PENDING, token=denied["accessToken"])
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        body = await gql(client, APPROVE, {"id": approval["id"]}, token=denied["accessToken"])
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    own = await gql(client, APPROVE, {"id": approval["id"]}, token=asker["accessToken"])
    assert own["data"]["approveAdjustment"]["__typename"] == "SelfApprovalForbidden"
    assert await _balance(client, token) == 0

    done = await gql(client, APPROVE, {"id": approval["id"]}, token=other["accessToken"])
    decided = done["data"]["approveAdjustment"]
    assert decided["__typename"] == "AdjustmentApproval", done
    assert decided["status"] == "APPROVED" and decided["decidedAt"]
    assert decided["decidedBy"]["email"] == other["member"]["email"]
    txn = decided["transaction"]
    assert (txn["points"], txn["kind"], txn["reason"]) == (20_000, "ADJUSTMENT",
                                                           "Lost receipts of 2025")  # fmt: skip
    assert txn["madeBy"]["email"] == asker["member"]["email"]  # who asked
    assert txn["approval"]["decidedBy"]["email"] == other["member"]["email"]  # who approved
    assert await _balance(client, token) == 20_000

    third = await staff_session(client, Role.ADMIN)
    again = await gql(client, APPROVE, {"id": approval["id"]}, token=third["accessToken"])
    decided_already = again["data"]["approveAdjustment"]
    assert (decided_already["__typename"], decided_already["status"]) == (
        "AdjustmentAlreadyDecided", "APPROVED")  # fmt: skip
    assert decided_already["message"] == (
        "This correction was approved already; nothing was changed."
    )
    assert await _balance(client, token) == 20_000
    assert await PointsTransaction.all().count() == 1
    left = await gql(client, PENDING, token=other["accessToken"])
    assert left["data"]["pendingAdjustments"]["edges"] == []
    history = await gql(client, PENDING, {"status": "APPROVED"}, token=other["accessToken"])
    assert [e["node"]["id"] for e in history["data"]["pendingAdjustments"]["edges"]] == [
        approval["id"]
    ]
    # The member sees the movement, not who asked or approved.
    activity = await gql(client, "{ me { activity { edges { node { points madeBy { email } "
                         "approval { id } } } } } }", token=token)  # fmt: skip
    (moved,) = activity["data"]["me"]["activity"]["edges"]
    assert moved["node"] == {"points": 20_000, "madeBy": None, "approval": None}
    assert await check() == []


async def test_support_asks_and_an_admin_approves_a_large_debit(client):
    member = await factories.member()
    gid = to_base64("Member", member.id)
    support = await staff_session(client, Role.SUPPORT)
    admin = await staff_session(client, Role.ADMIN)
    waiting = await _adjust(client, support["accessToken"], gid, -15_000, "Fraudulent receipts")
    assert waiting["__typename"] == "AdjustmentPendingApproval", waiting
    # The requester sees their own request; a marketer sees nothing.
    node = "query($id: ID!) { node(id: $id) { ... on AdjustmentApproval { id status } } }"
    mine = await gql(client, node, {"id": waiting["approval"]["id"]}, token=support["accessToken"])
    assert mine["data"]["node"] == {"id": waiting["approval"]["id"], "status": "PENDING"}
    marketer = await staff_session(client, Role.MARKETER)
    hidden = await gql(client, node, {"id": waiting["approval"]["id"]},
                       token=marketer["accessToken"])  # fmt: skip
    assert hidden["data"]["node"] is None
    done = await gql(client, APPROVE, {"id": waiting["approval"]["id"]}, token=admin["accessToken"])
    assert done["data"]["approveAdjustment"]["transaction"]["points"] == -15_000
    (balance,) = await ledger.balances([member.id])
    assert balance.available == -15_000  # a debt later earnings repay
    assert await check() == []


async def test_a_rejected_adjustment_posts_nothing(client):
    member = await sign_up(client)
    asker = await staff_session(client, Role.ADMIN)
    other = await staff_session(client, Role.ADMIN)
    waiting = await _adjust(client, asker["accessToken"], member["member"]["id"], 30_000)
    gid = waiting["approval"]["id"]
    short = await gql(client, REJECT, {"id": gid, "note": " "}, token=other["accessToken"])
    assert short["data"]["rejectAdjustment"]["fields"] == [{"field": "note", "code": "REQUIRED"}]
    body = await gql(client, REJECT, {"id": gid, "note": "No receipts attached"},
                     token=other["accessToken"])  # fmt: skip
    rejected = body["data"]["rejectAdjustment"]
    assert rejected["__typename"] == "AdjustmentApproval", body
    assert (rejected["status"], rejected["decisionNote"]) == ("REJECTED", "No receipts attached")
    assert rejected["decidedBy"]["email"] == other["member"]["email"] and rejected["decidedAt"]
    assert rejected["transaction"] is None
    late = await gql(client, APPROVE, {"id": gid}, token=other["accessToken"])
    late = late["data"]["approveAdjustment"]
    assert (late["__typename"], late["status"]) == ("AdjustmentAlreadyDecided", "REJECTED")
    twice = await gql(client, REJECT, {"id": gid, "note": "Again"}, token=asker["accessToken"])
    assert twice["data"]["rejectAdjustment"]["__typename"] == "AdjustmentAlreadyDecided"
    assert await _balance(client, member["accessToken"]) == 0
    assert await PointsTransaction.all().count() == 0
    unknown = await gql(client, APPROVE, {"id": to_base64("AdjustmentApproval", 999)},
                        token=other["accessToken"])  # fmt: skip
    assert unknown["data"]["approveAdjustment"]["__typename"] == "AdjustmentNotFound"


async def test_the_threshold_is_configurable_and_zero_means_never(client, configured):
    member = await sign_up(client)
    gid = member["member"]["id"]
    admin = await staff_session(client, Role.ADMIN)
    at_threshold = await _adjust(client, admin["accessToken"], gid, 10_000)  # default 10,000
    assert at_threshold["__typename"] == "PointsTransaction"
    above = await _adjust(client, admin["accessToken"], gid, -10_001)  # either sign
    assert above["__typename"] == "AdjustmentPendingApproval"
    configured(adjustment_approval_points=100)
    assert (await _adjust(client, admin["accessToken"], gid, 101))["__typename"] == (
        "AdjustmentPendingApproval"
    )
    configured(adjustment_approval_points=0)
    assert (await _adjust(client, admin["accessToken"], gid, 500_000))["__typename"] == (
        "PointsTransaction"
    )
    assert await _balance(client, member["accessToken"]) == 510_000
    assert await PendingAdjustment.filter(status=AdjustmentStatus.PENDING).count() == 2


async def test_the_approver_cannot_be_the_member_corrected():
    # A member with a pending correction who is later made an admin cannot approve it.
    member = await factories.member()
    asker = await factories.member(role=Role.ADMIN)
    requested = await adjustments.request_adjustment(
        member_id=member.id, points=50_000, reason="Migration from the old card",
        staff_id=asker.id, expires_at=None,
    )  # fmt: skip
    assert requested.transaction is None and requested.pending is not None
    await Member.filter(id=member.id).update(role=Role.ADMIN)
    with pytest.raises(Exception) as refused:
        await adjustments.approve_adjustment(
            adjustment_id=requested.pending.id, approver_id=member.id, expires_at=None
        )
    assert refused.value.code == "SELF_ADJUSTMENT_FORBIDDEN"
    third = await factories.member(role=Role.ADMIN)
    with pytest.raises(Exception) as staff_now:  # nor by anyone: it is a staff account now
        await adjustments.approve_adjustment(
            adjustment_id=requested.pending.id, approver_id=third.id, expires_at=None
        )
    assert staff_now.value.code == "NOT_A_MEMBER_ACCOUNT"
    support = await factories.member(role=Role.SUPPORT)
    with pytest.raises(Exception) as not_admin:
        await adjustments.approve_adjustment(
            adjustment_id=requested.pending.id, approver_id=support.id, expires_at=None
        )
    assert not_admin.value.code == "FORBIDDEN"
    assert await PointsTransaction.all().count() == 0


async def test_parallel_approvals_post_once(client, dialect):
    if dialect != "postgres":
        pytest.skip("SQLite serializes writers; races are proven on PostgreSQL")
    member = await sign_up(client)
    asker = await staff_session(client, Role.ADMIN)
    admins = [await staff_session(client, Role.ADMIN) for _ in range(8)]
    for round_ in range(3):
        waiting = await _adjust(client, asker["accessToken"], member["member"]["id"], 25_000,
                                f"Round {round_} of corrections")  # fmt: skip
        gid = waiting["approval"]["id"]
        # Each request runs in its own task on its own pooled connection.
        bodies = await asyncio.gather(
            *(gql(client, APPROVE, {"id": gid}, token=a["accessToken"]) for a in admins)
        )
        results = [b["data"]["approveAdjustment"] for b in bodies]
        kinds = sorted(r["__typename"] for r in results)
        assert kinds == ["AdjustmentAlreadyDecided"] * 7 + ["AdjustmentApproval"], results
        assert {r["status"] for r in results} == {"APPROVED"}
        assert await PointsTransaction.filter(kind=Kind.ADJUSTMENT).count() == round_ + 1
        assert await _balance(client, member["accessToken"]) == 25_000 * (round_ + 1)
    assert await check() == []


async def test_an_approval_racing_a_rejection_decides_once(client, dialect):
    if dialect != "postgres":
        pytest.skip("SQLite serializes writers; races are proven on PostgreSQL")
    member = await sign_up(client)
    asker = await staff_session(client, Role.ADMIN)
    approver = await staff_session(client, Role.ADMIN)
    rejecter = await staff_session(client, Role.ADMIN)
    waiting = await _adjust(client, asker["accessToken"], member["member"]["id"], 40_000)
    gid = waiting["approval"]["id"]
    approved, rejected = await asyncio.gather(
        gql(client, APPROVE, {"id": gid}, token=approver["accessToken"]),
        gql(client, REJECT, {"id": gid, "note": "Not justified"}, token=rejecter["accessToken"]),
    )
    outcomes = {approved["data"]["approveAdjustment"]["__typename"],
                rejected["data"]["rejectAdjustment"]["__typename"]}  # fmt: skip
    assert "AdjustmentAlreadyDecided" in outcomes and "AdjustmentApproval" in outcomes
    row = await PendingAdjustment.get(id=int(_pk(gid)))
    posted = await PointsTransaction.filter(kind=Kind.ADJUSTMENT).count()
    assert posted == (1 if row.status == AdjustmentStatus.APPROVED else 0)
    assert await _balance(client, member["accessToken"]) == 40_000 * posted
    assert await check() == []


def _pk(gid: str) -> str:
    from strawberry.relay import from_base64

    return from_base64(gid)[1]


# ---- withdrawing a request; idempotent corrections ----------------------------------------------


async def test_the_requester_withdraws_their_own_request_and_only_admins_decide_others(client):
    member = await factories.member()
    gid = to_base64("Member", member.id)
    support = await staff_session(client, Role.SUPPORT)
    colleague = await staff_session(client, Role.SUPPORT)
    marketer = await staff_session(client, Role.MARKETER)
    admin = await staff_session(client, Role.ADMIN)
    mine = (await _adjust(client, support["accessToken"], gid, 20_000))["approval"]["id"]
    theirs = (await _adjust(client, colleague["accessToken"], gid, 20_000))["approval"]["id"]
    # Neither another support agent nor a marketer rejects (or approves) someone's request.
    for token, target in ((colleague, mine), (marketer, mine), (support, theirs)):
        body = await gql(client, REJECT, {"id": target, "note": "Not mine to decide"},
                         token=token["accessToken"])  # fmt: skip
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    body = await gql(client, APPROVE, {"id": mine}, token=support["accessToken"])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    unknown = await gql(client, REJECT, {"id": to_base64("AdjustmentApproval", 999),
                                         "note": "Probing"}, token=support["accessToken"])  # fmt: skip
    assert unknown["errors"][0]["extensions"]["code"] == "FORBIDDEN", unknown
    # The support requester withdraws their own (before: FORBIDDEN, it stayed pending).
    body = await gql(client, REJECT, {"id": mine, "note": "Asked for the wrong member"},
                     token=support["accessToken"])  # fmt: skip
    withdrawn = body["data"]["rejectAdjustment"]
    assert withdrawn["__typename"] == "AdjustmentApproval", body
    assert withdrawn["status"] == "REJECTED"
    assert withdrawn["decidedBy"]["email"] == support["member"]["email"]
    # An admin rejects anyone's, and withdraws their own too.
    body = await gql(client, REJECT, {"id": theirs, "note": "No receipts"},
                     token=admin["accessToken"])  # fmt: skip
    assert body["data"]["rejectAdjustment"]["status"] == "REJECTED", body
    own = (await _adjust(client, admin["accessToken"], gid, 30_000))["approval"]["id"]
    body = await gql(client, REJECT, {"id": own, "note": "Typo in the amount"},
                     token=admin["accessToken"])  # fmt: skip
    assert body["data"]["rejectAdjustment"]["decidedBy"]["email"] == admin["member"]["email"]
    assert await PointsTransaction.all().count() == 0
    # A requester no longer on staff withdraws nothing.
    again = (await _adjust(client, support["accessToken"], gid, 20_000))["approval"]["id"]
    await Member.filter(id=int(_pk(support["member"]["id"]))).update(role=Role.MEMBER)
    with pytest.raises(Exception) as refused:
        await adjustments.reject_adjustment(adjustment_id=int(_pk(again)),
                                            approver_id=int(_pk(support["member"]["id"])),
                                            note="Withdrawn")  # fmt: skip
    assert refused.value.code == "FORBIDDEN"


ADJUST_KEYED = """mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) {
  __typename ... on PointsTransaction { id points }
  ... on AdjustmentPendingApproval { replayed approval { id points status } }
  ... on UserError { code } ... on InvalidInput { fields { field code } } } }"""


async def _keyed(client, token, member_gid, points, key, reason="Goodwill gesture"):
    body = await gql(client, ADJUST_KEYED, {"input": {
        "member": member_gid, "points": points, "reason": reason, "idempotencyKey": key}},
        token=token)  # fmt: skip
    return body["data"]["adjustPoints"]


async def test_a_retried_adjustment_with_its_key_posts_once(client):
    member = await sign_up(client)
    gid, token = member["member"]["id"], member["accessToken"]
    support = (await staff_session(client, Role.SUPPORT))["accessToken"]
    other = (await staff_session(client, Role.SUPPORT))["accessToken"]
    # A direct correction: the retry after a timeout gets the same transaction back.
    first = await _keyed(client, support, gid, 300, "retry-key-0001")
    again = await _keyed(client, support, gid, 300, "retry-key-0001")
    assert first["__typename"] == "PointsTransaction" and again == first, (first, again)
    assert await _balance(client, token) == 300
    # The same key for another correction is refused, and changes nothing.
    reused = await _keyed(client, support, gid, 301, "retry-key-0001")
    assert reused == {"__typename": "IdempotencyKeyReused", "code": "IDEMPOTENCY_KEY_REUSED"}
    # Keys are per staff member: a colleague's same key is their own correction.
    theirs = await _keyed(client, other, gid, 300, "retry-key-0001")
    assert theirs["__typename"] == "PointsTransaction" and theirs["id"] != first["id"]
    assert await _balance(client, token) == 600
    # A correction that waits for approval is asked for once, too.
    waiting = await _keyed(client, support, gid, 50_000, "retry-key-0002")
    assert (waiting["__typename"], waiting["replayed"]) == ("AdjustmentPendingApproval", False)
    retried = await _keyed(client, support, gid, 50_000, "retry-key-0002")
    assert retried["replayed"] is True and retried["approval"] == waiting["approval"]
    assert await PendingAdjustment.all().count() == 1
    # After approval a late retry still answers the one request (now approved), posting nothing.
    admin = (await staff_session(client, Role.ADMIN))["accessToken"]
    done = await gql(client, APPROVE, {"id": waiting["approval"]["id"]}, token=admin)
    assert done["data"]["approveAdjustment"]["status"] == "APPROVED", done
    late = await _keyed(client, support, gid, 50_000, "retry-key-0002")
    assert late["approval"] == {**waiting["approval"], "status": "APPROVED"}
    assert await _balance(client, token) == 50_600
    assert await PointsTransaction.filter(kind=Kind.ADJUSTMENT).count() == 3
    # A malformed key is refused.
    bad = await _keyed(client, support, gid, 10, "short")
    assert bad["fields"] == [{"field": "idempotencyKey", "code": "INVALID_KEY"}]
    assert await IdempotencyRecord.filter(operation="adjustPoints").count() == 3
    assert await check() == []


async def test_parallel_retries_of_one_keyed_adjustment_post_once(client, dialect):
    if dialect != "postgres":
        pytest.skip("SQLite serializes writers; races are proven on PostgreSQL")
    member = await sign_up(client)
    gid = member["member"]["id"]
    support = (await staff_session(client, Role.SUPPORT))["accessToken"]
    for points, key in ((700, "race-key-direct"), (40_000, "race-key-pending")):
        # Each request runs in its own task on its own pooled connection.
        results = await asyncio.gather(
            *(_keyed(client, support, gid, points, key) for _ in range(8))
        )
        assert len({repr(r.get("id") or r["approval"]["id"]) for r in results}) == 1, results
        if points < 10_000:
            assert {r["__typename"] for r in results} == {"PointsTransaction"}, results
        else:
            assert sorted(r["replayed"] for r in results) == [False] + [True] * 7, results
    assert await PointsTransaction.filter(kind=Kind.ADJUSTMENT).count() == 1
    assert await PendingAdjustment.all().count() == 1
    assert await _balance(client, member["accessToken"]) == 700
    assert await check() == []
