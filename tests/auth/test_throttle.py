"""Password checks and sign-ups cannot be tried in bulk, and a lock-out cannot be aimed.

Issue 13, items 4 and 5: aliased guesses in one request, an attacker at one address locking
the member out at theirs, X-Forwarded-For rotation and spoofing, bulk sign-ups, and argon2
blocking the event loop.
"""

import asyncio
import datetime as dt
import threading
from contextlib import asynccontextmanager

import httpx
import pytest
from starlette.requests import Request

from app.auth import passwords
from app.auth import service as auth
from app.auth.models import LoginThrottle
from app.errors import InvalidCredentials, TooManyAttempts
from app.graphql.context import client_address
from app.main import create_app
from app.members.models import Member
from app.settings import configure
from tests.helpers import LOG_IN, PASSWORD, SIGN_UP, gql, sign_up, unique_email

WRONG = "wrong-password-1"
ALIASES = 20


@asynccontextmanager
async def client_at(app, address: str, port: int = 40000):
    """A client whose requests come from `address` (the ASGI scope's peer)."""
    transport = httpx.ASGITransport(app=app, client=(address, port))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def verifications(monkeypatch):
    """Counts argon2 verifications (real and burnt): every password check makes one."""
    calls: list[str] = []
    real = passwords.verify_password

    def counting(password_hash: str, password: str) -> bool:
        calls.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", counting)
    return calls


@pytest.fixture(autouse=True)
def _restore_settings(settings):
    """Tests below build second apps (create_app makes their settings process-wide)."""
    yield
    configure(settings)


def _log_in(email: str, password: str) -> dict:
    return {"input": {"email": email, "password": password}}


async def _in_time(coro, seconds: float = 60):
    return await asyncio.wait_for(coro, seconds)


# ---- at most one password check per request ------------------------------------------------


async def test_aliased_delete_account_guesses_check_one_password(client, verifications):
    session = await sign_up(client)
    guesses = [f"guess-{i}-password" for i in range(ALIASES - 1)] + [PASSWORD]
    fields = " ".join(
        f'a{i}: deleteAccount(password: "{g}") {{ __typename ... on UserError {{ code }} '
        "... on TooManyAttempts { retryAfterSeconds } }"
        for i, g in enumerate(guesses)
    )
    body = await gql(client, f"mutation {{ {fields} }}", token=session["accessToken"])
    results = [body["data"][f"a{i}"] for i in range(ALIASES)]
    assert results[0]["__typename"] == "InvalidCredentials"
    assert all(
        r == {"__typename": "TooManyAttempts", "code": "ONE_PASSWORD_CHECK_PER_REQUEST",
              "retryAfterSeconds": 0}
        for r in results[1:]
    ), results  # fmt: skip
    assert verifications == [guesses[0]]
    # The right password came last: never checked, nothing erased.
    assert await Member.filter(email=session["member"]["email"]).exists()


async def test_aliased_change_password_guesses_check_one_password(client, verifications):
    session = await sign_up(client)
    fields = " ".join(
        f'a{i}: changePassword(input: {{currentPassword: "guess-{i}-password", '
        f'newPassword: "new-password-{i}-xyz"}}) {{ __typename ... on UserError {{ code }} }}'
        for i in range(ALIASES)
    )
    body = await gql(client, f"mutation {{ {fields} }}", token=session["accessToken"])
    codes = [body["data"][f"a{i}"]["code"] for i in range(ALIASES)]
    assert codes == ["INVALID_CREDENTIALS"] + ["ONE_PASSWORD_CHECK_PER_REQUEST"] * (ALIASES - 1)
    assert len(verifications) == 1


async def test_log_in_and_delete_account_in_one_document_check_one_password(client, verifications):
    session = await sign_up(client)
    document = """mutation($e: String!, $p: String!) {
      logIn(input: {email: $e, password: $p}) { __typename }
      deleteAccount(password: $p) { __typename ... on UserError { code } }
    }"""
    body = await gql(
        client, document, {"e": session["member"]["email"], "p": PASSWORD},
        token=session["accessToken"],
    )  # fmt: skip
    assert body["data"]["logIn"]["__typename"] == "AuthSession"
    assert body["data"]["deleteAccount"]["code"] == "ONE_PASSWORD_CHECK_PER_REQUEST"
    assert len(verifications) == 1
    assert await Member.filter(email=session["member"]["email"]).exists()


