"""Invitations: members created by CRM sync (upsertMember) or import are mailed a link to
set their password, through the real SMTP server on loopback (tests/smtp.py); support
re-sends it (resendInvitation)."""

import datetime as dt
import io
import os
import sqlite3
import subprocess
import sys

from app import clock, jobs
from app.integrations.bulk import import_members
from app.ledger import service as ledger
from app.mail import service as mail
from app.mail.models import MailToken, TokenPurpose
from app.members.models import Member, Role
from tests.helpers import LOG_IN, PASSWORD, gql, integration_token, sign_up, staff_session

SET_PATH = "/account/set-password"
UPSERT = """
mutation($input: UpsertMemberInput!, $invite: Boolean!) {
  upsertMember(input: $input, invite: $invite) {
    __typename
    ... on MemberUpserted { created member { id email } }
    ... on InvalidInput { code fields { field code } }
} }
"""
RESEND = """mutation($id: ID!) { resendInvitation(memberId: $id) {
  __typename
  ... on InvitationSent { member { id email } }
  ... on UserError { code message }
  ... on TooManyAttempts { retryAfterSeconds }
} }"""
RESET = """mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) {
  __typename ... on PasswordReset { email } ... on UserError { code } } }"""


async def _upsert(client, token: str, invite: bool = True, **fields) -> dict:
    body = await gql(client, UPSERT, {"input": fields, "invite": invite}, token=token)
    result = body["data"]["upsertMember"]
    assert result["__typename"] == "MemberUpserted", body
    return result


async def _mail_jobs() -> list[jobs.Job]:
    """The mail jobs carrying invitations (a sign-up queues its own confirmation mail), as
    long as they are pending: a mail job's payload is emptied once it ends."""
    found = await jobs.Job.filter(kind=mail.MAIL_JOB).order_by("id")
    return [j for j in found
            if any(m["template"] == "INVITATION" for m in j.payload.get("mails", []))]  # fmt: skip


async def _all_mail_jobs() -> int:
    """Every mail job, done ones too (for tests where nobody signs up: all invitations)."""
    return await jobs.Job.filter(kind=mail.MAIL_JOB).count()


async def _live_invite(raw: str, member_id: int) -> MailToken:
    token = await MailToken.get(token_hash=mail.token_hash(raw))
    assert token.member_id == member_id and token.purpose == TokenPurpose.INVITE
    assert token.used_at is None and token.expires_at > clock.now() + dt.timedelta(days=6)
    assert await mail.token_state(raw=raw) == "VALID"
    return token


async def test_a_member_created_by_upsert_member_is_invited_and_then_signs_in(client, smtp):
    crm = await integration_token(client, "members:sync")
    created = await _upsert(client, crm, externalRef="crm-inv-1", email="anna@example.com",
                            displayName="Anna", locale="nl")  # fmt: skip
    assert created["created"] is True
    member = await Member.get(external_ref="crm-inv-1")
    # One job, recorded with the member; nothing leaves before the worker runs it.
    assert len(await _mail_jobs()) == 1 and not smtp.to("anna@example.com")
    await jobs.drain()
    [got] = smtp.to("anna@example.com")
    assert got.message["Subject"] == "Je spaaraccount staat klaar"  # their language
    text = got.text()
    assert "Hallo Anna," in text and "0 punten" in text and "7 dagen" in text
    link = got.link(SET_PATH)
    assert link.startswith("http") and f"{SET_PATH}?lang=nl&token=" in link
    raw = got.token(SET_PATH)
    await _live_invite(raw, member.id)
    assert await MailToken.filter(member_id=member.id).count() == 1  # only its hash is stored

    # Until they set a password, no password signs them in; then theirs does.
    body = await gql(client, LOG_IN, {"input": {"email": "anna@example.com", "password": PASSWORD}})
    assert body["data"]["logIn"]["code"] == "INVALID_CREDENTIALS"
    reset = (await gql(client, RESET, {"t": raw, "p": PASSWORD}))["data"]["resetPassword"]
    assert reset == {"__typename": "PasswordReset", "email": "anna@example.com"}
    body = await gql(client, LOG_IN, {"input": {"email": "anna@example.com", "password": PASSWORD}})
    assert body["data"]["logIn"]["__typename"] == "AuthSession", body
    assert await mail.token_state(raw=raw) == "USED"


