"""The mail.send job after review: a mail that cannot be built fails alone, a lease lost
mid-send still retries what was answered 4xx, every mail job forgets its payload, an
erasure leaves no address digest behind, a pair listed twice goes once, an unverified
address is greeted by nobody's name, and only the newest change-of-address link works."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app import jobs
from app.clock import now
from app.db import transaction
from app.errors import InvalidInput
from app.mail import service as mail
from app.mail.models import EmailDelivery, EmailSuppression, MailStatus, MailToken, TokenPurpose
from app.mail.sender import SendResult, use_sender
from app.members import service as members
from app.members.models import Member
from app.privacy import erasure
from app.privacy.models import ErasureReason
from tests import factories
from tests.auth.test_addresses import _change, _verify
from tests.helpers import PASSWORD, sign_up, unique_email
from tests.mail.test_job_faults import _campaign, _export, _marketable, _queue, _reset


async def _settled(rounds: int = 10) -> None:
    for _ in range(rounds):
        await jobs.drain()
        if not await jobs.Job.filter(status=jobs.JobStatus.PENDING).exists():
            return
        await jobs.Job.filter(status=jobs.JobStatus.PENDING).update(run_at=now())


# ---- 1. a mail that cannot be built ----------------------------------------------------------


async def test_a_mail_that_cannot_be_built_fails_alone_and_the_others_go(app, smtp):
    good = [await factories.member(email_verified_at=now(), display_name=f"M{i}")
            for i in range(3)]  # fmt: skip
    # Stored before addresses had to be ASCII: formataddr refuses it with a display name.
    bad = await factories.member(email="josé@example.com", display_name="José",
                                 email_verified_at=now())  # fmt: skip
    await _queue(*(_reset(m, f"build:{m.id}") for m in [*good, bad]))
    await jobs.drain()
    rows = {r.member_id: r for r in await EmailDelivery.all()}
    assert all(rows[m.id].status == MailStatus.SENT for m in good)
    assert all(len(smtp.to(m.email)) == 1 for m in good)
    assert rows[bad.id].status == MailStatus.FAILED
    assert rows[bad.id].error == "not sendable: UnicodeEncodeError"
    assert not await MailToken.filter(member_id=bad.id).exists()  # nothing minted for it
    assert await MailToken.filter(member_id__in=[m.id for m in good]).count() == 3
    [job] = await jobs.Job.filter(kind=mail.MAIL_JOB)
    assert job.status == jobs.JobStatus.DONE and job.payload == {}


async def test_a_header_refused_while_building_fails_that_mail_only(app, smtp, monkeypatch):
    ok, broken = await _marketable(), await _marketable()
    build = mail.build

    def refusing(**kw):  # as compose refuses a header value (a line break, _OneLine)
        if broken.email in kw["to"]:
            raise ValueError("a header value cannot hold a line break")
        return build(**kw)

    monkeypatch.setattr(mail, "build", refusing)
    await _queue(_campaign(ok, "campaign:77:ok"), _campaign(broken, "campaign:77:broken"))
    await jobs.drain()
    assert (await EmailDelivery.get(key="campaign:77:ok")).status == MailStatus.SENT
    row = await EmailDelivery.get(key="campaign:77:broken")
    assert (row.status, row.error) == (MailStatus.FAILED, "not sendable: ValueError")
    assert len(smtp.to(ok.email)) == 1 and not smtp.to(broken.email)


async def test_a_retried_mail_that_can_no_longer_be_built_fails(app, smtp, monkeypatch):
    member = await factories.member(email_verified_at=now())
    smtp.answers[member.email] = [451]
    await _queue(_export(member, "build:retry"))
    await jobs.drain()
    assert (await EmailDelivery.get(key="build:retry")).status == MailStatus.RETRY

    def refusing(**_):
        raise ValueError("not a one-line ASCII header value")

    monkeypatch.setattr(mail, "build", refusing)
    await jobs.Job.filter(kind=mail.MAIL_JOB).update(run_at=now())
    await _settled()
    row = await EmailDelivery.get(key="build:retry")
    assert (row.status, row.error, row.attempts) == (
        MailStatus.FAILED, "not sendable: ValueError", 1)  # fmt: skip
    [job] = await jobs.Job.filter(kind=mail.MAIL_JOB)
    assert job.status == jobs.JobStatus.DONE
    assert len(smtp.answers[member.email]) == 0 and not smtp.to(member.email)


@pytest.mark.parametrize("address", ["josé@example.com", "jose\u0301@example.com",
                                     "ü@example.com", "a@exämple.com"])  # fmt: skip
def test_member_addresses_must_be_ascii(address):
    problems = []
    members.check_profile(problems, email=address)
    assert [(p.field, p.code) for p in problems] == [("email", "INVALID_EMAIL")]
    problems = []
    members.check_profile(problems, email="jose@example.com")
    assert problems == []


async def test_sign_up_refuses_a_non_ascii_address(app):
    with pytest.raises(InvalidInput) as refused:
        await members.create_member(email="josé@example.com", password=PASSWORD)
    assert [(p.field, p.code) for p in refused.value.problems] == [("email", "INVALID_EMAIL")]


# ---- 2. a lease lost mid-send --------------------------------------------------------------


class SlowThenOk:
    """The first send outlives the lease: another worker takes the job and finishes it,
    then the server answers 4xx. Later sends are accepted."""

    def __init__(self) -> None:
        self.calls = 0

    async def send(self, mails):
        self.calls += 1
        if self.calls == 1:
            await jobs.Job.all().update(locked_until=now() - dt.timedelta(seconds=1))
            await jobs.drain(worker="B")
            return [SendResult("temporary", 451, "try later") for _ in mails]
        return [SendResult("sent", 250, "ok") for _ in mails]


async def test_a_4xx_answered_after_the_lease_was_lost_is_still_retried(app):
    sender = SlowThenOk()
    use_sender(sender)
    try:
        member = await factories.member()
        await _queue(_export(member, "lease:1"))
        await jobs.drain(worker="A")
        # A found its lease lost: a new job holds just that mail.
        handed = await jobs.Job.filter(kind=mail.MAIL_JOB).order_by("id")
        assert len(handed) == 2 and handed[0].status == jobs.JobStatus.DONE
        assert handed[1].status == jobs.JobStatus.PENDING
        assert [m["key"] for m in handed[1].payload["mails"]] == ["lease:1"]
        assert (await EmailDelivery.get(key="lease:1")).status == MailStatus.RETRY
        for _ in range(3):
            await jobs.Job.filter(status=jobs.JobStatus.PENDING).update(run_at=now())
            await jobs.drain(worker="A")
    finally:
        use_sender(None)
    row = await EmailDelivery.get(key="lease:1")
    assert (row.status, row.attempts) == (MailStatus.SENT, 2)
    assert sender.calls == 2
    assert [(j.status, j.payload) for j in await jobs.Job.filter(kind=mail.MAIL_JOB)] == [
        (jobs.JobStatus.DONE, {}), (jobs.JobStatus.DONE, {})]  # fmt: skip


async def test_extend_lease_pushes_the_lease_and_says_when_it_is_lost(app, monkeypatch):
    await jobs.extend_lease()  # outside a job: nothing
    seen = []

    async def handle(payload):
        [job] = await jobs.Job.filter(kind="test.lease")
        before = job.locked_until
        later = before + dt.timedelta(seconds=30)
        monkeypatch.setattr(jobs, "now", lambda: later)
        await jobs.extend_lease()
        monkeypatch.undo()
        await job.refresh_from_db()
        seen.append(job.locked_until - later)
        await jobs.Job.filter(id=job.id).update(locked_by="other", attempts=9)
        with pytest.raises(jobs.LeaseLost):
            await jobs.extend_lease()
        seen.append("lost")
        raise jobs.LeaseLost("gone")

    jobs.register("test.lease", handle)
    try:
        await jobs.enqueue("test.lease", {})
        await jobs.drain()
    finally:
        jobs.HANDLERS.pop("test.lease", None)
    assert seen == [jobs.lease_length(), "lost"]
    [job] = await jobs.Job.filter(kind="test.lease")
    assert job.status == jobs.JobStatus.PENDING and job.locked_by == "other"


async def test_each_chunk_extends_the_lease(app, smtp, monkeypatch):
    monkeypatch.setattr(mail, "IN_FLIGHT", 2)
    calls = []
    extend = jobs.extend_lease

    async def counted():
        calls.append(1)
        await extend()

    monkeypatch.setattr(jobs, "extend_lease", counted)
    people = [await factories.member() for _ in range(5)]
    await _queue(*(_export(m, f"chunk:{m.id}") for m in people))
    await jobs.drain()
    assert len(calls) == 3  # before each of the 3 chunks
    assert all(len(smtp.to(m.email)) == 1 for m in people)


# ---- 3. payloads forgotten ---------------------------------------------------------------------


async def test_no_done_mail_job_keeps_an_address(app, smtp):
    member = await factories.member(email="victim.addr@example.com")
    await _queue(_reset(member, "forget:reset"),
                 mail.spec(template="EMAIL_CHANGED", key="forget:changed", member_id=member.id,
                           to="old.addr@example.com", fields={"new_email": member.email}))  # fmt: skip
    await jobs.drain()
    await erasure.erase_member(member_id=member.id, reason=ErasureReason.SUPPORT_REQUEST)
    await jobs.drain()
    found = await jobs.Job.filter(kind=mail.MAIL_JOB)
    assert len(found) == 2 and all(j.status == jobs.JobStatus.DONE for j in found)
    assert all(j.payload == {} for j in found)
    assert not any("addr@" in json.dumps(j.payload) for j in await jobs.Job.all())


# ---- 4. an erasure leaves no address digest ---------------------------------------------------


async def test_erasure_leaves_no_digest_of_the_address(app, smtp):
    member = await _marketable(email="gone.person@example.com")
    await _queue(_campaign(member, "campaign:77:gone"))
    await jobs.drain()
    akey = mail.address_key(member.email)
    assert (await EmailDelivery.get(key="campaign:77:gone")).address_key == akey
    # A suppression of the address that names no member (an earlier account's bounce).
    await EmailSuppression.create(address_key=akey, member_id=None, smtp_code=550,
                                  reason="550 no such user")  # fmt: skip
    await erasure.erase_member(member_id=member.id, reason=ErasureReason.MEMBER_REQUEST)
    await jobs.drain()
    [goodbye] = smtp.to("gone.person@example.com")[1:]
    assert goodbye.message["Subject"] == "Your account was deleted"
    assert not await EmailSuppression.filter(address_key=akey).exists()
    rows = await EmailDelivery.all()
    assert {r.key for r in rows} == {"campaign:77:gone", f"erased:{member.id}"}
    assert all(r.member_id is None and r.address_key.startswith("erased:") for r in rows)
    assert all(len(r.address_key) <= 64 for r in rows)
    assert not await EmailDelivery.filter(address_key=akey).exists()
    assert (await mail.campaign_counts(campaign_id=77))["sent"] == 1
    # The last mail is still at most once: its job run again sends nothing.
    await jobs.Job.filter(kind=mail.MAIL_JOB).update(status=jobs.JobStatus.PENDING,
                                                     run_at=now(), finished_at=None)  # fmt: skip
    await _settled()
    assert len(smtp.to("gone.person@example.com")) == 2


async def test_the_erased_flag_keys_by_the_message_only(app, smtp):
    spec = mail.spec(template="ACCOUNT_DELETED", key="erased:999", to="x.y@example.com",
                     erased=True)  # fmt: skip
    await _queue(spec)
    await _queue(spec)
    await _settled()
    assert len(smtp.to("x.y@example.com")) == 1
    [row] = await EmailDelivery.all()
    assert row.address_key.startswith("erased:")
    assert row.address_key != mail.address_key("x.y@example.com")


# ---- 5. a pair listed twice ----------------------------------------------------------------------


async def test_a_pair_listed_twice_is_mailed_once(app, smtp):
    member = await factories.member()
    await _queue(_reset(member, "twice"), _reset(member, "twice"),
                 mail.spec(template="PASSWORD_RESET", key="twice", account_email=member.email.upper(),
                           token=TokenPurpose.RESET, token_ttl=1800))  # fmt: skip
    await jobs.drain()
    assert len(smtp.to(member.email)) == 1
    [row] = await EmailDelivery.filter(key="twice")
    assert row.status == MailStatus.SENT
    assert await MailToken.filter(member_id=member.id).count() == 1


# ---- 6. no chosen name for an unverified address -----------------------------------------------


async def test_an_unverified_address_is_greeted_by_no_name(client, smtp):
    address = unique_email("victim")
    await sign_up(client, email=address, displayName="Your account is locked call 555")
    await jobs.drain()
    [got] = smtp.to(address)
    assert got.message["To"] == address
    assert got.text().startswith("Hello there,") and "555" not in got.text()
    assert "555" not in got.html()
    # Verified: later mail greets them by the name they chose.
    assert (await _verify(client, got.token("/account/verify-email")))["__typename"] == (
        "EmailVerified")  # fmt: skip
    smtp.clear()
    member_id = (await Member.get(email=address)).id
    await _queue(mail.spec(template="EXPORT_READY", key="named", member_id=member_id,
                           fields={"until": "x"}))  # fmt: skip
    await jobs.drain()
    [later] = smtp.to(address)
    assert "Your account is locked call 555" in later.message["To"]
    assert later.text().startswith("Hello Your account is locked call 555,")


async def test_an_invitation_keeps_the_crm_name(app, smtp):
    member = await factories.member(display_name="Dana")
    await _queue(mail.spec(template="INVITATION", key="invite:named", member_id=member.id,
                           token=TokenPurpose.INVITE, token_ttl=86400,
                           fields={"points": 0}))  # fmt: skip
    await jobs.drain()
    [got] = smtp.to(member.email)
    assert "Dana" in got.message["To"] and "Dana" in got.text()


# ---- 7. change-of-address links ----------------------------------------------------------------

CHANGE_PATH = "/account/verify-email"


async def test_only_the_newest_change_link_works(client, smtp):
    session = await sign_up(client, email=unique_email("two"))
    await jobs.drain()
    smtp.clear()
    x, y = unique_email("x"), unique_email("y")
    assert (await _change(client, session["accessToken"], x))["pendingEmail"] == x
    assert (await _change(client, session["accessToken"], y))["pendingEmail"] == y
    await jobs.drain()  # both jobs after both requests
    # X's mail went first (its link spent by Y's), or after Y's and not at all (superseded:
    # jobs may run at once on PostgreSQL).
    old = [m.token(CHANGE_PATH) for m in smtp.to(x)]
    [to_y] = smtp.to(y)
    new = to_y.token(CHANGE_PATH)
    assert len(old) <= 1 and all([await mail.token_state(raw=t) == "USED" for t in old])
    assert await mail.token_state(raw=new) == "VALID"
    for t in old:
        assert (await _verify(client, t))["__typename"] == "InvalidToken"
    assert (await _verify(client, new))["member"]["email"] == y
    assert not await MailToken.filter(purpose=TokenPurpose.CHANGE, used_at__isnull=True).exists()


async def test_an_older_request_mailed_last_does_not_replace_the_newer_link(client, smtp):
    session = await sign_up(client, email=unique_email("late"))
    await jobs.drain()
    smtp.clear()
    x, y = unique_email("x"), unique_email("y")
    await _change(client, session["accessToken"], x)
    [x_job] = await jobs.Job.filter(kind=mail.MAIL_JOB, status=jobs.JobStatus.PENDING)
    await jobs.Job.filter(id=x_job.id).update(run_at=now() + dt.timedelta(minutes=5))
    await _change(client, session["accessToken"], y)
    await jobs.drain()  # Y's job (X's is not due yet)
    await jobs.Job.filter(id=x_job.id).update(run_at=now())
    await jobs.drain()  # then X's, as after a retry
    assert not [m for m in smtp.to(x) if m.message["Subject"] == "Confirm your new email address"]
    [to_y] = smtp.to(y)
    assert await mail.token_state(raw=to_y.token(CHANGE_PATH)) == "VALID"
    row = await EmailDelivery.get(template="CONFIRM_NEW_EMAIL",
                                  address_key=mail.address_key(x))  # fmt: skip
    assert (row.status, row.error) == (MailStatus.SKIPPED, "superseded")


async def test_no_change_link_once_the_address_changed_since_the_request(client, smtp):
    session = await sign_up(client, email=unique_email("moved"))
    await jobs.drain()
    smtp.clear()
    x = unique_email("x")
    await _change(client, session["accessToken"], x)
    [job] = await jobs.Job.filter(kind=mail.MAIL_JOB, status=jobs.JobStatus.PENDING)
    owner = job.payload["mails"][1]["member"]
    # The account's address changes another way (support, a CRM sync) before the worker.
    async with transaction() as tx:
        await members.update_members(changes=[(owner, {"email": unique_email("elsewhere")})],
                                     at=now(), conn=tx.connection)  # fmt: skip
    await jobs.drain()
    assert not smtp.to(x)
    row = await EmailDelivery.get(template="CONFIRM_NEW_EMAIL")
    assert (row.status, row.error) == (MailStatus.SKIPPED, "address_changed")
    assert not await MailToken.filter(member_id=owner, purpose=TokenPurpose.CHANGE).exists()
