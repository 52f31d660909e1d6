"""Mail delivery through the durable job, against a real SMTP server on loopback."""

from app import jobs
from app.clock import now
from app.db import transaction
from app.mail import service as mail
from app.mail.models import EmailDelivery, EmailSuppression, MailStatus
from tests import factories


async def _queue(*specs):
    async with transaction() as tx:
        await mail.mail_later(tx.connection, *specs)


async def test_a_mail_arrives_once_in_the_members_language(app, smtp):
    member = await factories.member(locale="nl", display_name="Anna", email_verified_at=now())
    await _queue(
        mail.spec(
            template="EXPORT_READY",
            key="t:1",
            member_id=member.id,
            fields={"until": "2026-12-31"},
            link="https://app.example/x",
        )
    )
    await jobs.drain()
    [got] = smtp.to(member.email)
    assert got.message["Subject"] == "Je gegevensexport staat klaar"
    assert "Hallo Anna," in got.text() and "Hallo Anna," in got.html()
    assert got.message["Auto-Submitted"] == "auto-generated"
    # The same key again: never a second mail.
    await _queue(
        mail.spec(
            template="EXPORT_READY", key="t:1", member_id=member.id, fields={"until": "2026-12-31"}
        )
    )
    await jobs.drain()
    assert len(smtp.to(member.email)) == 1


async def test_421_is_retried_until_it_succeeds_and_550_suppresses(app, smtp):
    a = await factories.member()
    b = await factories.member()
    smtp.answers[a.email] = [421, 421]
    smtp.refuse[b.email] = 550
    await _queue(
        mail.spec(template="EXPORT_READY", key="t:2", member_id=a.id, fields={"until": "x"}),
        mail.spec(template="EXPORT_READY", key="t:2", member_id=b.id, fields={"until": "x"}),
    )
    for _ in range(4):
        await jobs.drain()
        await jobs.Job.filter(status=jobs.JobStatus.PENDING).update(run_at=jobs.now())
    assert len(smtp.to(a.email)) == 1
    assert not smtp.to(b.email)
    row_a = await EmailDelivery.get(member_id=a.id)
    assert row_a.status == MailStatus.SENT and row_a.attempts == 3
    row_b = await EmailDelivery.get(member_id=b.id)
    assert row_b.status == MailStatus.FAILED and row_b.smtp_code == 550
    suppressed = await EmailSuppression.get(member_id=b.id)
    assert suppressed.smtp_code == 550 and "No such user" in suppressed.reason
