"""The community: groups, feed, comments, reactions, moderation, events with a waitlist, and
feedPostAdded; bounded queries per feed page; typed refusals that write nothing."""

import asyncio
import datetime as dt
import json
import logging
from decimal import Decimal

import pytest
from strawberry.relay import to_base64

from app.community import service
from app.community.models import (
    Comment,
    Event,
    Group,
    ModerationAction,
    ModerationLog,
    Post,
    Reaction,
    ReactionKind,
    Rsvp,
    RsvpStatus,
)
from app.db import transaction
from app.members.models import Member, Role
from app.tiers import service as tiers
from app.tiers.models import Basis, MemberTier, Window
from tests import factories
from tests.graphql.test_websocket import _connect, _recv
from tests.helpers import gql, member_token, staff_session

NOW = dt.datetime.now(dt.UTC)
FEED = """query($g: ID!, $first: Int) { feed(groupId: $g, first: $first) {
  ... on PostConnection { edges { node { id text author { displayName } commentCount myReaction
                 reactions { kind count } } } } } }"""
POST = """mutation($g: ID!, $text: String!) { createPost(groupId: $g, text: $text) {
  __typename ... on Post { id } ... on UserError { code }
  ... on InvalidInput { fields { field code } } ... on PostingNotAllowed { reason }
  ... on SlowDown { retryAfterSeconds } ... on NotEligible { tier } } }"""
RSVP = """mutation($e: ID!) { rsvp(eventId: $e) {
  __typename ... on Rsvp { status waitlistPosition event { placesLeft } } ... on UserError { code } } }"""
CANCEL_RSVP = """mutation($e: ID!) { cancelRsvp(eventId: $e) {
  __typename ... on Rsvp { status } ... on UserError { code } } }"""


async def _member(name="Member", tier=None):
    m = await factories.member(display_name=name)
    if tier:
        program = await tiers.current_program()
        await MemberTier.create(member_id=m.id,
                                tier_id=next(t.id for t in program.tiers if t.code == tier))  # fmt: skip
    return m, await member_token(m)


async def _gold_tier():
    await tiers.update_policy(basis=Basis.SPEND, window=Window.ROLLING, window_months=12,
                              grace_days=30, spend_currency="EUR")  # fmt: skip
    await tiers.save_tier(code="gold", rank=1, threshold=50_000, earn_multiplier=Decimal(1),
                          texts={"en": {"name": "Gold", "benefits": []}})  # fmt: skip


async def _group(min_tier=None) -> Group:
    return await service.create_group(texts={"en": {"name": "Runners"}}, min_tier_code=min_tier)


def gid(kind, pk):
    return to_base64(kind, pk)


async def test_feed_page_queries_do_not_grow_with_its_size(client, caplog):
    group = await _group()
    me, token = await _member("Me")
    authors = [await _member(f"Author {i}") for i in range(5)]
    for member, _ in [*authors, (me, token)]:
        await service.join(group_id=group.id, member_id=member.id)
    posts = []
    for i in range(60):
        author = authors[i % 5][0]
        posts.append(await Post.create(group_id=group.id, author_id=author.id, text=f"p{i}"))
    for post in posts[::3]:
        await Comment.create(post_id=post.id, author_id=me.id, text="nice")
        await Reaction.create(post_id=post.id, member_id=me.id, kind=ReactionKind.LOVE)

    async def queries(first: int) -> tuple[int, list]:
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            body = await gql(client, FEED, {"g": gid("Group", group.id), "first": first},
                             token=token)  # fmt: skip
        count = sum(1 for r in caplog.records if r.name.startswith("tortoise.db_client"))
        return count, body["data"]["feed"]["edges"]

    small, edges = await queries(10)
    large, edges = await queries(50)
    assert len(edges) == 50
    assert small == large, (small, large)  # a bounded number, whatever the page size
    assert large <= 12
    newest = edges[0]["node"]
    assert newest["text"] == "p59" and newest["author"]["displayName"] == "Author 4"
    loved = next(e["node"] for e in edges if e["node"]["text"] == "p57")
    assert loved["commentCount"] == 1 and loved["myReaction"] == "LOVE"
    assert loved["reactions"] == [{"kind": "LOVE", "count": 1}]


