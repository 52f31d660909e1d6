import pytest

from app.members.models import Role
from tests.helpers import (
    LOG_IN,
    ME,
    PASSWORD,
    REFRESH,
    SIGN_UP,
    gql,
    sign_up,
    staff_session,
    unique_email,
)


async def test_sign_up_log_in_and_me(client):
    email = unique_email()
    session = await sign_up(client, email=email, displayName="Ana", locale="es")
    assert session["member"]["email"] == email
    assert session["member"]["locale"] == "es"

    body = await gql(client, LOG_IN, {"input": {"email": email.upper(), "password": PASSWORD}})
    login = body["data"]["logIn"]
    assert login["__typename"] == "AuthSession"

    me = await gql(client, ME, token=login["accessToken"])
    assert me["data"]["me"] == session["member"]


async def test_me_is_null_without_token_and_unauthenticated_with_bad_token(client):
    assert (await gql(client, ME))["data"]["me"] is None
    body = await gql(client, ME, token="not-a-jwt")
    assert body["data"]["me"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_sign_up_twice_with_same_email(client):
    email = unique_email()
    await sign_up(client, email=email)
    body = await gql(client, SIGN_UP, {"input": {"email": email, "password": PASSWORD}})
    assert body["data"]["signUp"]["__typename"] == "EmailAlreadyRegistered"
    assert body["data"]["signUp"]["code"] == "EMAIL_ALREADY_REGISTERED"


async def test_sign_up_bad_input_is_typed_and_writes_nothing(client):
    staff = await staff_session(client, Role.SUPPORT)
    cases = [
        ({"email": "not-an-email", "password": PASSWORD}, "email", "INVALID_EMAIL"),
        ({"email": unique_email(), "password": "short"}, "password", "PASSWORD_TOO_SHORT"),
        (
            {"email": unique_email(), "password": PASSWORD, "locale": "fr"},
            "locale",
            "UNSUPPORTED_LOCALE",
        ),
        (
            {"email": unique_email(), "password": PASSWORD, "displayName": "x" * 81},
            "displayName",
            "TOO_LONG",
        ),
        ({"email": "a" * 250 + "@example.com", "password": PASSWORD}, "email", "TOO_LONG"),
        ({"email": unique_email(), "password": "p" * 300}, "password", "TOO_LONG"),
    ]
    for payload, field, code in cases:
        body = await gql(client, SIGN_UP, {"input": payload})
        result = body["data"]["signUp"]
        assert result["__typename"] == "InvalidInput", (payload, body)
        assert {"field": field, "code": code} in [
            {"field": f["field"], "code": f["code"]} for f in result["fields"]
        ]
        assert all(f["message"] for f in result["fields"])
    members = await gql(
        client, "{ members { edges { node { email } } } }", token=staff["accessToken"]
    )
    assert [e["node"]["email"] for e in members["data"]["members"]["edges"]] == [
        staff["member"]["email"]
    ]


async def test_wrong_type_is_bad_user_input(client):
    body = await gql(client, SIGN_UP, {"input": {"email": 42, "password": ["x"]}})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body.get("data") is None


async def test_unknown_email_and_wrong_password_look_the_same(client):
    email = unique_email()
    await sign_up(client, email=email)
    wrong = await gql(client, LOG_IN, {"input": {"email": email, "password": "wrong-password-1"}})
    unknown = await gql(
        client, LOG_IN, {"input": {"email": unique_email(), "password": "wrong-password-1"}}
    )
    assert wrong["data"]["logIn"] == unknown["data"]["logIn"]
    assert wrong["data"]["logIn"]["__typename"] == "InvalidCredentials"


async def test_login_lockout_per_account_and_address(client):
    """Five failures lock this account from this address (see tests/auth/test_throttle.py
    for other addresses)."""
    email = unique_email()
    await sign_up(client, email=email)
    for _ in range(4):
        body = await gql(
            client, LOG_IN, {"input": {"email": email, "password": "wrong-password-1"}}
        )
        assert body["data"]["logIn"]["__typename"] == "InvalidCredentials"
    body = await gql(client, LOG_IN, {"input": {"email": email, "password": "wrong-password-1"}})
    result = body["data"]["logIn"]
    assert result["__typename"] == "TooManyAttempts"
    assert result["code"] == "TOO_MANY_ATTEMPTS"
    assert result["retryAfterSeconds"] > 0
    # Even the right password is refused while locked out.
    body = await gql(client, LOG_IN, {"input": {"email": email, "password": PASSWORD}})
    assert body["data"]["logIn"]["__typename"] == "TooManyAttempts"


async def test_login_lockout_per_address(client):
    """Many accounts tried from one address slow that address down, whatever the account
    (an address the account signed in from before is not: tests/auth/test_throttle.py)."""
    from app.auth import service
    from app.errors import InvalidCredentials, TooManyAttempts

    address = service.ClientInfo(address="10.9.8.7")
    for attempt in range(30):  # the 30th failure starts the address's wait
        with pytest.raises(TooManyAttempts if attempt == 29 else InvalidCredentials):
            await service.log_in(email=unique_email(), password="wrong-password-1", client=address)
    email = unique_email()
    await sign_up(client, email=email)
    with pytest.raises(TooManyAttempts) as locked:
        await service.log_in(email=email, password=PASSWORD, client=address)
    assert locked.value.retry_after_seconds > 0
    elsewhere = await service.log_in(
        email=email, password=PASSWORD, client=service.ClientInfo(address="10.9.8.8")
    )
    assert elsewhere.member.email == email


async def test_refresh_rotation_and_reuse_revokes_the_family(client):
    session = await sign_up(client)
    first = session["refreshToken"]

    body = await gql(client, REFRESH, {"t": first})
    rotated = body["data"]["refreshSession"]
    assert rotated["__typename"] == "AuthSession"
    assert rotated["refreshToken"] != first
    assert (await gql(client, ME, token=rotated["accessToken"]))["data"]["me"]["email"]

    reuse = await gql(client, REFRESH, {"t": first})
    assert reuse["data"] is None
    assert reuse["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    newer = await gql(client, REFRESH, {"t": rotated["refreshToken"]})
    assert newer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    me = await gql(client, ME, token=rotated["accessToken"])
    assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_refresh_with_unknown_token(client):
    body = await gql(client, REFRESH, {"t": "rt_nope"})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_log_out_revokes_session_only(client):
    email = unique_email()
    phone = await sign_up(client, email=email)
    tablet = (await gql(client, LOG_IN, {"input": {"email": email, "password": PASSWORD}}))["data"][
        "logIn"
    ]
    body = await gql(client, "mutation { logOut }", token=phone["accessToken"])
    assert body["data"]["logOut"] is True
    assert (await gql(client, ME, token=phone["accessToken"]))["errors"][0]["extensions"][
        "code"
    ] == "UNAUTHENTICATED"
    refreshed = await gql(client, REFRESH, {"t": phone["refreshToken"]})
    assert refreshed["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await gql(client, ME, token=tablet["accessToken"]))["data"]["me"]["email"] == email


async def test_log_out_needs_a_session(client):
    body = await gql(client, "mutation { logOut }")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


CHANGE = """mutation($input: ChangePasswordInput!) { changePassword(input: $input) {
  __typename ... on UserError { code } ... on PasswordChanged { member { email } } } }"""


async def test_change_password(client):
    email = unique_email()
    phone = await sign_up(client, email=email)
    tablet = (await gql(client, LOG_IN, {"input": {"email": email, "password": PASSWORD}}))["data"][
        "logIn"
    ]
    wrong = await gql(
        client,
        CHANGE,
        {"input": {"currentPassword": "nope-nope-nope", "newPassword": "another-good-one"}},
        token=phone["accessToken"],
    )
    assert wrong["data"]["changePassword"]["__typename"] == "InvalidCredentials"
    short = await gql(
        client,
        CHANGE,
        {"input": {"currentPassword": PASSWORD, "newPassword": "short"}},
        token=phone["accessToken"],
    )
    assert short["data"]["changePassword"]["__typename"] == "InvalidInput"
    ok = await gql(
        client,
        CHANGE,
        {"input": {"currentPassword": PASSWORD, "newPassword": "another-good-one"}},
        token=phone["accessToken"],
    )
    assert ok["data"]["changePassword"]["__typename"] == "PasswordChanged"
    # This session goes on; the other device is signed out; the old password is gone.
    assert (await gql(client, ME, token=phone["accessToken"]))["data"]["me"]["email"] == email
    assert (await gql(client, ME, token=tablet["accessToken"]))["errors"][0]["extensions"][
        "code"
    ] == "UNAUTHENTICATED"
    old = await gql(client, LOG_IN, {"input": {"email": email, "password": PASSWORD}})
    assert old["data"]["logIn"]["__typename"] == "InvalidCredentials"
    new = await gql(client, LOG_IN, {"input": {"email": email, "password": "another-good-one"}})
    assert new["data"]["logIn"]["__typename"] == "AuthSession"


async def test_messages_follow_accept_language(client):
    body = await gql(
        client,
        LOG_IN,
        {"input": {"email": unique_email(), "password": "whatever-123"}},
        headers={"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"},
    )
    assert body["data"]["logIn"]["message"] == "Het e-mailadres of wachtwoord is onjuist."
    body = await gql(
        client,
        LOG_IN,
        {"input": {"email": unique_email(), "password": "whatever-123"}},
        headers={"Accept-Language": "es"},
    )
    assert body["data"]["logIn"]["message"].startswith("El correo")


async def test_error_messages_follow_member_locale(client):
    session = await sign_up(client, locale="nl")
    body = await gql(
        client,
        "{ members { edges { node { id } } } }",
        token=session["accessToken"],
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["message"] == "Je hebt geen toestemming om dit te doen."
