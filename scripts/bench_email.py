"""`scripts/bench email`: an email campaign to 20,000 members end to end (segment, render,
compose, mark, send over SMTP through aiosmtplib to a loopback sink, record), beside the
same sender's own rate straight to the sink, measured in the same run.

- A scratch PostgreSQL database is created, migrated and dropped at the end, even on failure.
- 20,000 members (three languages, display names) with MARKETING_EMAIL consent (the consent
  record, the current consent and the EMAIL channel preference) and verified addresses.
- The sink (scripts/_smtp_sink.py: aiosmtpd, plain SMTP, accepts everything, counts
  messages per recipient, answers stats over a tiny HTTP endpoint) runs as its own
  process, on loopback.
- Campaign: create (channels: email only; segment: everyone; per-language variants with
  personalization fields), launch, then the durable jobs run in this process as
  `loyalty worker` runs them (campaign batches, one `mail.send` job per 500 recipients)
  until none is left, the process's sender being SmtpEmailSender(SMTP_URL=the sink);
  mails/s = recipients / wall time from launch to the last mail recorded.
- Reference: the same SmtpEmailSender sends the same number of messages, built beforehand
  with app.mail.compose.build as the job builds them, straight to the sink: 500 per send
  call one call at a time, and 10 such calls at once (as the worker runs 10 jobs at once);
  the faster counts. No database, no rendering, no records.
- Target: campaign mails/s >= 50% of the reference. Also printed: peak memory (RSS) of the
  campaign run (measured before the reference, which holds its prebuilt messages).
- Afterwards it checks that every member got exactly one mail at the sink, that every
  EmailDelivery row is SENT, and that the sink got every reference message.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_api import create_scratch_database, drop_scratch_database, load_runner
from bench_campaign import run_jobs_until_idle

ROOT = Path(__file__).resolve().parents[1]
BATCH = 500  # mails per send call in the reference (a campaign's mail job holds 500)
PARALLEL = 10  # send calls at once in the reference (jobs.run_due runs 10 jobs at once)
VARIANTS = {
    "en": {"title": "{first_name}, your {points_available} points are waiting",
           "body": "Hi {first_name}, you have {points_available} points. Spend them this week "
                   "and get a free coffee with any reward."},
    "nl": {"title": "{first_name}, je {points_available} punten wachten",
           "body": "Hoi {first_name}, je hebt {points_available} punten. Wissel ze deze week "
                   "in en krijg gratis koffie bij elke beloning."},
    "es": {"title": "{first_name}, tus {points_available} puntos te esperan",
           "body": "Hola {first_name}, tienes {points_available} puntos. Canjéalos esta semana "
                   "y llévate un café gratis con cualquier recompensa."},
}  # fmt: skip
NAMES = ("Anna de Vries", "José García", "Emma Smith", "Lucía Martín", "Noah Jansen", "Liam Brown")


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- the sink -----------------------------------------------------------------------------


def start_sink(scratch: str) -> tuple[subprocess.Popen, int, int]:
    """The SMTP sink in its own process; (process, SMTP port, stats port) once listening."""
    port_file = Path(scratch) / "sink.ports"
    sink = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "_smtp_sink.py"),
                             "--port-file", str(port_file)], cwd=ROOT)  # fmt: skip
    deadline = time.monotonic() + 20
    while not port_file.exists():
        if time.monotonic() > deadline or sink.poll() is not None:
            sink.kill()
            raise RuntimeError("the SMTP sink did not start")
        time.sleep(0.05)
    smtp_port, http_port = map(int, port_file.read_text().split())
    return sink, smtp_port, http_port


async def sink_stats(port: int, *, reset: bool = False) -> dict:
    import httpx

    async with httpx.AsyncClient(timeout=60) as http:
        if reset:
            await http.post(f"http://127.0.0.1:{port}/reset")
            return {}
        return (await http.get(f"http://127.0.0.1:{port}/stats")).json()


# ---- seeding ------------------------------------------------------------------------------


async def seed(n: int) -> None:
    from app.ledger.models import MemberBalance
    from app.members.models import Channel, ChannelPreference, Member
    from app.privacy.models import ConsentRecord, ConsentSource, MemberConsent, Purpose

    at = dt.datetime.now(dt.UTC)
    step = 5000
    for start in range(0, n, step):
        await Member.bulk_create([
            Member(email=f"m{i}@bench.example", password_hash="x",
                   display_name=f"{NAMES[i % len(NAMES)]} {i}", locale=("en", "nl", "es")[i % 3],
                   email_verified_at=at) for i in range(start, min(start + step, n))
        ])  # fmt: skip
    ids = await Member.all().order_by("id").values_list("id", flat=True)
    for start in range(0, len(ids), step):
        chunk = ids[start : start + step]
        await MemberBalance.bulk_create([MemberBalance(member_id=m, available=m % 500, pending=0,
                                                       lifetime=m % 500) for m in chunk])  # fmt: skip
        await ChannelPreference.bulk_create([
            ChannelPreference(member_id=m, channel=Channel.EMAIL, opted_in=True, consented_at=at)
            for m in chunk])  # fmt: skip
        await ConsentRecord.bulk_create([
            ConsentRecord(member_id=m, purpose=Purpose.MARKETING_EMAIL, granted=True,
                          policy_version="bench-1", source=ConsentSource.APP) for m in chunk])  # fmt: skip
    records = await ConsentRecord.all().values_list("member_id", "id")
    for start in range(0, len(records), step):
        await MemberConsent.bulk_create([
            MemberConsent(member_id=m, purpose=Purpose.MARKETING_EMAIL, granted=True,
                          policy_version="bench-1", record_id=r, changed_at=at)
            for m, r in records[start : start + step]])  # fmt: skip


# ---- the campaign -------------------------------------------------------------------------


async def run_campaign() -> tuple[float, int, int, dict]:
    """Create, launch and deliver; returns (seconds, recipients sent, campaign id, phases:
    seconds from the launch to the campaign job's end and to the first mail marked)."""
    from app import jobs
    from app.campaigns import service as campaigns
    from app.campaigns.models import CampaignRecipient, RecipientStatus
    from app.clock import now
    from app.mail.models import EmailDelivery
    from app.segments.rules import Segment

    campaign = await campaigns.create_campaign(
        fields=campaigns.CampaignFields(name="Bench email", segment=Segment(), quiet_start=0,
                                        quiet_end=0, variants=VARIANTS, channels=["email"]),
        actor_id=None)  # fmt: skip
    started, launched = time.perf_counter(), now()
    await campaigns.launch(campaign_id=campaign.id, send_at=None)
    await run_jobs_until_idle()
    seconds = time.perf_counter() - started
    sent = await CampaignRecipient.filter(campaign_id=campaign.id,
                                          status=RecipientStatus.SENT).count()  # fmt: skip
    job_done = await jobs.Job.filter(kind=campaigns.SEND_JOB).first()
    first = (await EmailDelivery.filter(campaign_id=campaign.id).order_by("created_at")
             .first()).created_at  # fmt: skip
    phases = {"batches": (job_done.finished_at - launched).total_seconds(),
              "first_mail": (first - launched).total_seconds()}  # fmt: skip
    return seconds, sent, campaign.id, phases


# ---- the reference ------------------------------------------------------------------------


def reference_mails(n: int, campaign_id: int) -> list:
    """n campaign-shaped mails to distinct addresses, built as the mail job builds them."""
    from app.mail.compose import build, mailbox
    from app.mail.sender import OutgoingMail
    from app.mail.service import unsubscribe_link
    from app.mail.templates import render
    from app.settings import get_settings

    settings = get_settings()
    mails = []
    for i in range(n):
        locale = ("en", "nl", "es")[i % 3]
        name = f"{NAMES[i % len(NAMES)]} {i}"
        values = {"first_name": name.split(" ")[0], "points_available": i % 500}
        fields = {"name": name, "subject": VARIANTS[locale]["title"].format(**values),
                  "body": VARIANTS[locale]["body"].format(**values)}  # fmt: skip
        address = f"r{i}@ref.bench.example"
        message = build(
            rendered=render("CAMPAIGN", locale, **fields), locale=locale,
            to=mailbox(name, address), sender=settings.email_from,
            reply_to=settings.email_reply_to, link=None,
            unsubscribe=unsubscribe_link(member_id=i + 1, campaign_id=campaign_id),
            marketing=True, key=f"campaign:{campaign_id}:{i + 1}",
        )  # fmt: skip
        mails.append(OutgoingMail(to=address, message=message))
    return mails


async def run_reference(sender, mails: list) -> tuple[float, str]:
    """Send `mails` BATCH per call, one call at a time and then PARALLEL at once; returns
    (best mails/s, which)."""
    batches = [mails[s : s + BATCH] for s in range(0, len(mails), BATCH)]
    best = (0.0, "")

    async def check(batch: list) -> None:
        results = await sender.send(batch)
        if not all(r.ok for r in results):
            raise RuntimeError("the sink refused a reference message")

    started = time.perf_counter()
    for batch in batches:
        await check(batch)
    rate = len(mails) / (time.perf_counter() - started)
    best = max(best, (rate, f"{BATCH} per send, 1 at a time"))
    gate = asyncio.Semaphore(PARALLEL)

    async def gated(batch: list) -> None:
        async with gate:
            await check(batch)

    started = time.perf_counter()
    await asyncio.gather(*(gated(b) for b in batches))
    best = max(best, (len(mails) / (time.perf_counter() - started),
                      f"{BATCH} per send, {PARALLEL} at a time"))  # fmt: skip
    return best


# ---- the run ------------------------------------------------------------------------------


async def bench(url: str, stats_port: int, n: int, connections: int, profile: str | None) -> dict:
    from tortoise import Tortoise

    from app.db import tortoise_config
    from app.mail.models import EmailDelivery, MailStatus
    from app.mail.sender import SmtpEmailSender, use_sender
    from app.members.models import Member
    from app.settings import get_settings

    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    from app import wiring

    wiring.connect()  # as the API, the worker and the CLI do
    sender = SmtpEmailSender(get_settings().smtp, connections=connections)
    use_sender(sender)  # the process's sender: SMTP_URL, the sink
    try:
        started = time.perf_counter()
        await seed(n)
        seeded = time.perf_counter() - started
        await sink_stats(stats_port, reset=True)
        rss_before = _rss_mib()
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        seconds, sent, campaign_id, phases = await run_campaign()
        if profile:
            profiler.disable()
            profiler.dump_stats(profile)
        rss_peak = _rss_mib()
        got = (await sink_stats(stats_port))["per_recipient"]
        addresses = set(await Member.all().values_list("email", flat=True))
        once = len(got) == len(addresses) == sent == n and set(got) == addresses and all(
            v == 1 for v in got.values())  # fmt: skip
        rows = await EmailDelivery.filter(campaign_id=campaign_id).count()
        rows_sent = await EmailDelivery.filter(campaign_id=campaign_id,
                                               status=MailStatus.SENT).count()  # fmt: skip
        all_sent = rows == rows_sent == n and await EmailDelivery.all().count() == n
        mails = reference_mails(n, campaign_id)
        # Out of the collector's way: n prebuilt messages (and the ~20 classes the email
        # package makes for each one's headers) would make every full collection slower.
        gc.collect()
        gc.freeze()
        await sink_stats(stats_port, reset=True)
        reference, how = await run_reference(sender, mails)
        ref_stats = await sink_stats(stats_port)
        reference_ok = ref_stats["messages"] == 2 * n and len(ref_stats["per_recipient"]) == n
        rss_after = _rss_mib()
    finally:
        use_sender(None)
        await Tortoise.close_connections()
    return {"seeded": seeded, "seconds": seconds, "sent": sent, "reference": reference,
            "how": how, "rss_before": rss_before, "rss_peak": rss_peak, "rss_after": rss_after,
            "once": once, "rows": rows, "rows_sent": rows_sent, "all_sent": all_sent,
            "reference_ok": reference_ok, "phases": phases}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench email",
                                     description=__doc__.split("\n")[0])  # fmt: skip
    parser.add_argument("--members", type=int, default=20_000, help="recipients (20000)")
    parser.add_argument("--connections", type=int, default=None,
                        help="SMTP connections per send call (app.mail.sender.CONNECTIONS)")  # fmt: skip
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the campaign run")
    args = parser.parse_args()
    if not 1000 <= args.members <= 1_000_000:
        parser.error("need 1000 <= --members <= 1000000")
    if args.connections is not None and not 1 <= args.connections <= 100:
        parser.error("need 1 <= --connections <= 100")
    sys.path.insert(0, str(ROOT))
    from app.mail.sender import CONNECTIONS
    from app.schema_history import apply_migrations
    from app.settings import Settings, configure

    connections = args.connections or CONNECTIONS
    name, url = create_scratch_database()
    sink = None
    try:
        with tempfile.TemporaryDirectory() as scratch:
            sink, smtp_port, stats_port = start_sink(scratch)
            env = {**os.environ, "DATABASE_URL": url, "LOYALTY_ENV": "test",
                   "LOG_LEVEL": "WARNING", "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
                   "EMAIL_FROM": "Loyalty <offers@loyalty.example>"}  # fmt: skip
            settings = configure(Settings.from_env(env))
            asyncio.run(apply_migrations(settings))
            runner = load_runner()
            r = runner(bench(url, stats_port, args.members, connections, args.profile))
    finally:
        if sink is not None:
            sink.terminate()
            sink.wait(10)
        drop_scratch_database(name)

    rate = r["sent"] / r["seconds"]
    reference = r["reference"]
    ratio = rate / reference
    print(f"scripts/bench email: {args.members:,} members with email consent and a verified "
          f"address, PostgreSQL, aiosmtplib to a loopback aiosmtpd sink (own process), "
          f"{connections} connections per send; seeded in {r['seeded']:.0f} s")  # fmt: skip
    print(f"note: the sink, PostgreSQL and the sender share the same {os.cpu_count()} cores")
    print(f"reference SmtpEmailSender -> sink, prebuilt: {reference:9,.0f} mails/s "
          f"(best of {args.members:,} twice: {r['how']})")  # fmt: skip
    print(f"campaign  launch -> every mail recorded:    {rate:9,.0f} mails/s "
          f"({r['sent']:,} in {r['seconds']:.1f} s; first mail marked at "
          f"+{r['phases']['first_mail']:.1f} s, campaign batches done at "
          f"+{r['phases']['batches']:.1f} s)")  # fmt: skip
    print(f"ratio     {ratio:.1%} of the reference (target >= 50%: "
          f"{'PASS' if ratio >= 0.5 else 'FAIL'})")  # fmt: skip
    print(f"memory    peak RSS of the campaign run {r['rss_peak']:.0f} MiB (before it "
          f"{r['rss_before']:.0f} MiB; after the reference, with its {args.members:,} prebuilt "
          f"messages, {r['rss_after']:.0f} MiB)")  # fmt: skip
    print(f"check     every member mailed exactly once: {'yes' if r['once'] else 'NO'}; "
          f"EmailDelivery rows SENT: {r['rows_sent']:,}/{r['rows']:,} "
          f"({'yes' if r['all_sent'] else 'NO'}); reference mails all received: "
          f"{'yes' if r['reference_ok'] else 'NO'}")  # fmt: skip
    return 0 if r["once"] and r["all_sent"] and r["reference_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