async def test_aliased_log_in_guesses_check_one_password(client, verifications):
    email = (await sign_up(client))["member"]["email"]
    fields = " ".join(
        f'a{i}: logIn(input: {{email: "{email}", password: "guess-{i}-password"}}) '
        "{ __typename ... on UserError { code } }"
        for i in range(ALIASES)
    )
    body = await gql(client, f"mutation {{ {fields} }}")
    assert body["data"]["a0"]["code"] == "INVALID_CREDENTIALS"
    assert {body["data"][f"a{i}"]["code"] for i in range(1, ALIASES)} == {
        "ONE_PASSWORD_CHECK_PER_REQUEST"
    }
    assert len(verifications) == 1


async def test_aliased_sign_ups_create_at_most_one_account(client):
    emails = [unique_email("bulk") for _ in range(ALIASES)]
    fields = " ".join(
        f'a{i}: signUp(input: {{email: "{e}", password: "{PASSWORD}"}}) '
        "{ __typename ... on UserError { code } }"
        for i, e in enumerate(emails)
    )
    body = await gql(client, f"mutation {{ {fields} }}")
    assert body["data"]["a0"]["__typename"] == "AuthSession"
    assert {body["data"][f"a{i}"]["code"] for i in range(1, ALIASES)} == {
        "ONE_PASSWORD_CHECK_PER_REQUEST"
    }
    assert await Member.filter(email__in=emails).count() == 1


# ---- lock-out an attacker cannot aim -------------------------------------------------------


async def test_attacker_at_one_address_does_not_lock_out_the_member_at_theirs(app, client):
    async with client_at(app, "198.51.100.20") as member, client_at(app, "203.0.113.66") as bad:
        email = (await sign_up(member))["member"]["email"]
        kinds = []
        for _ in range(8):
            body = await gql(bad, LOG_IN, _log_in(email, WRONG))
            kinds.append(body["data"]["logIn"])
        assert [k["__typename"] for k in kinds[:4]] == ["InvalidCredentials"] * 4
        # The pair (account, attacker's address) is locked for login_lockout_seconds...
        assert all(k["__typename"] == "TooManyAttempts" for k in kinds[4:])
        assert kinds[4]["retryAfterSeconds"] > 60
        body = await gql(bad, LOG_IN, _log_in(email, PASSWORD))
        assert body["data"]["logIn"]["__typename"] == "TooManyAttempts"
        # ...while the member, at their own address, signs in with the right password.
        body = await gql(member, LOG_IN, _log_in(email, PASSWORD))
        assert body["data"]["logIn"]["__typename"] == "AuthSession"


async def test_a_botnet_slows_the_account_with_growing_delays_but_not_the_member(app, client):
    """Guesses from ever new addresses: the account waits 1 s, 2 s, 4 s ... up to a minute
    between checks from addresses it never signed in from; the member's own address never
    waits. (Time is advanced by ending each wait in the table.)"""
    async with client_at(app, "198.51.100.21") as member:
        email = (await sign_up(member))["member"]["email"]
    account_key = f"account:{auth._account(email)}"
    waits = []
    for n in range(14):
        bot = auth.ClientInfo(address=f"203.0.113.{n + 1}")
        with pytest.raises((InvalidCredentials, TooManyAttempts)) as answer:
            await auth.log_in(email=email, password=WRONG, client=bot)
        if isinstance(answer.value, TooManyAttempts):
            waits.append(answer.value.retry_after_seconds)
            # While the account waits, a new address is refused unchecked...
            with pytest.raises(TooManyAttempts):
                await auth.log_in(
                    email=email, password=PASSWORD, client=auth.ClientInfo("192.0.2.9")
                )
            # ...but the member's own address is not.
            signed_in = await auth.log_in(
                email=email, password=PASSWORD, client=auth.ClientInfo("198.51.100.21")
            )
            assert signed_in.member.email == email
        # the wait is over
        await LoginThrottle.filter(key=account_key).update(
            locked_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        )
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60]


async def test_the_address_limit_does_not_slow_members_who_signed_in_there(client):
    """An office NAT: someone there tries many accounts; colleagues who signed in from that
    address before still sign in, new ones wait."""
    office = auth.ClientInfo(address="198.51.100.30")
    colleague = unique_email()
    await auth.sign_up(email=colleague, password=PASSWORD, client=office)
    newcomer = unique_email()
    await auth.sign_up(email=newcomer, password=PASSWORD, client=auth.ClientInfo("192.0.2.1"))
    for _ in range(30):
        with pytest.raises((InvalidCredentials, TooManyAttempts)):
            await auth.log_in(email=unique_email(), password=WRONG, client=office)
    assert (await auth.log_in(email=colleague, password=PASSWORD, client=office)).member
    with pytest.raises(TooManyAttempts):
        await auth.log_in(email=newcomer, password=PASSWORD, client=office)


