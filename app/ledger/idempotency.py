"""Idempotent writes: the same key and payload give the first result back; the same key
with another payload is refused. Keys are kept at least `KEEP_DAYS` days."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Awaitable, Callable

from tortoise import timezone
from tortoise.exceptions import IntegrityError

from app import clock
from app.db import Transaction, transaction
from app.errors import DomainError, IdempotencyKeyReused
from app.ledger.models import IdempotencyRecord

KEEP_DAYS = 7
_KEY = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def valid_key(key: str) -> bool:
    """Whether `key` is a well-formed idempotency key."""
    return bool(_KEY.match(key))


def request_hash(operation: str, payload: dict) -> str:
    """A SHA-256 hex digest of the operation and its payload, canonically encoded."""
    canonical = json.dumps([operation, payload], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def run_once(
    *,
    scope: str,
    key: str,
    operation: str,
    payload: dict,
    work: Callable[[Transaction], Awaitable[dict]],
) -> tuple[dict, bool]:
    """Run `work` and remember its result under (scope, key), in one transaction.

    Returns (result, replayed). The record is written last, so the common case costs one
    insert (deferred: sent with the work's other deferred rows, `Transaction.defer`, still
    inside the block); a retry, concurrent or late, fails on a unique index (the purchase's
    or the key's), rolls back, and finds the record the first attempt committed.
    """
    digest = request_hash(operation, payload)
    try:
        async with transaction() as tx:
            result = await work(tx)
            tx.defer_insert(IdempotencyRecord, [{
                "scope": scope, "key": key, "operation": operation, "request_hash": digest,
                "result": result, "created_at": timezone.now(),
            }])  # fmt: skip
        return result, False
    except (IntegrityError, DomainError):
        record = await IdempotencyRecord.get_or_none(scope=scope, key=key)
        if record is None:
            raise
        if record.request_hash != digest:
            raise IdempotencyKeyReused() from None
        return record.result, True


async def purge_expired(*, now: dt.datetime | None = None) -> int:
    """Forget keys older than KEEP_DAYS (run by the worker)."""
    now = now or clock.now()
    return await IdempotencyRecord.filter(
        created_at__lt=now - dt.timedelta(days=KEEP_DAYS, hours=1)
    ).delete()
