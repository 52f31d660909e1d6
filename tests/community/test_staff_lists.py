"""The staff's community lists: the moderation queue of reports (`communityReports`, admin
and support only, oldest open first, keyset pages, the resolved filter, batched loads) and
an event's RSVPs with their waitlist positions (`Event.rsvps`, admin and marketer only)."""

import datetime as dt
import logging

from strawberry.relay import to_base64

from app.community import service
from app.community.models import Group, Post
from app.members.models import Role
from tests import factories
from tests.helpers import gql, member_token, staff_session

NOW = dt.datetime.now(dt.UTC)
REPORTS = """query($first: Int, $after: String, $resolved: Boolean) {
  communityReports(first: $first, after: $after, resolved: $resolved) {
    totalCount
    edges { cursor node { id reason createdAt resolvedAt hiddenAt
      reporter { id displayName }
      post { id text author { id displayName } }
      comment { id text author { displayName } }
      group { id name } } }
    pageInfo { hasNextPage hasPreviousPage endCursor } } }"""
RSVPS = """query($e: ID!, $first: Int, $after: String, $status: RsvpStatus) {
  node(id: $e) { ... on Event { title rsvps(first: $first, after: $after, status: $status) {
    edges { node { status waitlistPosition createdAt member { id displayName } } }
    pageInfo { hasNextPage endCursor } } } } }"""
EVENTS = """{ events(first: 20) { edges { node { title rsvps(first: 10) {
  edges { node { status waitlistPosition member { displayName } } } } } } } }"""


def gid(kind: str, pk: int) -> str:
    return to_base64(kind, pk)


async def _member(name: str):
    m = await factories.member(display_name=name)
    return m, await member_token(m)


async def _group(name: str = "Runners") -> Group:
    return await service.create_group(texts={"en": {"name": name}}, min_tier_code=None)


async def _post(group: Group, author, text: str) -> Post:
    await service.join(group_id=group.id, member_id=author.id)
    return await service.create_post(group_id=group.id, member_id=author.id, text=text)


def _query_count(caplog) -> int:
    return sum(1 for r in caplog.records if r.name.startswith("tortoise.db_client"))


async def test_only_moderators_read_the_queue(client):
    member, token = await _member("Reporter")
    group = await _group()
    post = await _post(group, member, "hello")
    await service.report(member_id=member.id, post_id=post.id, comment_id=None, reason="spam")
    marketer = (await staff_session(client, Role.MARKETER))["accessToken"]
    for who in (token, marketer):  # a member; a staff role without MODERATE_COMMUNITY
        body = await gql(client, REPORTS, {}, token=who)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    signed_out = await gql(client, REPORTS, {})
    assert signed_out["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    report_id = (await gql(client, REPORTS, {}, token=(await staff_session(
        client, Role.ADMIN))["accessToken"]))["data"]["communityReports"]["edges"][0]["node"]["id"]  # fmt: skip
    node = "query($id: ID!) { node(id: $id) { __typename ... on CommunityReport { reason } } }"
    assert (await gql(client, node, {"id": report_id}, token=marketer))["data"]["node"] is None
    support = (await staff_session(client, Role.SUPPORT))["accessToken"]
    found = await gql(client, node, {"id": report_id}, token=support)
    assert found["data"]["node"] == {"__typename": "CommunityReport", "reason": "spam"}


