from app.members.models import Role
from tests.helpers import gql, sign_up, staff_session, unique_email

UPDATE = """mutation($input: UpdateProfileInput!) { updateProfile(input: $input) {
  __typename
  ... on Member { id displayName locale timeZone birthday interests
                  communicationPreferences { channel optedIn consentedAt withdrawnAt } }
  ... on InvalidInput { code message fields { field code message } } } }"""
PROFILE = "{ me { displayName locale timeZone birthday interests communicationPreferences { channel optedIn } } }"


async def test_update_profile(client):
    session = await sign_up(client)
    token = session["accessToken"]
    body = await gql(
        client,
        UPDATE,
        {
            "input": {
                "displayName": "  Ana   María ",
                "locale": "es",
                "timeZone": "Europe/Madrid",
                "birthday": "1990-05-17",
                "interests": ["Coffee", "coffee", "running"],
                "communicationPreferences": [
                    {"channel": "PUSH", "optedIn": True},
                    {"channel": "EMAIL", "optedIn": False},
                ],
            }
        },
        token=token,
    )
    member = body["data"]["updateProfile"]
    assert member["__typename"] == "Member"
    assert member["displayName"] == "Ana María"
    assert member["locale"] == "es"
    assert member["timeZone"] == "Europe/Madrid"
    assert member["birthday"] == "1990-05-17"
    assert member["interests"] == ["coffee", "running"]
    prefs = {p["channel"]: p for p in member["communicationPreferences"]}
    assert prefs["PUSH"]["optedIn"] is True and prefs["PUSH"]["consentedAt"]
    assert prefs["EMAIL"]["optedIn"] is False and prefs["EMAIL"]["withdrawnAt"]

    # Omitted fields stay; null clears a nullable field.
    body = await gql(client, UPDATE, {"input": {"displayName": None}}, token=token)
    assert body["data"]["updateProfile"]["displayName"] is None
    assert body["data"]["updateProfile"]["locale"] == "es"


async def test_update_profile_bad_input_changes_nothing(client):
    session = await sign_up(client, displayName="Emma")
    token = session["accessToken"]
    before = (await gql(client, PROFILE, token=token))["data"]["me"]
    cases = [
        ({"locale": "fr"}, "locale", "UNSUPPORTED_LOCALE"),
        ({"locale": None}, "locale", "REQUIRED"),
        ({"timeZone": "Mars/Olympus"}, "timeZone", "UNKNOWN_TIME_ZONE"),
        ({"birthday": "2999-01-01"}, "birthday", "INVALID_DATE"),
        ({"displayName": "x" * 200}, "displayName", "TOO_LONG"),
        ({"interests": [f"i{n}" for n in range(30)]}, "interests", "TOO_MANY"),
        ({"interests": ["y" * 50]}, "interests", "TOO_LONG"),
    ]
    for changes, field, code in cases:
        # A valid change rides along and must not be written either.
        payload = {"displayName": "Changed", **changes} if field != "displayName" else changes
        payload["communicationPreferences"] = [{"channel": "SMS", "optedIn": True}]
        body = await gql(client, UPDATE, {"input": payload}, token=token)
        result = body["data"]["updateProfile"]
        assert result["__typename"] == "InvalidInput", (changes, body)
        assert [(f["field"], f["code"]) for f in result["fields"]] == [(field, code)]
        assert (await gql(client, PROFILE, token=token))["data"]["me"] == before

    wrong_type = await gql(client, UPDATE, {"input": {"birthday": "not-a-date"}}, token=token)
    assert wrong_type["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert (await gql(client, PROFILE, token=token))["data"]["me"] == before


async def test_update_profile_needs_sign_in(client):
    body = await gql(client, UPDATE, {"input": {"displayName": "x"}})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


NODE = """query($id: ID!) { node(id: $id) { __typename id ... on Member { email } } }"""


async def test_node_is_only_yourself_for_members(client):
    ana = await sign_up(client)
    bob = await sign_up(client)
    own = await gql(client, NODE, {"id": ana["member"]["id"]}, token=ana["accessToken"])
    assert own["data"]["node"] == {
        "__typename": "Member",
        "id": ana["member"]["id"],
        "email": ana["member"]["email"],
    }
    other = await gql(client, NODE, {"id": bob["member"]["id"]}, token=ana["accessToken"])
    assert other["data"]["node"] is None
    anonymous = await gql(client, NODE, {"id": bob["member"]["id"]})
    assert anonymous["data"]["node"] is None
    assert "errors" not in other


async def test_staff_look_up_members(client):
    support = await staff_session(client, Role.SUPPORT)
    emails = [unique_email("lookup") for _ in range(3)]
    created = [
        await sign_up(client, email=e, displayName=f"Look {i}") for i, e in enumerate(emails)
    ]
    query = """query($s: String, $after: String) { members(search: $s, first: 2, after: $after) {
      edges { cursor node { email displayName } } pageInfo { hasNextPage endCursor } } }"""
    page1 = (await gql(client, query, {"s": "lookup"}, token=support["accessToken"]))["data"][
        "members"
    ]
    assert [e["node"]["email"] for e in page1["edges"]] == emails[:2]
    assert page1["pageInfo"]["hasNextPage"] is True
    page2 = (
        await gql(
            client,
            query,
            {"s": "lookup", "after": page1["pageInfo"]["endCursor"]},
            token=support["accessToken"],
        )
    )["data"]["members"]
    assert [e["node"]["email"] for e in page2["edges"]] == emails[2:]
    assert page2["pageInfo"]["hasNextPage"] is False

    one = await gql(
        client,
        "query($id: ID!) { member(id: $id) { email } }",
        {"id": created[1]["member"]["id"]},
        token=support["accessToken"],
    )
    assert one["data"]["member"]["email"] == emails[1]
    node = await gql(client, NODE, {"id": created[0]["member"]["id"]}, token=support["accessToken"])
    assert node["data"]["node"]["email"] == emails[0]


async def test_members_list_is_forbidden_to_members_and_marketers(client):
    member = await sign_up(client)
    marketer = await staff_session(client, Role.MARKETER)
    for token in (member["accessToken"], marketer["accessToken"]):
        body = await gql(client, "{ members { edges { node { email } } } }", token=token)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql(client, "{ members { edges { node { email } } } }")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_page_size_is_bounded(client):
    support = await staff_session(client, Role.SUPPORT)
    body = await gql(
        client, "{ members(first: 101) { edges { cursor } } }", token=support["accessToken"]
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
