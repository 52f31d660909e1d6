"""Verified addresses through GraphQL and the link page, with real mail (the `smtp` fixture):
confirming an address, changing it (only once the new one is confirmed), and the refusals
that leave everything as it was."""

import asyncio
import datetime as dt

import pytest

from app import clock, jobs
from app.clock import now
from app.db import transaction
from app.mail import service as mail
from app.mail.models import EmailDelivery, MailStatus, MailToken, TokenPurpose
from app.members import service as members
from app.members.models import Member, Role
from tests.helpers import LOG_IN, PASSWORD, gql, sign_up, staff_session, unique_email

PATH = "/account/verify-email"
CONFIRM_SUBJECT = "Confirm your email address"
CONFIRM_NEW_SUBJECT = "Confirm your new email address"
REQUESTED_SUBJECT = "Your email address is about to change"
CHANGED_SUBJECT = "Your email address was changed"

VERIFY = """mutation($t: String!) { verifyEmail(token: $t) {
  __typename
  ... on EmailVerified { member { id email emailVerified } }
  ... on InvalidToken { reason }
  ... on UserError { code message } } }"""
CHANGE = """mutation($e: String!, $p: String!) { changeEmail(newEmail: $e, password: $p) {
  __typename
  ... on EmailChangeRequested { pendingEmail }
  ... on InvalidInput { fields { field code } }
  ... on TooManyAttempts { retryAfterSeconds }
  ... on UserError { code message } } }"""
RESEND = """mutation { resendVerificationEmail {
  __typename
  ... on VerificationEmailSent { email }
  ... on TooManyAttempts { retryAfterSeconds }
  ... on UserError { code message } } }"""
ME = "{ me { id email emailVerified } }"


def _mails(smtp, address: str, subject: str) -> list:
    return [m for m in smtp.to(address) if m.message["Subject"] == subject]


async def _me(client, token: str) -> dict:
    return (await gql(client, ME, token=token))["data"]["me"]


async def _verify(client, raw: str, token: str | None = None) -> dict:
    return (await gql(client, VERIFY, {"t": raw}, token=token))["data"]["verifyEmail"]


async def _change(client, token: str, new_email: str, password: str = PASSWORD) -> dict:
    body = await gql(client, CHANGE, {"e": new_email, "p": password}, token=token)
    return body["data"]["changeEmail"]


async def _log_in(client, email: str) -> str:
    body = await gql(client, LOG_IN, {"input": {"email": email, "password": PASSWORD}})
    return body["data"]["logIn"]["__typename"]


async def _requested_change(client, smtp, *, old: str, new: str, token: str) -> str:
    """Ask to switch `old` to `new`; the CHANGE token mailed to `new`."""
    result = await _change(client, token, new)
    assert result == {"__typename": "EmailChangeRequested", "pendingEmail": new}, result
    await jobs.drain()
    [confirm] = _mails(smtp, new, CONFIRM_NEW_SUBJECT)
    return confirm.token(PATH)


async def test_a_verification_link_confirms_the_address(client, smtp):
    email = unique_email()
    session = await sign_up(client, email=email)
    token = session["accessToken"]
    assert (await _me(client, token))["emailVerified"] is False
    # Independent of what sign-up mails: the link comes from resendVerificationEmail.
    assert (await gql(client, RESEND, token=token))["data"]["resendVerificationEmail"] == {
        "__typename": "VerificationEmailSent",
        "email": email,
    }
    await jobs.drain()
    raw = _mails(smtp, email, CONFIRM_SUBJECT)[-1].token(PATH)
    # Used signed out: the token is the proof.
    verified = await _verify(client, raw)
    assert verified["__typename"] == "EmailVerified"
    assert verified["member"]["email"] == email and verified["member"]["emailVerified"] is True
    assert (await _me(client, token))["emailVerified"] is True
    # Once only.
    again = await _verify(client, raw, token)
    assert again["__typename"] == "InvalidToken" and again["reason"] == "USED"
    assert again["code"] == "INVALID_TOKEN" and again["message"]
    # Nothing left to confirm.
    resend = (await gql(client, RESEND, token=token))["data"]["resendVerificationEmail"]
    assert resend["__typename"] == "EmailAlreadyVerified"
    assert resend["code"] == "EMAIL_ALREADY_VERIFIED"


