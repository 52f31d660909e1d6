"""Relay everywhere (issue 15 item 4): the types that gained `Node` resolve through
`node(id:)`/`nodes` with the role policy, and answer null for what the caller may not see,
what does not exist and malformed ids (no error, no existence oracle)."""

import datetime as dt

from strawberry.relay import to_base64

from app.campaigns import service as campaigns
from app.community import service as community
from app.members.models import Role
from app.segments.rules import Segment
from tests import factories
from tests.helpers import (
    RECORD_PURCHASE,
    gql,
    integration_token,
    member_token,
    purchase_input,
    staff_session,
)

NOW = dt.datetime.now(dt.UTC)
NODE = "query($id: ID!) { node(id: $id) { __typename id } }"


async def _node(client, gid: str, token: str | None) -> dict | None:
    body = await gql(client, NODE, {"id": gid}, token=token)
    assert "errors" not in body, body
    return body["data"]["node"]


async def test_community_nodes_resolve_unless_hidden_or_gone(client):
    writer = await factories.member(display_name="Writer")
    token = await member_token(writer)
    group = await community.create_group(texts={"en": {"name": "Runners"}}, min_tier_code=None)
    await community.join(group_id=group.id, member_id=writer.id)
    post = await community.create_post(group_id=group.id, member_id=writer.id, text="hello")
    comment = await community.comment(post_id=post.id, member_id=writer.id, text="first")
    event = await community.create_event(
        texts={"en": {"title": "Run"}}, starts_at=NOW + dt.timedelta(days=1),
        ends_at=NOW + dt.timedelta(days=2), capacity=5, location=None, min_tier_code=None,
    )  # fmt: skip
    for kind, pk in (("Group", group.id), ("Post", post.id), ("Comment", comment.id),
                     ("Event", event.id)):  # fmt: skip
        gid = to_base64(kind, pk)
        assert await _node(client, gid, token) == {"__typename": kind, "id": gid}
        # signed out: nothing; an unknown id of the same type: null, not an error
        assert await _node(client, gid, None) is None
        assert await _node(client, to_base64(kind, pk + 10_000), token) is None
        assert await _node(client, to_base64(kind, "x1"), token) is None

    # a post's fields come through the same builder as the feed
    full = await gql(client, "query($id: ID!) { node(id: $id) { ... on Post { text author "
                     "{ displayName } commentCount } } }", {"id": to_base64("Post", post.id)},
                     token=token)  # fmt: skip
    assert full["data"]["node"] == {"text": "hello", "author": {"displayName": "Writer"},
                                    "commentCount": 1}  # fmt: skip

    # hidden post: the post and its comments are gone for node(id:)
    admin = await factories.member(display_name="Admin", role=Role.ADMIN)
    await community.hide(actor_id=admin.id, post_id=post.id, reason="spam")
    assert await _node(client, to_base64("Post", post.id), token) is None
    assert await _node(client, to_base64("Comment", comment.id), token) is None


async def test_purchase_node_is_its_members_own(client):
    till = await integration_token(client, "purchases:write")
    buyer = await factories.member()
    other = await factories.member()
    data = purchase_input(to_base64("Member", buyer.id), "relay-1")
    recorded = await gql(client, RECORD_PURCHASE, {"input": data}, token=till)
    gid = recorded["data"]["recordPurchase"]["purchase"]["id"]
    assert await _node(client, gid, await member_token(buyer)) == {"__typename": "Purchase",
                                                                   "id": gid}  # fmt: skip
    assert await _node(client, gid, await member_token(other)) is None
    assert await _node(client, gid, till) is None  # clients: never through node
    support = await staff_session(client, Role.SUPPORT)
    assert (await _node(client, gid, support["accessToken"]))["id"] == gid
    marketer = await staff_session(client, Role.MARKETER)
    assert await _node(client, gid, marketer["accessToken"]) is None


