"""Races on PostgreSQL: parallel requests, each on its own pooled connection."""

import asyncio

import pytest

from app.auth.models import AuthSession, LoginThrottle
from app.members import passwords
from tests.helpers import LOG_IN, REFRESH, gql, sign_up, unique_email


@pytest.fixture(autouse=True)
def _postgres_only(dialect):
    if dialect != "postgres":
        pytest.skip("SQLite serializes writers; races are proven on PostgreSQL")


async def test_parallel_refresh_of_one_token_succeeds_once_and_revokes(client):
    session = await sign_up(client)
    results = await asyncio.gather(
        *(gql(client, REFRESH, {"t": session["refreshToken"]}) for _ in range(12))
    )
    winners = [r for r in results if r.get("data") and r["data"]["refreshSession"]]
    losers = [r for r in results if r.get("errors")]
    assert len(winners) == 1
    assert len(losers) == 11
    assert all(r["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED" for r in losers)
    # The reuse revoked the family, including the winner's new token.
    stored = await AuthSession.all()
    assert len(stored) == 1 and stored[0].revoked_reason == "refresh_token_reuse"
    newest = winners[0]["data"]["refreshSession"]["refreshToken"]
    assert (await gql(client, REFRESH, {"t": newest}))["errors"][0]["extensions"]["code"] == (
        "UNAUTHENTICATED"
    )


@pytest.fixture
def verifications(monkeypatch):
    calls: list[str] = []
    real = passwords.verify_password

    def counting(password_hash: str, password: str) -> bool:
        calls.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", counting)
    return calls


async def test_parallel_failed_logins_are_all_counted(client, verifications):
    """Each check is counted before it runs: 12 parallel guesses from one address check at
    most login_max_failures_per_account passwords, then the pair is locked."""
    email = unique_email()
    await sign_up(client, email=email)
    results = await asyncio.gather(
        *(
            gql(client, LOG_IN, {"input": {"email": email, "password": "wrong-password-1"}})
            for _ in range(12)
        )
    )
    kinds = [r["data"]["logIn"]["__typename"] for r in results]
    assert set(kinds) <= {"InvalidCredentials", "TooManyAttempts"}
    assert kinds.count("InvalidCredentials") == 4
    assert len(verifications) == 5
    locked = await LoginThrottle.filter(key__startswith="pair:", locked_until__isnull=False)
    assert len(locked) == 1


async def test_parallel_delete_account_guesses_are_counted_before_checking(client, verifications):
    session = await sign_up(client)
    delete = "mutation($p: String!) { deleteAccount(password: $p) { __typename } }"
    results = await asyncio.gather(
        *(gql(client, delete, {"p": f"guess-{i}-pw"}, token=session["accessToken"])
          for i in range(12))
    )  # fmt: skip
    kinds = [r["data"]["deleteAccount"]["__typename"] for r in results]
    assert set(kinds) == {"InvalidCredentials", "TooManyAttempts"}
    assert len(verifications) == 5
