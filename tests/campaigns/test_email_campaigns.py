"""Email campaigns, against a real SMTP server on loopback (tests/smtp.py): channel choice
and its validation, who is mailed (marketing email consent, a verified address, not the
control group), a campaign on inbox, push and email at once, frequency caps across channels,
stats per channel, 10,000 members, and a `loyalty worker` SIGKILLed mid-send."""

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app import jobs
from app.campaigns import service as campaigns
from app.campaigns.models import Campaign, CampaignRecipient, CampaignStatus, RecipientStatus
from app.clock import now
from app.errors import InvalidInput
from app.mail import service as mail
from app.mail.models import EmailDelivery, MailStatus
from app.members.models import Channel, ChannelPreference, Member
from app.messaging.models import Device, InboxMessage, Platform, PushDelivery
from app.privacy import service as privacy
from app.privacy.models import ConsentSource, Purpose
from app.segments.rules import Segment
from tests.messaging.test_messaging import recorder  # noqa: F401  (fixture)
from tests.smtp import SmtpServer, _Handler

ROOT = Path(__file__).resolve().parents[2]
T = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
VARIANTS = {
    "en": {"title": "Hi {first_name}", "body": "You have {points_available} points.",
           "deep_link": "https://shop.example/winter"},
    "nl": {"title": "Hoi {first_name}", "body": "Je hebt {points_available} punten.",
           "deep_link": "loyalty://offers/1"},
    "es": {"title": "Hola {first_name}", "body": "Tienes {points_available} puntos."},
}  # fmt: skip


def _fields(name="Winter", channels=("email",), **changes) -> campaigns.CampaignFields:
    base = {"name": name, "segment": Segment(), "variants": VARIANTS, "quiet_start": 0,
            "quiet_end": 0, "channels": list(channels)}  # fmt: skip
    return campaigns.CampaignFields(**{**base, **changes})


async def _launch(fields: campaigns.CampaignFields, at=T) -> Campaign:
    campaign = await campaigns.create_campaign(fields=fields, actor_id=None)
    return await campaigns.launch(campaign_id=campaign.id, send_at=at, at=at)


async def _members(prefix: str, n: int, kind) -> list[Member]:
    """`n` members; `kind(i)` -> (push consent, email consent, verified address, device)."""
    await Member.bulk_create([
        Member(email=f"{prefix}{i}@example.com", password_hash="x",
               display_name=f"Name{i} Surname", locale=["en", "nl", "es"][i % 3],
               time_zone="UTC", email_verified_at=T if kind(i)[2] else None)
        for i in range(n)], batch_size=1000)  # fmt: skip
    found = await Member.filter(email__startswith=prefix).order_by("id")
    index = {m.email: int(m.email[len(prefix) :].split("@")[0]) for m in found}
    prefs, devices = [], []
    for m in found:
        push, email, _, device = kind(index[m.email])
        if push:
            prefs.append(ChannelPreference(member_id=m.id, channel=Channel.PUSH, opted_in=True,
                                           consented_at=T))  # fmt: skip
        if email:
            prefs.append(ChannelPreference(member_id=m.id, channel=Channel.EMAIL, opted_in=True,
                                           consented_at=T))  # fmt: skip
        if device:
            devices.append(Device(member_id=m.id, token=f"tok-{m.id}-" + "x" * 20,
                                  token_key=f"{prefix}{m.id}", platform=Platform.ANDROID))  # fmt: skip
    await ChannelPreference.bulk_create(prefs, batch_size=1000)
    await Device.bulk_create(devices, batch_size=1000)
    return list(found)


async def _mailable(campaign_id: int) -> set[int]:
    """Recipients (not the control group) with email consent and a verified address."""
    consenting = set(await ChannelPreference.filter(channel=Channel.EMAIL, opted_in=True)
                     .values_list("member_id", flat=True))  # fmt: skip
    verified = set(await Member.filter(email_verified_at__isnull=False)
                   .values_list("id", flat=True))  # fmt: skip
    recipients = set(await CampaignRecipient.filter(campaign_id=campaign_id).exclude(
        status=RecipientStatus.CONTROL).values_list("member_id", flat=True))  # fmt: skip
    return recipients & consenting & verified


