"""Points for actions: custom events, welcome and birthday bonuses, referrals, and the
other ways an integration can name a member (loyalty card, CRM reference)."""

import datetime as dt

from strawberry.relay import from_base64

from app.earning import actions, config
from app.earning import rules as R
from app.earning.models import ActionEarning, Referral
from app.ledger import service as ledger
from app.ledger.check import check
from app.ledger.models import PointsTransaction
from app.members.models import Member, Role
from tests import factories
from tests.helpers import (
    BALANCE,
    LOG_IN,
    PASSWORD,
    RECORD_PURCHASE,
    SIGN_UP,
    gql,
    integration_token,
    purchase_input,
    sign_up,
    staff_session,
    unique_email,
)

SAVE_EVENT_TYPE = """
mutation($input: EventTypeInput!) { saveEventType(input: $input) {
  __typename
  ... on EarningRules { eventTypes { code name points dailyLimit totalLimit active } }
  ... on InvalidInput { fields { field code } }
} }
"""

RECORD_EVENT = """
mutation($input: EventInput!) { recordEvent(input: $input) {
  __typename
  ... on EventRecorded { points replayed
    transaction { kind points explanation { rule points description } } }
  ... on UserError { code message }
  ... on InvalidInput { fields { field code } }
} }
"""

APPLY_CODE = """
mutation($code: String!) { applyReferralCode(code: $code) {
  __typename
  ... on ReferralApplied { ok }
  ... on InvalidInput { code fields { field code } }
} }
"""

ACTIVITY = """{ me { activity { edges { node { kind points explanation { rule points } } } } } }"""
ME_CODES = "{ me { referralCode cardNumber } }"


# ---- helpers ------------------------------------------------------------------------------


def _member_id(session: dict) -> int:
    return int(from_base64(session["member"]["id"])[1])


async def _available(client, session: dict) -> int:
    body = await gql(client, BALANCE, token=session["accessToken"])
    return body["data"]["me"]["balance"]["available"]


async def _activity(client, session: dict) -> list[tuple[str, int, list[str]]]:
    """(kind, points, rules) of each movement, newest first."""
    body = await gql(client, ACTIVITY, token=session["accessToken"])
    return [
        (e["node"]["kind"], e["node"]["points"], [s["rule"] for s in e["node"]["explanation"]])
        for e in body["data"]["me"]["activity"]["edges"]
    ]


async def _me(client, session: dict) -> dict:
    return (await gql(client, ME_CODES, token=session["accessToken"]))["data"]["me"]


async def _policy(**changes) -> None:
    await config.update_policy(changes=changes, actor_id=None)


async def _event_type(code: str, points: int, **limits) -> None:
    await config.save_event_type(
        code=code, name=code.replace("_", " ").title(), points=points,
        daily_limit=limits.get("daily_limit"), total_limit=limits.get("total_limit"),
        active=limits.get("active", True),
    )  # fmt: skip


def _event(session: dict, event_type: str, external_id: str, **extra) -> dict:
    return {
        "idempotencyKey": f"event-{event_type}-{external_id}",
        "member": {"id": session["member"]["id"]},
        "eventType": event_type,
        "externalId": external_id,
        "occurredAt": "2026-11-20T10:00:00+00:00",
        **extra,
    }


async def _record_event(client, token: str, data: dict) -> dict:
    body = await gql(client, RECORD_EVENT, {"input": data}, token=token)
    assert "errors" not in body, body
    return body["data"]["recordEvent"]


async def _purchase(client, till: str, session: dict, external_id: str, amount: int) -> dict:
    data = purchase_input(session["member"]["id"], external_id, amount=amount)
    body = await gql(client, RECORD_PURCHASE, {"input": data}, token=till)
    result = body["data"]["recordPurchase"]
    assert result["__typename"] == "PurchaseRecorded", body
    return result


