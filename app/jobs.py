"""Durable jobs (the outbox): work recorded in the same transaction as the change that needs
it, run later by workers with retries and backoff.

A worker claims jobs by leasing them (`locked_until`); on PostgreSQL the claim skips rows
another worker holds (`FOR UPDATE SKIP LOCKED`), so several workers never take the same job.
A worker that dies leaves its jobs' leases to run out, and another takes them up.
Handlers must therefore tolerate running again after a crash (they record what they did).

A handler whose work is one transaction of its own (a notification: the inbox message and
its push job) calls `complete_in(tx)` inside it: the job is marked done in that same
transaction, so the work and the job's completion commit together or not at all, and a
worker killed at any point leaves either nothing done or both: exactly once. The mark only
lands while this worker still holds the lease; a worker whose lease ran out (another took
the job) rolls its work back instead (`LeaseLost`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import traceback
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import connections, fields
from tortoise.models import Model

from app.clock import now
from app.sql import CLAIM_JOBS_PG, is_postgres

if TYPE_CHECKING:
    from app.db import Transaction

log = logging.getLogger(__name__)

# TEST HOOK, read once at import: `LOYALTY_TEST_CRASH_AFTER=<job kind>` makes the process
# kill itself (exit 137, as SIGKILL) the moment a handler of that kind has returned, i.e.
# after its transaction committed and before `run_job` records anything: the crash tests'
# exact point. Ignored in production (what it costs elsewhere: one `is None` check per job).
_TEST_CRASH_AFTER = (os.environ.get("LOYALTY_TEST_CRASH_AFTER") or None
                     if os.environ.get("LOYALTY_ENV", "").strip().lower() != "production"
                     else None)  # fmt: skip
if _TEST_CRASH_AFTER is not None:
    log.warning("test hook LOYALTY_TEST_CRASH_AFTER=%s is set: this process will kill itself "
                "after running such a job", _TEST_CRASH_AFTER)  # fmt: skip


def lease_length() -> dt.timedelta:
    """How long a claimed job stays ours (JOB_LEASE_SECONDS): handlers keep each run shorter
    than this, coming back with `RetryLater(after=0)` for the rest of long work, or extend
    the lease between the steps of it (`extend_lease`)."""
    from app.settings import get_settings

    return dt.timedelta(seconds=get_settings().job_lease_seconds)


MAX_BACKOFF = dt.timedelta(hours=1)


class JobStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    DEAD = "dead"  # gave up: out of attempts or a permanent error


class Job(Model):
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=64)
    payload = fields.JSONField(default=dict)
    # A job with a key is enqueued once (e.g. one reminder per lot batch).
    key = fields.CharField(max_length=200, null=True, unique=True)
    status = fields.CharEnumField(JobStatus, max_length=8, default=JobStatus.PENDING)
    run_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    max_attempts = fields.IntField(default=8)
    locked_until = fields.DatetimeField(null=True)
    locked_by = fields.CharField(max_length=100, null=True)
    last_error = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "job"
        indexes = (("status", "run_at"),)


class RetryLater(Exception):
    """Raised by a handler: run the job again later (after `after`, or with backoff)."""

    def __init__(self, reason: str, *, after: dt.timedelta | None = None):
        super().__init__(reason)
        self.after = after


class Permanent(Exception):
    """Raised by a handler: retrying cannot help; the job is dead with this reason."""


class LeaseLost(Exception):
    """`complete_in` found the job no longer ours (our lease ran out and another worker
    claimed it, or it is settled): the handler's transaction rolls back, the holder does it."""


@dataclass
class _Running:
    job: Job
    worker: str
    completed: bool = False  # by the handler's own transaction, committed


_running: ContextVar[_Running | None] = ContextVar("loyalty_running_job", default=None)


async def complete_in(tx: Transaction, *, payload: dict | None = None) -> None:
    """Mark the job this task is running done inside the handler's transaction `tx`, so
    the job's work and its completion commit together. Raises LeaseLost (rolling `tx`
    back) when this worker no longer holds the job. Outside a job (a handler called
    directly) it does nothing. `payload`, when given, replaces the job's payload (forgetting
    what it held, e.g. an erased member's address)."""
    running = _running.get()
    if running is None:
        return
    job = running.job
    marked = await Job.filter(
        id=job.id, locked_by=running.worker, attempts=job.attempts, status=JobStatus.PENDING
    ).using_db(tx.connection).update(status=JobStatus.DONE, finished_at=now(),
                                     locked_until=None, last_error=None,
                                     **({"payload": payload} if payload is not None else {}))  # fmt: skip
    if not marked:
        raise LeaseLost(f"job {job.id} is no longer held by {running.worker}")

    async def committed() -> None:
        running.completed = True

    tx.after_commit(committed)