async def test_campaign_node_is_for_campaign_staff(client):
    campaign = await campaigns.create_campaign(
        fields=campaigns.CampaignFields(name="Winter", segment=Segment(),
                                        variants={"en": {"title": "Hi", "body": "Hello"}}),
        actor_id=None,
    )  # fmt: skip
    gid = to_base64("Campaign", campaign.id)
    marketer = await staff_session(client, Role.MARKETER)
    assert await _node(client, gid, marketer["accessToken"]) == {"__typename": "Campaign",
                                                                 "id": gid}  # fmt: skip
    support = await staff_session(client, Role.SUPPORT)
    assert await _node(client, gid, support["accessToken"]) is None
    member = await factories.member()
    assert await _node(client, gid, await member_token(member)) is None


FEED = """query($g: ID!, $last: Int, $before: String) {
  feed(groupId: $g, last: $last, before: $before) {
    __typename
    ... on PostConnection { totalCount edges { node { text } cursor }
      pageInfo { hasPreviousPage hasNextPage startCursor endCursor } }
    ... on InvalidInput { fields { field code } } } }"""


async def test_feed_pages_backward_and_counts(client):
    writer = await factories.member()
    token = await member_token(writer)
    group = await community.create_group(texts={"en": {"name": "Runners"}}, min_tier_code=None)
    await community.join(group_id=group.id, member_id=writer.id)
    posts = [await community.create_post(group_id=group.id, member_id=writer.id, text=f"p{i}")
             for i in range(1, 6)]  # fmt: skip
    g = to_base64("Group", group.id)

    async def feed(last, before=None) -> dict:
        body = await gql(client, FEED, {"g": g, "last": last, "before": before}, token=token)
        assert "errors" not in body, body
        return body["data"]["feed"]

    def texts(page):
        return [e["node"]["text"] for e in page["edges"]]

    # the feed is newest first: p5 p4 p3 p2 p1; `last` takes from its end
    oldest = await feed(2)
    assert texts(oldest) == ["p2", "p1"]
    assert oldest["pageInfo"] | {"startCursor": None, "endCursor": None} == {
        "hasPreviousPage": True,
        "hasNextPage": False,
        "startCursor": None,
        "endCursor": None,
    }
    assert oldest["totalCount"] == 5
    middle = await feed(2, oldest["pageInfo"]["startCursor"])
    assert texts(middle) == ["p4", "p3"]
    assert (middle["pageInfo"]["hasPreviousPage"], middle["pageInfo"]["hasNextPage"]) == (
        True,
        True,
    )
    newest = await feed(2, middle["pageInfo"]["startCursor"])
    assert texts(newest) == ["p5"]
    assert (newest["pageInfo"]["hasPreviousPage"], newest["pageInfo"]["hasNextPage"]) == (
        False,
        True,
    )
    assert texts(await feed(5)) == ["p5", "p4", "p3", "p2", "p1"]
    assert (await feed(5))["pageInfo"]["hasPreviousPage"] is False

    # before the newest post: nothing, and everything after it is still there
    empty = await feed(3, newest["pageInfo"]["startCursor"])
    assert empty["edges"] == [] and empty["pageInfo"]["hasNextPage"] is True

    too_many = await feed(101)
    assert too_many["fields"] == [{"field": "last", "code": "INVALID_VALUE"}]
    assert (await feed(2, "not-a-cursor"))["fields"] == [
        {"field": "before", "code": "INVALID_VALUE"}
    ]

    admin = await factories.member(role=Role.ADMIN)
    await community.hide(actor_id=admin.id, post_id=posts[0].id, reason="spam")
    assert (await feed(1))["totalCount"] == 4