async def test_the_queue_oldest_open_first_in_pages_and_the_resolved_filter(client):
    group = await _group()
    author, _ = await _member("Sam Spammer")
    reporter, _ = await _member("Rob Reporter")
    posts = [await _post(group, author, f"post {i}") for i in range(5)]
    rude = await service.comment(post_id=posts[0].id, member_id=author.id, text="rude words")
    for i, post in enumerate(posts):
        await service.report(member_id=reporter.id, post_id=post.id, comment_id=None,
                             reason=f"reason {i}")  # fmt: skip
    await service.report(member_id=reporter.id, post_id=None, comment_id=rude.id, reason="insult")
    support = (await staff_session(client, Role.SUPPORT))["accessToken"]

    first = (await gql(client, REPORTS, {"first": 4}, token=support))["data"]["communityReports"]
    assert first["totalCount"] == 6
    assert [e["node"]["reason"] for e in first["edges"]] == [f"reason {i}" for i in range(4)]
    assert first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
    top = first["edges"][0]["node"]
    assert top["reporter"] == {"id": gid("Member", reporter.id), "displayName": "Rob Reporter"}
    assert top["post"]["text"] == "post 0" and top["comment"] is None
    assert top["post"]["author"]["displayName"] == "Sam Spammer"
    assert top["group"] == {"id": gid("Group", group.id), "name": "Runners"}
    assert top["resolvedAt"] is None and top["hiddenAt"] is None
    after = first["pageInfo"]["endCursor"]
    rest = (await gql(client, REPORTS, {"first": 4, "after": after}, token=support))["data"][
        "communityReports"]  # fmt: skip
    assert [e["node"]["reason"] for e in rest["edges"]] == ["reason 4", "insult"]
    assert not rest["pageInfo"]["hasNextPage"] and rest["pageInfo"]["hasPreviousPage"]
    on_comment = rest["edges"][1]["node"]
    assert on_comment["comment"]["text"] == "rude words"
    assert on_comment["post"]["text"] == "post 0"  # the post the comment is on
    assert on_comment["group"]["name"] == "Runners"

    # Hiding a post resolves its reports: it leaves the queue and shows under resolved.
    await service.hide(actor_id=reporter.id, post_id=posts[1].id, reason="spam")
    open_ = (await gql(client, REPORTS, {"first": 20}, token=support))["data"]["communityReports"]
    assert [e["node"]["reason"] for e in open_["edges"]] == [
        "reason 0", "reason 2", "reason 3", "reason 4", "insult"]  # fmt: skip
    done = (await gql(client, REPORTS, {"resolved": True}, token=support))["data"][
        "communityReports"]  # fmt: skip
    assert done["totalCount"] == 1
    (resolved,) = [e["node"] for e in done["edges"]]
    assert resolved["reason"] == "reason 1" and resolved["resolvedAt"] is not None
    assert resolved["hiddenAt"] is not None and resolved["post"]["text"] == "post 1"

    bad = await gql(client, REPORTS, {"after": "not-a-cursor"}, token=support)
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    too_many = await gql(client, REPORTS, {"first": 101}, token=support)
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_queue_page_costs_the_same_queries_whatever_its_size(client, caplog):
    support = (await staff_session(client, Role.SUPPORT))["accessToken"]
    reporter, _ = await _member("Rob Reporter")
    groups = [await _group(f"G{i}") for i in range(3)]
    for i in range(30):
        author, _ = await _member(f"Author {i}")
        post = await _post(groups[i % 3], author, f"post {i}")
        if i % 2:
            note = await service.comment(post_id=post.id, member_id=author.id, text=f"c{i}")
            await service.report(member_id=reporter.id, post_id=None, comment_id=note.id,
                                 reason=f"r{i}")  # fmt: skip
        else:
            await service.report(member_id=reporter.id, post_id=post.id, comment_id=None,
                                 reason=f"r{i}")  # fmt: skip

    async def queries(first: int) -> int:
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            body = await gql(client, REPORTS, {"first": first}, token=support)
        assert len(body["data"]["communityReports"]["edges"]) == first
        return _query_count(caplog)

    small, large = await queries(4), await queries(30)
    assert small == large, (small, large)
    assert large <= 14


async def _event(capacity: int = 2, title: str = "Gala"):
    return await service.create_event(
        texts={"en": {"title": title}}, starts_at=NOW + dt.timedelta(days=1),
        ends_at=NOW + dt.timedelta(days=1, hours=3), capacity=capacity, location="Hall",
        min_tier_code=None,
    )  # fmt: skip