def _per_address(smtp) -> Counter:
    with smtp.lock:
        return Counter(address for r in smtp.received for address in r.to)


# ---- channels -------------------------------------------------------------------------------


async def test_channels_are_validated(app):
    def problems(channels):
        return campaigns.create_campaign(fields=_fields(channels=channels), actor_id=None)

    for channels, code in (([], "REQUIRED"), (["push"], "PUSH_NEEDS_INBOX"),
                           (["email", "push"], "PUSH_NEEDS_INBOX"),
                           (["email", "email"], "DUPLICATE_CHANNEL"),
                           (["inbox", "fax"], "INVALID_VALUE")):  # fmt: skip
        with pytest.raises(InvalidInput) as bad:
            await problems(channels)
        assert [(p.field, p.code) for p in bad.value.problems] == [("channels", code)], channels
    default = await campaigns.create_campaign(
        fields=campaigns.CampaignFields(name="D", segment=Segment(), variants=VARIANTS),
        actor_id=None)  # fmt: skip
    assert default.channels == ["inbox", "push"]
    mixed = await problems(["email", "push", "inbox"])
    assert mixed.channels == ["inbox", "push", "email"]  # stored in one order
    assert (await problems(["email"])).channels == ["email"]
    assert (await problems(["inbox"])).channels == ["inbox"]
    assert await Campaign.all().count() == 4


async def test_marketers_choose_channels_through_the_api(client):
    from app.members.models import Role
    from tests.helpers import gql, staff_session

    token = (await staff_session(client, Role.MARKETER))["accessToken"]
    create = """mutation($input: CampaignInput!) { createCampaign(input: $input) {
      __typename ... on Campaign { id channels }
      ... on InvalidInput { fields { field code message } } } }"""
    variants = [{"locale": "en", "title": "Hi", "body": "x"}]
    bad = await gql(client, create, {"input": {"name": "B", "variants": variants,
                                               "channels": ["PUSH"]}}, token=token)  # fmt: skip
    (problem,) = bad["data"]["createCampaign"]["fields"]
    assert (problem["field"], problem["code"]) == ("channels", "PUSH_NEEDS_INBOX")
    assert "inbox" in problem["message"]
    twice = await gql(client, create, {"input": {"name": "B", "variants": variants,
                                                 "channels": ["EMAIL", "EMAIL"]}}, token=token)  # fmt: skip
    assert twice["data"]["createCampaign"]["fields"][0]["code"] == "DUPLICATE_CHANNEL"
    none = await gql(client, create, {"input": {"name": "B", "variants": variants,
                                                "channels": []}}, token=token)  # fmt: skip
    assert none["data"]["createCampaign"]["fields"][0]["code"] == "REQUIRED"
    default = await gql(client, create, {"input": {"name": "D", "variants": variants}},
                        token=token)  # fmt: skip
    assert default["data"]["createCampaign"]["channels"] == ["INBOX", "PUSH"]
    email = await gql(client, create, {"input": {"name": "E", "variants": variants,
                                                 "channels": ["EMAIL", "INBOX"]}}, token=token)  # fmt: skip
    assert email["data"]["createCampaign"]["channels"] == ["INBOX", "EMAIL"]

    await _members("api", 9, lambda i: (i < 3, 3 <= i < 8, i != 7, False))
    audience = """query($c: [CampaignChannel!]) { campaignAudience(channels: $c) { count } }"""
    counts = {}
    for channels in (None, ["EMAIL"], ["INBOX", "EMAIL"]):
        body = await gql(client, audience, {"c": channels}, token=token)
        counts[str(channels)] = body["data"]["campaignAudience"]["count"]
    # Push consent: 3; email consent with a verified address: 4 (one is unverified).
    assert counts == {"None": 3, "['EMAIL']": 4, "['INBOX', 'EMAIL']": 7}

    stats = await gql(client, """query($id: ID!) { campaignStats(id: $id) { channels {
      inbox { written opened } push { sent failed unconfirmed }
      email { sent failed undeliverable unconfirmed skipped pending unsubscribed } } } }""",
                      {"id": email["data"]["createCampaign"]["id"]}, token=token)  # fmt: skip
    assert stats["data"]["campaignStats"]["channels"] == {
        "inbox": {"written": 0, "opened": 0}, "push": None,
        "email": {"sent": 0, "failed": 0, "undeliverable": 0, "unconfirmed": 0, "skipped": 0,
                  "pending": 0, "unsubscribed": 0}}  # fmt: skip