async def test_staff_see_whether_a_members_address_is_verified(client):
    session = await sign_up(client)
    support = await staff_session(client, Role.SUPPORT)
    query = "query($id: ID!) { member(id: $id) { emailVerified } }"
    member_id = session["member"]["id"]
    body = await gql(client, query, {"id": member_id}, token=support["accessToken"])
    assert body["data"]["member"] == {"emailVerified": False}
    await members.mark_email_verified(
        member_id=(await Member.get(email=session["member"]["email"])).id
    )
    body = await gql(client, query, {"id": member_id}, token=support["accessToken"])
    assert body["data"]["member"] == {"emailVerified": True}


async def test_resending_is_throttled(client, smtp):
    email = unique_email()
    session = await sign_up(client, email=email)
    token = session["accessToken"]
    first = (await gql(client, RESEND, token=token))["data"]["resendVerificationEmail"]
    assert first["__typename"] == "VerificationEmailSent"
    second = (await gql(client, RESEND, token=token))["data"]["resendVerificationEmail"]
    assert second["__typename"] == "TooManyAttempts"
    assert 0 < second["retryAfterSeconds"] <= 600
    await jobs.drain()
    sent = len(_mails(smtp, email, CONFIRM_SUBJECT))
    # Ten minutes later, another one may go.
    clock.advance(601)
    try:
        third = (await gql(client, RESEND, token=token))["data"]["resendVerificationEmail"]
        assert third["__typename"] == "VerificationEmailSent"
        await jobs.drain()
    finally:
        clock.unfreeze()
    assert len(_mails(smtp, email, CONFIRM_SUBJECT)) == sent + 1


async def test_resending_needs_a_session(client):
    body = await gql(client, RESEND)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_changing_the_address_switches_only_once_the_new_one_is_confirmed(
    client, smtp, monkeypatch
):
    announced: list[tuple[int, str, dict]] = []

    async def record(tx, member_id, change, fields):
        if change == "updated":
            announced.append((member_id, change, fields))

    monkeypatch.setattr(members, "PROFILE_HOOKS", [*members.PROFILE_HOOKS, record])
    old, new = unique_email("old"), unique_email("new")
    session = await sign_up(client, email=old)
    token = session["accessToken"]
    raw = await _requested_change(client, smtp, old=old, new=new, token=token)
    [notice] = _mails(smtp, old, REQUESTED_SUBJECT)
    assert new in notice.text()
    assert not _mails(smtp, old, CONFIRM_NEW_SUBJECT)  # the link goes to the new address only
    assert not _mails(smtp, new, REQUESTED_SUBJECT)
    # Nothing switched yet.
    assert (await _me(client, token))["email"] == old
    assert await _log_in(client, new) == "InvalidCredentials"
    assert not announced
    # Confirmed (signed in as the owner).
    verified = await _verify(client, raw, token)
    assert verified["__typename"] == "EmailVerified", verified
    assert verified["member"] == {
        "id": session["member"]["id"],
        "email": new,
        "emailVerified": True,
    }
    assert (await _me(client, token))["email"] == new
    member = await Member.get(email=new)
    assert announced == [(member.id, "updated", {"email": new})]
    await jobs.drain()
    [changed] = _mails(smtp, old, CHANGED_SUBJECT)
    assert new in changed.text()
    assert await _log_in(client, new) == "AuthSession"
    assert await _log_in(client, old) == "InvalidCredentials"


async def test_a_newer_change_request_ends_the_older_link(client, smtp):
    old, first, second = unique_email("old"), unique_email("first"), unique_email("second")
    session = await sign_up(client, email=old)
    token = session["accessToken"]
    stale = await _requested_change(client, smtp, old=old, new=first, token=token)
    fresh = await _requested_change(client, smtp, old=old, new=second, token=token)
    assert (await _verify(client, stale))["reason"] == "USED"
    assert (await _verify(client, fresh))["member"]["email"] == second


