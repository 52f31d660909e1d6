"""The mail.send job when things go wrong: a connection cut during a message, 4xx until
the attempts run out, 5xx and suppression, a worker that dies between marking and sending,
and the link tokens of mails that never left."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from app import jobs
from app.clock import now
from app.db import transaction
from app.mail import service as mail
from app.mail.models import EmailDelivery, EmailSuppression, MailStatus, MailToken, TokenPurpose
from app.mail.sender import SmtpEmailSender, use_sender
from app.members.models import Channel, ChannelPreference
from app.settings import SmtpConfig
from tests import factories
from tests.mail.test_sender import DroppingServer, Recorder, config, server


async def _queue(*specs):
    async with transaction() as tx:
        await mail.mail_later(tx.connection, *specs)


async def _run_until_settled(rounds: int = 10) -> None:
    """Drain, making retried jobs due at once (no waiting out the backoff)."""
    for _ in range(rounds):
        await jobs.drain()
        if not await jobs.Job.filter(status=jobs.JobStatus.PENDING).exists():
            return
        await jobs.Job.filter(status=jobs.JobStatus.PENDING).update(run_at=now())


def _reset(member, key: str) -> dict:
    return mail.spec(template="PASSWORD_RESET", key=key, member_id=member.id,
                     token=TokenPurpose.RESET, token_ttl=1800)  # fmt: skip


def _export(member, key: str) -> dict:
    return mail.spec(template="EXPORT_READY", key=key, member_id=member.id,
                     fields={"until": "2026-12-31"})  # fmt: skip


def _campaign(member, key: str) -> dict:
    return mail.spec(template="CAMPAIGN", key=key, member_id=member.id, category="marketing",
                     campaign_id=77, fields={"subject": "Double points", "body": "This week"},
                     link="https://loyalty.example.com/offers/1")  # fmt: skip


async def _marketable(**fields):
    member = await factories.member(email_verified_at=now(), **fields)
    await ChannelPreference.create(member_id=member.id, channel=Channel.EMAIL, opted_in=True,
                                   consented_at=now())  # fmt: skip
    return member


def _smtp_sender(smtp) -> SmtpEmailSender:
    return SmtpEmailSender(SmtpConfig(host=smtp.host, port=smtp.port, tls="auto",
                                      timeout_seconds=5))  # fmt: skip


# ---- a connection cut during the message --------------------------------------------------


async def test_a_mail_cut_off_after_data_stays_unconfirmed_and_is_never_resent(app):
    member = await factories.member()
    async with DroppingServer() as smtp:
        use_sender(SmtpEmailSender(config(smtp.port), connections=1))
        try:
            await _queue(_reset(member, "fault:cut"))
            await jobs.drain()
            row = await EmailDelivery.get(member_id=member.id)
            assert row.status == MailStatus.SENDING
            assert row.error.startswith("unconfirmed") and row.attempts == 1
            [job] = await jobs.Job.filter(kind=mail.MAIL_JOB)
            assert job.status == jobs.JobStatus.DONE  # nothing to retry: maybe delivered
            # Maybe delivered, so its link may work: the token stays live.
            [token] = await MailToken.filter(member_id=member.id)
            assert token.used_at is None
            # The same job once more (as a second worker would) and the same message queued
            # again: neither sends anything.
            await jobs.Job.filter(id=job.id).update(status=jobs.JobStatus.PENDING, run_at=now(),
                                                    finished_at=None)  # fmt: skip
            await _queue(_reset(member, "fault:cut"))
            await _run_until_settled()
            assert (smtp.connections, smtp.datas) == (1, 1)
            assert await jobs.Job.filter(status=jobs.JobStatus.DONE).count() == 2
            row = await EmailDelivery.get(member_id=member.id)
            assert row.status == MailStatus.SENDING and row.attempts == 1
            assert await MailToken.filter(member_id=member.id).count() == 1
        finally:
            use_sender(None)


# ---- 4xx, 5xx ---------------------------------------------------------------------------------


async def test_421_past_max_attempts_fails_without_suppression(app, smtp):
    member = await factories.member()
    smtp.answers[member.email] = [421] * (mail.MAX_ATTEMPTS + 3)
    await _queue(_export(member, "fault:421"))
    await _run_until_settled(mail.MAX_ATTEMPTS + 3)
    row = await EmailDelivery.get(member_id=member.id)
    assert row.status == MailStatus.FAILED and row.smtp_code == 421
    assert row.attempts == mail.MAX_ATTEMPTS
    assert len(smtp.answers[member.email]) == 3  # exactly MAX_ATTEMPTS tries
    assert not await EmailSuppression.exists()
    assert not smtp.to(member.email)
    [job] = await jobs.Job.filter(kind=mail.MAIL_JOB)
    assert job.status == jobs.JobStatus.DONE


async def test_5xx_suppresses_marketing_but_security_mail_still_goes(app, smtp):
    member = await _marketable()
    await _queue(_campaign(member, "campaign:77:before"))
    await jobs.drain()
    assert len(smtp.to(member.email)) == 1  # consent and a verified address: it goes

    smtp.refuse[member.email] = 550
    await _queue(_export(member, "fault:550"))
    await jobs.drain()
    failed = await EmailDelivery.get(key="fault:550")
    assert failed.status == MailStatus.FAILED and failed.smtp_code == 550
    suppression = await mail.suppression_of(address=member.email.upper())
    assert suppression is not None and suppression.smtp_code == 550
    assert suppression.member_id == member.id

    # The mailbox is back, but marketing stays off; account mail still tries.
    del smtp.refuse[member.email]
    smtp.clear()
    await _queue(_campaign(member, "campaign:77:after"), _reset(member, "fault:reset"))
    await jobs.drain()
    skipped = await EmailDelivery.get(key="campaign:77:after")
    assert skipped.status == MailStatus.SKIPPED and skipped.error == "undeliverable"
    [got] = smtp.to(member.email)
    assert got.message["Subject"] == "Reset your password"
    assert (await mail.campaign_counts(campaign_id=77))["undeliverable"] == 1


async def test_a_sender_refusal_is_retried_never_suppressed(app):
    """530 at MAIL FROM (we did not authenticate) is our configuration, not the address."""
    member = await factories.member()
    handler = Recorder()
    with server(handler, auth_required=True) as (_, port):
        use_sender(SmtpEmailSender(config(port)))
        try:
            await _queue(_export(member, "fault:530"))
            await jobs.drain()
        finally:
            use_sender(None)
    row = await EmailDelivery.get(member_id=member.id)
    assert row.status == MailStatus.RETRY and row.smtp_code == 530
    assert not await EmailSuppression.exists()
    assert not handler.got


async def test_wrong_credentials_are_retried_never_suppressed(app):
    member = await factories.member()
    handler = Recorder()
    # AUTH on a plain connection (loopback only): 535 for a wrong password.
    with server(handler, auth_require_tls=False, authenticator=handler.authenticator) as (_, port):
        use_sender(SmtpEmailSender(config(port, username="mailer", password="wrong")))
        try:
            await _queue(_export(member, "fault:auth"))
            await jobs.drain()
        finally:
            use_sender(None)
    assert handler.mechanisms  # it did try to log in
    row = await EmailDelivery.get(member_id=member.id)
    assert row.status == MailStatus.RETRY and row.smtp_code == 535
    assert not await EmailSuppression.exists() and not handler.got


async def test_the_log_of_a_refusal_masks_the_address_the_server_quotes(app, caplog):
    member = await factories.member(email="quoted.person@example.com")
    answer = "550 5.1.1 <quoted.person@example.com>: Recipient address rejected"
    with server(Recorder(rcpt={member.email: answer})) as (_, port):
        use_sender(SmtpEmailSender(config(port)))
        try:
            await _queue(_export(member, "fault:quoted"))
            with caplog.at_level(logging.INFO, logger="app.mail.service"):
                await jobs.drain()
        finally:
            use_sender(None)
    lines = [r.getMessage() for r in caplog.records if r.name == "app.mail.service"]
    assert any("q***@example.com" in line and "Recipient address rejected" in line
               for line in lines), lines  # fmt: skip
    assert not any("quoted.person" in line for line in lines)
    # The row keeps the server's answer for support (erased with the member).
    assert "quoted.person@example.com" in (await EmailDelivery.get(member_id=member.id)).error


# ---- a worker dying between the mark and the send -------------------------------------------


class WorkerKilled(BaseException):
    """Like SIGKILL or a cancelled worker: not an Exception, nothing catches it."""


class CrashingSender:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc
        self.calls = 0

    async def send(self, mails):
        self.calls += 1
        raise self.exc


@pytest.mark.parametrize("crash", [WorkerKilled("gone"), RuntimeError("bug in the sender")])
async def test_a_crash_after_marking_never_sends_the_marked_mail(app, smtp, crash):
    member = await factories.member()
    crashing = CrashingSender(crash)
    use_sender(crashing)
    await _queue(_reset(member, "fault:crash"), _export(member, "fault:crash2"))
    if isinstance(crash, Exception):
        await jobs.drain()  # recorded as a failure, retried with backoff
    else:
        with pytest.raises(WorkerKilled):
            await jobs.drain()
        # The worker is gone: its lease runs out.
        await jobs.Job.filter(kind=mail.MAIL_JOB).update(
            locked_until=now() - dt.timedelta(seconds=1))  # fmt: skip
    assert crashing.calls == 1
    rows = await EmailDelivery.filter(member_id=member.id)
    assert [r.status for r in rows] == [MailStatus.SENDING] * 2

    use_sender(_smtp_sender(smtp))
    await jobs.Job.filter(kind=mail.MAIL_JOB).update(run_at=now())
    await _run_until_settled()
    assert not smtp.received  # maybe sent before the crash: never again
    assert crashing.calls == 1
    [job] = await jobs.Job.filter(kind=mail.MAIL_JOB)
    assert job.status == jobs.JobStatus.DONE
    rows = await EmailDelivery.filter(member_id=member.id)
    assert [r.status for r in rows] == [MailStatus.SENDING] * 2


# ---- tokens of mails that never left ----------------------------------------------------------


async def test_the_token_of_a_refused_mail_is_dead(app, smtp):
    busy = await factories.member()
    gone = await factories.member()
    smtp.answers[busy.email] = [421]
    smtp.refuse[gone.email] = 550
    await _queue(_reset(busy, "fault:tok"), _reset(gone, "fault:tok"))
    await jobs.drain()
    [first] = await MailToken.filter(member_id=busy.id)
    assert first.used_at is not None  # 421: not delivered, a retry makes a new token
    [refused] = await MailToken.filter(member_id=gone.id)
    assert refused.used_at is not None
    assert (await EmailDelivery.get(member_id=gone.id)).status == MailStatus.FAILED

    await _run_until_settled()
    [got] = smtp.to(busy.email)
    raw = got.token("/account/reset-password")
    assert await mail.token_state(raw=raw) == "VALID"
    tokens = await MailToken.filter(member_id=busy.id).order_by("id")
    assert [t.used_at is None for t in tokens] == [False, True]
    assert tokens[1].token_hash == mail.token_hash(raw)
    assert (await EmailDelivery.get(member_id=busy.id)).status == MailStatus.SENT
    assert not smtp.to(gone.email)


# ---- which 5xx suppress -----------------------------------------------------------------------


async def _refused_by(member, handler: Recorder, key: str) -> EmailDelivery:
    with server(handler) as (_, port):
        use_sender(SmtpEmailSender(config(port)))
        try:
            await _queue(_export(member, key))
            await jobs.drain()
        finally:
            use_sender(None)
    [job] = await jobs.Job.filter(kind=mail.MAIL_JOB)
    assert job.status == jobs.JobStatus.DONE
    return await EmailDelivery.get(key=key)


async def test_a_554_for_the_content_at_data_fails_without_suppression(app):
    """The content may be anyone's text (a display name, a campaign's): a spam verdict on it
    must not cost the recipient their marketing mail."""
    member = await _marketable()
    row = await _refused_by(member, Recorder(data={member.email: 554}), "fault:554")
    assert row.status == MailStatus.FAILED and row.smtp_code == 554
    assert not await EmailSuppression.exists()
    assert await mail.suppression_of(address=member.email) is None


async def test_a_bad_mailbox_at_rcpt_is_suppressed(app):
    member = await _marketable()
    handler = Recorder(rcpt={member.email: "550 5.1.1 <x>: Recipient address rejected"})
    row = await _refused_by(member, handler, "fault:5.1.1")
    assert row.status == MailStatus.FAILED and row.smtp_code == 550
    suppression = await mail.suppression_of(address=member.email)
    assert suppression is not None and suppression.smtp_code == 550


async def test_a_policy_refusal_at_rcpt_fails_without_suppression(app):
    member = await _marketable()
    handler = Recorder(rcpt={member.email: "550 5.7.1 Message refused by policy"})
    row = await _refused_by(member, handler, "fault:5.7.1")
    assert row.status == MailStatus.FAILED and row.smtp_code == 550
    assert not await EmailSuppression.exists()


# ---- a lease lost while sending -------------------------------------------------------------


class LeaseStealingSender:
    """Sends, then lets another worker claim the job (as if our lease ran out mid-send)."""

    def __init__(self, inner) -> None:
        self.inner = inner

    async def send(self, mails):
        results = await self.inner.send(mails)
        await jobs.Job.filter(kind=mail.MAIL_JOB).update(
            locked_by="other-worker", attempts=99,
            locked_until=now() + dt.timedelta(minutes=5))  # fmt: skip
        return results


async def test_a_lost_lease_keeps_the_outcomes_and_nothing_is_resent(app, smtp):
    ok, gone = [await factories.member() for _ in range(2)]
    smtp.refuse[gone.email] = 550
    use_sender(LeaseStealingSender(_smtp_sender(smtp)))
    await _queue(_export(ok, "fault:lease"), _export(gone, "fault:lease"))
    await jobs.drain()  # complete_in: LeaseLost (the job is the other worker's now)
    # The outcomes stand though the job could not be completed by us.
    status = {r.member_id: r.status for r in await EmailDelivery.filter(key="fault:lease")}
    assert status == {ok.id: MailStatus.SENT, gone.id: MailStatus.FAILED}
    assert len(smtp.to(ok.email)) == 1
    [job] = await jobs.Job.filter(kind=mail.MAIL_JOB)
    assert job.status == jobs.JobStatus.PENDING and job.locked_by == "other-worker"

    # The job's holder (its lease run out in turn) finds both settled: nothing is resent.
    use_sender(_smtp_sender(smtp))
    await jobs.Job.filter(id=job.id).update(locked_until=now() - dt.timedelta(seconds=1),
                                            attempts=1, run_at=now())  # fmt: skip
    await _run_until_settled()
    assert len(smtp.to(ok.email)) == 1 and not smtp.to(gone.email)
    status = {r.member_id: r.status for r in await EmailDelivery.filter(key="fault:lease")}
    assert status == {ok.id: MailStatus.SENT, gone.id: MailStatus.FAILED}
    assert (await jobs.Job.get(id=job.id)).status == jobs.JobStatus.DONE


async def test_a_lease_lost_at_completion_keeps_the_sent_mark(app, smtp, monkeypatch):
    """LeaseLost raised by `complete_in` itself: the SENT mark is already committed."""
    member = await factories.member()

    async def lost(tx, **_):
        raise jobs.LeaseLost("taken")

    monkeypatch.setattr(jobs, "complete_in", lost)
    await _queue(_export(member, "fault:lost"))
    await jobs.drain()
    row = await EmailDelivery.get(key="fault:lost")
    assert row.status == MailStatus.SENT and len(smtp.to(member.email)) == 1
    monkeypatch.undo()
    await jobs.Job.filter(kind=mail.MAIL_JOB).update(locked_until=None, run_at=now())
    await _run_until_settled()
    assert len(smtp.to(member.email)) == 1  # never again
    [job] = await jobs.Job.filter(kind=mail.MAIL_JOB)
    assert job.status == jobs.JobStatus.DONE


# ---- a forgotten payload, however the job ends ------------------------------------------------


async def test_a_mail_job_forgets_its_payload_done_or_dead(app, smtp):
    member = await factories.member()
    await _queue(_export(member, "fault:done"))
    [job] = await jobs.Job.filter(kind=mail.MAIL_JOB)
    assert job.payload["forget"] is True and job.payload["mails"][0]["key"] == "fault:done"
    await jobs.drain()
    await job.refresh_from_db()
    assert job.status == jobs.JobStatus.DONE and job.payload == {}
    await _queue(_export(member, "fault:dead"))
    # Its last attempt, and the sender breaks: the job is dead.
    await jobs.Job.filter(kind=mail.MAIL_JOB, status=jobs.JobStatus.PENDING).update(
        max_attempts=1)  # fmt: skip
    use_sender(CrashingSender(RuntimeError("bug in the sender")))
    await jobs.drain()
    dead = await jobs.Job.get(kind=mail.MAIL_JOB, status=jobs.JobStatus.DEAD)
    assert dead.payload == {} and member.email not in str(dead.payload)
    # A job whose payload is forgotten (run once more, as a second worker might): nothing.
    use_sender(None)
    await jobs.Job.filter(id=job.id).update(status=jobs.JobStatus.PENDING, run_at=now())
    await jobs.drain()
    assert (await jobs.Job.get(id=job.id)).status == jobs.JobStatus.DONE


async def test_a_job_given_up_forgets_its_payload_when_asked(app):
    """The generic hook: any job kind, dead by Permanent or by running out of retries."""
    seen = []

    async def handle(payload):
        seen.append(payload)
        raise jobs.Permanent("cannot") if payload.get("permanent") else jobs.RetryLater("later")

    jobs.register("test.forget", handle)
    try:
        await jobs.enqueue("test.forget", {"forget": True, "permanent": True, "to": "a@x.test"})
        await jobs.enqueue("test.forget", {"forget": True, "to": "b@x.test"}, max_attempts=1)
        await jobs.enqueue("test.forget", {"permanent": True, "to": "c@x.test"})
        await jobs.drain()
    finally:
        jobs.HANDLERS.pop("test.forget", None)
    assert len(seen) == 3
    rows = await jobs.Job.filter(kind="test.forget").order_by("id")
    assert [r.status for r in rows] == [jobs.JobStatus.DEAD] * 3
    assert [r.payload for r in rows] == [{}, {}, {"permanent": True, "to": "c@x.test"}]
