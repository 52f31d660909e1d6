"""Staff read every content item (`allContent`, `node`): scheduled, published and taken down,
newest first a page at a time, unlocked, with every translation, the publication window and
the tier, so an editor can start from them; members and integrations are refused, and what a
member reads stays as it was."""

import datetime as dt

import pytest
from strawberry.relay import to_base64

from app.content import service as content
from app.content.models import ContentItem, ContentKind
from app.graphql.policy import RULES, Access
from app.members.models import Role
from tests import factories
from tests.helpers import gql, integration_token, member_token, spend_tiers, staff_session

NOW = dt.datetime.now(dt.UTC)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
FIELDS = """id kind title body locked requiredTier publishedAt status unpublishAt minTier
  videoUrl imageUrl texts { locale title body }"""
ALL = (
    """query($first: Int, $after: String, $status: ContentStatus) {
  allContent(first: $first, after: $after, status: $status) {
    edges { node { %s } } pageInfo { hasNextPage endCursor } } }"""
    % FIELDS
)
NODE = "query($id: ID!) { node(id: $id) { __typename ... on Content { %s } } }" % FIELDS
SAVE = """mutation($id: ID, $input: ContentInput!) { saveContent(id: $id, input: $input) {
  __typename ... on InvalidInput { fields { field code } } } }"""


async def _tiers():
    await spend_tiers()  # silver 10,000, gold 50,000


async def _item(title: str, **extra) -> ContentItem:
    texts = extra.pop("texts", {"en": {"title": title, "body": f"{title} body"}})
    fields = content.ContentFields(kind=extra.pop("kind", ContentKind.ARTICLE), texts=texts,
                                   publish_at=extra.pop("publish_at", NOW - DAY), **extra)  # fmt: skip
    return await content.save_content(item_id=None, fields=fields)


async def _every_state() -> dict[str, ContentItem]:
    return {
        "published": await _item("Out now"),
        "gold": await _item(
            "Gold story",
            min_tier_code="gold",
            texts={
                "en": {"title": "Gold story", "body": "For gold."},
                "nl": {"title": "Gouden verhaal", "body": "Voor goud."},
                "es": {"title": "Historia de oro", "body": ""},
            },
            unpublish_at=NOW + 5 * DAY,
            image_url="https://img.example/g.png",
        ),
        "scheduled": await _item(
            "Tomorrow",
            publish_at=NOW + DAY,
            kind=ContentKind.VIDEO,
            video_url="https://video.example/t.mp4",
        ),
        "down": await _item("Taken down", publish_at=NOW - 2 * DAY, unpublish_at=NOW - HOUR),
    }


