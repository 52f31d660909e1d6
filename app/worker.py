"""`loyalty worker`: the program's periodic work, safe to run in several processes at once
(every step re-checks its rows under the member's lock, or is unique per member and day)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

log = logging.getLogger(__name__)


async def run_maintenance(*, at: dt.datetime | None = None) -> dict[str, int]:
    """One pass: release held points, expire due points, birthday bonuses, forget old
    idempotency keys and sign-in throttle rows that no longer count, re-evaluate tiers due.
    Returns how many of each."""
    from app import wiring

    wiring.connect()  # the jobs this pass drains, and what its bookings set off
    from app.auth import service as auth
    from app.earning import actions
    from app.earning.service import current_rules
    from app.ledger import idempotency
    from app.ledger import service as ledger
    from app.tiers import service as tiers

    at = at or ledger.now()
    done = {"released": await ledger.release_due_points(at=at)}
    done["expired"] = await ledger.expire_due_points(at=at)
    policy = (await current_rules()).policy
    done["birthdays"] = await actions.award_birthday_bonuses(today=at.date(), policy=policy)
    done["forgotten_keys"] = await idempotency.purge_expired(now=at)
    done["throttles_purged"] = await auth.purge_throttles(now=at)
    done["tiers"] = await tiers.evaluate_due(at=at)
    from app.messaging import notifications

    done["expiry_reminders"] = await notifications.expiry_reminders(at=at)
    done["voucher_reminders"] = await notifications.voucher_reminders(at=at)
    from app.privacy import erasure, exports

    done["exports_expired"] = await exports.expire_exports(at=at)
    done["erased_inactive"] = len(await erasure.erase_inactive(at=at))
    from app import jobs

    done["jobs"] = await jobs.drain()
    return done


async def run_maintenance_forever(*, interval_seconds: float) -> None:
    """Run a maintenance pass every `interval_seconds`, logging what it did and
    any failure."""
    while True:
        try:
            done = await run_maintenance()
            if any(done.values()):
                log.info("maintenance: %s", done)
        except Exception:  # keep going: the next pass retries whatever failed
            log.exception("maintenance pass failed")
        await asyncio.sleep(interval_seconds)


async def run_jobs_forever(*, poll_seconds: float = 1.0) -> None:
    """Run durable jobs as they come due (several processes may do this at once)."""
    from app import jobs, wiring

    wiring.connect()  # the job handlers
    worker = jobs.worker_name()
    while True:
        try:
            await jobs.run_continuously(worker=worker, poll_seconds=poll_seconds)
        except Exception:
            log.exception("job pass failed")
        await asyncio.sleep(poll_seconds)


async def run_forever(*, interval_seconds: float) -> None:
    """Maintenance every `interval_seconds`, durable jobs as they come due."""
    await asyncio.gather(
        run_maintenance_forever(interval_seconds=interval_seconds), run_jobs_forever()
    )
