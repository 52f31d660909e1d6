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


async def integration_token(client: httpx.AsyncClient, *scopes: str) -> str:
    """An integration client (POS/CRM) with `scopes`, and its access token."""
    created, secret = await auth.create_integration_client(
        name=f"till {next(_seq)}", scopes=list(scopes), created_by=None
    )
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": created.client_id,
              "client_secret": secret},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


RECORD_PURCHASE = """
mutation($input: PurchaseInput!) { recordPurchase(input: $input) {
  __typename
  ... on PurchaseRecorded { replayed purchase { id externalId pointsEarned }
    transaction { id kind points availableChange pendingChange
                  explanation { rule points description } } }
  ... on UserError { code message }
  ... on InvalidInput { fields { field code } }
} }
"""

RECORD_REFUND = """
mutation($input: RefundInput!) { recordRefund(input: $input) {
  __typename
  ... on RefundRecorded { replayed pointsClawedBack transaction { points } }
  ... on RefundExceedsPurchase { refundable }
  ... on UserError { code message }
  ... on InvalidInput { fields { field code } }
} }
"""

BALANCE = "{ me { balance { available pending lifetime expiring { points expiresAt } } } }"


def purchase_input(member_gid: str, external_id: str, amount: int = 2500, **extra) -> dict:
    return {
        "idempotencyKey": f"purchase-{external_id}",
        "member": {"id": member_gid},
        "source": "pos",
        "externalId": external_id,
        "amount": amount,
        "currency": "EUR",
        "occurredAt": "2026-11-20T10:00:00+00:00",
        **extra,
    }


async def member_token(member) -> str:
    """An access token for a factory member (a real session, without a password)."""
    issued = await auth._open_session(member, auth.ClientInfo(address="test", user_agent="tests"))
    return issued.access_token


async def spend_tiers(*tiers: tuple[str, int, int]) -> None:
    """A spend-based tier program (EUR, rolling 12 months, 30 days' grace) with these (code,
    rank, threshold) tiers, no earn multiplier, English names from the codes."""
    from decimal import Decimal

    from app.tiers import service
    from app.tiers.models import Basis, Window

    await service.update_policy(basis=Basis.SPEND, window=Window.ROLLING, window_months=12,
                                grace_days=30, spend_currency="EUR")  # fmt: skip
    for code, rank, threshold in tiers or (("silver", 1, 10_000), ("gold", 2, 50_000)):
        await service.save_tier(code=code, rank=rank, threshold=threshold,
                                earn_multiplier=Decimal(1),
                                texts={"en": {"name": code.title(), "benefits": []}})  # fmt: skip