async def test_staff_page_through_every_item_newest_first_with_its_status(client):
    await _tiers()
    made = await _every_state()
    token = (await staff_session(client, Role.MARKETER))["accessToken"]
    seen, after = [], None
    while True:
        body = await gql(client, ALL, {"first": 3, "after": after}, token=token)
        assert "errors" not in body, body
        page = body["data"]["allContent"]
        seen += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    ids = [to_base64("Content", i.id) for i in sorted(made.values(), key=lambda i: -i.id)]
    assert [n["id"] for n in seen] == ids
    assert {n["title"]: n["status"] for n in seen} == {
        "Out now": "PUBLISHED", "Gold story": "PUBLISHED", "Tomorrow": "SCHEDULED",
        "Taken down": "TAKEN_DOWN",
    }  # fmt: skip
    gold = next(n for n in seen if n["title"] == "Gold story")
    assert (gold["locked"], gold["body"], gold["minTier"], gold["requiredTier"]) == (
        False, "For gold.", "gold", "Gold")  # fmt: skip
    scheduled = next(n for n in seen if n["title"] == "Tomorrow")
    assert scheduled["videoUrl"] == "https://video.example/t.mp4"

    for status, titles in (("SCHEDULED", ["Tomorrow"]), ("TAKEN_DOWN", ["Taken down"]),
                           ("PUBLISHED", ["Gold story", "Out now"])):  # fmt: skip
        body = await gql(client, ALL, {"first": 50, "status": status}, token=token)
        assert [e["node"]["title"] for e in body["data"]["allContent"]["edges"]] == titles
    too_many = await gql(client, ALL, {"first": 101}, token=token)
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_staff_read_every_setting_in_the_shape_save_content_takes(client):
    await _tiers()
    made = await _every_state()
    token = (await staff_session(client, Role.ADMIN))["accessToken"]
    body = await gql(client, NODE, {"id": to_base64("Content", made["gold"].id)}, token=token)
    node = body["data"]["node"]
    assert node["texts"] == [
        {"locale": "en", "title": "Gold story", "body": "For gold."},
        {"locale": "es", "title": "Historia de oro", "body": ""},
        {"locale": "nl", "title": "Gouden verhaal", "body": "Voor goud."},
    ]
    assert node["unpublishAt"].startswith((NOW + 5 * DAY).strftime("%Y-%m-%dT%H:%M"))
    # Read back into saveContent unchanged: the same row.
    before = await ContentItem.get(id=made["gold"].id)
    given = {"kind": node["kind"], "texts": node["texts"], "publishAt": node["publishedAt"],
             "unpublishAt": node["unpublishAt"], "videoUrl": node["videoUrl"],
             "imageUrl": node["imageUrl"], "minTier": node["minTier"]}  # fmt: skip
    saved = await gql(client, SAVE, {"id": node["id"], "input": given}, token=token)
    assert saved["data"]["saveContent"]["__typename"] == "ContentSaved", saved
    after = await ContentItem.get(id=made["gold"].id)
    columns = ("kind", "texts", "publish_at", "unpublish_at", "video_url", "image_url",
               "min_tier_id")  # fmt: skip
    assert {c: getattr(after, c) for c in columns} == {c: getattr(before, c) for c in columns}

    scheduled = await gql(client, NODE, {"id": to_base64("Content", made["scheduled"].id)},
                          token=token)  # fmt: skip
    assert scheduled["data"]["node"]["status"] == "SCHEDULED"


@pytest.mark.parametrize("role", list(Role))
async def test_only_the_roles_the_policy_names_list_every_item(client, role):
    await _tiers()
    made = await _every_state()
    if role == Role.MEMBER:
        token = await member_token(await factories.member())
    else:
        token = (await staff_session(client, role))["accessToken"]
    body = await gql(client, ALL, {"first": 10}, token=token)
    node = await gql(client, NODE, {"id": to_base64("Content", made["down"].id)}, token=token)
    if role in RULES[Access.CATALOG_DRAFTS].staff:
        assert len(body["data"]["allContent"]["edges"]) == 4
        assert node["data"]["node"]["title"] == "Taken down"
    else:
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert node["data"]["node"] is None


async def test_signed_out_and_integrations_are_refused(client):
    await _item("Out now")
    anonymous = await gql(client, ALL, {"first": 10})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    till = await integration_token(client, "purchases:write")
    refused = await gql(client, ALL, {"first": 10}, token=till)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_member_reads_no_staff_settings(client):
    await _tiers()
    await _every_state()
    token = await member_token(await factories.member())
    body = await gql(client, "{ content { edges { node { %s } } } }" % FIELDS, token=token)
    nodes = [e["node"] for e in body["data"]["content"]["edges"]]
    assert [n["title"] for n in nodes] == ["Gold story", "Out now"]
    gold, plain = nodes
    assert (gold["locked"], gold["body"], gold["requiredTier"]) == (True, None, "Gold")
    assert plain["requiredTier"] is None and plain["status"] == "PUBLISHED"
    for n in nodes:
        assert (n["texts"], n["unpublishAt"], n["minTier"]) == ([], None, None)