async def test_change_password_and_delete_account_share_the_sign_in_throttle(client):
    session = await sign_up(client)
    token = session["accessToken"]
    change = """mutation($c: String!) { changePassword(input: {currentPassword: $c,
      newPassword: "another-password-9"}) { __typename ... on UserError { code } } }"""
    delete = """mutation($p: String!) { deleteAccount(password: $p) {
      __typename ... on UserError { code } } }"""
    codes = []
    for i in range(3):
        codes.append(await gql(client, change, {"c": f"guess-{i}-pw"}, token=token))
        codes.append(await gql(client, delete, {"p": f"guess-{i}-pw"}, token=token))
    codes = [next(iter(b["data"].values()))["code"] for b in codes]
    assert codes[:4] == ["INVALID_CREDENTIALS"] * 4
    assert codes[4:] == ["TOO_MANY_ATTEMPTS"] * 2
    # The right password is refused too from this address now: the guesses stop here.
    body = await gql(client, delete, {"p": PASSWORD}, token=token)
    assert body["data"]["deleteAccount"]["code"] == "TOO_MANY_ATTEMPTS"
    assert await Member.filter(email=session["member"]["email"]).exists()
    body = await gql(client, LOG_IN, _log_in(session["member"]["email"], PASSWORD))
    assert body["data"]["logIn"]["__typename"] == "TooManyAttempts"


async def test_a_right_password_clears_the_pair(client):
    email = (await sign_up(client))["member"]["email"]
    for _ in range(4):
        body = await gql(client, LOG_IN, _log_in(email, WRONG))
        assert body["data"]["logIn"]["__typename"] == "InvalidCredentials"
    assert (await gql(client, LOG_IN, _log_in(email, PASSWORD)))["data"]["logIn"]["accessToken"]
    for _ in range(4):
        body = await gql(client, LOG_IN, _log_in(email, WRONG))
        assert body["data"]["logIn"]["__typename"] == "InvalidCredentials"


async def test_rotating_ipv6_addresses_within_a_64_counts_as_one_address(client):
    email = (await sign_up(client))["member"]["email"]
    answers = []
    for n in range(6):
        rotating = auth.ClientInfo(address=f"2001:db8:5:7::{n + 1:x}")
        with pytest.raises((InvalidCredentials, TooManyAttempts)) as answer:
            await auth.log_in(email=email, password=WRONG, client=rotating)
        answers.append(answer.value)
    assert [type(a).__name__ for a in answers] == ["InvalidCredentials"] * 4 + [
        "TooManyAttempts"
    ] * 2
    # The pair's lock (login_lockout_seconds), not just the account's short wait.
    assert answers[-1].retry_after_seconds > 60


# ---- X-Forwarded-For through trusted proxies -------------------------------------------------


def _connection(peer: str, *forwarded: str) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return Request({"type": "http", "client": (peer, 1234), "headers": headers})


def test_client_address_reads_x_forwarded_for_from_the_right(settings_with):
    plain = settings_with(trusted_proxies=())
    proxied = settings_with(trusted_proxies=("10.0.0.0/8", "2001:db8::/32"))
    # No trusted proxies: the header is ignored.
    assert client_address(_connection("10.0.0.1", "1.1.1.1"), plain) == "10.0.0.1"
    # A peer that is not a trusted proxy: ignored too.
    assert client_address(_connection("192.0.2.5", "1.1.1.1"), proxied) == "192.0.2.5"
    # The client's own entries (left) are not believed; the proxies' (right) are.
    assert client_address(_connection("10.0.0.1", "6.6.6.6, 192.0.2.7"), proxied) == "192.0.2.7"
    assert (
        client_address(_connection("10.0.0.1", "6.6.6.6, 192.0.2.7, 10.1.2.3"), proxied)
        == "192.0.2.7"
    )
    # Several headers are one list, in order.
    assert client_address(_connection("10.0.0.1", "6.6.6.6", "192.0.2.8"), proxied) == "192.0.2.8"
    # Every hop trusted: the leftmost.
    assert client_address(_connection("10.0.0.1", "10.0.0.9, 10.0.0.8"), proxied) == "10.0.0.9"
    # Garbage stops the walk at the last trusted hop.
    assert client_address(_connection("10.0.0.1", "192.0.2.1, junk, 10.0.0.7"), proxied) == (
        "10.0.0.7"
    )
    assert client_address(_connection("10.0.0.1", "junk"), proxied) == "10.0.0.1"
    assert client_address(_connection("10.0.0.1"), proxied) == "10.0.0.1"
    # Ports, brackets and IPv4-in-IPv6 as proxies write them.
    assert client_address(_connection("10.0.0.1", "192.0.2.9:5555"), proxied) == "192.0.2.9"
    assert client_address(_connection("10.0.0.1", "[2001:db9::1]:443"), proxied) == "2001:db9::1"
    assert client_address(_connection("::ffff:10.0.0.1", "::ffff:192.0.2.4"), proxied) == (
        "192.0.2.4"
    )