async def _apply(client, session: dict, code: str) -> dict:
    body = await gql(client, APPLY_CODE, {"code": code}, token=session["accessToken"])
    assert "errors" not in body, body
    return body["data"]["applyReferralCode"]


async def _referral_policy(**extra) -> None:
    await _policy(referrer_points=100, referee_points=50, referral_minimum_spend=2000, **extra)


async def _referred_pair(client) -> tuple[dict, dict]:
    """A, and B who signed up with A's code."""
    a = await sign_up(client)
    b = await sign_up(client, referralCode=(await _me(client, a))["referralCode"])
    return a, b


# ---- custom events ------------------------------------------------------------------------


async def test_staff_configure_an_event_type_that_earns_once_per_event(client):
    marketer = await staff_session(client, Role.MARKETER)
    saved = await gql(client, SAVE_EVENT_TYPE, {"input": {
        "code": "Product_Review", "name": "Product review", "points": 30, "dailyLimit": 5,
    }}, token=marketer["accessToken"])  # fmt: skip
    assert saved["data"]["saveEventType"] == {
        "__typename": "EarningRules",
        "eventTypes": [{"code": "product_review", "name": "Product review", "points": 30,
                        "dailyLimit": 5, "totalLimit": None, "active": True}],
    }  # fmt: skip
    member = await sign_up(client)
    crm = await integration_token(client, "events:write")
    data = _event(member, "product_review", "review-1")

    first = await _record_event(client, crm, data)
    assert first == {
        "__typename": "EventRecorded", "points": 30, "replayed": False,
        "transaction": {"kind": "ACTION", "points": 30, "explanation": [
            {"rule": "RULE_EVENT", "points": 30, "description": "Product review"}]},
    }  # fmt: skip

    again = await _record_event(client, crm, data)  # a retry: same answer, nothing new
    assert again["__typename"] == "EventRecorded" and again["replayed"] is True
    assert again["points"] == 30

    other_payload = await _record_event(client, crm, {**data, "externalId": "review-2"})
    assert other_payload["__typename"] == "IdempotencyKeyReused"
    assert other_payload["code"] == "IDEMPOTENCY_KEY_REUSED"

    new_key = await _record_event(client, crm, {**data, "idempotencyKey": "another-key-1"})
    assert new_key == {
        "__typename": "EventLimitReached", "code": "EVENT_LIMIT_REACHED",
        "message": "This event was already recorded; it earns points only once.",
    }  # fmt: skip

    assert await _available(client, member) == 30
    assert await PointsTransaction.filter(kind="action").count() == 1
    assert await ActionEarning.filter(action="event:product_review").count() == 1
    assert await check() == []


async def test_event_daily_limit(client):
    await _event_type("survey", 10, daily_limit=2)
    member = await sign_up(client)
    crm = await integration_token(client, "events:write")
    day = "2026-11-20T{}:00:00+00:00"
    for i, hour in enumerate(["08", "12"]):
        ok = await _record_event(client, crm, _event(member, "survey", f"s-{i}",
                                                     occurredAt=day.format(hour)))  # fmt: skip
        assert ok["__typename"] == "EventRecorded", ok
    third = await _record_event(client, crm, _event(member, "survey", "s-2",
                                                    occurredAt=day.format("23")))  # fmt: skip
    assert third["__typename"] == "EventLimitReached"
    assert third["code"] == "EVENT_LIMIT_REACHED"
    next_day = await _record_event(
        client, crm, _event(member, "survey", "s-3", occurredAt="2026-11-21T00:30:00+00:00")
    )
    assert next_day["__typename"] == "EventRecorded"
    assert await _available(client, member) == 30
    assert await check() == []