async def test_the_feed_names_its_authors_as_they_are_now(client):
    """Authors' names come with the page (members.display_name_of) and backward pages load
    them: both say what the account says now, and "Member" when it has no name (erased)."""
    group = await _group()
    me, token = await _member("Me")
    named, _ = await _member("Before")
    nameless, _ = await _member("Gone")
    for member in (me, named, nameless):
        await service.join(group_id=group.id, member_id=member.id)
    await Post.create(group_id=group.id, author_id=named.id, text="a")
    await Post.create(group_id=group.id, author_id=nameless.id, text="b")
    await Member.filter(id=named.id).update(display_name="After")
    await Member.filter(id=nameless.id).update(display_name=None)
    for args in ({"first": 10}, {"last": 10}):
        query = ("query($g: ID!, $first: Int, $last: Int) { feed(groupId: $g, first: $first, "
                 "last: $last) { ... on PostConnection { edges { node { text author { id "
                 "displayName } } } } } }")  # fmt: skip
        body = await gql(client, query, {"g": gid("Group", group.id), **args}, token=token)
        names = {e["node"]["text"]: e["node"]["author"] for e in body["data"]["feed"]["edges"]}
        assert names == {"a": {"id": gid("Member", named.id), "displayName": "After"},
                         "b": {"id": gid("Member", nameless.id), "displayName": "Member"}}, args  # fmt: skip


async def test_bad_input_is_typed_and_writes_nothing(client):
    await _gold_tier()
    gated = await _group(min_tier="gold")
    open_group = await _group()
    member, token = await _member()
    await service.join(group_id=open_group.id, member_id=member.id)

    refused = await gql(client, POST, {"g": gid("Group", gated.id), "text": "hi"}, token=token)
    assert refused["data"]["createPost"] == {"__typename": "NotEligible", "code": "NOT_ELIGIBLE",
                                             "tier": "Gold"}  # fmt: skip
    too_long = await gql(client, POST, {"g": gid("Group", open_group.id), "text": "x" * 2001},
                         token=token)  # fmt: skip
    assert too_long["data"]["createPost"]["fields"] == [{"field": "text", "code": "TOO_LONG"}]
    not_joined = await _group()
    body = await gql(client, POST, {"g": gid("Group", not_joined.id), "text": "hi"}, token=token)
    assert body["data"]["createPost"]["reason"] == "NOT_A_MEMBER"

    post = await service.create_post(group_id=open_group.id, member_id=member.id, text="hello")
    admin, _ = await _member("Admin")
    await service.hide(actor_id=admin.id, post_id=post.id, reason="spam")
    react = """mutation($p: ID!) { reactToPost(postId: $p, kind: LIKE) {
      __typename ... on UserError { code } } }"""
    hidden = await gql(client, react, {"p": gid("Post", post.id)}, token=token)
    assert hidden["data"]["reactToPost"]["__typename"] == "PostNotFound"

    event = await service.create_event(texts={"en": {"title": "Run"}}, starts_at=NOW + dt.timedelta(days=1), ends_at=NOW + dt.timedelta(days=2),
                                       capacity=5, location=None, min_tier_code=None)  # fmt: skip
    first = await gql(client, RSVP, {"e": gid("Event", event.id)}, token=token)
    assert first["data"]["rsvp"]["status"] == "CONFIRMED"
    twice = await gql(client, RSVP, {"e": gid("Event", event.id)}, token=token)
    assert twice["data"]["rsvp"]["__typename"] == "AlreadyRsvped"

    assert await Post.all().count() == 1
    assert await Reaction.all().count() == 0
    assert await Rsvp.all().count() == 1
    assert (await Event.get(id=event.id)).confirmed == 1


