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

from app.auth import service as auth
from app.auth.models import AuthSession, LoginThrottle
from app.errors import InvalidCredentials, TooManyAttempts
from app.graphql.context import client_address
from app.main import create_app
from app.members import passwords
from app.members.models import Member
from app.settings import configure
from tests.helpers import LOG_IN, PASSWORD, SIGN_UP, gql, sign_up, unique_email
from tests.statements import counted_statements

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


# ---- what a sign-in costs the database ------------------------------------------------------


# Statements per sign-in before this change (PostgreSQL / SQLite), then the bound now:
# right password at a known address 19 / 22 -> 7 / 8; wrong there 7 / 8 -> 2 / 2;
# wrong at a new address 9 / 8 -> 5 / 6; right there 23 / 26 -> 10 / 12.
STATEMENT_BOUNDS = {
    "known, right": (8, 2),  # (every statement, those on the throttle table)
    "known, wrong": (2, 1),
    "new, wrong": (6, 2),
    "new, right": (12, 3),
}


async def test_a_sign_in_costs_a_few_statements(client):
    """The throttle counts in one statement at a known address (no transaction) and in one
    statement in one transaction elsewhere; taking the count back is one statement too."""
    home, elsewhere = auth.ClientInfo("198.51.100.70"), auth.ClientInfo("192.0.2.70")
    email = unique_email()
    await auth.sign_up(email=email, password=PASSWORD, client=home)
    costs = {}
    for name, where, password in [
        ("known, right", home, PASSWORD),
        ("known, wrong", home, WRONG),
        ("new, wrong", elsewhere, WRONG),
        ("new, right", elsewhere, PASSWORD),
    ]:
        with counted_statements() as sent:
            try:
                await auth.log_in(email=email, password=password, client=where)
            except InvalidCredentials:
                assert "wrong" in name
        costs[name] = (len(sent), sum("auth_login_throttle" in q for q in sent))
    assert all(costs[n][0] <= most and costs[n][1] == throttle
               for n, (most, throttle) in STATEMENT_BOUNDS.items()), costs  # fmt: skip
    with counted_statements() as sent:
        await auth.sign_up(email=unique_email(), password=PASSWORD, client=home)
    assert sum("auth_login_throttle" in q for q in sent) == 2  # counted, then remembered
    # What the counting left behind is what it always meant.
    account = auth._account(email)
    rows = {r.key.partition(":")[0]: r for r in await LoginThrottle.filter(key__contains=account)}
    assert rows["known"].failures == 0 and rows["account"].failures == 1
    assert rows["pair"].failures == 0 and rows["pair"].locked_until is None


# ---- no peer address: a proxy on a Unix socket ------------------------------------------


def _unix_connection(*forwarded: str) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return Request({"type": "http", "client": None, "headers": headers})


def test_a_peer_without_an_address_is_a_proxy_only_when_unix_is_trusted(settings_with):
    unix = settings_with(trusted_proxies=("unix", "10.0.0.0/8"))
    plain = settings_with(trusted_proxies=("10.0.0.0/8",))
    assert client_address(_unix_connection("6.6.6.6, 192.0.2.7"), unix) == "192.0.2.7"
    assert client_address(_unix_connection("192.0.2.7, 10.0.0.5"), unix) == "192.0.2.7"
    assert client_address(_unix_connection(), unix) == ""
    assert client_address(_unix_connection("junk"), unix) == ""
    assert client_address(_unix_connection("192.0.2.7"), plain) == ""  # not believed
    assert client_address(_unix_connection("192.0.2.7"), settings_with()) == ""
    # `unix` does not make addressed peers trusted.
    only_unix = settings_with(trusted_proxies=("unix",))
    assert client_address(_connection("192.0.2.5", "1.1.1.1"), only_unix) == "192.0.2.5"


async def test_behind_a_unix_socket_proxy_the_forwarded_client_is_throttled(app, settings_with):
    """Without `unix` every request would have no address: the attacker's failures would
    lock the one pair everybody shares, the victim's included."""
    behind = create_app(settings_with(trusted_proxies=("unix",)), manage_database=False)
    victim, attacker = {"X-Forwarded-For": "198.51.100.80"}, {"X-Forwarded-For": "203.0.113.80"}
    transport = httpx.ASGITransport(app=behind, client=None)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        email = unique_email()
        body = await gql(c, SIGN_UP, {"input": {"email": email, "password": PASSWORD}},
                         headers=victim)  # fmt: skip
        assert body["data"]["signUp"]["__typename"] == "AuthSession"
        kinds = [
            (await gql(c, LOG_IN, _log_in(email, WRONG), headers=attacker))["data"]["logIn"]
            for _ in range(6)
        ]
        assert [k["__typename"] for k in kinds] == ["InvalidCredentials"] * 4 + [
            "TooManyAttempts"
        ] * 2
        body = await gql(c, LOG_IN, _log_in(email, PASSWORD), headers=victim)
        assert body["data"]["logIn"]["__typename"] == "AuthSession"
    sessions = await AuthSession.filter(member__email=email).values_list(
        "client_address", flat=True
    )
    assert set(sessions) == {"198.51.100.80"}