async def test_updates_and_invite_false_mail_nothing(client, smtp):
    crm = await integration_token(client, "members:sync")
    await _upsert(client, crm, externalRef="crm-inv-2", email="bo@example.com")
    await jobs.drain()
    assert len(smtp.to("bo@example.com")) == 1
    # An update (and a repeat) of the member: no second mail, no job.
    updated = await _upsert(client, crm, externalRef="crm-inv-2", displayName="Bo")
    assert updated["created"] is False
    await _upsert(client, crm, externalRef="crm-inv-2", email="bo@example.com")
    assert await _all_mail_jobs() == 1
    # Created without the invitation.
    quiet = await _upsert(client, crm, invite=False, externalRef="crm-inv-3",
                          email="cy@example.com")  # fmt: skip
    assert quiet["created"] is True
    await jobs.drain()
    assert await _all_mail_jobs() == 1
    assert len(smtp.to("bo@example.com")) == 1 and not smtp.to("cy@example.com")
    cy = await Member.get(email="cy@example.com")
    assert not await MailToken.filter(member_id=cy.id).exists()


async def test_import_invites_the_members_it_creates_one_job_per_batch(app, smtp, tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text(
        "external_ref,email,display_name,locale\n"
        "imp-1,one@example.com,One,es\n"
        "imp-2,two@example.com,Two,en\n"
        "imp-3,three@example.com,,nl\n"
    )
    report = await import_members(path, batch_size=2, progress=None, errors=io.StringIO())
    assert report.created == 3
    made = await _mail_jobs()
    assert [len(j.payload["mails"]) for j in made] == [2, 1]  # one job per batch, not per member
    await jobs.drain()
    subjects = {}
    for address in ("one@example.com", "two@example.com", "three@example.com"):
        [got] = smtp.to(address)
        subjects[address] = got.message["Subject"]
        member = await Member.get(email=address)
        await _live_invite(got.token(SET_PATH), member.id)
    assert subjects == {"one@example.com": "Tu cuenta de fidelidad está lista",
                        "two@example.com": "Your loyalty account is ready",
                        "three@example.com": "Je spaaraccount staat klaar"}  # fmt: skip

    # Re-running the file, or updating members through it, mails nothing.
    path.write_text("external_ref,display_name\nimp-1,Uno\nimp-3,Drie\n")
    report = await import_members(path, progress=None, errors=io.StringIO())
    assert (report.created, report.updated) == (0, 2)
    # invite=False (--no-invite): members created, no mail.
    path.write_text("external_ref,email\nimp-4,four@example.com\n")
    report = await import_members(path, progress=None, errors=io.StringIO(), invite=False)
    assert report.created == 1
    await jobs.drain()
    assert await _all_mail_jobs() == 2
    assert not smtp.to("four@example.com")
    assert all(len(smtp.to(a)) == 1 for a in subjects)


def test_the_import_command_queues_invitations_unless_no_invite(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path}/cli.sqlite3",
           "LOYALTY_ENV": "test"}  # fmt: skip
    env.pop("TEST_DATABASE_URL", None)

    def loyalty(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "app.cli", *args], env=env,
                              capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)  # fmt: skip

    def mail_jobs() -> list[str]:
        with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
            return [row[0] for row in db.execute("SELECT payload FROM job WHERE kind = ?",
                                                 (mail.MAIL_JOB,))]  # fmt: skip

    assert loyalty("migrate").returncode == 0
    quiet = tmp_path / "quiet.csv"
    quiet.write_text("external_ref,email\nq1,q1@example.com\nq2,q2@example.com\n")
    done = loyalty("import-members", str(quiet), "--quiet", "--no-invite")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "created 2, updated 0, unchanged 0, rejected 0"
    assert mail_jobs() == []
    invited = tmp_path / "invited.csv"
    invited.write_text("external_ref,email\ni1,i1@example.com\ni2,i2@example.com\nq1,\n")
    done = loyalty("import-members", str(invited), "--quiet")
    assert done.returncode == 0, done.stderr
    [payload] = mail_jobs()
    assert payload.count('"INVITATION"') == 2 and "invite:" in payload


