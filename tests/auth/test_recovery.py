"""Account recovery and sign-up mail, through GraphQL and the link pages, with real mail
(the `smtp` fixture): asking for a reset link (the same answer for every address,
throttled), setting a new password with it (everything signed out, the link spent), and
the mails sign-up sends."""

import asyncio
import datetime as dt
from contextlib import asynccontextmanager

import httpx
import pytest

from app import jobs
from app.auth.models import LoginThrottle
from app.clock import now
from app.db import transaction
from app.mail import service as mail
from app.mail.models import MailToken, TokenPurpose
from app.members.models import Member
from tests import factories
from tests.helpers import LOG_IN, ME, PASSWORD, REFRESH, SIGN_UP, gql, sign_up, unique_email

RESET_PATH = "/account/reset-password"
SET_PATH = "/account/set-password"
NEW_PASSWORD = "a-brand-new-passphrase"

REQUEST = """mutation($e: String!) { requestPasswordReset(email: $e) {
  __typename
  ... on PasswordResetRequested { email }
  ... on TooManyAttempts { retryAfterSeconds }
  ... on InvalidInput { fields { field code } }
  ... on UserError { code message } } }"""
RESET = """mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) {
  __typename
  ... on PasswordReset { email }
  ... on InvalidToken { reason }
  ... on InvalidInput { fields { field code } }
  ... on UserError { code message } } }"""
VERIFY_PATH = "/account/verify-email"
CHANGE_EMAIL = """mutation($e: String!, $p: String!) { changeEmail(newEmail: $e, password: $p) {
  __typename } }"""
CHANGE_PASSWORD = """mutation($o: String!, $n: String!) {
  changePassword(input: {currentPassword: $o, newPassword: $n}) { __typename } }"""
VERIFY_EMAIL = """mutation($t: String!) { verifyEmail(token: $t) {
  __typename ... on InvalidToken { reason } } }"""


def _mails(smtp, address: str, subject: str) -> list:
    return [m for m in smtp.to(address) if m.message["Subject"] == subject]


async def _request(client, email: str) -> dict:
    return (await gql(client, REQUEST, {"e": email}))["data"]["requestPasswordReset"]


async def _reset(client, token: str, password: str = NEW_PASSWORD) -> dict:
    return (await gql(client, RESET, {"t": token, "p": password}))["data"]["resetPassword"]


async def _log_in(client, email: str, password: str) -> str:
    body = await gql(client, LOG_IN, {"input": {"email": email, "password": password}})
    return body["data"]["logIn"]["__typename"]


async def _reset_token(client, smtp, email: str, subject: str = "Reset your password") -> str:
    assert (await _request(client, email))["__typename"] == "PasswordResetRequested"
    await jobs.drain()
    return _mails(smtp, email, subject)[-1].token(RESET_PATH)