async def extend_lease() -> None:
    """Push the lease of the job this task runs forward by `lease_length()` from now (a
    handler doing long work in steps calls it before each step). Raises LeaseLost when this
    worker no longer holds the job (another claimed it, or it is settled). Outside a job it
    does nothing."""
    running = _running.get()
    if running is None:
        return
    job = running.job
    until = now() + lease_length()
    held = await Job.filter(
        id=job.id, locked_by=running.worker, attempts=job.attempts, status=JobStatus.PENDING
    ).update(locked_until=until)
    if not held:
        raise LeaseLost(f"job {job.id} is no longer held by {running.worker}")
    job.locked_until = until


Handler = Callable[[dict], Awaitable[None]]
# Job kind -> handler, filled by `register` (app.wiring does, at start-up), never at import.
HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Mark `fn` as the handler of job kind `kind` (it registers nothing: app.wiring does)."""

    def mark(fn: Handler) -> Handler:
        fn.job_kind = kind  # type: ignore[attr-defined]
        return fn

    return mark


def register(kind: str, fn: Handler) -> None:
    """Make `fn` the handler of job kind `kind` (idempotent). A function marked with
    `@handler` must be registered under the kind it was marked with."""
    marked = getattr(fn, "job_kind", kind)
    if marked != kind:
        raise ValueError(f"{fn.__qualname__} handles {marked!r}, not {kind!r}")
    HANDLERS[kind] = fn


async def enqueue(
    kind: str,
    payload: dict,
    *,
    run_at: dt.datetime | None = None,
    key: str | None = None,
    max_attempts: int = 8,
    conn=None,
) -> Job | None:
    """Record a job (in the caller's transaction when `conn` is given). With a `key`, a
    second enqueue of the same key is ignored and returns None."""
    from tortoise.exceptions import IntegrityError

    if key is not None:
        query = Job.filter(key=key)
        if conn is not None:
            query = query.using_db(conn)
        if await query.exists():
            return None
    try:
        return await Job.create(kind=kind, payload=payload, run_at=run_at or now(), key=key,
                                max_attempts=max_attempts, using_db=conn)  # fmt: skip
    except IntegrityError:
        if key is None:
            raise
        return None


def enqueue_in(
    tx: Transaction, kind: str, payload: dict, *, run_at: dt.datetime | None = None,
    max_attempts: int = 8,
) -> None:  # fmt: skip
    """Record a job without a key in `tx`, written with the transaction's other deferred
    rows (`Transaction.defer`: on a hot path, e.g. a purchase's notification, no statement
    of its own on PostgreSQL). Nothing comes back: no id is read."""
    from tortoise import timezone

    tx.defer_insert(Job, [{
        "kind": kind, "payload": payload, "key": None, "status": JobStatus.PENDING,
        "run_at": run_at or now(), "attempts": 0, "max_attempts": max_attempts,
        "created_at": timezone.now(),
    }])  # fmt: skip


def worker_name() -> str:
    """This process's worker name: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


async def claim(*, worker: str, limit: int = 50, at: dt.datetime | None = None) -> list[Job]:
    """Lease up to `limit` due jobs for this worker."""
    at = at or now()
    conn = connections.get("default")
    until = at + lease_length()
    if is_postgres(conn):  # one statement, rows other workers hold skipped (app.sql)
        rows = await conn.execute_query_dict(CLAIM_JOBS_PG, [until, worker, at, limit])
        return [Job._init_from_db(**row) for row in rows]
    # SQLite has one writer at a time: select then conditionally lease each row.
    from tortoise.expressions import F, Q

    due = await Job.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=at),
        status=JobStatus.PENDING, run_at__lte=at,
    ).order_by("run_at", "id").limit(limit)  # fmt: skip
    claimed = []
    for job in due:
        taken = await Job.filter(
            Q(locked_until__isnull=True) | Q(locked_until__lt=at), id=job.id,
            status=JobStatus.PENDING,
        ).update(locked_until=until, locked_by=worker, attempts=F("attempts") + 1)  # fmt: skip
        if taken:
            job.locked_until, job.locked_by, job.attempts = until, worker, job.attempts + 1
            claimed.append(job)
    return claimed


def backoff(attempts: int) -> dt.timedelta:
    """2, 4, 8, ... seconds, capped."""
    return min(dt.timedelta(seconds=2**attempts), MAX_BACKOFF)


async def _finish(job: Job, worker: str, **changes) -> None:
    # Only the lease holder may settle the job (a slow worker whose lease ran out may not),
    # and only while it is pending (a handler may have completed it in its transaction).
    # A job whose payload asks to be forgotten once it ends (`"forget": true`: an erased
    # member's address, an export link) is emptied however it ends: done or dead.
    if (changes.get("status") in (JobStatus.DONE, JobStatus.DEAD) and isinstance(job.payload, dict)
            and job.payload.get("forget")):  # fmt: skip
        changes["payload"] = {}
    await Job.filter(id=job.id, locked_by=worker, status=JobStatus.PENDING).update(
        locked_until=None, **changes
    )