async def test_forwarded_for_rotation_does_not_bypass_and_spoofing_does_not_lock_a_victim(
    app, settings_with
):
    """Behind a trusted proxy (10.0.0.1) that appends the real client to X-Forwarded-For."""
    proxied = create_app(settings_with(trusted_proxies=("10.0.0.0/8",)), manage_database=False)
    victim_ip, attacker_ip = "198.51.100.40", "203.0.113.40"

    def via_proxy(real: str, claimed: str | None = None) -> dict:
        chain = f"{claimed}, {real}" if claimed else real
        return {"X-Forwarded-For": chain}

    async with client_at(proxied, "10.0.0.1") as c:
        email = unique_email()
        body = await gql(c, SIGN_UP, {"input": {"email": email, "password": PASSWORD}},
                         headers=via_proxy(victim_ip))  # fmt: skip
        assert body["data"]["signUp"]["__typename"] == "AuthSession"
        kinds = []
        for n in range(10):
            # Rotating what the attacker claims to be, and claiming the victim's address.
            claimed = victim_ip if n % 2 else f"192.0.2.{n}"
            body = await gql(
                c, LOG_IN, _log_in(email, WRONG), headers=via_proxy(attacker_ip, claimed)
            )
            kinds.append(body["data"]["logIn"]["__typename"])
        assert kinds[:4] == ["InvalidCredentials"] * 4
        assert set(kinds[4:]) == {"TooManyAttempts"}  # rotation did not reset the pair
        body = await gql(c, LOG_IN, _log_in(email, PASSWORD), headers=via_proxy(victim_ip))
        assert body["data"]["logIn"]["__typename"] == "AuthSession"  # the victim is not locked


# ---- sign-up per address ------------------------------------------------------------------


async def test_sign_ups_are_limited_per_address(app, settings_with):
    limited = create_app(settings_with(signup_max_per_address=3), manage_database=False)
    taken = unique_email()
    async with client_at(limited, "198.51.100.50") as c, client_at(limited, "198.51.100.51") as d:
        await sign_up(d, email=taken)
        # Invalid input is not counted: nothing reached the database.
        body = await gql(c, SIGN_UP, {"input": {"email": "nope", "password": PASSWORD}})
        assert body["data"]["signUp"]["__typename"] == "InvalidInput"
        # A taken email counts: probing which addresses are registered is the point.
        body = await gql(c, SIGN_UP, {"input": {"email": taken, "password": PASSWORD}})
        assert body["data"]["signUp"]["code"] == "EMAIL_ALREADY_REGISTERED"
        await sign_up(c)
        await sign_up(c)
        body = await gql(c, SIGN_UP, {"input": {"email": unique_email(), "password": PASSWORD}})
        result = body["data"]["signUp"]
        assert result["__typename"] == "TooManyAttempts"
        assert 0 < result["retryAfterSeconds"] <= 3600
        body = await gql(c, SIGN_UP, {"input": {"email": taken, "password": PASSWORD}})
        assert body["data"]["signUp"]["__typename"] == "TooManyAttempts"  # no more probing
        await sign_up(d)  # another address is not affected


# ---- argon2 off the event loop ----------------------------------------------------------


async def test_argon2_does_not_block_the_event_loop(app, settings_with, monkeypatch):
    """While a sign-in verifies an expensive hash (about 2 s here), a light request is
    answered: the hashing runs on the argon2 threads, not the event loop."""
    slow = create_app(
        settings_with(argon2_time_cost=150_000, argon2_memory_kib=8), manage_database=False
    )
    started, finished = threading.Event(), threading.Event()
    real = passwords.verify_password

    def observed(password_hash: str, password: str) -> bool:
        started.set()
        try:
            return real(password_hash, password)
        finally:
            finished.set()

    monkeypatch.setattr(passwords, "verify_password", observed)
    async with client_at(slow, "198.51.100.60") as c:
        login = asyncio.create_task(gql(c, LOG_IN, _log_in(unique_email(), WRONG)))
        for _ in range(3000):  # on the loop, this would only see it once it had finished
            if started.is_set():
                break
            await asyncio.sleep(0.01)
        assert started.is_set()
        light = await _in_time(gql(c, "{ __typename }"))
        assert light["data"] == {"__typename": "Query"}
        assert not finished.is_set(), "the light request waited for argon2"
        body = await _in_time(login)
        assert body["data"]["logIn"]["__typename"] == "InvalidCredentials"
