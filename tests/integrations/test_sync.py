"""upsertMember: the CRM's member sync over GraphQL (scope members:sync)."""

from app.members import passwords
from app.members.models import Member
from tests.helpers import LOG_IN, PASSWORD, gql, integration_token, sign_up

UPSERT = """
mutation($input: UpsertMemberInput!) { upsertMember(input: $input) {
  __typename
  ... on MemberUpserted { created changedFields
    member { id email displayName locale timeZone birthday cardNumber interests } }
  ... on InvalidInput { code fields { field code } }
} }
"""


async def test_create_update_and_idempotent_repeat(client):
    token = await integration_token(client, "members:sync")
    create = {"externalRef": "crm-1", "email": "Ann@Example.com", "displayName": "Ann",
              "locale": "nl", "birthday": "1990-04-01", "interests": ["Running", "wine"]}  # fmt: skip
    body = await gql(client, UPSERT, {"input": create}, token=token)
    result = body["data"]["upsertMember"]
    assert result["__typename"] == "MemberUpserted", body
    assert result["created"] is True
    assert result["member"]["email"] == "ann@example.com"
    assert result["member"]["interests"] == ["running", "wine"]
    assert len(result["member"]["cardNumber"]) == 16
    member = await Member.get(external_ref="crm-1")
    assert member.password_changed_at is None
    assert not passwords.verify_password(member.password_hash, PASSWORD)

    body = await gql(client, UPSERT, {"input": {"externalRef": "crm-1", "displayName": "Ann B",
                                                "timeZone": "Europe/Amsterdam"}}, token=token)  # fmt: skip
    result = body["data"]["upsertMember"]
    assert (result["created"], result["changedFields"]) == (False, ["displayName", "timeZone"])
    assert result["member"]["locale"] == "nl"  # left out: unchanged

    stamp = (await Member.get(external_ref="crm-1")).updated_at
    body = await gql(client, UPSERT, {"input": {**create, "displayName": "Ann B"}}, token=token)
    result = body["data"]["upsertMember"]
    assert (result["created"], result["changedFields"]) == (False, [])
    assert (await Member.get(external_ref="crm-1")).updated_at == stamp
    assert await Member.filter(external_ref="crm-1").count() == 1


async def test_synced_member_cannot_be_claimed_by_signing_up(client):
    token = await integration_token(client, "members:sync")
    await gql(client, UPSERT, {"input": {"externalRef": "crm-2", "email": "bo@example.com"}},
              token=token)  # fmt: skip
    body = await gql(client, LOG_IN, {"input": {"email": "bo@example.com", "password": PASSWORD}})
    assert body["data"]["logIn"]["code"] == "INVALID_CREDENTIALS"
    body = await gql(client, "mutation($i: SignUpInput!) { signUp(input: $i) { __typename } }",
                     {"i": {"email": "bo@example.com", "password": PASSWORD}})  # fmt: skip
    assert body["data"]["signUp"]["__typename"] == "EmailAlreadyRegistered"


async def test_wrong_scope_is_forbidden(client):
    token = await integration_token(client, "purchases:write")
    body = await gql(client, UPSERT, {"input": {"externalRef": "crm-3", "email": "c@example.com"}},
                     token=token)  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    member = await sign_up(client)
    body = await gql(client, UPSERT, {"input": {"externalRef": "crm-3", "email": "c@example.com"}},
                     token=member["accessToken"])  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert not await Member.filter(external_ref="crm-3").exists()


async def test_invalid_input_is_a_typed_error_and_writes_nothing(client):
    token = await integration_token(client, "members:sync")
    body = await gql(client, UPSERT, {"input": {
        "externalRef": "crm-4", "email": "not-an-email", "locale": "xx",
        "timeZone": "Mars/Base", "cardNumber": "1234",
    }}, token=token)  # fmt: skip
    result = body["data"]["upsertMember"]
    assert result["__typename"] == "InvalidInput"
    assert {(f["field"], f["code"]) for f in result["fields"]} == {
        ("email", "INVALID_EMAIL"), ("locale", "UNSUPPORTED_LOCALE"),
        ("timeZone", "UNKNOWN_TIME_ZONE"), ("cardNumber", "INVALID_CARD_NUMBER"),
    }  # fmt: skip
    body = await gql(client, UPSERT, {"input": {"externalRef": "crm-4"}}, token=token)
    assert body["data"]["upsertMember"]["fields"] == [{"field": "email", "code": "REQUIRED"}]
    taken = await sign_up(client)
    body = await gql(client, UPSERT, {"input": {"externalRef": "crm-4",
                                                "email": taken["member"]["email"]}}, token=token)  # fmt: skip
    assert body["data"]["upsertMember"]["fields"] == [{"field": "email", "code": "TAKEN"}]
    assert not await Member.filter(external_ref="crm-4").exists()