async def run_job(job: Job, *, worker: str) -> JobStatus:
    """Run the job's handler and record the outcome; returns the job's status
    after it."""
    fn = HANDLERS.get(job.kind)
    at = now()
    if fn is None:
        await _finish(job, worker, status=JobStatus.DEAD, last_error=f"no handler for {job.kind}",
                      finished_at=at)  # fmt: skip
        return JobStatus.DEAD
    running = _Running(job, worker)
    token = _running.set(running)
    try:
        await fn(job.payload)
    except LeaseLost as exc:  # nothing of ours committed; the job's holder runs it
        log.warning("job %s (%s): %s", job.id, job.kind, exc)
        return JobStatus.PENDING
    except Exception as exc:
        if running.completed:  # done and committed: what failed after it changes nothing
            log.exception("job %s (%s) failed after completing", job.id, job.kind)
            return JobStatus.DONE
        return await _failed(job, worker, exc, at)
    finally:
        _running.reset(token)
    if _TEST_CRASH_AFTER is not None and job.kind == _TEST_CRASH_AFTER:
        os._exit(137)  # the test hook above: as if SIGKILLed right here
    if not running.completed:
        await _finish(job, worker, status=JobStatus.DONE, finished_at=now(), last_error=None)
    return JobStatus.DONE


async def _failed(job: Job, worker: str, exc: Exception, at: dt.datetime) -> JobStatus:
    if isinstance(exc, RetryLater):
        if job.attempts >= job.max_attempts:
            await _finish(job, worker, status=JobStatus.DEAD, last_error=str(exc), finished_at=at)
            return JobStatus.DEAD
        delay = exc.after if exc.after is not None else backoff(job.attempts)
        await _finish(job, worker, run_at=at + delay, last_error=str(exc))
        return JobStatus.PENDING
    if isinstance(exc, Permanent):
        await _finish(job, worker, status=JobStatus.DEAD, last_error=str(exc), finished_at=at)
        return JobStatus.DEAD
    # Unexpected: retried with backoff, the trace kept for the operator.
    error = "".join(traceback.format_exception(exc, limit=5))
    log.error("job %s (%s) failed", job.id, job.kind, exc_info=exc)
    if job.attempts >= job.max_attempts:
        await _finish(job, worker, status=JobStatus.DEAD, last_error=error, finished_at=at)
        return JobStatus.DEAD
    await _finish(job, worker, run_at=at + backoff(job.attempts), last_error=error)
    return JobStatus.PENDING


async def run_due(*, worker: str | None = None, limit: int = 50, concurrency: int = 10) -> int:
    """Claim and run one batch of due jobs; returns how many ran."""
    worker = worker or worker_name()
    jobs = await claim(worker=worker, limit=limit)
    if not jobs:
        return 0
    gate = asyncio.Semaphore(concurrency)

    async def one(job: Job) -> None:
        async with gate:
            await run_job(job, worker=worker)

    await asyncio.gather(*(one(j) for j in jobs))
    return len(jobs)


async def run_continuously(
    *, worker: str | None = None, concurrency: int = 10, poll_seconds: float = 1.0,
    until_idle: bool = False,
) -> int:  # fmt: skip
    """Keep up to `concurrency` jobs running, claiming more as soon as a slot is free and
    looking for new due jobs every `poll_seconds` meanwhile: a long job (a campaign's
    batches) never holds back the jobs queued behind it (its mail and pushes, a password
    reset's mail). Claims only what it can start, so no claimed job waits out its lease.
    With `until_idle`, returns (how many ran) once nothing runs and nothing is due."""
    worker = worker or worker_name()
    running: set[asyncio.Task] = set()
    ran = 0
    while True:
        free = concurrency - len(running)
        claimed: list[Job] = []
        if free > 0:
            try:
                claimed = await claim(worker=worker, limit=free)
            except Exception:  # the database is away: keep what runs, try again later
                log.exception("claiming jobs failed")
                if until_idle and not running:
                    raise
                await asyncio.sleep(poll_seconds)
        for job in claimed:
            running.add(asyncio.create_task(run_job(job, worker=worker)))
        ran += len(claimed)
        if not running:
            if until_idle:
                return ran
            await asyncio.sleep(poll_seconds)
            continue
        done, _ = await asyncio.wait(running, timeout=poll_seconds,
                                     return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
        running -= done
        for task in done:
            if task.exception() is not None:
                log.error("job run failed", exc_info=task.exception())


async def drain(*, worker: str | None = None, rounds: int = 100) -> int:
    """Run due jobs until none are left (tests, the CLI's --once)."""
    total = 0
    for _ in range(rounds):
        ran = await run_due(worker=worker)
        total += ran
        if not ran:
            break
    return total