async def test_offer_cursor_survives_an_insert_above_it(client):
    from app.offers.service import encode_position
    from tests.offers.test_offers import HOUR, OFFERS, _offer

    for n in range(4):
        await _offer(f"o{n}", starts_at=NOW - (n + 2) * HOUR)  # newest start ranks first
    member = await factories.member()
    token = await member_token(member)

    async def page(first, after=None) -> dict:
        body = await gql(client, OFFERS, {"first": first, "after": after}, token=token)
        assert "errors" not in body, body
        return body["data"]["offers"]

    first = await page(2)
    assert [e["node"]["title"] for e in first["edges"]] == ["o0", "o1"]
    await _offer("inserted", starts_at=NOW - HOUR)  # ranks above everything shown so far
    second = await page(2, first["pageInfo"]["endCursor"])
    assert [e["node"]["title"] for e in second["edges"]] == ["o2", "o3"]
    assert second["pageInfo"]["hasNextPage"] is False
    # a position cursor a client still holds keeps working (it shifts, as it always did)
    old = await page(2, encode_position(1))
    assert [e["node"]["title"] for e in old["edges"]] == ["o1", "o2"]
    bad = await gql(client, OFFERS, {"first": 2, "after": "cjoxOjI6eDo1"}, token=token)
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_device_and_webhook_endpoint_nodes(client):
    from app.integrations.models import WebhookEndpoint
    from app.messaging import service as messaging
    from app.messaging.models import Platform
    from tests.messaging.test_messaging import TOKEN

    owner, other = await factories.member(), await factories.member()
    device = await messaging.register_device(member_id=owner.id, token=TOKEN, platform=Platform.IOS)
    gid = to_base64("Device", device.id)
    assert (await _node(client, gid, await member_token(owner)))["id"] == gid
    assert await _node(client, gid, await member_token(other)) is None
    admin = (await staff_session(client, Role.ADMIN))["accessToken"]
    assert await _node(client, gid, admin) is None  # a member's devices: theirs alone

    endpoint = await WebhookEndpoint.create(url="https://crm.example.com/h", secret="s")
    gid = to_base64("WebhookEndpoint", endpoint.id)
    assert (await _node(client, gid, admin))["id"] == gid
    marketer = (await staff_session(client, Role.MARKETER))["accessToken"]
    assert await _node(client, gid, marketer) is None
    assert await _node(client, gid, await member_token(owner)) is None


async def test_inbox_pages_backward(client):
    from app.messaging import service as messaging
    from app.messaging.models import MessageCategory

    member = await factories.member()
    token = await member_token(member)
    for n in range(3):
        await messaging.send_message(member_id=member.id, category=MessageCategory.REWARDS,
                                     title=f"m{n}", body="b", deep_link=None)  # fmt: skip
    inbox = """query($last: Int, $before: String) { me { inbox(last: $last, before: $before) {
      edges { node { title } } pageInfo { hasPreviousPage hasNextPage startCursor } } } }"""

    async def page(last, before=None):
        body = await gql(client, inbox, {"last": last, "before": before}, token=token)
        assert "errors" not in body, body
        found = body["data"]["me"]["inbox"]
        info = found["pageInfo"]
        titles = [e["node"]["title"] for e in found["edges"]]
        return titles, info["hasPreviousPage"], info["hasNextPage"], info["startCursor"]

    # newest first: m2 m1 m0
    titles, previous, following, start = await page(2)
    assert (titles, previous, following) == (["m1", "m0"], True, False)
    titles, previous, following, _ = await page(2, start)
    assert (titles, previous, following) == (["m2"], False, True)


async def test_tier_gated_group_looks_like_no_group(client):
    from tests.community.test_community import _gold_tier, _member

    await _gold_tier()
    group = await community.create_group(texts={"en": {"name": "Gold"}}, min_tier_code="gold")
    _, plain = await _member("Plain")
    _, gold = await _member("Gold", tier="gold")
    gid = to_base64("Group", group.id)
    assert await _node(client, gid, plain) is None
    assert (await _node(client, gid, gold))["id"] == gid