async def test_organizers_see_an_events_list_and_waitlist_in_order(client):
    event = await _event(capacity=2)
    people = [(await _member(f"P{i}"))[0] for i in range(5)]
    for person in people:
        await service.rsvp(event_id=event.id, member_id=person.id)
    await service.cancel_rsvp(event_id=event.id, member_id=people[0].id)  # P2 gets the place
    marketer = (await staff_session(client, Role.MARKETER))["accessToken"]
    e = gid("Event", event.id)

    body = await gql(client, RSVPS, {"e": e}, token=marketer)
    rows = [(r["node"]["member"]["displayName"], r["node"]["status"],
             r["node"]["waitlistPosition"])
            for r in body["data"]["node"]["rsvps"]["edges"]]  # fmt: skip
    assert rows == [("P0", "CANCELLED", None), ("P1", "CONFIRMED", None),
                    ("P2", "CONFIRMED", None), ("P3", "WAITLISTED", 1),
                    ("P4", "WAITLISTED", 2)]  # fmt: skip
    assert body["data"]["node"]["rsvps"]["edges"][1]["node"]["member"]["id"] == gid(
        "Member", people[1].id)  # fmt: skip

    # Pages keep the waitlist positions; the status filter.
    waiting = await gql(client, RSVPS, {"e": e, "first": 1, "status": "WAITLISTED"},
                        token=marketer)  # fmt: skip
    page = waiting["data"]["node"]["rsvps"]
    assert [r["node"]["waitlistPosition"] for r in page["edges"]] == [1]
    assert page["pageInfo"]["hasNextPage"]
    after = page["pageInfo"]["endCursor"]
    nxt = await gql(client, RSVPS, {"e": e, "first": 1, "after": after, "status": "WAITLISTED"},
                    token=marketer)  # fmt: skip
    (only,) = nxt["data"]["node"]["rsvps"]["edges"]
    assert only["node"]["member"]["displayName"] == "P4" and only["node"]["waitlistPosition"] == 2
    mixed = await gql(client, RSVPS, {"e": e, "first": 3}, token=marketer)
    cursor = mixed["data"]["node"]["rsvps"]["pageInfo"]["endCursor"]
    tail = await gql(client, RSVPS, {"e": e, "after": cursor}, token=marketer)
    assert [(r["node"]["member"]["displayName"], r["node"]["waitlistPosition"])
            for r in tail["data"]["node"]["rsvps"]["edges"]] == [("P3", 1), ("P4", 2)]  # fmt: skip
    confirmed = await gql(client, RSVPS, {"e": e, "status": "CONFIRMED"}, token=marketer)
    assert [r["node"]["member"]["displayName"]
            for r in confirmed["data"]["node"]["rsvps"]["edges"]] == ["P1", "P2"]  # fmt: skip
    too_many = await gql(client, RSVPS, {"e": e, "first": 101}, token=marketer)
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_only_organizers_read_rsvps_and_events_batch(client, caplog):
    events = [await _event(capacity=1, title=f"E{i}") for i in range(6)]
    for i, event in enumerate(events):
        for j in range(3):
            person, _ = await _member(f"E{i}P{j}")
            await service.rsvp(event_id=event.id, member_id=person.id)
    _, token = await _member("Curious")
    support = (await staff_session(client, Role.SUPPORT))["accessToken"]
    for who in (token, support):  # a member; a staff role without ORGANIZE_COMMUNITY
        body = await gql(client, EVENTS, token=who)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert body["errors"][0]["path"][-1] == "rsvps"
    admin = (await staff_session(client, Role.ADMIN))["accessToken"]
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        body = await gql(client, EVENTS, token=admin)
    edges = body["data"]["events"]["edges"]
    assert len(edges) == 6
    assert [(r["node"]["status"], r["node"]["waitlistPosition"])
            for r in edges[0]["node"]["rsvps"]["edges"]] == [
        ("CONFIRMED", None), ("WAITLISTED", 1), ("WAITLISTED", 2)]  # fmt: skip
    assert edges[5]["node"]["rsvps"]["edges"][2]["node"]["member"]["displayName"] == "E5P2"
    assert _query_count(caplog) <= 8  # one page of RSVPs and one of members for all events