async def test_a_link_used_by_another_signed_in_account_is_refused_and_stays_usable(client, smtp):
    old, new = unique_email("old"), unique_email("new")
    owner = await sign_up(client, email=old)
    other = await sign_up(client)
    raw = await _requested_change(client, smtp, old=old, new=new, token=owner["accessToken"])
    refused = await _verify(client, raw, other["accessToken"])
    assert refused["__typename"] == "TokenForAnotherAccount"
    assert refused["code"] == "TOKEN_FOR_ANOTHER_ACCOUNT" and refused["message"]
    assert (await _me(client, owner["accessToken"]))["email"] == old
    assert (await _me(client, other["accessToken"]))["email"] == other["member"]["email"]
    assert await mail.token_state(raw=raw) == "VALID"
    await jobs.drain()
    assert not _mails(smtp, old, CHANGED_SUBJECT)
    # Still the owner's: it works for them afterwards.
    assert (await _verify(client, raw, owner["accessToken"]))["member"]["email"] == new


async def test_an_address_of_another_account_gets_the_same_answer_and_no_mail(client, smtp):
    taken = unique_email("taken")
    await sign_up(client, email=taken)
    await jobs.drain()
    before = len(smtp.to(taken))
    old = unique_email("old")
    session = await sign_up(client, email=old)
    result = await _change(client, session["accessToken"], taken.upper())
    assert result == {"__typename": "EmailChangeRequested", "pendingEmail": taken}
    await jobs.drain()
    assert len(smtp.to(taken)) == before  # nothing to the address's owner
    assert len(_mails(smtp, old, REQUESTED_SUBJECT)) == 1  # as if it had worked
    assert (await _me(client, session["accessToken"]))["email"] == old


async def test_an_address_taken_before_it_is_confirmed_is_refused(client, smtp):
    old, new = unique_email("old"), unique_email("new")
    session = await sign_up(client, email=old)
    raw = await _requested_change(client, smtp, old=old, new=new, token=session["accessToken"])
    await sign_up(client, email=new)  # someone else got there first
    refused = await _verify(client, raw)
    assert refused["__typename"] == "EmailAlreadyRegistered"
    assert (await _me(client, session["accessToken"]))["email"] == old
    await jobs.drain()
    assert not _mails(smtp, old, CHANGED_SUBJECT)


async def test_the_unique_constraint_is_the_last_guard(client, smtp, monkeypatch):
    old, new = unique_email("old"), unique_email("new")
    session = await sign_up(client, email=old)
    raw = await _requested_change(client, smtp, old=old, new=new, token=session["accessToken"])
    await sign_up(client, email=new)

    async def nobody(*, email):  # the look-up misses the race: the constraint catches it
        return None

    monkeypatch.setattr(members, "get_member_by_email", nobody)
    refused = await _verify(client, raw)
    monkeypatch.undo()
    assert refused["__typename"] == "EmailAlreadyRegistered", refused
    assert (await _me(client, session["accessToken"]))["email"] == old
    assert await mail.token_state(raw=raw) == "VALID"  # rolled back with the rest
    await jobs.drain()
    assert not _mails(smtp, old, CHANGED_SUBJECT)


async def test_a_wrong_password_or_a_bad_address_changes_nothing(client, smtp):
    old = unique_email("old")
    session = await sign_up(client, email=old)
    token = session["accessToken"]
    wrong = await _change(client, token, unique_email("new"), password="not-the-password")
    assert wrong["__typename"] == "InvalidCredentials" and wrong["code"] == "INVALID_CREDENTIALS"
    malformed = await _change(client, token, "not an address")
    assert malformed["__typename"] == "InvalidInput"
    assert malformed["fields"] == [{"field": "newEmail", "code": "INVALID_EMAIL"}]
    same = await _change(client, token, f"  {old.upper()} ")
    assert same["fields"] == [{"field": "newEmail", "code": "SAME_EMAIL"}]
    await jobs.drain()
    assert not _mails(smtp, old, REQUESTED_SUBJECT)
    assert (await _me(client, token))["email"] == old


async def test_password_guesses_through_change_email_are_throttled_like_sign_ins(client, smtp):
    session = await sign_up(client)
    token = session["accessToken"]
    kinds = [
        (await _change(client, token, unique_email("new"), password=f"guess-{i}-pw"))["__typename"]
        for i in range(6)
    ]
    assert kinds[:4] == ["InvalidCredentials"] * 4
    assert kinds[4:] == ["TooManyAttempts"] * 2
    # Locked: even the right password waits now, and nothing was mailed.
    locked = await _change(client, token, unique_email("new"))
    assert locked["__typename"] == "TooManyAttempts" and locked["retryAfterSeconds"] > 0
    await jobs.drain()
    assert not _mails(smtp, session["member"]["email"], REQUESTED_SUBJECT)