async def test_moderation_hides_mutes_bans_with_an_audit_trail(client):
    group = await _group()
    member, token = await _member("Poster")
    await service.join(group_id=group.id, member_id=member.id)
    support = await staff_session(client, Role.SUPPORT)
    staff_token = support["accessToken"]
    g = gid("Group", group.id)
    first = (await gql(client, POST, {"g": g, "text": "first"}, token=token))["data"]
    post_gid = first["createPost"]["id"]

    report = """mutation($p: ID!) { reportContent(postId: $p, reason: "rude") {
      __typename } }"""
    assert (await gql(client, report, {"p": post_gid}, token=token))["data"]["reportContent"][
        "__typename"] == "Done"  # fmt: skip
    hide = """mutation($p: ID!) { hideContent(postId: $p, reason: "rude") { __typename } }"""
    denied = await gql(client, hide, {"p": post_gid}, token=token)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gql(client, hide, {"p": post_gid}, token=staff_token))["data"]
    feed = await gql(client, FEED, {"g": g, "first": 10}, token=token)
    assert feed["data"]["feed"]["edges"] == []  # hidden posts leave the feed

    moderate = """mutation($g: ID!, $m: ID!, $a: ModerationAction!, $until: DateTime) {
      moderateMember(groupId: $g, member: $m, action: $a, reason: "cool off", until: $until) {
        __typename ... on InvalidInput { fields { field code } } } }"""
    m = gid("Member", member.id)
    until = (NOW + dt.timedelta(hours=1)).isoformat()
    assert (await gql(client, moderate, {"g": g, "m": m, "a": "MUTE", "until": until},
                      token=staff_token))["data"]["moderateMember"]["__typename"] == "Done"  # fmt: skip
    muted = await gql(client, POST, {"g": g, "text": "again"}, token=token)
    assert muted["data"]["createPost"]["reason"] == "MUTED"
    await gql(client, moderate, {"g": g, "m": m, "a": "BAN"}, token=staff_token)
    banned = await gql(client, POST, {"g": g, "text": "again"}, token=token)
    assert banned["data"]["createPost"]["reason"] == "BANNED"
    await gql(client, moderate, {"g": g, "m": m, "a": "UNBAN"}, token=staff_token)
    assert (await gql(client, POST, {"g": g, "text": "back"}, token=token))["data"][
        "createPost"]["__typename"] == "Post"  # fmt: skip
    log = [row.action for row in await ModerationLog.all().order_by("id")]
    assert log == [ModerationAction.HIDE_POST, ModerationAction.MUTE, ModerationAction.BAN,
                   ModerationAction.UNBAN]  # fmt: skip


async def test_posting_is_rate_limited(client):
    group = await _group()
    member, token = await _member()
    await service.join(group_id=group.id, member_id=member.id)
    g = gid("Group", group.id)
    kinds = [(await gql(client, POST, {"g": g, "text": f"p{i}"}, token=token))["data"][
        "createPost"]["__typename"] for i in range(service.POSTS_PER_WINDOW + 1)]  # fmt: skip
    assert kinds == ["Post"] * service.POSTS_PER_WINDOW + ["SlowDown"]
    assert await Post.all().count() == service.POSTS_PER_WINDOW