async def test_support_resends_the_invitation_spending_the_old_link(client, smtp):
    crm = await integration_token(client, "members:sync")
    await _upsert(client, crm, externalRef="crm-inv-5", email="dee@example.com")
    await jobs.drain()
    [first] = smtp.to("dee@example.com")
    old = first.token(SET_PATH)
    member = await Member.get(external_ref="crm-inv-5")
    await ledger.adjust_points(member_id=member.id, points=250, reason="welcome gift",
                               actor_id=None, expires_at=None)  # fmt: skip
    gid = (await _upsert(client, crm, externalRef="crm-inv-5"))["member"]["id"]
    support = await staff_session(client, Role.SUPPORT)

    clock.freeze()
    try:
        body = await gql(client, RESEND, {"id": gid}, token=support["accessToken"])
        assert body["data"]["resendInvitation"] == {
            "__typename": "InvitationSent",
            "member": {"id": gid, "email": "dee@example.com"},
        }, body
        assert await mail.token_state(raw=old) == "USED"  # the old link is dead at once
        await jobs.drain()
        [_, second] = smtp.to("dee@example.com")
        assert second.message["Subject"] == "Your loyalty account is ready"
        assert "250 points" in second.text()
        new = second.token(SET_PATH)
        assert new != old
        await _live_invite(new, member.id)
        reset = (await gql(client, RESET, {"t": old, "p": PASSWORD}))["data"]["resetPassword"]
        assert reset == {"__typename": "InvalidToken", "code": "INVALID_TOKEN"}

        # Throttled: one per member every 10 minutes, whoever asks.
        admin = await staff_session(client, Role.ADMIN)
        body = await gql(client, RESEND, {"id": gid}, token=admin["accessToken"])
        again = body["data"]["resendInvitation"]
        assert again["__typename"] == "TooManyAttempts", body
        assert 0 < again["retryAfterSeconds"] <= 600 and again["message"]
        assert await mail.token_state(raw=new) == "VALID"  # the refused ask spent nothing
        await jobs.drain()
        assert len(smtp.to("dee@example.com")) == 2

        clock.advance(660)
        body = await gql(client, RESEND, {"id": gid}, token=admin["accessToken"])
        assert body["data"]["resendInvitation"]["__typename"] == "InvitationSent", body
        await jobs.drain()
        assert len(smtp.to("dee@example.com")) == 3
        assert await mail.token_state(raw=new) == "USED"
        third = smtp.to("dee@example.com")[2].token(SET_PATH)
        assert (await gql(client, RESET, {"t": third, "p": PASSWORD}))["data"]["resetPassword"][
            "__typename"] == "PasswordReset"  # fmt: skip

        # Once they have a password: a typed error, and no mail.
        clock.advance(660)
        body = await gql(client, RESEND, {"id": gid}, token=support["accessToken"],
                         headers={"Accept-Language": "nl"})  # fmt: skip
        result = body["data"]["resendInvitation"]
        assert result["__typename"] == "AlreadyHasPassword", body
        assert result["code"] == "ALREADY_HAS_PASSWORD" and result["message"]
    finally:
        clock.unfreeze()
    await jobs.drain()
    assert len(smtp.to("dee@example.com")) == 3


async def test_resend_is_for_support_and_admins_only_and_typed(client, smtp):
    crm = await integration_token(client, "members:sync")
    gid = (await _upsert(client, crm, externalRef="crm-inv-6", email="eve@example.com"))[
        "member"]["id"]  # fmt: skip
    marketer = await staff_session(client, Role.MARKETER)
    someone = await sign_up(client)
    for token in (marketer["accessToken"], someone["accessToken"], crm):
        body = await gql(client, RESEND, {"id": gid}, token=token)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    body = await gql(client, RESEND, {"id": gid})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", body
    assert len(await _mail_jobs()) == 1  # the invitation on creation only

    support = await staff_session(client, Role.SUPPORT)
    # A member who signed up has a password.
    body = await gql(client, RESEND, {"id": someone["member"]["id"]},
                     token=support["accessToken"])  # fmt: skip
    assert body["data"]["resendInvitation"]["code"] == "ALREADY_HAS_PASSWORD", body
    # No such member, a staff account, an id of another type.
    for missing in ("TWVtYmVyOjk5OTk5OQ==", support["member"]["id"]):  # Member:999999
        body = await gql(client, RESEND, {"id": missing}, token=support["accessToken"])
        assert body["data"]["resendInvitation"]["__typename"] == "MemberNotFound", body
    body = await gql(client, RESEND, {"id": "V2ViaG9va0VuZHBvaW50OjE="},  # WebhookEndpoint:1
                     token=support["accessToken"])  # fmt: skip
    assert body["data"]["resendInvitation"]["__typename"] == "InvalidInput", body
    assert len(await _mail_jobs()) == 1