async def test_event_total_limit(client):
    await _event_type("app_install", 100, total_limit=1)
    member = await sign_up(client)
    crm = await integration_token(client, "events:write")
    first = await _record_event(client, crm, _event(member, "app_install", "phone-1"))
    assert first["__typename"] == "EventRecorded"
    second = await _record_event(
        client, crm, _event(member, "app_install", "phone-2", occurredAt="2026-11-21T10:00:00Z")
    )
    assert second["__typename"] == "EventLimitReached"
    assert second["code"] == "EVENT_LIMIT_REACHED"
    retry = await _record_event(client, crm, _event(member, "app_install", "phone-1"))
    assert retry["__typename"] == "EventRecorded" and retry["replayed"] is True  # at the limit
    assert await _available(client, member) == 100
    assert await check() == []


async def test_unknown_or_inactive_event_type_is_refused(client):
    await _event_type("old_promo", 10, active=False)
    member = await sign_up(client)
    crm = await integration_token(client, "events:write")
    for event_type in ("no_such_event", "old_promo"):
        result = await _record_event(client, crm, _event(member, event_type, "x-1"))
        assert result["__typename"] == "UnknownEventType", (event_type, result)
        assert result["code"] == "UNKNOWN_EVENT_TYPE"
    assert await PointsTransaction.all().count() == 0


async def test_recording_events_needs_the_events_scope(client):
    await _event_type("survey", 10)
    member = await sign_up(client)
    till = await integration_token(client, "purchases:write")
    body = await gql(client, RECORD_EVENT, {"input": _event(member, "survey", "s-1")}, token=till)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["data"] is None
    assert await PointsTransaction.all().count() == 0


# ---- welcome and birthday bonuses ---------------------------------------------------------


async def test_sign_up_earns_the_welcome_bonus(client):
    await _policy(signup_bonus=50)
    member = await sign_up(client)
    assert await _available(client, member) == 50
    assert await _activity(client, member) == [("BONUS", 50, ["RULE_SIGNUP_BONUS"])]
    assert await check() == []


async def test_birthday_bonus_once_a_year_for_todays_birthdays(app):
    policy = R.Policy(birthday_bonus=25)
    today = dt.date(2027, 3, 15)
    born_today = await factories.member(birthday=dt.date(1990, 3, 15))
    tomorrow = await factories.member(birthday=dt.date(1990, 3, 16))
    unknown = await factories.member()
    inactive = await factories.member(birthday=dt.date(1985, 3, 15), is_active=False)

    assert await actions.award_birthday_bonuses(today=today, policy=policy) == 1
    assert await actions.award_birthday_bonuses(today=today, policy=policy) == 0  # rerun
    balances = await ledger.balances([born_today.id, tomorrow.id, unknown.id, inactive.id])
    assert [b.available for b in balances] == [25, 0, 0, 0]
    txn = await PointsTransaction.get(member_id=born_today.id)
    assert txn.kind == "bonus"
    assert [s["rule"] for s in txn.explanation] == ["RULE_BIRTHDAY_BONUS"]

    next_year = await actions.award_birthday_bonuses(today=dt.date(2028, 3, 15), policy=policy)
    assert next_year == 1
    assert (await ledger.balances([born_today.id]))[0].available == 50
    assert await check() == []


async def test_no_birthday_bonus_when_the_policy_gives_none(app):
    await factories.member(birthday=dt.date(1990, 3, 15))
    assert await actions.award_birthday_bonuses(today=dt.date(2027, 3, 15), policy=R.Policy()) == 0
    assert await PointsTransaction.all().count() == 0


async def test_leap_day_birthdays_are_celebrated_on_28_february_in_other_years(app):
    policy = R.Policy(birthday_bonus=25)
    leap = await factories.member(birthday=dt.date(1992, 2, 29))
    feb28 = await factories.member(birthday=dt.date(1990, 2, 28))
    march1 = await factories.member(birthday=dt.date(1990, 3, 1))

    given = await actions.award_birthday_bonuses(today=dt.date(2027, 2, 28), policy=policy)
    assert given == 2
    assert await actions.award_birthday_bonuses(today=dt.date(2027, 2, 28), policy=policy) == 0
    balances = await ledger.balances([leap.id, feb28.id, march1.id])
    assert [b.available for b in balances] == [25, 25, 0]
    assert await check() == []


