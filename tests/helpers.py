"""Small helpers the API tests share: GraphQL calls, accounts and tokens."""

import itertools

import httpx

from app.auth import service as auth
from app.members.models import Role

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)

AUTH_FIELDS = """
  __typename
  ... on AuthSession { accessToken refreshToken member { id email displayName locale } }
  ... on UserError { code message }
  ... on InvalidInput { fields { field code message } }
  ... on TooManyAttempts { retryAfterSeconds }
"""

SIGN_UP = f"mutation($input: SignUpInput!) {{ signUp(input: $input) {{ {AUTH_FIELDS} }} }}"
LOG_IN = f"mutation($input: LogInInput!) {{ logIn(input: $input) {{ {AUTH_FIELDS} }} }}"
REFRESH = f"mutation($t: String!) {{ refreshSession(refreshToken: $t) {{ {AUTH_FIELDS} }} }}"
ME = "{ me { id email displayName locale } }"


async def gql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict | None = None,
    *,
    token: str | None = None,
    headers: dict | None = None,
) -> dict:
    all_headers = dict(headers or {})
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=all_headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def unique_email(prefix: str = "member") -> str:
    return f"{prefix}{next(_seq)}@example.com"


async def sign_up(client: httpx.AsyncClient, email: str | None = None, **extra) -> dict:
    """A new member through the API; returns the AuthSession payload."""
    payload = {"email": email or unique_email(), "password": PASSWORD, **extra}
    body = await gql(client, SIGN_UP, {"input": payload})
    result = body["data"]["signUp"]
    assert result["__typename"] == "AuthSession", body
    return result


async def staff_session(client: httpx.AsyncClient, role: Role) -> dict:
    """A staff account of `role`, signed in through the API."""
    email = unique_email(role.value)
    await auth.create_staff(email=email, password=PASSWORD, role=role, display_name=None)
    body = await gql(client, LOG_IN, {"input": {"email": email, "password": PASSWORD}})
    result = body["data"]["logIn"]
    assert result["__typename"] == "AuthSession", body
    return result
