"""Input that is not what a field expects is refused as input, never an internal error:
global ids out of range (2^63, 2^64, -1, 0, other scripts' digits, 5,000 digits) through
`node` and every field that takes an id; `node` on unknown or non-Node types; cursors out of
range; absurd analytics dates; a tier-gated feed answers its typed error."""

import datetime as dt
from decimal import Decimal

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    build_schema,
)
from strawberry.relay import to_base64

from app.community import service as community
from app.community.models import Group
from app.graphql.schema import export_schema
from app.ids import MAX_PK, parse_pk
from app.members.models import Role
from app.pagination import encode_cursor
from app.tiers import service as tiers
from app.tiers.models import Basis, Window
from tests import factories
from tests.helpers import gql, integration_token, member_token, staff_session

ALL_SCOPES = ("purchases:write", "members:sync", "members:read", "events:write",
              "vouchers:redeem", "cashback:pay")  # fmt: skip
BAD_NODE_PARTS = [str(2**63), str(2**64), "-1", "0", "١٢", "9" * 5000, "12abc", " 12"]

# The type a field's `id` argument names (other arguments: `groupId` -> Group, ...).
ID_TYPES = {
    "member": "Member", "node": "Member", "campaignStats": "Campaign",
    "previewCampaign": "Campaign", "cancelRedemption": "Redemption",
    "markCashbackPaid": "CashbackCredit", "updateReward": "Reward", "archiveReward": "Reward",
    "adjustRewardStock": "Reward", "activateOffer": "Offer", "updateOffer": "Offer",
    "archiveOffer": "Offer", "saveContent": "Content", "unpublishContent": "Content",
    "joinGroup": "Group", "leaveGroup": "Group", "markRead": "InboxMessage",
    "markOpened": "InboxMessage", "deleteMessage": "InboxMessage",
    "launchCampaign": "Campaign", "cancelCampaign": "Campaign",
    "deleteWebhookEndpoint": "WebhookEndpoint", "replayWebhookDelivery": "WebhookDelivery",
    "updateWebhookEndpoint": "WebhookEndpoint", "approveAdjustment": "AdjustmentApproval",
    "rejectAdjustment": "AdjustmentApproval",
}  # fmt: skip
SPECIAL_NAMES = {"endpointId": "WebhookEndpoint", "member": "Member", "memberId": "Member"}
# Plausible values for required non-id arguments, so the id is what gets looked at.
STRINGS = {"currency": "EUR", "url": "https://example.com/hook", "locale": "en",
           "email": "someone@example.com", "code": "ABCD-EFGH-IJKL"}  # fmt: skip
SCALARS = {"String": "test-value-0001", "Int": 100, "Float": 1.5, "Boolean": False,
           "DateTime": "2026-11-20T10:00:00+00:00", "Date": "2000-01-01", "JSON": {},
           "Decimal": "1.5", "UUID": "00000000-0000-0000-0000-000000000001"}  # fmt: skip


def _unwrap(t):
    while isinstance(t, GraphQLNonNull | GraphQLList):
        t = t.of_type
    return t


def _takes(t, scalars: frozenset[str], seen=()) -> bool:
    """Whether an argument of type `t` is, or holds (in an input object), one of `scalars`."""
    t = _unwrap(t)
    if isinstance(t, GraphQLScalarType):
        return t.name in scalars
    if isinstance(t, GraphQLInputObjectType) and t.name not in seen:
        return any(_takes(f.type, scalars, (*seen, t.name)) for f in t.fields.values())
    return False


IDS, DATES = frozenset({"ID"}), frozenset({"DateTime", "Date"})


def _takes_id(t) -> bool:
    return _takes(t, IDS)


def _id_type(field: str, name: str, owner: str | None) -> str:
    if name == "id":
        return SPECIAL_NAMES.get(owner or "", ID_TYPES.get(field, "Member"))
    if name in SPECIAL_NAMES:
        return SPECIAL_NAMES[name]
    return name[:-2][0].upper() + name[1:-2] if name.endswith("Id") else "Member"


