"""CRM sync (upsertMember) and import changing a member's email, on the real SMTP server
(the `smtp` fixture): the address counts as unconfirmed again, the member's live mail links
die, their sessions end and the old address is told, all with the change. A members:sync
CRM is trusted as the system of record for addresses (a reset asked for afterwards goes to
the new address); this makes sure the owner learns of the change and that no link or
session from before it outlives it. An update that leaves the email alone does none of it."""

import io

from app import jobs
from app.integrations.bulk import import_members
from app.mail import service as mail
from app.mail.models import EmailDelivery, MailStatus, MailToken, TokenPurpose
from app.members.models import Member
from tests.helpers import REFRESH, gql, integration_token, sign_up, unique_email

UPSERT = """mutation($input: UpsertMemberInput!) { upsertMember(input: $input) {
  __typename
  ... on MemberUpserted { created changedFields member { email } }
  ... on InvalidInput { fields { field code } } } }"""
VERIFY = """mutation($t: String!) { verifyEmail(token: $t) { __typename } }"""
RESET_REQUEST = """mutation($e: String!) { requestPasswordReset(email: $e) { __typename } }"""
ME = "{ me { email emailVerified } }"
CHANGED = "Your email address was changed"
RESET = "Reset your password"


async def _member_in_the_crm(client, smtp, ref: str) -> tuple[dict, Member, str]:
    """A member who signed up, confirmed their address, is signed in, has a reset link
    waiting, and is linked to the CRM as `ref`. Returns (session, member, reset link)."""
    session = await sign_up(client, email=unique_email("crm"))
    await jobs.drain()
    address = session["member"]["email"]
    [confirm] = smtp.to(address)
    body = await gql(client, VERIFY, {"t": confirm.token("/account/verify-email")})
    assert body["data"]["verifyEmail"]["__typename"] == "EmailVerified"
    await gql(client, RESET_REQUEST, {"e": address})
    await jobs.drain()
    [reset] = [m for m in smtp.to(address) if m.message["Subject"] == RESET]
    await Member.filter(email=address).update(external_ref=ref)
    member = await Member.get(email=address)
    assert member.email_verified_at is not None
    smtp.clear()
    return session, member, reset.token("/account/reset-password")


async def _upsert(client, token: str, **fields) -> dict:
    body = await gql(client, UPSERT, {"input": fields}, token=token)
    return body["data"]["upsertMember"]


async def _signed_in(client, session: dict) -> bool:
    me = await gql(client, ME, token=session["accessToken"])
    return me.get("data", {}).get("me") is not None


async def test_sync_changing_the_email_unverifies_ends_links_and_sessions_and_tells_the_old_address(
    client, smtp
):
    session, member, reset = await _member_in_the_crm(client, smtp, "crm-move-1")
    old = member.email
    crm = await integration_token(client, "members:sync")
    new = unique_email("moved")

    result = await _upsert(client, crm, externalRef="crm-move-1", email=new.upper())
    assert result["__typename"] == "MemberUpserted", result
    assert (result["created"], result["changedFields"]) == (False, ["email"])
    moved = await Member.get(id=member.id)
    assert moved.email == new and moved.email_verified_at is None
    # Every live mail link of the member is spent, the reset link mailed to the old address
    # first of all; every session ended (the access token and the refresh token).
    assert await mail.token_state(raw=reset) == "USED"
    assert not await MailToken.filter(member_id=member.id, used_at__isnull=True).exists()
    assert not await _signed_in(client, session)
    refreshed = await gql(client, REFRESH, {"t": session["refreshToken"]})
    assert refreshed["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # The old address is told (in the sync's transaction: a job already), the new one
    # gets nothing.
    await jobs.drain()
    [notice] = smtp.to(old)
    assert notice.message["Subject"] == CHANGED and new in notice.text()
    assert smtp.to(new) == []
    # (A mail job's payload is emptied once it ends: the delivery log tells what went.)
    delivery = await EmailDelivery.filter(template="EMAIL_CHANGED")
    assert len(delivery) == 1 and delivery[0].status == MailStatus.SENT
    assert not await jobs.Job.filter(kind=mail.MAIL_JOB, status=jobs.JobStatus.PENDING).exists()

    # Repeating the call changes nothing and mails nothing.
    again = await _upsert(client, crm, externalRef="crm-move-1", email=new)
    assert again["changedFields"] == []
    await jobs.drain()
    assert len(smtp.to(old)) == 1 and smtp.to(new) == []
    # Switched back later: the old address of that switch is told too (its own notice).
    back = await _upsert(client, crm, externalRef="crm-move-1", email=old)
    assert back["changedFields"] == ["email"]
    await jobs.drain()
    assert [m.message["Subject"] for m in smtp.to(new)] == [CHANGED]


async def test_a_sync_update_that_keeps_the_email_changes_none_of_it(client, smtp):
    session, member, reset = await _member_in_the_crm(client, smtp, "crm-stay-1")
    crm = await integration_token(client, "members:sync")
    result = await _upsert(client, crm, externalRef="crm-stay-1", email=member.email.upper(),
                           displayName="Still Me")  # fmt: skip
    assert result["changedFields"] == ["displayName"]
    await jobs.drain()
    assert smtp.to(member.email) == []
    assert (await Member.get(id=member.id)).email_verified_at is not None
    assert await mail.token_state(raw=reset) == "VALID"
    assert await _signed_in(client, session)


async def test_a_refused_email_change_changes_nothing(client, smtp):
    session, member, reset = await _member_in_the_crm(client, smtp, "crm-clash-1")
    taken = await sign_up(client, email=unique_email("taken"))
    await jobs.drain()
    smtp.clear()
    crm = await integration_token(client, "members:sync")
    result = await _upsert(client, crm, externalRef="crm-clash-1", email=taken["member"]["email"])
    assert result["__typename"] == "InvalidInput"
    await jobs.drain()
    assert smtp.to(member.email) == []
    unchanged = await Member.get(id=member.id)
    assert unchanged.email == member.email and unchanged.email_verified_at is not None
    assert await mail.token_state(raw=reset) == "VALID"
    assert await _signed_in(client, session)


async def test_an_import_changing_emails_does_the_same(client, smtp, tmp_path):
    session, member, reset = await _member_in_the_crm(client, smtp, "crm-file-1")
    kept, _, kept_reset = await _member_in_the_crm(client, smtp, "crm-file-2")
    other = await Member.get(external_ref="crm-file-2")
    new = unique_email("imported")
    path = tmp_path / "members.csv"
    path.write_text(
        "external_ref,email,display_name\n"
        f"crm-file-1,{new},\n"
        f"crm-file-2,{other.email},Kept Address\n"
    )  # fmt: skip
    report = await import_members(path, progress=None, errors=io.StringIO())
    assert (report.updated, report.rejected) == (2, [])
    await jobs.drain()
    [notice] = smtp.to(member.email)
    assert notice.message["Subject"] == CHANGED and new in notice.text()
    assert smtp.to(new) == [] and smtp.to(other.email) == []
    moved = await Member.get(id=member.id)
    assert moved.email == new and moved.email_verified_at is None
    assert await mail.token_state(raw=reset) == "USED"
    assert not await _signed_in(client, session)
    # The other row kept its address: verified, its links and sessions live.
    assert (await Member.get(id=other.id)).email_verified_at is not None
    assert await mail.token_state(raw=kept_reset) == "VALID"
    assert await _signed_in(client, kept)
    assert await MailToken.filter(member_id=other.id, purpose=TokenPurpose.RESET,
                                  used_at__isnull=True).exists()  # fmt: skip