async def test_a_reset_link_sets_the_password_and_signs_out_everywhere(client, smtp):
    email = unique_email()
    session = await sign_up(client, email=email, locale="nl", displayName="Anna")
    # Verified (an unverified address's mail greets nobody by name: tests/mail).
    await Member.filter(email=email).update(email_verified_at=now())
    other = (await gql(client, LOG_IN, {"input": {"email": email, "password": PASSWORD}}))["data"][
        "logIn"
    ]
    assert await _request(client, email.upper()) == {
        "__typename": "PasswordResetRequested",
        "email": email,
    }
    await jobs.drain()
    [got] = _mails(smtp, email, "Stel je wachtwoord opnieuw in")  # the member's language
    assert "Hallo Anna," in got.text() and "30 minuten" in got.text()
    link = got.link(RESET_PATH)
    assert link.startswith("http") and "token=" in link
    raw = got.token(RESET_PATH)

    # The link's page: a labelled password field; nothing spent by looking.
    shown = await client.get(RESET_PATH, params={"token": raw}, headers={"Accept-Language": "nl"})
    assert shown.status_code == 200, shown.text
    assert "Kies een nieuw wachtwoord" in shown.text
    assert '<label for="password">' in shown.text and 'id="password"' in shown.text
    assert "<script" not in shown.text and shown.headers["Cache-Control"] == "no-store"
    assert await mail.token_state(raw=raw) == "VALID"
    done = await client.post(RESET_PATH, data={"token": raw, "password": NEW_PASSWORD})
    assert done.status_code == 200, done.text
    assert "Je wachtwoord is ingesteld" in done.text and email in done.text

    # Every session ended: access tokens and refresh tokens alike.
    for old in (session, other):
        me = await gql(client, ME, token=old["accessToken"])
        assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", me
        refreshed = await gql(client, REFRESH, {"t": old["refreshToken"]})
        assert refreshed["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", refreshed
    assert await _log_in(client, email, PASSWORD) == "InvalidCredentials"
    assert await _log_in(client, email, NEW_PASSWORD) == "AuthSession"
    member = await Member.get(email=email)
    assert member.email_verified_at is not None  # they read the mail there

    # Once only: the page and the API both refuse it now.
    again = await _reset(client, raw, "yet-another-passphrase")
    assert again["__typename"] == "InvalidToken" and again["reason"] == "USED"
    assert again["code"] == "INVALID_TOKEN" and again["message"]
    used = await client.get(RESET_PATH, params={"token": raw}, headers={"Accept-Language": "es"})
    assert used.status_code == 400 and "Este enlace ya se usó" in used.text

    # The owner hears of it, with a fresh reset link in case it was not them.
    await jobs.drain()
    [notice] = _mails(smtp, email, "Je wachtwoord is gewijzigd")
    fresh = notice.token(RESET_PATH)
    assert fresh != raw and await mail.token_state(raw=fresh) == "VALID"


async def test_a_used_reset_link_spends_the_members_other_links(client, smtp):
    email = unique_email()
    await sign_up(client, email=email)
    first = await _reset_token(client, smtp, email)
    second = await _reset_token(client, smtp, email)
    assert (await _reset(client, second))["__typename"] == "PasswordReset"
    assert (await _reset(client, first))["reason"] == "USED"


async def test_expired_and_forged_tokens_are_refused(client, smtp):
    email = unique_email()
    await sign_up(client, email=email)
    raw = await _reset_token(client, smtp, email)
    await MailToken.filter(token_hash=mail.token_hash(raw)).update(expires_at=now())
    expired = await _reset(client, raw)
    assert expired["__typename"] == "InvalidToken" and expired["reason"] == "EXPIRED"
    page = await client.get(RESET_PATH, params={"token": raw})
    assert page.status_code == 400 and "This link has expired" in page.text
    for forged in ("forged-token", raw[:-2] + "xx", "", "x" * 500):
        refused = await _reset(client, forged)
        assert refused["__typename"] == "InvalidToken" and refused["reason"] == "UNKNOWN"
    posted = await client.post(RESET_PATH, data={"token": "<script>", "password": NEW_PASSWORD})
    assert posted.status_code == 400 and "This link does not work" in posted.text
    assert "<script>" not in posted.text
    assert await _log_in(client, email, PASSWORD) == "AuthSession"  # nothing changed


async def test_a_weak_password_is_refused_and_the_link_still_works(client, smtp):
    email = unique_email()
    session = await sign_up(client, email=email)
    raw = await _reset_token(client, smtp, email)
    weak = await _reset(client, raw, "short")
    assert weak["__typename"] == "InvalidInput", weak
    assert weak["fields"] == [{"field": "newPassword", "code": "PASSWORD_TOO_SHORT"}]
    common = await _reset(client, raw, "password123")
    assert common["fields"] == [{"field": "newPassword", "code": "PASSWORD_TOO_COMMON"}]
    # The page shows the problem beside the field, and keeps the token in the form.
    page = await client.post(
        RESET_PATH, data={"token": raw, "password": "short"}, headers={"Accept-Language": "es"}
    )
    assert page.status_code == 400 and "Usa al menos 10 caracteres." in page.text
    assert 'aria-describedby="password-error"' in page.text and raw in page.text
    assert await mail.token_state(raw=raw) == "VALID"
    assert "errors" not in await gql(client, ME, token=session["accessToken"])  # still signed in
    assert (await _reset(client, raw))["__typename"] == "PasswordReset"


async def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, smtp):
    known, unknown = unique_email(), unique_email("nobody")
    await sign_up(client, email=known)
    await jobs.drain()
    before = await jobs.Job.filter(kind=mail.MAIL_JOB).count()
    a = await _request(client, known)
    b = await _request(client, unknown)
    assert a == {"__typename": "PasswordResetRequested", "email": known}
    assert b == {"__typename": "PasswordResetRequested", "email": unknown}
    # The same work either way: one mail job each.
    assert await jobs.Job.filter(kind=mail.MAIL_JOB).count() == before + 2
    await jobs.drain()
    assert _mails(smtp, known, "Reset your password")
    assert smtp.to(unknown) == []
    assert await MailToken.filter(purpose=TokenPurpose.RESET).count() == 1