def _value(t, field: str, name: str, probe: dict, owner: str | None = None):
    """A value for an argument (or input field) of type `t`; the scalars named in `probe`
    (always sent, optional or not) get its value; an ID's is the node part of a global id
    of the type the argument names."""
    wrapped_list = False
    inner = t.of_type if isinstance(t, GraphQLNonNull) else t
    if isinstance(inner, GraphQLList):
        wrapped_list, inner = True, inner.of_type
    base = _unwrap(inner)
    if isinstance(base, GraphQLScalarType) and base.name == "ID":
        value = to_base64(_id_type(field, name, owner), probe.get("ID", "1"))
    elif isinstance(base, GraphQLScalarType):
        value = probe.get(base.name, STRINGS.get(name, SCALARS.get(base.name, "x")))
    elif isinstance(base, GraphQLEnumType):
        value = next(iter(base.values))
    else:
        value = {
            fname: _value(f.type, field, fname, probe, owner=name)
            for fname, f in base.fields.items()
            if isinstance(f.type, GraphQLNonNull) or _takes(f.type, frozenset(probe))
        }
    return [value] if wrapped_list else value


def _operations(scalars: frozenset[str] = IDS) -> list[tuple[str, str, object]]:
    """(root, name, field) of every query and mutation that takes one of `scalars`."""
    schema = build_schema(export_schema())
    found = []
    for root in ("Query", "Mutation"):
        for name, field in schema.get_type(root).fields.items():
            if any(_takes(a.type, scalars) for a in field.args.values()):
                found.append((root, name, field))
    return found


def _document(root: str, name: str, field, probe: dict) -> tuple[str, dict]:
    variables, params, args = {}, [], []
    for arg_name, arg in field.args.items():
        if not (isinstance(arg.type, GraphQLNonNull) or _takes(arg.type, frozenset(probe))):
            continue
        variables[arg_name] = _value(arg.type, name, arg_name, probe)
        params.append(f"${arg_name}: {arg.type}")
        args.append(f"{arg_name}: ${arg_name}")
    selection = "" if isinstance(_unwrap(field.type), GraphQLScalarType) else " { __typename }"
    keyword = "query" if root == "Query" else "mutation"
    head = f"({', '.join(params)})" if params else ""
    call = f"({', '.join(args)})" if args else ""
    return f"{keyword}{head} {{ {name}{call}{selection} }}", variables


async def _callers(client) -> tuple[str, str, str]:
    """Tokens of an admin, a member and an integration client with every scope."""
    admin = (await staff_session(client, Role.ADMIN))["accessToken"]
    member = await member_token(await factories.member())
    return admin, member, await integration_token(client, *ALL_SCOPES)


def _codes(body: dict) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]


def test_the_parser_takes_only_bigint_keys():
    assert parse_pk("1") == 1 and parse_pk(str(MAX_PK)) == MAX_PK
    for bad in [*BAD_NODE_PARTS, "", "+1", "1.0", "０１"]:
        assert parse_pk(bad) is None, bad


def test_every_field_that_takes_an_id_is_listed():
    covered = {name for _, name, _ in _operations()}
    assert {"node", "member", "feed", "consentHistory", "recordPurchase", "redeemReward",
            "eraseMember", "cancelRedemption", "overrideTier"} <= covered  # fmt: skip
    assert len(covered) >= 40, sorted(covered)