async def test_earning_config_and_webhook_delivery_nodes(client):
    import uuid

    from app.earning.models import BonusWindow, EarningMultiplier
    from app.integrations.models import WebhookDelivery, WebhookEndpoint

    multiplier = await EarningMultiplier.create(target="category", value="coffee", multiplier=2)
    window = await BonusWindow.create(name="Double", starts_at=NOW,
                                      ends_at=NOW + dt.timedelta(days=1), multiplier=2)  # fmt: skip
    endpoint = await WebhookEndpoint.create(url="https://crm.example.com/h", secret="s")
    delivery = await WebhookDelivery.create(endpoint_id=endpoint.id, event_id=uuid.uuid4(),
                                            event_type="points.earned", payload={})  # fmt: skip
    admin = (await staff_session(client, Role.ADMIN))["accessToken"]
    marketer = (await staff_session(client, Role.MARKETER))["accessToken"]
    support = (await staff_session(client, Role.SUPPORT))["accessToken"]
    member = await member_token(await factories.member())

    # the global ids earningRules already handed out resolve to the same objects
    rules = await gql(client, "{ earningRules { multipliers { id } bonusWindows { id } } }",
                      token=marketer)  # fmt: skip
    m_gid = to_base64("EarningMultiplier", multiplier.id)
    w_gid = to_base64("BonusWindow", window.id)
    assert rules["data"]["earningRules"] == {"multipliers": [{"id": m_gid}],
                                             "bonusWindows": [{"id": w_gid}]}  # fmt: skip
    for gid, kind in ((m_gid, "EarningMultiplier"), (w_gid, "BonusWindow")):
        assert await _node(client, gid, marketer) == {"__typename": kind, "id": gid}
        assert (await _node(client, gid, admin))["id"] == gid
        assert await _node(client, gid, support) is None
        assert await _node(client, gid, member) is None
        assert await _node(client, gid, None) is None
    assert await _node(client, to_base64("BonusWindow", window.id + 999), marketer) is None

    d_gid = to_base64("WebhookDelivery", delivery.id)
    log = await gql(client, "{ webhookDeliveries { edges { node { id } } } }", token=admin)
    assert log["data"]["webhookDeliveries"]["edges"] == [{"node": {"id": d_gid}}]
    assert await _node(client, d_gid, admin) == {"__typename": "WebhookDelivery", "id": d_gid}
    assert await _node(client, d_gid, marketer) is None
    assert await _node(client, d_gid, member) is None


NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"


async def test_nodes_answers_each_id_in_order_null_when_not_visible(client):
    from app.earning.models import EarningMultiplier

    owner, other = await factories.member(), await factories.member()
    multiplier = await EarningMultiplier.create(target="sku", value="A1", multiplier=3)
    mine, theirs = to_base64("Member", owner.id), to_base64("Member", other.id)
    m_gid = to_base64("EarningMultiplier", multiplier.id)
    ids = [mine, theirs, m_gid, to_base64("Nope", 1), mine, to_base64("Member", "x")]
    body = await gql(client, NODES, {"ids": ids}, token=await member_token(owner))
    assert "errors" not in body, body
    me = {"__typename": "Member", "id": mine}
    assert body["data"]["nodes"] == [me, None, None, None, me, None]
    marketer = (await staff_session(client, Role.MARKETER))["accessToken"]
    body = await gql(client, NODES, {"ids": [m_gid, mine]}, token=marketer)
    assert body["data"]["nodes"] == [{"__typename": "EarningMultiplier", "id": m_gid}, None]
    assert (await gql(client, NODES, {"ids": []}))["data"]["nodes"] == []

    too_many = await gql(client, NODES, {"ids": [mine] * 101}, token=marketer)
    assert too_many["data"] is None
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", too_many


async def test_nodes_is_counted_by_the_cost_limit(client):
    from graphql import parse

    from app.graphql import limits
    from app.graphql.schema import build_schema
    from app.settings import Settings

    schema = build_schema(Settings())._schema

    def cost(query: str, variables=None) -> int:
        document = parse(query)
        return limits.measure(schema, document, variables or {}).cost

    deep = """query($ids: [ID!]!) { nodes(ids: $ids) {
      ... on Member { activity(last: 100) { edges { node { id } } } } } }"""
    assert cost(deep, {"ids": ["a"] * 100}) >= 100 * 100
    literal = '{ nodes(ids: ["a", "b", "c"]) { id } }'
    assert cost(literal) == cost('{ nodes(ids: ["a"]) { id } }') + 2 * 1
    # not known before execution: counted as the most it may be
    assert cost("query($ids: [ID!]!) { nodes(ids: $ids) { id } }") == cost(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["a"] * 100}
    )