async def test_a_malformed_address_is_invalid_input_and_changes_nothing(client, smtp):
    for bad, code in (("not-an-address", "INVALID_EMAIL"), ("  ", "REQUIRED")):
        result = await _request(client, bad)
        assert result["__typename"] == "InvalidInput"
        assert result["fields"] == [{"field": "email", "code": code}]
    assert await jobs.Job.filter(kind=mail.MAIL_JOB).count() == 0
    assert await LoginThrottle.filter(key__startswith="reset").count() == 0


async def test_requests_are_throttled_per_account_and_client_address(client, smtp):
    email = unique_email()
    await sign_up(client, email=email)
    # Ten requests within a minute from one client: three go, then TooManyAttempts.
    results = [await _request(client, email) for _ in range(10)]
    kinds = [r["__typename"] for r in results]
    assert kinds == ["PasswordResetRequested"] * 3 + ["TooManyAttempts"] * 7
    assert all(0 < r["retryAfterSeconds"] <= 900 for r in results[3:])
    assert results[3]["code"] == "TOO_MANY_ATTEMPTS" and results[3]["message"]
    # Counted the same for an address nobody has (from a fresh client address).
    await LoginThrottle.filter(key__startswith="reset-from:").delete()
    nobody = unique_email("nobody")
    kinds = [(await _request(client, nobody))["__typename"] for _ in range(4)]
    assert kinds == ["PasswordResetRequested"] * 3 + ["TooManyAttempts"]
    await jobs.drain()
    assert len(_mails(smtp, email, "Reset your password")) == 3