async def test_ids_out_of_range_are_bad_input_or_null_in_every_resolver(client):
    callers = await _callers(client)
    internal, answered = [], set()
    for root, name, field in _operations():
        for bad in BAD_NODE_PARTS:
            document, variables = _document(root, name, field, {"ID": bad})
            for token in callers:
                body = await gql(client, document, variables, token=token)
                codes = _codes(body)
                if "INTERNAL_SERVER_ERROR" in codes:
                    internal.append((name, bad[:20], body["errors"][0].get("path")))
                data = (body.get("data") or {}).get(name)
                typename = data.get("__typename") if isinstance(data, dict) else None
                refused = "BAD_USER_INPUT" in codes or typename == "InvalidInput"
                if refused or (not codes and data in (None, [None])):  # node(s), member: null
                    answered.add(name)
    assert internal == []
    # Every field refused the id as input (or answered null) for a caller it admits.
    assert answered == {name for _, name, _ in _operations()}


ABSURD_TIMES = ["0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00+00:00",
                "9999-12-31T23:59:59-01:00", "9999-12-31T23:59:59+00:00"]  # fmt: skip


async def test_absurd_dates_are_never_an_internal_error_in_any_resolver(client):
    callers = await _callers(client)
    internal = []
    for root, name, field in _operations(DATES):
        for at in ABSURD_TIMES:
            document, variables = _document(root, name, field,
                                            {"DateTime": at, "Date": at[:10]})  # fmt: skip
            for token in callers:
                body = await gql(client, document, variables, token=token)
                if "INTERNAL_SERVER_ERROR" in _codes(body):
                    internal.append((name, at))
    assert internal == []


async def test_node_of_an_unknown_or_non_node_type_is_null(client):
    admin = (await staff_session(client, Role.ADMIN))["accessToken"]
    m = await factories.member()
    group = await _group()
    event = await community.create_event(**_event_fields())
    ids = [to_base64("NoSuchType", 1), to_base64("Group", group.id + 1000),
           to_base64("Event", event.id + 1000), to_base64("Node", 1), to_base64("UserError", 1), to_base64("Query", 1),
           to_base64("MemberConnection", 1), to_base64("InvalidInput", 1),
           to_base64("Post", 1), to_base64("Comment", 1), to_base64("Member", "")]  # fmt: skip
    for gid in ids:
        body = await gql(client, "query($id: ID!) { node(id: $id) { id } }", {"id": gid},
                         token=admin)  # fmt: skip
        assert body == {"data": {"node": None}}, (gid, body)
    # A Node type still resolves (Group and Event are Nodes since issue 15).
    for gid in (to_base64("Member", m.id), to_base64("Group", group.id),
                to_base64("Event", event.id)):  # fmt: skip
        body = await gql(client, "query($id: ID!) { node(id: $id) { id } }", {"id": gid},
                         token=admin)  # fmt: skip
        assert body["data"]["node"] == {"id": gid}


async def test_cursors_out_of_range_are_bad_input(client):
    m = await factories.member()
    token = await member_token(m)
    import base64

    for key in [str(2**63), str(2**64), "-1", "١٢", "9" * 5000]:
        cursor = base64.urlsafe_b64encode(f"k:{key}".encode()).decode().rstrip("=")
        for query in ("query($a: String) { me { activity(after: $a) { edges { cursor } } } }",
                      "query($a: String) { me { redemptions(after: $a) { edges { cursor } } } }",
                      "query($a: String) { groups(after: $a) { edges { cursor } } }"):  # fmt: skip
            body = await gql(client, query, {"a": cursor}, token=token)
            codes = [e["extensions"]["code"] for e in body["errors"]]
            assert codes == ["BAD_USER_INPUT"], (key[:20], query, body)
    ok = await gql(client, "query($a: String) { groups(after: $a) { edges { cursor } } }",
                   {"a": encode_cursor(MAX_PK)}, token=token)  # fmt: skip
    assert "errors" not in ok