ACTIVITY = """query($last: Int, $before: String, $after: String, $kind: PointsTransactionKind) {
  me { activity(last: $last, before: $before, after: $after, kind: $kind) { totalCount
    edges { node { points } } pageInfo { hasPreviousPage hasNextPage startCursor endCursor } } } }"""


async def _transactions(member, *points: int, kind: str = "adjustment") -> None:
    from app.ledger.models import PointsTransaction

    for p in points:
        await PointsTransaction.create(member_id=member.id, kind=kind, points=p,
                                       available_delta=p, pending_delta=0)  # fmt: skip


async def test_activity_pages_backward_and_counts(client):
    member = await factories.member()
    token = await member_token(member)
    await _transactions(member, 1, 2, 3, 4, 5)

    async def page(**variables) -> dict:
        body = await gql(client, ACTIVITY, variables, token=token)
        assert "errors" not in body, body
        return body["data"]["me"]["activity"]

    def points(found):
        return [e["node"]["points"] for e in found["edges"]]

    def flags(found):
        return found["pageInfo"]["hasPreviousPage"], found["pageInfo"]["hasNextPage"]

    # newest first: 5 4 3 2 1; `last` takes from the end
    oldest = await page(last=2)
    assert (points(oldest), flags(oldest), oldest["totalCount"]) == ([2, 1], (True, False), 5)
    middle = await page(last=2, before=oldest["pageInfo"]["startCursor"])
    assert (points(middle), flags(middle)) == ([4, 3], (True, True))
    newest = await page(last=2, before=middle["pageInfo"]["startCursor"])
    assert (points(newest), flags(newest)) == ([5], (False, True))
    assert flags(await page(last=5)) == (False, False)
    empty = await page(last=3, before=newest["pageInfo"]["startCursor"])
    assert (points(empty), flags(empty)) == ([], (False, True))
    # `before` alone: the default page size; with `after`: only what lies between
    assert points(await page(before=oldest["pageInfo"]["endCursor"])) == [5, 4, 3, 2]
    between = await page(last=10, before=oldest["pageInfo"]["endCursor"],
                         after=newest["pageInfo"]["startCursor"])  # fmt: skip
    assert (points(between), flags(between)) == ([4, 3, 2], (False, True))

    # the kind filter applies to the page and to the count
    await _transactions(member, 100, kind="bonus")
    bonuses = await page(last=5, kind="BONUS")
    assert (points(bonuses), bonuses["totalCount"]) == ([100], 1)
    assert (await page(last=1))["totalCount"] == 6

    for variables, field in (({"last": 101}, "last"), ({"last": -1}, "last"),
                             ({"last": 1, "before": "nope"}, "before"),
                             ({"last": 1, "after": "nope"}, "after")):  # fmt: skip
        bad = await gql(client, ACTIVITY, variables, token=token)
        error = bad["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", bad
        assert [f["field"] for f in error["extensions"]["fields"]] == [field], bad


async def test_activity_backward_for_a_list_of_members_in_one_batch(client):
    a, b = await factories.member(display_name="Ada"), await factories.member(display_name="Bo")
    await _transactions(a, 1, 2, 3)
    await _transactions(b, 10)
    support = (await staff_session(client, Role.SUPPORT))["accessToken"]
    query = """query($a: ID!, $b: ID!) {
      a: member(id: $a) { activity(last: 2) { totalCount edges { node { points } }
        pageInfo { hasPreviousPage hasNextPage } } }
      b: member(id: $b) { activity(last: 2) { totalCount edges { node { points } }
        pageInfo { hasPreviousPage hasNextPage } } } }"""
    body = await gql(client, query, {"a": to_base64("Member", a.id), "b": to_base64("Member", b.id)},
                     token=support)  # fmt: skip
    assert "errors" not in body, body
    found = {k: v["activity"] for k, v in body["data"].items()}
    assert [e["node"]["points"] for e in found["a"]["edges"]] == [2, 1]
    assert found["a"]["pageInfo"] == {"hasPreviousPage": True, "hasNextPage": False}
    assert found["a"]["totalCount"] == 3
    assert [e["node"]["points"] for e in found["b"]["edges"]] == [10]
    assert found["b"]["pageInfo"] == {"hasPreviousPage": False, "hasNextPage": False}
    assert found["b"]["totalCount"] == 1


async def test_inbox_total_count(client):
    from app.messaging import service as messaging
    from app.messaging.models import MessageCategory

    member = await factories.member()
    token = await member_token(member)
    other = await factories.member()
    for who, n in ((member, 3), (other, 2)):
        for i in range(n):
            await messaging.send_message(member_id=who.id, category=MessageCategory.REWARDS,
                                         title=f"m{i}", body="b", deep_link=None)  # fmt: skip
    first = (await messaging.inbox_page(member_id=member.id, first=1, after=None)).items[0]
    await messaging.mark_read(member_id=member.id, message_id=first.id)
    query = """query($u: Boolean!) { me { inbox(first: 1, unreadOnly: $u) { totalCount
      unreadCount edges { node { title } } } } }"""
    body = await gql(client, query, {"u": False}, token=token)
    assert body["data"]["me"]["inbox"]["totalCount"] == 3
    body = await gql(client, query, {"u": True}, token=token)
    assert (body["data"]["me"]["inbox"]["totalCount"],
            body["data"]["me"]["inbox"]["unreadCount"]) == (2, 2)  # fmt: skip


async def test_an_adjustment_request_is_hidden_once_its_requester_leaves_support(client):
    """A support account sees its own correction requests only while it may correct."""
    from app.ledger import adjustments
    from app.members import service as members

    victim = await factories.member()
    requester = await factories.member(role=Role.SUPPORT)
    request = await adjustments.request_adjustment(
        member_id=victim.id, points=999_999, reason="goodwill", staff_id=requester.id,
        expires_at=None, threshold=1,
    )  # fmt: skip
    assert request.pending is not None, request
    gid = to_base64("AdjustmentApproval", request.pending.id)
    assert await _node(client, gid, await member_token(requester)) is not None
    for role in (Role.MARKETER, Role.MEMBER):
        await members.set_role(email=requester.email, role=role)
        moved = await members.Member.get(id=requester.id)
        assert await _node(client, gid, await member_token(moved)) is None, role


def test_plain_node_ids_answer_what_strawberrys_resolver_answers():
    """app.graphql.schema.plain_node_ids replaces Strawberry's `Node._id` resolver of the
    Node types: the ids must stay the same, byte for byte, for every type it changes."""
    import strawberry
    from strawberry import relay

    from app.graphql.schema import build_schema, plain_node_ids
    from app.settings import Settings

    app_schema = build_schema(Settings())
    names = plain_node_ids(app_schema)
    assert {"Member", "Offer", "Post", "InboxMessage", "PointsTransaction"} <= set(names)
    types = [app_schema.get_type_by_name(n).origin for n in names]

    @strawberry.type
    class Query:
        @strawberry.field
        def nodes(self) -> list[relay.Node]:
            found = []
            for k, cls in enumerate(types):
                node = cls.__new__(cls)
                setattr(node, cls.resolve_id_attr(), 1000 + k)
                found.append(node)
            return found

    document = "{ nodes { __typename id } }"
    strawberrys = strawberry.Schema(query=Query, types=types).execute_sync(document)
    plain = strawberry.Schema(query=Query, types=types)
    assert sorted(plain_node_ids(plain)) == sorted(names)
    ours = plain.execute_sync(document)
    assert strawberrys.errors is None and ours.errors is None
    assert ours.data == strawberrys.data and len(ours.data["nodes"]) == len(names)
    assert ours.data["nodes"][0]["id"] == relay.to_base64(names[0], 1000)
