from app.members.models import Role
from tests.helpers import gql, sign_up, staff_session

CREATE = """mutation($input: CreateIntegrationClientInput!) { createIntegrationClient(input: $input) {
  __typename ... on IntegrationClientCreated { clientSecret client { clientId name scopes } }
  ... on InvalidInput { fields { field code } } } }"""


async def _create_client(client, admin_token, scopes=("purchases:write",)):
    body = await gql(
        client, CREATE, {"input": {"name": "Till 1", "scopes": list(scopes)}}, token=admin_token
    )
    created = body["data"]["createIntegrationClient"]
    assert created["__typename"] == "IntegrationClientCreated", body
    return created["client"]["clientId"], created["clientSecret"]


async def test_only_admins_create_clients(client):
    member = await sign_up(client)
    marketer = await staff_session(client, Role.MARKETER)
    for token in (member["accessToken"], marketer["accessToken"]):
        body = await gql(
            client, CREATE, {"input": {"name": "x", "scopes": ["purchases:write"]}}, token=token
        )
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_bad_client_input(client):
    admin = await staff_session(client, Role.ADMIN)
    body = await gql(
        client, CREATE, {"input": {"name": " ", "scopes": ["root"]}}, token=admin["accessToken"]
    )
    result = body["data"]["createIntegrationClient"]
    assert result["__typename"] == "InvalidInput"
    assert {f["field"] for f in result["fields"]} == {"name", "scopes"}
    listed = await gql(client, "{ integrationClients { clientId } }", token=admin["accessToken"])
    assert listed["data"]["integrationClients"] == []


async def test_client_credentials_grant(client):
    admin = await staff_session(client, Role.ADMIN)
    client_id, secret = await _create_client(
        client, admin["accessToken"], scopes=("purchases:write", "members:sync")
    )
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "purchases:write"},
        auth=(client_id, secret),
    )
    assert response.status_code == 200, response.text
    token = response.json()
    assert token["token_type"] == "Bearer"
    assert token["scope"] == "purchases:write"
    assert token["expires_in"] > 0
    assert response.headers["cache-control"] == "no-store"

    # A client token is not a member session.
    me = await gql(client, "{ me { id } }", token=token["access_token"])
    assert me["data"]["me"] is None

    # Body credentials work too; all granted scopes by default.
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert response.json()["scope"] == "members:sync purchases:write"


async def test_token_endpoint_errors(client):
    admin = await staff_session(client, Role.ADMIN)
    client_id, secret = await _create_client(client, admin["accessToken"])
    wrong = await client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, "nope")
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    scope = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "vouchers:redeem"},
        auth=(client_id, secret),
    )
    assert scope.status_code == 400
    assert scope.json()["error"] == "invalid_scope"
    grant = await client.post(
        "/oauth/token", data={"grant_type": "password"}, auth=(client_id, secret)
    )
    assert grant.json()["error"] == "unsupported_grant_type"
    json_body = await client.post("/oauth/token", json={"grant_type": "client_credentials"})
    assert json_body.json()["error"] == "invalid_request"


async def test_revoked_client_cannot_get_or_use_tokens(client):
    admin = await staff_session(client, Role.ADMIN)
    client_id, secret = await _create_client(client, admin["accessToken"])
    token = (
        await client.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
        )
    ).json()["access_token"]
    body = await gql(
        client,
        "mutation($id: String!) { revokeIntegrationClient(clientId: $id) }",
        {"id": client_id},
        token=admin["accessToken"],
    )
    assert body["data"]["revokeIntegrationClient"] is True
    again = await client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )
    assert again.status_code == 401
    used = await gql(client, "{ me { id } }", token=token)
    assert used["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
