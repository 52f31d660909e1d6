"""Exactly one notification per event across a worker crash at the worst moment.

A notification's job writes the inbox message and its push job in one transaction. The
test hook LOYALTY_TEST_CRASH_AFTER=<kind> (app/jobs.py) kills the worker right after such a
handler returned, i.e. after its transaction committed and before `run_job` could record
anything: the exact point where the old code (the job marked done in a separate statement
afterwards) left the job pending, so a restarted worker sent the member the message and its
push a second time. Now the job is marked done inside the handler's transaction.

In process (both dialects) the hook's exit is replaced by an exception; with real processes
(PostgreSQL) a `loyalty worker` really dies and a new one pushes to the loopback fake FCM.
"""

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from strawberry.relay import to_base64

from app import jobs
from app.jobs import Job, JobStatus
from app.ledger import service as ledger
from app.ledger.models import Kind
from app.messaging import notifications
from app.messaging.models import Device, InboxMessage, Platform
from app.rewards import catalog
from app.rewards.models import RewardKind, Voucher
from app.rewards.service import redeem
from tests import factories
from tests.fake_fcm import service_account
from tests.fake_fcm import start as start_fake
from tests.helpers import RECORD_PURCHASE, gql, integration_token, purchase_input
from tests.messaging.test_messaging import recorder  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.timedelta(days=1)
FCM_TOKEN = "crash-once-" + "t" * 30


class Crash(BaseException):
    """What `os._exit` does in process: nothing after it runs."""


async def _purchase(client, member, external_id="c-1") -> None:
    till = await integration_token(client, "purchases:write")
    data = purchase_input(to_base64("Member", member.id), external_id, amount=4200)
    result = await gql(client, RECORD_PURCHASE, {"input": data}, token=till)
    assert result["data"]["recordPurchase"]["__typename"] == "PurchaseRecorded", result


async def _expiring(member) -> None:
    soon = dt.datetime.now(dt.UTC) + 10 * DAY
    async with ledger.member_book(member_id=member.id) as book:
        await book.earn(points=30, kind=Kind.BONUS, expires_at=soon)
    await Job.filter(kind="notify.send").delete()  # only the reminder is under test here
    assert await notifications.expiry_reminders() == 1


async def _voucher_expiring(member) -> None:
    async with ledger.member_book(member_id=member.id) as book:
        await book.earn(points=50, kind=Kind.BONUS)
    reward = await catalog.create_reward(
        fields=catalog.RewardFields(kind=RewardKind.FREE_PRODUCT, category="coffee",
                                    points_cost=10, sku="ESPRESSO",
                                    texts={"en": {"title": "Espresso"}}), actor_id=None)  # fmt: skip
    await redeem(member_id=member.id, reward_id=reward.id, quantity=1,
                 idempotency_key="crash-once-voucher")  # fmt: skip
    await Job.filter(kind="notify.send").delete()  # the redemption's own notice: not tested
    await InboxMessage.all().delete()
    await Voucher.all().update(expires_at=dt.datetime.now(dt.UTC) + 2 * DAY)
    assert await notifications.voucher_reminders() == 1


async def _crash_in_process(monkeypatch, kind: str) -> None:
    def exit_(code):
        raise Crash(code)

    monkeypatch.setattr(jobs, "_TEST_CRASH_AFTER", kind)
    monkeypatch.setattr(jobs.os, "_exit", exit_)
    with pytest.raises(Crash):
        await jobs.drain(worker="doomed:1")
    monkeypatch.setattr(jobs, "_TEST_CRASH_AFTER", None)


@pytest.mark.parametrize("kind", ["notify.send", "notify.expiring", "notify.voucher_expiring"])
async def test_a_crash_after_the_notification_committed_sends_it_once(
    client, recorder, monkeypatch, kind  # noqa: F811
):  # fmt: skip
    member = await factories.member()
    await Device.create(member_id=member.id, token=FCM_TOKEN, token_key="crash-once",
                        platform=Platform.IOS)  # fmt: skip
    if kind == "notify.send":
        await _purchase(client, member)
    elif kind == "notify.expiring":
        await _expiring(member)
    else:
        await _voucher_expiring(member)
    await _crash_in_process(monkeypatch, kind)
    # The worker died right after the handler's commit: the message exists, and so does the
    # job's completion (it committed with it).
    assert await InboxMessage.filter(member_id=member.id).count() == 1
    (job,) = await Job.filter(kind=kind)
    assert job.status == JobStatus.DONE
    # Its lease runs out; another worker takes up whatever is left.
    await Job.filter(status=JobStatus.PENDING).update(locked_until=None)
    await jobs.drain(worker="successor:2")
    assert await InboxMessage.filter(member_id=member.id).count() == 1
    assert [p.token for p in recorder.sent] == [FCM_TOKEN]