async def test_waitlist_promotes_in_order(client):
    event = await service.create_event(texts={"en": {"title": "Gala"}},
                                       starts_at=NOW + dt.timedelta(days=1),
                                       ends_at=NOW + dt.timedelta(days=1, hours=3), capacity=2,
                                       location="Hall", min_tier_code=None)  # fmt: skip
    people = [await _member(f"P{i}") for i in range(4)]
    e = gid("Event", event.id)
    results = [(await gql(client, RSVP, {"e": e}, token=t))["data"]["rsvp"] for _, t in people]
    assert [(r["status"], r["waitlistPosition"]) for r in results] == [
        ("CONFIRMED", None), ("CONFIRMED", None), ("WAITLISTED", 1), ("WAITLISTED", 2)]  # fmt: skip
    cancelled = await gql(client, CANCEL_RSVP, {"e": e}, token=people[0][1])
    assert cancelled["data"]["cancelRsvp"]["status"] == "CANCELLED"
    statuses = {r.member_id: r.status for r in await Rsvp.filter(event_id=event.id)}
    assert statuses[people[2][0].id] == RsvpStatus.CONFIRMED  # the first in line
    assert statuses[people[3][0].id] == RsvpStatus.WAITLISTED
    assert (await Event.get(id=event.id)).confirmed == 2


async def test_fifty_parallel_rsvps_for_twenty_places(client, dialect):
    if dialect != "postgres":
        pytest.skip("SQLite serializes writers; races are proven on PostgreSQL")
    event = await service.create_event(texts={"en": {"title": "Launch"}},
                                       starts_at=NOW + dt.timedelta(days=1),
                                       ends_at=NOW + dt.timedelta(days=1, hours=2), capacity=20,
                                       location=None, min_tier_code=None)  # fmt: skip
    people = [await _member(f"R{i}") for i in range(50)]
    e = gid("Event", event.id)
    results = await asyncio.gather(*(gql(client, RSVP, {"e": e}, token=t) for _, t in people))
    statuses = [r["data"]["rsvp"]["status"] for r in results]
    assert statuses.count("CONFIRMED") == 20 and statuses.count("WAITLISTED") == 30
    positions = sorted(r["data"]["rsvp"]["waitlistPosition"] for r in results
                       if r["data"]["rsvp"]["status"] == "WAITLISTED")  # fmt: skip
    assert positions == list(range(1, 31))  # in the order they got in
    assert (await Event.get(id=event.id)).confirmed == 20
    waitlist = await Rsvp.filter(event_id=event.id, status=RsvpStatus.WAITLISTED).order_by("id")
    first_confirmed = await Rsvp.filter(event_id=event.id, status=RsvpStatus.CONFIRMED).first()
    token = next(t for m, t in people if m.id == first_confirmed.member_id)
    await gql(client, CANCEL_RSVP, {"e": e}, token=token)
    promoted = await Rsvp.get(id=waitlist[0].id)
    assert promoted.status == RsvpStatus.CONFIRMED
    assert await Rsvp.filter(event_id=event.id, status=RsvpStatus.CONFIRMED).count() == 20


async def test_feed_post_added_delivers_own_group_only_and_never_hidden(client, live_server):
    group, other = await _group(), await _group()
    _, token = await _member("Reader")
    writer, _ = await _member("Writer")
    for g in (group, other):
        await service.join(group_id=g.id, member_id=writer.id)
    ws = await _connect(live_server, {"authorization": f"Bearer {token}"})
    try:
        assert (await _recv(ws))["type"] == "connection_ack"
        query = ("subscription($g: ID!) { feedPostAdded(groupId: $g) { text "
                 "author { displayName } } }")  # fmt: skip
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": query, "variables": {"g": gid("Group", group.id)}}}))  # fmt: skip
        await asyncio.sleep(0.2)
        await service.create_post(group_id=other.id, member_id=writer.id, text="elsewhere")
        async with transaction():  # hidden before it is ever delivered
            hidden = await service.create_post(group_id=group.id, member_id=writer.id, text="no")
            await Post.filter(id=hidden.id).update(hidden_at=NOW)
        await service.create_post(group_id=group.id, member_id=writer.id, text="hello")
        message = await _recv(ws)
        assert message["payload"]["data"]["feedPostAdded"] == {
            "text": "hello", "author": {"displayName": "Writer"}}  # fmt: skip
        with pytest.raises(TimeoutError):
            await _recv(ws, timeout=0.5)
    finally:
        await ws.close()