async def test_node_lookups_of_many_items_are_one_batch(client, monkeypatch):
    made = [await _item(f"Item {i}") for i in range(5)]
    calls = []
    real = content.items_by_ids

    async def counted(ids):
        calls.append(list(ids))
        return await real(ids)

    monkeypatch.setattr(content, "items_by_ids", counted)
    token = (await staff_session(client, Role.MARKETER))["accessToken"]
    aliased = "{ " + " ".join(
        f'n{i}: node(id: "{to_base64("Content", x.id)}") {{ ... on Content {{ title minTier '
        "texts { title } } }"
        for i, x in enumerate(made)
    ) + " }"  # fmt: skip
    body = await gql(client, aliased, token=token)
    assert [body["data"][f"n{i}"]["title"] for i in range(5)] == [f"Item {i}" for i in range(5)]
    assert len(calls) == 1 and sorted(calls[0]) == sorted(x.id for x in made)


async def test_a_scheduled_item_taken_down_counts_as_taken_down(client):
    item = await _item("Never mind", publish_at=NOW + DAY)
    await content.unpublish(item_id=item.id)
    token = (await staff_session(client, Role.MARKETER))["accessToken"]
    body = await gql(client, ALL, {"first": 10, "status": "TAKEN_DOWN"}, token=token)
    assert [e["node"]["status"] for e in body["data"]["allContent"]["edges"]] == ["TAKEN_DOWN"]
    body = await gql(client, ALL, {"first": 10, "status": "SCHEDULED"}, token=token)
    assert body["data"]["allContent"]["edges"] == []


MEMBER_CONTENT = """query($after: String) { content(first: 2, after: $after) {
  edges { node { title } } pageInfo { hasNextPage endCursor } } }"""


async def test_members_content_is_served_from_the_cache_and_follows_every_change_at_once(
    client, monkeypatch
):
    """The published list is read once per CACHE_SECONDS, yet a save, a new item or an
    unpublish shows on the very next read; its pages are those the database would give."""
    token = await member_token(await factories.member())
    first, scheduled = await _item("First"), await _item("Later", publish_at=NOW + DAY)
    second = await _item("Second")

    async def titles(after=None):
        body = await gql(client, MEMBER_CONTENT, {"after": after}, token=token)
        page = body["data"]["content"]
        return [e["node"]["title"] for e in page["edges"]], page["pageInfo"]

    shown, info = await titles()
    assert shown == ["Second", "First"] and info["hasNextPage"] is False
    reads = []
    real = content._load_live
    monkeypatch.setattr(content, "_load_live", lambda: reads.append(1) or real())
    content.LIVE.forget()
    for _ in range(3):
        assert (await titles())[0] == ["Second", "First"]
    assert len(reads) == 1  # one read for three lists
    third = await _item("Third")
    shown, info = await titles()
    assert shown == ["Third", "Second"] and info["hasNextPage"] is True
    assert (await titles(info["endCursor"]))[0] == ["First"]
    await content.unpublish(item_id=second.id)
    assert (await titles())[0] == ["Third", "First"]
    fields = content.ContentFields(kind=ContentKind.ARTICLE, publish_at=NOW - DAY,
                                   texts={"en": {"title": "Now", "body": ""}})  # fmt: skip
    await content.save_content(item_id=scheduled.id, fields=fields)
    assert (await titles())[0] == ["Third", "Now"]
    assert len(reads) == 4 and first.id < third.id  # once after each change


async def test_past_the_cache_limit_content_pages_come_from_the_database(client, monkeypatch):
    token = await member_token(await factories.member())
    monkeypatch.setattr(content, "LIVE_LIMIT", 2)
    for title in ("A", "B", "C"):
        await _item(title)
    body = await gql(client, MEMBER_CONTENT, {"after": None}, token=token)
    page = body["data"]["content"]
    assert [e["node"]["title"] for e in page["edges"]] == ["C", "B"]
    assert page["pageInfo"]["hasNextPage"] is True
    assert await content.LIVE.get(content._load_live) is None