# Fails on SQLite for the EXTRACT bug above; passes on PostgreSQL.
async def test_in_a_leap_year_29_february_is_the_day(app):
    policy = R.Policy(birthday_bonus=25)
    leap = await factories.member(birthday=dt.date(1992, 2, 29))
    feb28 = await factories.member(birthday=dt.date(1990, 2, 28))

    assert await actions.award_birthday_bonuses(today=dt.date(2028, 2, 28), policy=policy) == 1
    assert [b.available for b in await ledger.balances([leap.id, feb28.id])] == [0, 25]
    assert await actions.award_birthday_bonuses(today=dt.date(2028, 2, 29), policy=policy) == 1
    assert [b.available for b in await ledger.balances([leap.id, feb28.id])] == [25, 25]
    assert await check() == []


# ---- referrals ----------------------------------------------------------------------------


async def test_referral_rewards_both_on_the_first_qualifying_purchase(client):
    await _referral_policy()
    a, b = await _referred_pair(client)
    assert await Referral.filter(referrer_id=_member_id(a), referee_id=_member_id(b)).exists()
    till = await integration_token(client, "purchases:write")

    small = await _purchase(client, till, b, "b-1", amount=1500)  # below the minimum
    assert small["transaction"]["points"] == 15
    assert (await _available(client, a), await _available(client, b)) == (0, 15)

    await _purchase(client, till, b, "b-2", amount=2500)
    assert (await _available(client, a), await _available(client, b)) == (100, 15 + 25 + 50)
    assert await _activity(client, a) == [("REFERRAL", 100, ["RULE_REFERRAL"])]
    assert (await _activity(client, b))[:2] == [
        ("REFERRAL", 50, ["RULE_REFERRED"]), ("PURCHASE", 25, ["RULE_BASE"]),
    ]  # fmt: skip

    await _purchase(client, till, b, "b-3", amount=3000)  # once only
    assert (await _available(client, a), await _available(client, b)) == (100, 90 + 30)
    assert await PointsTransaction.filter(kind="referral").count() == 2
    assert await check() == []


async def test_unknown_code_at_sign_up_creates_no_account(client):
    await _policy(signup_bonus=50)
    email = unique_email()
    body = await gql(client, SIGN_UP, {"input": {
        "email": email, "password": PASSWORD, "referralCode": "NOSUCHCD"}})  # fmt: skip
    result = body["data"]["signUp"]
    assert result["__typename"] == "InvalidInput", body
    assert result["fields"] == [{"field": "referralCode", "code": "UNKNOWN_REFERRAL_CODE",
                                 "message": "This referral code does not exist."}]  # fmt: skip
    log_in = await gql(client, LOG_IN, {"input": {"email": email, "password": PASSWORD}})
    assert log_in["data"]["logIn"]["__typename"] == "InvalidCredentials"
    assert not await Member.exists(email=email)
    assert await PointsTransaction.all().count() == 0


async def test_own_code_is_refused(client):
    a = await sign_up(client)
    result = await _apply(client, a, (await _me(client, a))["referralCode"])
    assert result == {"__typename": "InvalidInput", "code": "INVALID_INPUT",
                      "fields": [{"field": "referralCode", "code": "SELF_REFERRAL"}]}  # fmt: skip


async def test_unknown_code_is_refused(client):
    a = await sign_up(client)
    result = await _apply(client, a, "NOSUCHCD")
    assert result["fields"] == [{"field": "referralCode", "code": "UNKNOWN_REFERRAL_CODE"}]


async def test_a_second_code_is_refused(client):
    _, b = await _referred_pair(client)
    c = await sign_up(client)
    result = await _apply(client, b, (await _me(client, c))["referralCode"])
    assert result["fields"] == [{"field": "referralCode", "code": "ALREADY_REFERRED"}]
    assert await Referral.all().count() == 1


