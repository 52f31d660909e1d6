"""A real `loyalty worker` process sends a campaign through FcmPushSender to a loopback fake
FCM (tests/fake_fcm.py); it is SIGKILLed with pushes in flight, and a new worker finishes the
campaign: every recipient's device is pushed exactly once."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from app.campaigns import service as campaigns
from app.campaigns.models import Campaign, CampaignRecipient, CampaignStatus, RecipientStatus
from app.jobs import Job, JobStatus
from app.members.models import Channel, ChannelPreference, Member
from app.messaging.models import DeliveryStatus, Device, InboxMessage, Platform, PushDelivery
from app.segments.rules import Segment
from tests.fake_fcm import service_account
from tests.fake_fcm import start as start_fake

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = 1200
HOLD_AFTER = 350  # the fake answers this many pushes, then holds the rest in flight


def _worker(settings, fcm: str, account: dict) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": settings.database_url, "FCM_ENDPOINT": fcm,
           "FIREBASE_CREDENTIALS": json.dumps(account), "JOB_LEASE_SECONDS": "3",
           "LOG_LEVEL": "WARNING", "LOYALTY_ENV": "development"}  # fmt: skip
    return subprocess.Popen([sys.executable, "-m", "app.cli", "worker", "--interval", "3600"],
                            cwd=ROOT, env=env)  # fmt: skip


async def _stats(fcm: str) -> dict:
    async with httpx.AsyncClient() as http:
        return (await http.get(f"{fcm}/_stats")).json()


async def _wait(predicate, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not await predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


async def test_a_worker_killed_mid_campaign_sends_nobody_a_second_push(app, settings, dialect):
    if dialect != "postgres":
        pytest.skip("two processes on one database: PostgreSQL")
    await Member.bulk_create([
        Member(email=f"k{i}@example.com", password_hash="x", display_name=f"Kim{i} Doe",
               locale=["en", "nl", "es"][i % 3]) for i in range(MEMBERS)])  # fmt: skip
    members = await Member.filter(email__startswith="k").order_by("id")
    await ChannelPreference.bulk_create([
        ChannelPreference(member_id=m.id, channel=Channel.PUSH, opted_in=True)
        for m in members])  # fmt: skip
    await Device.bulk_create([
        Device(member_id=m.id, token=f"fcm-{m.id}-" + "t" * 40, token_key=f"crash-{m.id}",
               platform=Platform.IOS if m.id % 2 else Platform.ANDROID) for m in members])  # fmt: skip
    variants = {"en": {"title": "Hi {first_name}", "body": "Come back"},
                "nl": {"title": "Hoi {first_name}", "body": "Kom terug"},
                "es": {"title": "Hola {first_name}", "body": "Vuelve"}}  # fmt: skip
    campaign = await campaigns.create_campaign(
        fields=campaigns.CampaignFields(name="Crash", segment=Segment(), variants=variants,
                                        quiet_start=0, quiet_end=0),
        actor_id=None)  # fmt: skip
    await campaigns.launch(campaign_id=campaign.id, send_at=None)

    with tempfile.TemporaryDirectory() as scratch:
        fake, fcm = start_fake(scratch, hold_after=HOLD_AFTER)
        account = service_account(int(fcm.rsplit(":", 1)[1]))
        worker = _worker(settings, fcm, account)
        try:
            # The fake holds pushes 351..400 unanswered: the worker waits on FCM with them in
            # flight (already delivered to the devices), and is killed right there.
            await _wait(lambda: _received_more_than(fcm, HOLD_AFTER), "pushes in flight")
            await asyncio.sleep(1.0)
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(10)
            before = await _stats(fcm)
            assert HOLD_AFTER < before["received"] < MEMBERS
            async with httpx.AsyncClient() as http:
                await http.post(f"{fcm}/_release")

            worker = _worker(settings, fcm, account)
            await _wait(lambda: _finished(campaign.id), "the restarted worker", seconds=120)
            after = await _stats(fcm)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(10)
            fake.terminate()
            fake.wait(10)

    sent = await CampaignRecipient.filter(campaign_id=campaign.id, status=RecipientStatus.SENT)
    assert len(sent) == MEMBERS
    tokens = dict(await Device.all().values_list("member_id", "token"))
    # Every recipient's device got the campaign exactly once, held pushes included.
    assert after["delivered"] == {tokens[r.member_id]: 1 for r in sent}
    by_token = {m["token"]: m for m in after["messages"]}
    locale = {m.id: m.locale for m in members}
    for r in sent:
        push = by_token[tokens[r.member_id]]
        expected = variants[locale[r.member_id]]["title"].split(" ")[0]
        assert push["title"].startswith(expected + " Kim")
        assert push["data"]["inbox_message_id"] == str(r.message_id)
    deliveries = await PushDelivery.all()
    assert len({(d.message_id, d.device_id) for d in deliveries}) == len(deliveries) == MEMBERS
    # The pushes in flight when the worker died stay unconfirmed; they are not sent again.
    unconfirmed = [d for d in deliveries if d.status == DeliveryStatus.SENDING]
    assert 0 < len(unconfirmed) <= before["received"] - HOLD_AFTER + 100
    assert (await campaigns.stats(campaign_id=campaign.id))["unconfirmed"] == len(unconfirmed)
    assert await InboxMessage.all().count() == MEMBERS


async def _received_more_than(fcm: str, n: int) -> bool:
    return (await _stats(fcm))["received"] > n


async def _finished(campaign_id: int) -> bool:
    campaign = await Campaign.get(id=campaign_id)
    open_jobs = await Job.filter(status=JobStatus.PENDING).count()
    return campaign.status == CampaignStatus.DONE and open_jobs == 0