# ---- who is mailed --------------------------------------------------------------------------


def _mixed(i: int) -> tuple[bool, bool, bool, bool]:
    # 0-59: email consent and a verified address; 60-69: consent, unverified;
    # 70-79: verified, no email consent; 80-84: push consent only.
    return (i >= 80, i < 70, i < 60 or 70 <= i < 80, i >= 80)


async def test_an_email_campaign_mails_each_consenting_verified_member_once(app, smtp):
    members = await _members("mx", 85, _mixed)
    by_index = {int(m.email[2:].split("@")[0]): m for m in members}
    campaign = await _launch(_fields(holdout_percent=20))
    recipients = {r.member_id: r for r in await CampaignRecipient.filter(campaign_id=campaign.id)}
    # The audience: email consent and a verified address; nobody else.
    assert set(recipients) == {by_index[i].id for i in range(60)}
    control = {m for m, r in recipients.items() if r.status == RecipientStatus.CONTROL}
    assert 0 < len(control) < 30

    # Withdrawn after the launch, before the send: the campaign skips them.
    gone = next(m for m in sorted(recipients) if m not in control)
    await ChannelPreference.filter(member_id=gone, channel=Channel.EMAIL).update(opted_in=False)
    assert await campaigns.send_due(campaign_id=campaign.id, at=T) is None
    assert (await CampaignRecipient.get(campaign_id=campaign.id, member_id=gone)).reason == (
        "no_consent")  # fmt: skip
    # Withdrawn after the batch queued the mail, before the mail job ran: the mail re-checks.
    late = next(m for m in sorted(recipients) if m not in control and m != gone)
    await ChannelPreference.filter(member_id=late, channel=Channel.EMAIL).update(opted_in=False)
    await jobs.drain()

    expected = set(recipients) - control - {gone, late}
    address = {m.id: m.email for m in members}
    per_address = _per_address(smtp)
    assert set(per_address) == {address[m] for m in expected}
    assert set(per_address.values()) == {1}
    # No inbox message, no push: an email-only campaign.
    assert not await InboxMessage.exists()
    sent = await CampaignRecipient.filter(campaign_id=campaign.id, status=RecipientStatus.SENT)
    assert {r.member_id for r in sent} == expected | {late}
    assert all(r.message_id is None for r in sent)

    # Personalized, in the member's language; the https deep link is the button, an app
    # link is not; one-click unsubscribe per recipient.
    for member_id in expected:
        member = next(m for m in members if m.id == member_id)
        [got] = smtp.to(member.email)
        first = member.display_name.split()[0]
        hello = {"en": "Hi", "nl": "Hoi", "es": "Hola"}[member.locale]
        assert got.message["Subject"] == f"{hello} {first}"
        assert got.message["X-Loyalty-Message"] is None  # no internal keys (member ids)
        assert got.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        token = got.message["List-Unsubscribe"].split("token=", 1)[1].rstrip(">")
        assert mail.read_unsubscribe_token(token.replace("%2E", ".")) == (member.id, campaign.id)
        text = got.text()
        body = VARIANTS[member.locale]["body"].replace("{points_available}", "0")
        assert body in text and body in got.html()
        if member.locale == "en":
            assert "https://shop.example/winter" in text
        else:
            assert "shop.example" not in text and "loyalty://" not in text

    # Run again (a restart, a second worker): nothing more.
    await campaigns.send_due(campaign_id=campaign.id, at=T)
    await jobs.drain()
    assert sum(_per_address(smtp).values()) == len(expected)

    stats = await campaigns.stats(campaign_id=campaign.id)
    assert stats["channels"]["inbox"] is None and stats["channels"]["push"] is None
    email = stats["channels"]["email"]
    assert (email["sent"], email["skipped"], email["failed"], email["unconfirmed"]) == (
        len(expected), 1, 0, 0)  # fmt: skip
    assert stats["sent"] == len(expected) + 1 and stats["control"] == len(control)
    assert stats["skipped"] == {"no_consent": 1}