async def test_referral_loops_are_refused(client):
    a, b = await _referred_pair(client)
    result = await _apply(client, a, (await _me(client, b))["referralCode"])
    assert result["fields"] == [{"field": "referralCode", "code": "REFERRAL_LOOP"}]
    # Longer loops too: C was brought by B, and A may not use C's code either.
    c = await sign_up(client, referralCode=(await _me(client, b))["referralCode"])
    result = await _apply(client, a, (await _me(client, c))["referralCode"])
    assert result["fields"] == [{"field": "referralCode", "code": "REFERRAL_LOOP"}]
    assert await Referral.all().count() == 2


async def test_members_who_purchased_cannot_use_a_code(client):
    a = await sign_up(client)
    d = await sign_up(client)
    till = await integration_token(client, "purchases:write")
    await _purchase(client, till, d, "d-1", amount=500)
    result = await _apply(client, d, (await _me(client, a))["referralCode"])
    assert result["fields"] == [{"field": "referralCode", "code": "NOT_A_NEW_MEMBER"}]


async def test_applying_a_code_after_sign_up_rewards_both(client):
    await _referral_policy()
    a = await sign_up(client)
    b = await sign_up(client)
    assert await _apply(client, b, (await _me(client, a))["referralCode"].lower()) == {
        "__typename": "ReferralApplied", "ok": True,
    }  # fmt: skip
    till = await integration_token(client, "purchases:write")
    await _purchase(client, till, b, "b-1", amount=2000)  # exactly the minimum qualifies
    assert (await _available(client, a), await _available(client, b)) == (100, 20 + 50)
    assert await check() == []


async def test_referrer_rewards_stop_at_the_monthly_cap(client):
    await _referral_policy(referral_monthly_cap=1)
    a, b = await _referred_pair(client)
    c = await sign_up(client, referralCode=(await _me(client, a))["referralCode"])
    till = await integration_token(client, "purchases:write")
    await _purchase(client, till, b, "b-1", amount=2500)
    await _purchase(client, till, c, "c-1", amount=2500)
    assert await _available(client, a) == 100  # only the first referral this month
    assert await _available(client, b) == 25 + 50
    assert await _available(client, c) == 25 + 50  # the referee is rewarded regardless
    assert await _activity(client, a) == [("REFERRAL", 100, ["RULE_REFERRAL"])]
    assert await check() == []


# ---- naming the member --------------------------------------------------------------------


async def test_purchase_by_card_number(client):
    member = await sign_up(client)
    card = (await _me(client, member))["cardNumber"]
    assert len(card) == 16 and card.isdigit()
    till = await integration_token(client, "purchases:write")
    for ext, number in (("k-1", card), ("k-2", " ".join(card[i : i + 4] for i in (0, 4, 8, 12)))):
        data = {**purchase_input(member["member"]["id"], ext), "member": {"cardNumber": number}}
        body = await gql(client, RECORD_PURCHASE, {"input": data}, token=till)
        assert body["data"]["recordPurchase"]["__typename"] == "PurchaseRecorded", body
    assert await _available(client, member) == 50
    assert await check() == []


async def test_purchase_by_external_ref(client):
    member = await sign_up(client)
    await Member.filter(id=_member_id(member)).update(external_ref="CRM-0042")
    till = await integration_token(client, "purchases:write")
    data = {**purchase_input(member["member"]["id"], "x-1"), "member": {"externalRef": "CRM-0042"}}
    body = await gql(client, RECORD_PURCHASE, {"input": data}, token=till)
    assert body["data"]["recordPurchase"]["__typename"] == "PurchaseRecorded", body
    unknown = {**data, "idempotencyKey": "purchase-x-2", "externalId": "x-2",
               "member": {"externalRef": "CRM-9999"}}  # fmt: skip
    body = await gql(client, RECORD_PURCHASE, {"input": unknown}, token=till)
    assert body["data"]["recordPurchase"]["__typename"] == "MemberNotFound"
    assert await _available(client, member) == 25
    assert await check() == []