async def test_a_worker_whose_lease_ran_out_does_not_complete_anothers_job(app):
    """Worker A's lease ran out and B claimed the job: A's late transaction rolls back."""
    member = await factories.member()
    job = await jobs.enqueue("notify.send", {"member": member.id, "category": "points",
                                             "template": "POINTS_EARNED", "deep_link": None,
                                             "fields": {"points": 5, "available": 5}})  # fmt: skip
    (a_claim,) = await jobs.claim(worker="a:1")
    later = jobs.now() + jobs.lease_length() + dt.timedelta(seconds=1)
    (b_claim,) = await jobs.claim(worker="b:2", at=later)
    assert await jobs.run_job(a_claim, worker="a:1") == JobStatus.PENDING
    assert await InboxMessage.filter(member_id=member.id).count() == 0
    assert await jobs.run_job(b_claim, worker="b:2") == JobStatus.DONE
    assert await InboxMessage.filter(member_id=member.id).count() == 1
    assert (await Job.get(id=job.id)).locked_by == "b:2"


# ---- real processes ---------------------------------------------------------------------------


def _worker(settings, fcm: str, account: dict, crash_after: str | None) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": settings.database_url, "FCM_ENDPOINT": fcm,
           "FIREBASE_CREDENTIALS": json.dumps(account), "JOB_LEASE_SECONDS": "2",
           "LOG_LEVEL": "WARNING", "LOYALTY_ENV": "development"}  # fmt: skip
    env.pop("LOYALTY_TEST_CRASH_AFTER", None)
    if crash_after:
        env["LOYALTY_TEST_CRASH_AFTER"] = crash_after
    return subprocess.Popen([sys.executable, "-m", "app.cli", "worker", "--interval", "3600"],
                            cwd=ROOT, env=env)  # fmt: skip


async def _stats(fcm: str) -> dict:
    async with httpx.AsyncClient() as http:
        return (await http.get(f"{fcm}/_stats")).json()


async def _exited(process: subprocess.Popen, seconds: float = 60) -> int:
    deadline = time.monotonic() + seconds
    while process.poll() is None:
        assert time.monotonic() < deadline, "the worker never reached the crash point"
        await asyncio.sleep(0.1)
    return process.returncode


async def _settled(fcm: str, seconds: float = 60) -> None:
    """No job left pending (past any lease the dead worker held) and the push sent."""
    deadline = time.monotonic() + seconds
    while (await Job.filter(status=JobStatus.PENDING).count()
           or not (await _stats(fcm))["received"]):  # fmt: skip
        assert time.monotonic() < deadline, "the restarted worker never finished"
        await asyncio.sleep(0.2)


@pytest.mark.parametrize("kind", ["notify.send", "notify.expiring"])
async def test_a_worker_killed_between_commit_and_completion_sends_one_message_and_push(
    client, settings, dialect, kind
):  # fmt: skip
    if dialect != "postgres":
        pytest.skip("worker processes on one database: PostgreSQL")
    member = await factories.member()
    await Device.create(member_id=member.id, token=FCM_TOKEN, token_key="crash-once",
                        platform=Platform.ANDROID)  # fmt: skip
    if kind == "notify.send":
        await _purchase(client, member)
    else:
        await _expiring(member)
    with tempfile.TemporaryDirectory() as scratch:
        fake, fcm = start_fake(scratch)
        account = service_account(int(fcm.rsplit(":", 1)[1]))
        worker = None
        try:
            worker = _worker(settings, fcm, account, crash_after=kind)
            assert await _exited(worker) == 137  # killed itself at the hook: not by chance
            assert await InboxMessage.filter(member_id=member.id).count() == 1
            assert (await _stats(fcm))["received"] == 0  # the push job had not run yet
            worker = _worker(settings, fcm, account, crash_after=None)
            await _settled(fcm)
            await asyncio.sleep(2.5)  # past the dead worker's lease: a second copy would show
            await _settled(fcm)
            after = await _stats(fcm)
        finally:
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(10)
            fake.terminate()
            fake.wait(10)
    assert await InboxMessage.filter(member_id=member.id).count() == 1
    assert after["delivered"] == {FCM_TOKEN: 1}
    assert (await Job.get(kind=kind)).status == JobStatus.DONE