async def test_inbox_push_and_email_reach_each_member_on_each_allowed_channel_once(
    app,
    smtp,
    recorder,  # noqa: F811
):
    # 0: push only (with a device); 1: email only; 2: both; 3: neither; 4: both, unverified.
    kinds = {0: (True, False, True, True), 1: (False, True, True, False),
             2: (True, True, True, True), 3: (False, False, True, True),
             4: (True, True, False, True)}  # fmt: skip
    members = await _members("all", 5, lambda i: kinds[i])
    m = {int(x.email[3:].split("@")[0]): x for x in members}
    campaign = await _launch(_fields(channels=["inbox", "push", "email"]))
    recipients = set(await CampaignRecipient.filter(campaign_id=campaign.id)
                     .values_list("member_id", flat=True))  # fmt: skip
    assert recipients == {m[0].id, m[1].id, m[2].id, m[4].id}
    await campaigns.send_due(campaign_id=campaign.id, at=T)
    await jobs.drain()

    inbox = Counter(await InboxMessage.all().values_list("member_id", flat=True))
    assert inbox == {m[0].id: 1, m[2].id: 1, m[4].id: 1}
    tokens = dict(await Device.all().values_list("token", "member_id"))
    assert Counter(tokens[p.token] for p in recorder.sent) == inbox
    assert _per_address(smtp) == {m[1].email: 1, m[2].email: 1}
    rows = {r.member_id: r for r in await CampaignRecipient.filter(campaign_id=campaign.id)}
    assert {k for k, r in rows.items() if r.status == RecipientStatus.SENT} == recipients
    assert rows[m[1].id].message_id is None and rows[m[2].id].message_id is not None
    [mail_2] = smtp.to(m[2].email)
    [message_2] = await InboxMessage.filter(member_id=m[2].id)
    assert mail_2.message["Subject"] == message_2.title  # the same personalized texts
    assert message_2.body in mail_2.text()

    # Member 2 unsubscribes through the mail's one-click link (consent source EMAIL);
    # member 1 withdraws in the app: only the first counts as a mail unsubscribe.
    await privacy.set_consent(member_id=m[2].id, purpose=Purpose.MARKETING_EMAIL, granted=False,
                              policy_version=None, source=ConsentSource.EMAIL,
                              client="list-unsubscribe")  # fmt: skip
    await privacy.set_consent(member_id=m[1].id, purpose=Purpose.MARKETING_EMAIL, granted=False,
                              policy_version=None, source=ConsentSource.APP)  # fmt: skip
    opened = await InboxMessage.get(member_id=m[0].id)
    await InboxMessage.filter(id=opened.id).update(opened_at=T)
    stats = await campaigns.stats(campaign_id=campaign.id)
    assert stats["channels"]["inbox"] == {"written": 3, "opened": 1}
    assert stats["channels"]["push"] == {"sent": 3, "failed": {}, "unconfirmed": 0}
    email = stats["channels"]["email"]
    assert (email["sent"], email["unsubscribed"], email["skipped"]) == (2, 1, 0)
    assert await PushDelivery.all().count() == 3


