"""`scripts/bench campaign`: a push campaign to 100,000 members end to end (segment, render,
send through firebase-admin to a loopback fake FCM, record), beside the fake endpoint's own
ceiling measured alone in the same run.

- A scratch PostgreSQL database is created, migrated and dropped at the end, even on failure.
- 100,000 members (three languages) with marketing push consent and one device each.
- The fake FCM (tests/fake_fcm.py: OAuth token exchange and the FCM v1 send endpoint, real
  response bodies) runs as its own process, on loopback, plain HTTP.
- Campaign: create, launch (segment: everyone; recipients chosen), then the durable jobs run
  in this process as `loyalty worker` runs them (campaign batches, push jobs) until none is
  left; messages/s = recipients / wall time from launch to the last push recorded.
- Ceiling: the same FcmPushSender sends messages straight to the fake, half of N 500 per
  send_each_async call and half 100 per call; the faster rate counts. No database, no
  rendering, no records.
- Target: campaign messages/s >= 50% of the ceiling. Also printed: peak memory (RSS) of the
  campaign run, and FCM's default project quota (600,000 messages/minute = 10,000/s).
- Afterwards it checks that every member's device got exactly one push.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from bench_api import create_scratch_database, drop_scratch_database, load_runner

ROOT = Path(__file__).resolve().parents[1]
FCM_QUOTA_PER_S = 600_000 / 60


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def fake_stats(fcm: str, *, reset: bool = False) -> dict:
    import httpx

    async with httpx.AsyncClient(timeout=60) as http:
        if reset:
            await http.post(f"{fcm}/_reset", json={"keep_messages": False})
            return {}
        return (await http.get(f"{fcm}/_stats")).json()


async def run_jobs_until_idle() -> None:
    """Run the durable jobs in this process as `loyalty worker` does until none is left;
    RuntimeError when one died."""
    from app import jobs

    worker = jobs.worker_name()
    while True:  # as `loyalty worker` runs them (jobs.run_continuously), polling faster
        if not await jobs.run_continuously(worker=worker, poll_seconds=0.05, until_idle=True):
            if not await jobs.Job.filter(status=jobs.JobStatus.PENDING).exists():
                break
            await asyncio.sleep(0.05)
    dead = await jobs.Job.filter(status=jobs.JobStatus.DEAD).count()
    if dead:
        raise RuntimeError(f"{dead} job(s) died during the campaign")


async def seed(n: int) -> None:
    from app.ledger.models import MemberBalance
    from app.members.models import Channel, ChannelPreference, Member
    from app.messaging.models import Device, Platform

    step = 5000
    for start in range(0, n, step):
        await Member.bulk_create([
            Member(email=f"m{i}@bench.example", password_hash="x", display_name=f"Member{i} B",
                   locale=("en", "nl", "es")[i % 3]) for i in range(start, min(start + step, n))
        ])  # fmt: skip
    ids = await Member.all().order_by("id").values_list("id", flat=True)
    for start in range(0, len(ids), step):
        chunk = ids[start : start + step]
        await MemberBalance.bulk_create([MemberBalance(member_id=m, available=m % 500, pending=0,
                                                       lifetime=m % 500) for m in chunk])  # fmt: skip
        await ChannelPreference.bulk_create([ChannelPreference(member_id=m, channel=Channel.PUSH,
                                                               opted_in=True) for m in chunk])  # fmt: skip
        await Device.bulk_create([
            Device(member_id=m, token=f"bench-{m}-" + "t" * 120, token_key=f"bench-{m}",
                   platform=Platform.ANDROID if m % 2 else Platform.IOS) for m in chunk])  # fmt: skip


async def run_campaign() -> tuple[float, int]:
    """Launch and deliver; returns (seconds, recipients)."""
    from app.campaigns import service as campaigns
    from app.campaigns.models import CampaignRecipient, RecipientStatus
    from app.segments.rules import Segment

    campaign = await campaigns.create_campaign(
        fields=campaigns.CampaignFields(
            name="Bench", segment=Segment(), quiet_start=0, quiet_end=0,
            variants={"en": {"title": "Hi {first_name}", "body": "You have {points_available} points"},
                      "nl": {"title": "Hoi {first_name}", "body": "Je hebt {points_available} punten"},
                      "es": {"title": "Hola {first_name}", "body": "Tienes {points_available} puntos"}},
        ), actor_id=None)  # fmt: skip
    started = time.perf_counter()
    await campaigns.launch(campaign_id=campaign.id, send_at=None)
    await run_jobs_until_idle()
    seconds = time.perf_counter() - started
    sent = await CampaignRecipient.filter(campaign_id=campaign.id,
                                          status=RecipientStatus.SENT).count()  # fmt: skip
    return seconds, sent


async def run_ceiling(n: int) -> tuple[float, int]:
    """The same sender straight to the fake, n messages, 500 per send_each_async call and
    then 100 per call (what a push job keeps in flight); the faster is the ceiling.
    Returns (messages/s, size)."""
    from app.messaging.push import PushMessage, push_sender

    sender = push_sender()
    messages = [PushMessage(token=f"ceiling-{i}-" + "t" * 120, title=f"Hi Member{i}",
                            body="You have 123 points", data={"inbox_message_id": str(i)},
                            badge=1, collapse_key=f"marketing-{i}") for i in range(n)]  # fmt: skip
    best = (0.0, 0)
    for size in (500, 100):
        started = time.perf_counter()
        for start in range(0, n, size):
            results = await sender.send(messages[start : start + size])
            if not all(r.ok for r in results):
                raise RuntimeError("the fake FCM refused a ceiling message")
        best = max(best, (n / (time.perf_counter() - started), size))
    return best


async def bench(url: str, fcm: str, n: int) -> dict:
    from tortoise import Tortoise

    from app.db import tortoise_config
    from app.messaging.models import Device

    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    from app import wiring

    wiring.connect()  # as the API, the worker and the CLI do
    try:
        started = time.perf_counter()
        await seed(n)
        seeded = time.perf_counter() - started
        await fake_stats(fcm, reset=True)
        rss_before = _rss_mib()
        seconds, sent = await run_campaign()
        rss_peak = _rss_mib()
        delivered = (await fake_stats(fcm))["delivered"]
        tokens = set(await Device.all().values_list("token", flat=True))
        once = len(delivered) == len(tokens) == sent and set(delivered) == tokens and all(
            v == 1 for v in delivered.values())  # fmt: skip
        await fake_stats(fcm, reset=True)
        ceiling, size = await run_ceiling(n // 2)
        ceiling_ok = (await fake_stats(fcm))["received"] == 2 * (n // 2)
    finally:
        await Tortoise.close_connections()
    return {"seeded": seeded, "seconds": seconds, "sent": sent, "ceiling": ceiling, "size": size,
            "rss_before": rss_before, "rss_peak": rss_peak, "once": once,
            "ceiling_ok": ceiling_ok}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench campaign",
                                     description=__doc__.split("\n")[0])  # fmt: skip
    parser.add_argument("--members", type=int, default=100_000, help="recipients (100000)")
    args = parser.parse_args()
    if not 1000 <= args.members <= 1_000_000:
        parser.error("need 1000 <= --members <= 1000000")
    sys.path.insert(0, str(ROOT))
    from app.schema_history import apply_migrations
    from app.settings import Settings, configure
    from tests.fake_fcm import service_account
    from tests.fake_fcm import start as start_fake

    name, url = create_scratch_database()
    fake = None
    try:
        with tempfile.TemporaryDirectory() as scratch:
            fake, fcm = start_fake(scratch)
            account = service_account(int(fcm.rsplit(":", 1)[1]))
            env = {**os.environ, "DATABASE_URL": url, "LOYALTY_ENV": "test",
                   "LOG_LEVEL": "WARNING", "FIREBASE_CREDENTIALS": json.dumps(account),
                   "FCM_ENDPOINT": fcm}  # fmt: skip
            settings = configure(Settings.from_env(env))
            asyncio.run(apply_migrations(settings))
            runner = load_runner()
            r = runner(bench(url, fcm, args.members))
    finally:
        if fake is not None:
            fake.terminate()
            fake.wait(10)
        drop_scratch_database(name)

    rate = r["sent"] / r["seconds"]
    ceiling = r["ceiling"]
    ratio = rate / ceiling
    print(f"scripts/bench campaign: {args.members:,} members with consent and a device, "
          f"PostgreSQL, firebase-admin to a loopback fake FCM (own process); seeded in "
          f"{r['seeded']:.0f} s")  # fmt: skip
    print(f"note: the fake, PostgreSQL and the sender share the same {os.cpu_count()} cores")
    print(f"ceiling   FcmPushSender -> fake, no database:  {ceiling:9,.0f} msg/s "
          f"(best of {args.members // 2:,} sent 500 and 100 at a time: {r['size']})")  # fmt: skip
    print(f"campaign  launch -> every push recorded:      {rate:9,.0f} msg/s "
          f"({r['sent']:,} in {r['seconds']:.1f} s)")  # fmt: skip
    print(f"ratio     {ratio:.1%} of the ceiling (target >= 50%: "
          f"{'PASS' if ratio >= 0.5 else 'FAIL'})")  # fmt: skip
    print(f"memory    peak RSS {r['rss_peak']:.0f} MiB (before the campaign "
          f"{r['rss_before']:.0f} MiB)")  # fmt: skip
    print(f"FCM quota 600,000/min = {FCM_QUOTA_PER_S:,.0f} msg/s; this run: "
          f"{rate / FCM_QUOTA_PER_S:.0%} of it")  # fmt: skip
    print(f"check     every device pushed exactly once: {'yes' if r['once'] else 'NO'}; "
          f"ceiling messages all received: {'yes' if r['ceiling_ok'] else 'NO'}")  # fmt: skip
    return 0 if r["once"] and r["ceiling_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