ANALYTICS = """query($from: DateTime!, $to: DateTime!) {
  programAnalytics(from: $from, to: $to) { from to points { issued } activeMembers { last30Days }
    outstanding { points } openingOutstanding { points } topRewards { units } } }"""


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [
        ("0001-01-01T00:00:00+00:00", "0001-06-01T00:00:00+00:00", ("from", "INVALID_DATE")),
        ("0001-01-01T00:00:00+01:00", "2026-01-01T00:00:00+00:00", ("from", "INVALID_DATE")),
        ("9999-01-01T00:00:00+00:00", "9999-12-31T23:00:00-05:00", ("from", "INVALID_DATE")),
        ("2026-06-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00", ("to", "MUST_BE_AFTER_FROM")),
        ("1926-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00", ("from", "INVALID_DATE")),
        ("2000-01-01T00:00:00+00:00", "2099-12-31T00:00:00+00:00", ("to", "RANGE_TOO_LONG")),
        ("1999-12-31T00:00:00+00:00", "2000-02-01T00:00:00+00:00", ("from", "INVALID_DATE")),
    ],
)
async def test_absurd_analytics_dates_are_bad_input(client, start, end, problem):
    admin = (await staff_session(client, Role.ADMIN))["accessToken"]
    body = await gql(client, ANALYTICS, {"from": start, "to": end}, token=admin)
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", body
    assert {"field": problem[0], "code": problem[1]} in error["extensions"]["fields"]


async def test_analytics_within_the_bounds_still_answer(client):
    admin = (await staff_session(client, Role.ADMIN))["accessToken"]
    body = await gql(client, ANALYTICS, {"from": "2000-01-01T00:00:00Z",
                                         "to": "2000-03-01T00:00:00Z"}, token=admin)  # fmt: skip
    assert "errors" not in body, body
    assert body["data"]["programAnalytics"]["points"]["issued"] == 0


FEED = """query($g: ID!) { feed(groupId: $g) {
  __typename ... on PostConnection { edges { node { text } } }
  ... on UserError { code message } ... on NotEligible { tier reason }
  ... on InvalidInput { fields { field code } } } }"""


async def _group(min_tier=None) -> Group:
    return await community.create_group(texts={"en": {"name": "Runners"}}, min_tier_code=min_tier)


def _event_fields() -> dict:
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
    return {"texts": {"en": {"title": "Run", "description": ""}}, "location": "Park",
            "starts_at": start, "ends_at": start + dt.timedelta(hours=2), "capacity": 10,
            "min_tier_code": None}  # fmt: skip


async def test_a_tier_gated_feed_answers_its_typed_error(client):
    await tiers.update_policy(basis=Basis.SPEND, window=Window.ROLLING, window_months=12,
                              grace_days=30, spend_currency="EUR")  # fmt: skip
    await tiers.save_tier(code="gold", rank=1, threshold=50_000, earn_multiplier=Decimal(1),
                          texts={"en": {"name": "Gold", "benefits": []}})  # fmt: skip
    gated, open_group = await _group(min_tier="gold"), await _group()
    token = await member_token(await factories.member())

    body = await gql(client, FEED, {"g": to_base64("Group", gated.id)}, token=token)
    assert body == {"data": {"feed": {"__typename": "NotEligible", "code": "NOT_ELIGIBLE",
                                      "message": body["data"]["feed"]["message"],
                                      "tier": "Gold", "reason": "TIER"}}}  # fmt: skip
    missing = await gql(client, FEED, {"g": to_base64("Group", 999_999)}, token=token)
    assert missing["data"]["feed"]["__typename"] == "GroupNotFound"
    bad = await gql(client, FEED, {"g": to_base64("Group", 2**64)}, token=token)
    assert bad["data"]["feed"] == {"__typename": "InvalidInput", "code": "INVALID_INPUT",
                                   "message": bad["data"]["feed"]["message"],
                                   "fields": [{"field": "groupId", "code": "INVALID_VALUE"}]}  # fmt: skip
    readable = await gql(client, FEED, {"g": to_base64("Group", open_group.id)}, token=token)
    assert readable["data"]["feed"] == {"__typename": "PostConnection", "edges": []}