async def test_changing_needs_a_session(client):
    body = await gql(client, CHANGE, {"e": unique_email(), "p": PASSWORD})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_expired_and_forged_tokens_change_nothing(client, smtp):
    old, new = unique_email("old"), unique_email("new")
    session = await sign_up(client, email=old)
    raw = await _requested_change(client, smtp, old=old, new=new, token=session["accessToken"])
    await MailToken.filter(token_hash=mail.token_hash(raw)).update(
        expires_at=now() - dt.timedelta(seconds=1)
    )
    expired = await _verify(client, raw)
    assert expired["__typename"] == "InvalidToken" and expired["reason"] == "EXPIRED"
    for forged in ("forged-token", "", "x" * 500):
        assert (await _verify(client, forged))["reason"] == "UNKNOWN"
    assert (await _me(client, session["accessToken"]))["email"] == old
    assert not await Member.filter(email=new).exists()


async def test_a_reset_token_is_not_a_verification_token(client, smtp):
    email = unique_email()
    await sign_up(client, email=email)
    member = await Member.get(email=email)
    async with transaction() as tx:
        await mail.mail_later(tx.connection, mail.spec(
            template="PASSWORD_RESET", key=f"test-reset:{member.id}", member_id=member.id,
            token=TokenPurpose.RESET, token_ttl=1800,
        ))  # fmt: skip
    await jobs.drain()
    [reset] = _mails(smtp, email, "Reset your password")
    raw = reset.token("/account/reset-password")
    assert (await _verify(client, raw))["reason"] == "UNKNOWN"
    assert await mail.token_state(raw=raw) == "VALID"  # not spent by the refusal


async def test_the_link_page_asks_first_and_confirms_on_post(client, smtp):
    email = unique_email()
    session = await sign_up(client, email=email, locale="nl")
    await gql(client, RESEND, token=session["accessToken"])
    await jobs.drain()
    [mail_] = [m for m in smtp.to(email) if m.message["Subject"] == "Bevestig je e-mailadres"][-1:]
    raw = mail_.token(PATH)
    # GET (a scanner, a preview, the member's click) shows the button and spends nothing.
    shown = await client.get(PATH, params={"token": raw}, headers={"Accept-Language": "nl"})
    assert shown.status_code == 200
    assert '<form method="post"' in shown.text and "Bevestigen" in shown.text
    assert shown.headers["Cache-Control"] == "no-store"
    assert await mail.token_state(raw=raw) == "VALID"
    assert (await _me(client, session["accessToken"]))["emailVerified"] is False
    done = await client.post(f"{PATH}?lang=nl", data={"token": raw})
    assert done.status_code == 200
    assert "Je e-mailadres is bevestigd" in done.text and email in done.text
    assert (await _me(client, session["accessToken"]))["emailVerified"] is True
    # The link is spent now: the page says so, in the asker's language.
    used = await client.get(PATH, params={"token": raw}, headers={"Accept-Language": "es"})
    assert used.status_code == 400 and "Este enlace ya se usó" in used.text
    again = await client.post(PATH, data={"token": raw})
    assert again.status_code == 400 and "This link was used already" in again.text
    forged = await client.get(PATH, params={"token": "<script>"})
    assert forged.status_code == 400 and "<script>" not in forged.text


async def test_the_link_page_switches_a_changed_address(client, smtp):
    old, new = unique_email("old"), unique_email("new")
    session = await sign_up(client, email=old)
    raw = await _requested_change(client, smtp, old=old, new=new, token=session["accessToken"])
    done = await client.post(PATH, data={"token": raw})
    assert done.status_code == 200 and new in done.text
    assert (await _me(client, session["accessToken"]))["email"] == new


