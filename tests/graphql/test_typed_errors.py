"""One mechanism answers expected errors (app/graphql/results.py): a DomainError whose type is
in the field's union becomes that member in the caller's language; anything else stays a
top-level error; fields without such a union are not wrapped at all."""

import datetime as dt

from strawberry.relay import from_base64, to_base64

from app.earning import config
from app.earning.models import MultiplierTarget
from app.graphql.results import TypedError
from app.graphql.schema import build_schema
from app.members.models import Role
from app.settings import Settings
from tests.helpers import (
    RECORD_PURCHASE,
    gql,
    integration_token,
    purchase_input,
    sign_up,
    staff_session,
)

DUTCH = {"Accept-Language": "nl-NL,nl;q=0.9"}
RULES = """
fragment Rules on EarningRulesResult {
  __typename
  ... on EarningRules { multipliers { id value } bonusWindows { id name } }
  ... on InvalidInput { code fields { field code } }
}
"""
REMOVE_MULTIPLIER = RULES + "mutation($id: ID!) { removeEarningMultiplier(id: $id) { ...Rules } }"
REMOVE_WINDOW = RULES + "mutation($id: ID!) { removeBonusWindow(id: $id) { ...Rules } }"
EARNING_RULES = RULES.replace("on EarningRulesResult", "on EarningRules").replace(
    "... on InvalidInput { code fields { field code } }", ""
)


async def test_integration_errors_answer_in_the_callers_language(client):
    """recordPurchase's errors were hard-coded English; now Accept-Language decides."""
    member = await sign_up(client)
    till = await integration_token(client, "purchases:write")
    data = purchase_input(member["member"]["id"], "lang-1")
    first = await gql(client, RECORD_PURCHASE, {"input": data}, token=till)
    assert first["data"]["recordPurchase"]["__typename"] == "PurchaseRecorded", first

    reused = {**data, "amount": 9999}
    dutch = await gql(client, RECORD_PURCHASE, {"input": reused}, token=till, headers=DUTCH)
    answer = dutch["data"]["recordPurchase"]
    assert answer["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert answer["message"] == "Deze idempotentiesleutel is al gebruikt voor een ander verzoek."

    english = await gql(client, RECORD_PURCHASE, {"input": reused}, token=till)
    assert english["data"]["recordPurchase"]["message"].startswith("This idempotency key")


async def test_errors_outside_the_union_stay_top_level(client):
    """Forbidden has no union member: a member calling a staff mutation gets a top-level
    FORBIDDEN, not a typed result."""
    member = await sign_up(client)
    body = await gql(
        client, REMOVE_MULTIPLIER, {"id": to_base64("EarningMultiplier", 1)},
        token=member["accessToken"],
    )  # fmt: skip
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_only_union_fields_get_a_handler():
    """Fields that return no union with error members resolve on strawberry's plain path."""
    schema = build_schema(Settings())
    converter = schema.schema_converter
    mutation = schema.get_type_by_name("Mutation")
    query = schema.get_type_by_name("Query")
    fields = {f.python_name: f for f in mutation.fields + query.fields}
    handled = converter._get_field_exception_handlers
    assert {type(h) for _, h in handled(fields["record_purchase"])} == {TypedError}
    assert not handled(fields["me"])
    assert not handled(fields["members"])
    assert not handled(fields["log_out"])


async def test_multipliers_and_windows_are_removed_by_global_id(client):
    staff = await staff_session(client, Role.ADMIN)
    token = staff["accessToken"]
    await config.set_multiplier(target=MultiplierTarget.CATEGORY, value="shoes", multiplier=2)
    await config.set_multiplier(target=MultiplierTarget.SKU, value="gift", multiplier=0)

    listed = await gql(client, EARNING_RULES + "{ earningRules { ...Rules } }", token=token)
    multipliers = listed["data"]["earningRules"]["multipliers"]
    assert [m["value"] for m in multipliers] == ["shoes", "gift"]
    shoes = multipliers[0]["id"]
    assert from_base64(shoes)[0] == "EarningMultiplier"

    removed = await gql(client, REMOVE_MULTIPLIER, {"id": shoes}, token=token)
    rules = removed["data"]["removeEarningMultiplier"]
    assert rules["__typename"] == "EarningRules", removed
    assert [m["value"] for m in rules["multipliers"]] == ["gift"]

    wrong_type = to_base64("BonusWindow", from_base64(shoes)[1])
    for bad in (
        wrong_type,
        to_base64("EarningMultiplier", "x"),
        to_base64("EarningMultiplier", 10**30),
    ):
        refused = await gql(client, REMOVE_MULTIPLIER, {"id": bad}, token=token)
        answer = refused["data"]["removeEarningMultiplier"]
        assert answer == {"__typename": "InvalidInput", "code": "INVALID_INPUT",
                          "fields": [{"field": "id", "code": "INVALID_VALUE"}]}, refused  # fmt: skip
    after = await gql(client, EARNING_RULES + "{ earningRules { ...Rules } }", token=token)
    assert [m["value"] for m in after["data"]["earningRules"]["multipliers"]] == ["gift"]

    window = await config.add_bonus_window(
        name="Double weekend",
        starts_at=dt.datetime(2026, 12, 5, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 12, 7, tzinfo=dt.UTC),
        multiplier=2,
    )
    gone = await gql(
        client, REMOVE_WINDOW, {"id": to_base64("BonusWindow", window.id)}, token=token
    )
    assert gone["data"]["removeBonusWindow"]["bonusWindows"] == [], gone
    wrong = await gql(client, REMOVE_WINDOW, {"id": shoes}, token=token)
    assert wrong["data"]["removeBonusWindow"]["__typename"] == "InvalidInput"