@asynccontextmanager
async def _client_at(app, ip: str):
    transport = httpx.ASGITransport(app=app, client=(ip, 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def test_requests_from_elsewhere_neither_lock_out_nor_bomb_the_owner(app, client, smtp):
    email = unique_email()
    await sign_up(client, email=email)  # the owner's own place is a known one now
    answers = []
    for i in range(4):  # an attacker at four places, four requests each
        async with _client_at(app, f"198.51.100.{i + 1}") as elsewhere:
            answers += [(await _request(elsewhere, email))["__typename"] for _ in range(4)]
    assert answers == (["PasswordResetRequested"] * 3 + ["TooManyAttempts"]) * 4
    # The account-wide cap (RESET_MAX_PER_ACCOUNT, 5): past it, the same answer and no mail.
    await jobs.drain()
    assert len(_mails(smtp, email, "Reset your password")) == 5
    # The owner's place answers as usual, and, being one they signed in from, still mails.
    assert (await _request(client, email))["__typename"] == "PasswordResetRequested"
    await jobs.drain()
    assert len(_mails(smtp, email, "Reset your password")) == 6
    # A place the account never signed in from: the same answer, but no mail past the cap.
    async with _client_at(app, "192.0.2.50") as new_place:
        before = await jobs.Job.filter(kind=mail.MAIL_JOB).count()
        assert (await _request(new_place, email))["__typename"] == "PasswordResetRequested"
        assert await jobs.Job.filter(kind=mail.MAIL_JOB).count() == before
        unknown = unique_email("nobody")  # answered the same for an address nobody has
        assert (await _request(new_place, unknown))["__typename"] == "PasswordResetRequested"


async def test_a_pending_change_of_address_dies_with_a_password_reset(client, smtp):
    owner, evil = unique_email("owner"), unique_email("evil")
    session = await sign_up(client, email=owner)
    change = await gql(
        client, CHANGE_EMAIL, {"e": evil, "p": PASSWORD}, token=session["accessToken"]
    )
    assert change["data"]["changeEmail"]["__typename"] == "EmailChangeRequested"
    await jobs.drain()
    [confirm] = _mails(smtp, evil, "Confirm your new email address")
    change_token = confirm.token(VERIFY_PATH)
    raw = await _reset_token(client, smtp, owner)
    assert (await _reset(client, raw))["__typename"] == "PasswordReset"
    refused = (await gql(client, VERIFY_EMAIL, {"t": change_token}))["data"]["verifyEmail"]
    assert refused["__typename"] == "InvalidToken", refused
    assert await Member.filter(email=owner).exists()  # nothing switched
    # The reset's own notice carries a fresh link, made after the change: it works.
    await jobs.drain()
    [notice] = _mails(smtp, owner, "Your password was changed")
    assert (await _reset(client, notice.token(RESET_PATH), "a-third-passphrase"))[
        "__typename"
    ] == "PasswordReset"


async def test_a_pending_change_of_address_dies_with_a_password_change(client, smtp):
    owner, evil = unique_email("owner"), unique_email("evil")
    session = await sign_up(client, email=owner)
    token = session["accessToken"]
    await gql(client, CHANGE_EMAIL, {"e": evil, "p": PASSWORD}, token=token)
    await jobs.drain()
    change_token = _mails(smtp, evil, "Confirm your new email address")[0].token(VERIFY_PATH)
    changed = await gql(client, CHANGE_PASSWORD, {"o": PASSWORD, "n": NEW_PASSWORD}, token=token)
    assert changed["data"]["changePassword"]["__typename"] == "PasswordChanged", changed
    refused = (await gql(client, VERIFY_EMAIL, {"t": change_token}))["data"]["verifyEmail"]
    assert refused["__typename"] == "InvalidToken", refused
    assert await Member.filter(email=owner).exists()  # nothing switched


async def test_a_change_link_asked_for_before_a_password_change_is_never_made(client, smtp):
    owner, evil = unique_email("owner"), unique_email("evil")
    session = await sign_up(client, email=owner)
    token = session["accessToken"]
    await jobs.drain()
    await gql(client, CHANGE_EMAIL, {"e": evil, "p": PASSWORD}, token=token)  # queued, not sent
    changed = await gql(client, CHANGE_PASSWORD, {"o": PASSWORD, "n": NEW_PASSWORD}, token=token)
    assert changed["data"]["changePassword"]["__typename"] == "PasswordChanged", changed
    await jobs.drain()
    assert smtp.to(evil) == []  # skipped: its link would outlive the old password
    assert await MailToken.filter(purpose=TokenPurpose.CHANGE).count() == 0
    assert _mails(smtp, owner, "Your email address is about to change")  # the notice goes


async def test_a_link_made_before_the_password_changed_is_expired(client, smtp):
    email = unique_email()
    await sign_up(client, email=email)
    raw = await _reset_token(client, smtp, email)
    # However the password changed (even without spending the member's links).
    await Member.filter(email=email).update(password_changed_at=now() + dt.timedelta(seconds=1))
    assert await mail.token_state(raw=raw) == "EXPIRED"
    refused = await _reset(client, raw)
    assert refused["__typename"] == "InvalidToken" and refused["reason"] == "EXPIRED"


async def test_a_confirmation_token_costs_no_hashing_on_the_reset_page(client, smtp, monkeypatch):
    from app.members import service as members

    email = unique_email()
    await sign_up(client, email=email)
    await jobs.drain()
    raw = _mails(smtp, email, "Confirm your email address")[0].token(VERIFY_PATH)
    hashed = []
    real = members.hash_new_password

    async def counting(password):
        hashed.append(password)
        return await real(password)

    monkeypatch.setattr(members, "hash_new_password", counting)
    for _ in range(3):
        posted = await client.post(RESET_PATH, data={"token": raw, "password": NEW_PASSWORD})
        assert posted.status_code == 400 and "This link does not work" in posted.text
    assert (await _reset(client, raw))["reason"] == "UNKNOWN"
    assert hashed == []
    shown = await client.get(RESET_PATH, params={"token": raw})
    assert shown.status_code == 400 and 'name="password"' not in shown.text
    assert await mail.token_state(raw=raw, purposes=(TokenPurpose.VERIFY,)) == "VALID"
    assert await mail.token_state(raw=raw, purposes=(TokenPurpose.RESET,)) == "UNKNOWN"


async def test_reset_attempts_are_throttled_per_client_address(app, client, smtp):
    kinds = [(await _reset(client, f"forged-{i}"))["__typename"] for i in range(20)]
    assert kinds == ["InvalidToken"] * 20
    busy = await _reset(client, "forged-again")
    assert busy["__typename"] == "TooManyAttempts" and busy["code"] == "TOO_MANY_ATTEMPTS"
    posted = await client.post(RESET_PATH, data={"token": "forged", "password": NEW_PASSWORD})
    assert posted.status_code == 429 and "Too many attempts" in posted.text
    assert int(posted.headers["Retry-After"]) > 0
    # A weak password is refused before anything is counted or looked up.
    assert (await _reset(client, "forged", "short"))["__typename"] == "InvalidInput"
    # Another client address is not held back.
    async with _client_at(app, "198.51.100.77") as elsewhere:
        assert (await _reset(elsewhere, "forged"))["__typename"] == "InvalidToken"


async def test_requests_are_throttled_per_client_address(client, smtp):
    kinds = [(await _request(client, unique_email("many")))["__typename"] for _ in range(11)]
    assert kinds == ["PasswordResetRequested"] * 10 + ["TooManyAttempts"]
    # Another address is not held back.
    other = {"X-Forwarded-For": "203.0.113.9"}
    body = await gql(client, REQUEST, {"e": unique_email()}, headers=other)
    assert body["data"]["requestPasswordReset"]["__typename"] in (
        "PasswordResetRequested",
        "TooManyAttempts",  # without TRUSTED_PROXIES the header is not believed
    )


async def test_sign_up_mails_a_confirmation_link(client, smtp):
    email = unique_email()
    await sign_up(client, email=email, locale="es")
    await jobs.drain()
    [got] = _mails(smtp, email, "Confirma tu dirección de correo")
    token = got.token("/account/verify-email")
    assert await mail.token_state(raw=token) == "VALID"
    stored = await MailToken.get(token_hash=mail.token_hash(token))
    assert stored.purpose == TokenPurpose.VERIFY
    assert (stored.expires_at - stored.created_at).total_seconds() == 7 * 86400


async def test_signing_up_with_a_taken_address_tells_its_owner_once_an_hour(client, smtp):
    email = unique_email()
    await sign_up(client, email=email)
    for password in ("someone-elses-pass", "another-attempt-pw"):
        body = await gql(client, SIGN_UP, {"input": {"email": email, "password": password}})
        result = body["data"]["signUp"]
        assert result["__typename"] == "EmailAlreadyRegistered"
        assert result["code"] == "EMAIL_ALREADY_REGISTERED"
    await jobs.drain()
    [notice] = _mails(smtp, email, "You already have an account")
    raw = notice.token(RESET_PATH)
    assert (await _reset(client, raw))["__typename"] == "PasswordReset"
    assert await _log_in(client, email, NEW_PASSWORD) == "AuthSession"


async def test_an_invitation_link_sets_the_first_password(client, smtp):
    member = await factories.member(locale="en")
    async with transaction() as tx:
        await mail.mail_later(tx.connection, mail.spec(
            template="INVITATION", key=f"invite:{member.id}", member_id=member.id,
            token=TokenPurpose.INVITE, token_ttl=7 * 86400, fields={"points": 120},
        ))  # fmt: skip
    await jobs.drain()
    [invite] = smtp.to(member.email)
    raw = invite.token(SET_PATH)
    shown = await client.get(SET_PATH, params={"token": raw})
    assert shown.status_code == 200 and "Set your password" in shown.text
    done = await client.post(SET_PATH, data={"token": raw, "password": NEW_PASSWORD})
    assert done.status_code == 200 and "Your password is set" in done.text
    assert await _log_in(client, member.email, NEW_PASSWORD) == "AuthSession"
    await jobs.drain()
    assert len(smtp.to(member.email)) == 1  # no "password changed" notice for a first one
    # A reset token does not open the invitation page's purpose the other way round:
    # a VERIFY token is refused by resetPassword.
    verify = await MailToken.create(
        member_id=member.id, purpose=TokenPurpose.VERIFY, token_hash=mail.token_hash("v" * 40),
        email=member.email, expires_at=now().replace(year=now().year + 1),
    )  # fmt: skip
    assert verify.id
    assert (await _reset(client, "v" * 40))["reason"] == "UNKNOWN"


async def test_parallel_uses_of_one_reset_link_succeed_once(client, smtp, dialect):
    if dialect != "postgres":
        pytest.skip("SQLite serializes writers; races are proven on PostgreSQL")
    email = unique_email()
    await sign_up(client, email=email)
    raw = await _reset_token(client, smtp, email)
    passwords = [f"parallel-passphrase-{i}" for i in range(5)]
    results = await asyncio.gather(*(_reset(client, raw, p) for p in passwords))
    kinds = sorted(r["__typename"] for r in results)
    assert kinds == ["InvalidToken"] * 4 + ["PasswordReset"], results
    assert {r["reason"] for r in results if r["__typename"] == "InvalidToken"} == {"USED"}
    winner = passwords[[r["__typename"] for r in results].index("PasswordReset")]
    assert await _log_in(client, email, winner) == "AuthSession"
    await jobs.drain()
    assert len(_mails(smtp, email, "Your password was changed")) == 1


async def test_one_password_is_set_per_request(client, smtp):
    email = unique_email()
    await sign_up(client, email=email)
    raw = await _reset_token(client, smtp, email)
    twice = """mutation($t: String!) {
      a: resetPassword(token: $t, newPassword: "first-new-passphrase") { __typename }
      b: resetPassword(token: $t, newPassword: "second-new-passphrase") {
        __typename ... on UserError { code } } }"""
    body = (await gql(client, twice, {"t": raw}))["data"]
    assert body["a"]["__typename"] == "PasswordReset"
    assert body["b"] == {"__typename": "TooManyAttempts", "code": "ONE_PASSWORD_CHECK_PER_REQUEST"}