async def test_parallel_uses_of_one_change_link_succeed_once(client, smtp, dialect):
    if dialect != "postgres":
        pytest.skip("SQLite serializes writers; races are proven on PostgreSQL")
    old, new = unique_email("old"), unique_email("new")
    session = await sign_up(client, email=old)
    raw = await _requested_change(client, smtp, old=old, new=new, token=session["accessToken"])
    results = await asyncio.gather(*(_verify(client, raw) for _ in range(6)))
    kinds = sorted(r["__typename"] for r in results)
    assert kinds == ["EmailVerified"] + ["InvalidToken"] * 5, results
    assert {r["reason"] for r in results if r["__typename"] == "InvalidToken"} == {"USED"}
    assert (await _me(client, session["accessToken"]))["email"] == new
    await jobs.drain()
    assert len(_mails(smtp, old, CHANGED_SUBJECT)) == 1


async def test_change_requests_are_counted_when_asked_for_per_member_and_address(client, smtp):
    session = await sign_up(client, displayName="Claim 500 pts at evil.example")
    token = session["accessToken"]
    victim = unique_email("victim")
    # A burst (nothing mailed yet: a count of sent mails would let all of them through).
    kinds = [(await _change(client, token, victim))["__typename"] for _ in range(12)]
    assert kinds == ["EmailChangeRequested"] * 3 + ["TooManyAttempts"] * 9  # 3 a day to one
    busy = await _change(client, token, victim)
    assert busy["code"] == "TOO_MANY_ATTEMPTS" and 0 < busy["retryAfterSeconds"] <= 86400
    await jobs.drain()
    got = _mails(smtp, victim, CONFIRM_NEW_SUBJECT)
    # Three requests, three mails at most: the newest request's link replaces the older
    # ones, and an older request whose job runs after the newer's (jobs run concurrently)
    # is not mailed at all (SKIPPED, superseded). One link works.
    rows = await EmailDelivery.filter(template="CONFIRM_NEW_EMAIL")
    assert len(rows) == 3 and 1 <= len(got) == sum(r.status == MailStatus.SENT for r in rows)
    assert all(r.status == MailStatus.SENT or r.error == "superseded" for r in rows)
    assert await MailToken.filter(purpose=TokenPurpose.CHANGE).count() <= 3
    assert await MailToken.filter(purpose=TokenPurpose.CHANGE, used_at__isnull=True).count() == 1
    # The new address is greeted anonymously: no name the asker chose, in To: or the text.
    for confirm in got:
        assert confirm.message["To"] == victim
        assert "evil.example" not in confirm.text() and "Claim" not in confirm.text()
    # Per member: 5 an hour, whatever the addresses (every request above counted).
    assert (await _change(client, token, unique_email("new")))["__typename"] == "TooManyAttempts"
    fresh = (await sign_up(client))["accessToken"]
    kinds = [(await _change(client, fresh, unique_email("new")))["__typename"] for _ in range(6)]
    assert kinds == ["EmailChangeRequested"] * 5 + ["TooManyAttempts"]


async def test_a_taken_address_trips_the_same_limits_as_a_free_one(client, smtp):
    taken, free = unique_email("taken"), unique_email("free")
    await sign_up(client, email=taken)
    answers = {}
    for target in (taken, free):
        session = await sign_up(client)
        answers[target] = [
            (await _change(client, session["accessToken"], target))["__typename"] for _ in range(4)
        ]
    assert answers[taken] == answers[free] == ["EmailChangeRequested"] * 3 + ["TooManyAttempts"]
    # Another account asking for the same address is held back by the address's count too.
    other = await sign_up(client)
    assert (await _change(client, other["accessToken"], free))["__typename"] == "TooManyAttempts"


async def test_old_links_do_not_come_back_when_the_address_switches_back(client, smtp):
    first, second = unique_email("first"), unique_email("second")
    session = await sign_up(client, email=first)
    token = session["accessToken"]
    await jobs.drain()
    [confirm] = _mails(smtp, first, CONFIRM_SUBJECT)
    old_verify = confirm.token(PATH)
    raw = await _requested_change(client, smtp, old=first, new=second, token=token)
    assert (await _verify(client, raw))["member"]["email"] == second
    smtp.clear()
    raw = await _requested_change(client, smtp, old=second, new=first, token=token)
    assert (await _verify(client, raw))["member"]["email"] == first
    # Every link of the account died at the first switch: the old one is spent for good.
    again = await _verify(client, old_verify)
    assert again["__typename"] == "InvalidToken" and again["reason"] == "USED"
    assert await MailToken.filter(used_at__isnull=True).count() == 0