async def test_frequency_caps_count_across_channels(app, smtp, recorder):  # noqa: F811
    [member] = await _members("cap", 1, lambda i: (True, True, True, True))
    push = await _launch(_fields(name="Push", channels=["inbox", "push"]))
    await campaigns.send_due(campaign_id=push.id, at=T)
    await jobs.drain()
    assert len(recorder.sent) == 1
    # The same day an email campaign: the member already had their campaign for the day.
    later = T + dt.timedelta(hours=2)
    email = await _launch(_fields(name="Mail"), at=later)
    await campaigns.send_due(campaign_id=email.id, at=later)
    await jobs.drain()
    assert not smtp.received
    (r,) = await CampaignRecipient.filter(campaign_id=email.id)
    assert (r.status, r.reason) == (RecipientStatus.SKIPPED, "frequency_cap")
    # The next day it goes; and then a push campaign the same day is capped in turn.
    tomorrow = T + dt.timedelta(days=1, minutes=1)
    again = await _launch(_fields(name="Mail 2"), at=tomorrow)
    await campaigns.send_due(campaign_id=again.id, at=tomorrow)
    await jobs.drain()
    assert _per_address(smtp) == {member.email: 1}
    push_2 = await _launch(_fields(name="Push 2", channels=["inbox", "push"]),
                           at=tomorrow + dt.timedelta(hours=1))  # fmt: skip
    await campaigns.send_due(campaign_id=push_2.id, at=tomorrow + dt.timedelta(hours=1))
    await jobs.drain()
    assert len(recorder.sent) == 1
    assert (await CampaignRecipient.get(campaign_id=push_2.id)).reason == "frequency_cap"


# ---- at scale -------------------------------------------------------------------------------


def _scale(i: int) -> tuple[bool, bool, bool, bool]:
    # 60 % email consent and verified, 10 % consent unverified, 10 % push only, 20 % neither
    # (half of them verified).
    r = i % 10
    return (r == 7, r <= 6, r <= 5 or r == 8, False)


async def test_ten_thousand_members_get_one_mail_each(app, smtp, dialect):
    if dialect != "postgres":
        pytest.skip("10,000 members: PostgreSQL")
    members = await _members("s", 10_000, _scale)
    campaign = await _launch(_fields(name="Big", holdout_percent=10))
    assert await campaigns.send_due(campaign_id=campaign.id, at=T) is None
    await jobs.drain()
    expected = await _mailable(campaign.id)
    assert 5000 < len(expected) < 5800
    address = {m.id: m.email for m in members}
    per_address = _per_address(smtp)
    assert set(per_address) == {address[m] for m in expected}
    assert set(per_address.values()) == {1}
    email = (await campaigns.stats(campaign_id=campaign.id))["channels"]["email"]
    assert email["sent"] == len(expected) and email["pending"] == email["unconfirmed"] == 0


# ---- a worker killed mid-send ---------------------------------------------------------------


@dataclass
class _HoldingHandler(_Handler):
    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        held: HoldingServer = self.server  # type: ignore[assignment]
        if len(held.received) > held.hold_after:
            # Taken (the recipient has it), but the answer waits: the sender has it in flight.
            while not held.released.is_set():
                await asyncio.sleep(0.05)
        return reply


@dataclass
class HoldingServer(SmtpServer):
    """Accepts `hold_after` messages, then keeps every further one without answering."""

    hold_after: int = 0
    released: threading.Event = field(default_factory=threading.Event)

    def start(self) -> "HoldingServer":
        from aiosmtpd.controller import Controller

        from tests.conftest import _free_port

        self.port = self.port or _free_port()
        self.controller = Controller(_HoldingHandler(self), hostname=self.host, port=self.port,
                                     decode_data=False, enable_SMTPUTF8=True)  # fmt: skip
        self.controller.start()
        return self


MEMBERS = 1500
HOLD_AFTER = 300


def _worker(settings, smtp: HoldingServer) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": settings.database_url, "JOB_LEASE_SECONDS": "3",
           "SMTP_URL": f"smtp://{smtp.host}:{smtp.port}",
           "EMAIL_FROM": "Loyalty <noreply@loyalty.test>", "LOG_LEVEL": "WARNING",
           "LOYALTY_ENV": "development"}  # fmt: skip
    return subprocess.Popen([sys.executable, "-m", "app.cli", "worker", "--interval", "3600"],
                            cwd=ROOT, env=env)  # fmt: skip