async def test_without_an_address_sign_ups_and_sign_ins_are_counted_together(client, settings_with):
    configure(settings_with(signup_max_per_address=2, login_max_failures_per_address=3))
    nowhere = auth.ClientInfo()
    for _ in range(2):
        await auth.sign_up(email=unique_email(), password=PASSWORD, client=nowhere)
    with pytest.raises(TooManyAttempts):
        await auth.sign_up(email=unique_email(), password=PASSWORD, client=nowhere)
    member = unique_email()
    await auth.sign_up(email=member, password=PASSWORD, client=auth.ClientInfo("192.0.2.80"))
    for _ in range(3):  # credential stuffing from nowhere
        with pytest.raises((InvalidCredentials, TooManyAttempts)):
            await auth.log_in(email=unique_email(), password=WRONG, client=nowhere)
    with pytest.raises(TooManyAttempts):  # the shared unknown place waits
        await auth.log_in(email=member, password=PASSWORD, client=nowhere)
    assert await LoginThrottle.exists(key="address:unknown")
    assert await LoginThrottle.exists(key="signup:unknown")
    assert not await LoginThrottle.filter(key__startswith="known:", key__contains="unknown")
    # At a real address the member is not affected.
    assert await auth.log_in(email=member, password=PASSWORD, client=auth.ClientInfo("192.0.2.80"))


# ---- the table does not grow forever ----------------------------------------------------


async def test_maintenance_purges_throttle_rows_that_no_longer_count(client, settings, monkeypatch):
    from app.worker import run_maintenance

    monkeypatch.setattr(auth, "PURGE_BATCH", 2)  # several batches
    now = dt.datetime.now(dt.UTC)

    def ago(seconds: float) -> dt.datetime:
        return now - dt.timedelta(seconds=seconds)

    login, ttl = settings.login_window_seconds, settings.refresh_token_ttl
    rows = {  # key: (window started, locked until, still counts)
        "known:a:old": (ago(ttl + 60), None, False),
        "known:a:recent": (ago(ttl - 60), None, True),
        "signup:192.0.2.1": (ago(settings.signup_window_seconds + 1), None, False),
        "signup:192.0.2.2": (ago(60), None, True),
        "pair:a:over": (ago(login + 1), None, False),
        "pair:a:locked": (ago(login + 1), now + dt.timedelta(seconds=60), True),
        "pair:a:lock-over": (ago(login * 2), ago(10), False),
        "pair:a:current": (ago(login - 60), None, True),
        "account:a": (ago(login + 5), None, False),
        "address:192.0.2.3": (ago(login * 3), None, False),
        "address:192.0.2.4": (ago(login * 3), now + dt.timedelta(seconds=30), True),
    }
    await LoginThrottle.bulk_create(
        [LoginThrottle(key=k, failures=3, window_started_at=w, locked_until=u)
         for k, (w, u, _) in rows.items()]
    )  # fmt: skip
    done = await run_maintenance(at=now)
    assert done["throttles_purged"] == 6
    left = set(await LoginThrottle.all().values_list("key", flat=True))
    assert left == {k for k, (_, _, counts) in rows.items() if counts}
    assert await auth.purge_throttles(now=now) == 0


async def test_rows_of_a_real_sign_in_go_once_their_window_is_over(client, settings):
    email = (await sign_up(client))["member"]["email"]
    for address in ("192.0.2.90", "192.0.2.91"):
        with pytest.raises(InvalidCredentials):
            await auth.log_in(email=email, password=WRONG, client=auth.ClientInfo(address))
    await auth.log_in(email=email, password=PASSWORD, client=auth.ClientInfo("192.0.2.90"))
    assert await auth.purge_throttles() == 1  # the pair the right password cleared
    before = await LoginThrottle.all().count()
    assert await auth.purge_throttles() == 0
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=settings.login_window_seconds + 1)
    # The counters go; the known addresses and the sign-up window (an hour) stay.
    assert await auth.purge_throttles(now=later) == before - 3
    left = await LoginThrottle.all().values_list("key", flat=True)
    assert sorted(k.partition(":")[0] for k in left) == ["known", "known", "signup"]
    # And counting starts afresh.
    with pytest.raises(InvalidCredentials):
        await auth.log_in(email=email, password=WRONG, client=auth.ClientInfo("192.0.2.91"))