async def _wait(predicate, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not await predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


async def test_a_worker_killed_mid_send_mails_nobody_twice(app, settings, dialect):
    if dialect != "postgres":
        pytest.skip("two processes on one database: PostgreSQL")
    members = await _members("k", MEMBERS, lambda i: (False, i % 10 != 9, True, False))
    campaign = await _launch(_fields(name="Crash"), at=now())
    emailed = await _mailable(campaign.id)
    assert len(emailed) > HOLD_AFTER + 100

    server = HoldingServer(hold_after=HOLD_AFTER).start()
    worker = _worker(settings, server)
    try:

        async def in_flight() -> bool:
            return len(server.received) > HOLD_AFTER

        await _wait(in_flight, "mails in flight")
        await asyncio.sleep(1.0)  # every connection is waiting on an answer now
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
        before = _per_address(server)
        assert HOLD_AFTER < sum(before.values()) < len(emailed)
        server.released.set()

        worker = _worker(settings, server)

        async def finished() -> bool:
            done = (await Campaign.get(id=campaign.id)).status == CampaignStatus.DONE
            return done and not await jobs.Job.filter(status=jobs.JobStatus.PENDING).exists()

        await _wait(finished, "the restarted worker", seconds=60)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(10)
        server.released.set()
        server.stop()

    after = _per_address(server)
    assert set(after.values()) == {1}  # nobody received a second mail
    address = {m.id: m.email for m in members}
    assert set(after) <= {address[m] for m in emailed}
    rows = await EmailDelivery.filter(campaign_id=campaign.id)
    assert len(rows) == len({(r.key, r.address_key) for r in rows}) == len(emailed)
    by_status = Counter(r.status for r in rows)
    sent_to = {address[r.member_id] for r in rows if r.status == MailStatus.SENT}
    assert sent_to <= set(after)  # a SENT mail arrived
    # The mails marked when the worker died stay SENDING, reported unconfirmed, never resent.
    stranded = [r for r in rows if r.status == MailStatus.SENDING]
    assert stranded and all(r.error.startswith("unconfirmed") for r in stranded)
    assert len(stranded) <= 3 * mail.IN_FLIGHT  # a mail job marks IN_FLIGHT at a time
    assert by_status[MailStatus.SENT] + len(stranded) == len(emailed)
    # The restarted worker sent the rest; whoever got nothing is among the stranded.
    assert sum(after.values()) > sum(before.values())
    assert {address[m] for m in emailed} - set(after) <= {address[r.member_id] for r in stranded}
    email = (await campaigns.stats(campaign_id=campaign.id))["channels"]["email"]
    assert (email["sent"], email["unconfirmed"], email["pending"]) == (
        by_status[MailStatus.SENT], len(stranded), 0)  # fmt: skip
    jobs_left = await jobs.Job.filter(kind=mail.MAIL_JOB).exclude(status=jobs.JobStatus.DONE)
    assert not jobs_left


async def test_one_click_unsubscribe_and_the_next_campaign_skips_them(client, smtp):
    from urllib.parse import urlsplit

    members = await _members("un", 3, lambda i: (False, True, True, False))
    first = await _launch(_fields(name="First"))
    assert await campaigns.send_due(campaign_id=first.id, at=T) is None
    await jobs.drain()
    leaver, *stayers = members
    [got] = smtp.to(leaver.email)
    assert got.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = urlsplit(str(got.message["List-Unsubscribe"]).strip().strip("<>"))
    # What a mail client's one-click does (RFC 8058): POST the URL with this body.
    response = await client.post(f"{url.path}?{url.query}",
                                 content=b"List-Unsubscribe=One-Click",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert response.status_code == 200
    stats = await campaigns.stats(campaign_id=first.id)
    assert stats["channels"]["email"]["unsubscribed"] == 1
    assert stats["channels"]["email"]["sent"] == 3

    later = T + dt.timedelta(days=2)  # past the daily cap
    second = await _launch(_fields(name="Second"), at=later)
    assert await campaigns.send_due(campaign_id=second.id, at=later) is None
    await jobs.drain()
    assert len(smtp.to(leaver.email)) == 1  # nothing more for them
    assert all(len(smtp.to(m.email)) == 2 for m in stayers)
    sent = await CampaignRecipient.filter(campaign_id=second.id, status=RecipientStatus.SENT)
    assert leaver.id not in {r.member_id for r in sent}
