"""Devices, the inbox, and push delivery through durable jobs.

`deliver` writes the inbox message and the push job in the caller's transaction, so a
message is never pushed for a change that rolled back, and never lost once committed. The
push job sends to each of the member's active devices that has no recorded outcome yet, so
a retry never pushes twice to a device whose push was recorded; a worker killed between
FCM's answer and the record may push that one device again (at least once, never silently
lost).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re

from tortoise.exceptions import IntegrityError

from app import jobs
from app.db import Transaction, transaction
from app.errors import FieldProblem, InvalidInput, MessageNotFound
from app.events import member_topic, publish_after_commit
from app.i18n import LOCALES
from app.members.models import Channel, ChannelPreference
from app.messaging.models import (
    CategoryPreference,
    DeliveryStatus,
    Device,
    InboxMessage,
    MessageCategory,
    Platform,
    PushDelivery,
)
from app.messaging.push import PushMessage, push_sender

PUSH_JOB = "push.deliver"
_TOKEN = re.compile(r"^[A-Za-z0-9_:\-.]{20,4096}$")
_VERSION = re.compile(r"^[0-9A-Za-z.+\-]{1,32}$")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def token_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ---- devices --------------------------------------------------------------------------------


async def register_device(
    *, member_id: int, token: str, platform: Platform, app_version: str | None = None,
    locale: str | None = None,
) -> Device:  # fmt: skip
    """Register (or refresh) a device; a token registered by another member moves here."""
    token = (token or "").strip()
    problems = []
    if not _TOKEN.match(token):
        problems.append(FieldProblem("token", "INVALID_VALUE"))
    if app_version is not None and not _VERSION.match(app_version):
        problems.append(FieldProblem("appVersion", "INVALID_VALUE"))
    if locale is not None and locale not in LOCALES:
        problems.append(FieldProblem("locale", "UNSUPPORTED_LOCALE"))
    if problems:
        raise InvalidInput(problems)
    key = token_key(token)
    values = {"member_id": member_id, "token": token, "platform": platform,
              "app_version": app_version, "locale": locale, "active": True,
              "deactivated_reason": None}  # fmt: skip
    for _ in range(2):  # a concurrent first registration of the same token: update it
        if await Device.filter(token_key=key).update(**values):
            return await Device.get(token_key=key)
        try:
            return await Device.create(token_key=key, **values)
        except IntegrityError:
            continue
    return await Device.get(token_key=key)


async def unregister_device(*, member_id: int, token: str) -> bool:
    """Stop pushes to a device of this member (e.g. on sign-out)."""
    return bool(
        await Device.filter(token_key=token_key((token or "").strip()), member_id=member_id,
                            active=True).update(active=False, deactivated_reason="unregistered")
    )  # fmt: skip


# ---- the inbox ------------------------------------------------------------------------------


async def _wants_push(member_id: int, category: MessageCategory, conn) -> bool:
    """False when the member switched pushes off, or this category's (nothing recorded:
    on). The inbox keeps the message either way."""
    pref = (
        await ChannelPreference.filter(member_id=member_id, channel=Channel.PUSH)
        .using_db(conn)
        .first()
    )
    if pref is not None and not pref.opted_in:
        return False
    choice = (
        await CategoryPreference.filter(member_id=member_id, category=category)
        .using_db(conn)
        .values_list("push", flat=True)
    )
    return not choice or choice[0]


async def set_category_push(*, member_id: int, category: MessageCategory, push: bool) -> None:
    updated = await CategoryPreference.filter(member_id=member_id, category=category).update(
        push=push
    )
    if not updated:
        with contextlib.suppress(IntegrityError):  # set twice at once: the same choice
            await CategoryPreference.create(member_id=member_id, category=category, push=push)


async def category_pushes(member_id: int) -> dict[MessageCategory, bool]:
    chosen = dict(
        await CategoryPreference.filter(member_id=member_id).values_list("category", "push")
    )
    return {c: chosen.get(c, True) for c in MessageCategory}


async def deliver(
    tx: Transaction,
    *,
    member_id: int,
    category: MessageCategory,
    title: str,
    body: str,
    deep_link: str | None = None,
    image_url: str | None = None,
    data: dict | None = None,
    push: bool = True,
) -> InboxMessage:
    """Put a message in the member's inbox and, unless they switched push off, queue its
    push, all in the caller's transaction `tx`."""
    message = await InboxMessage.create(
        member_id=member_id, category=category, title=title[:200], body=body,
        deep_link=deep_link, image_url=image_url, data=data or {}, using_db=tx.connection,
    )  # fmt: skip
    if push and await _wants_push(member_id, category, tx.connection):
        await jobs.enqueue(PUSH_JOB, {"message": message.id}, conn=tx.connection)
    publish_after_commit(tx, member_topic(member_id),
                         {"type": "INBOX_MESSAGE", "message": message.id})  # fmt: skip
    return message


async def send_message(**kwargs) -> InboxMessage:
    """`deliver` in a transaction of its own."""
    async with transaction() as tx:
        return await deliver(tx, **kwargs)


def _mine(member_id: int):
    return InboxMessage.filter(member_id=member_id, deleted_at__isnull=True)


async def unread_count(member_id: int) -> int:
    return await _mine(member_id).filter(read_at__isnull=True).count()


async def mark_read(*, member_id: int, message_id: int) -> InboxMessage:
    if not await _mine(member_id).filter(id=message_id).exists():
        raise MessageNotFound()
    await _mine(member_id).filter(id=message_id, read_at__isnull=True).update(read_at=now())
    return await InboxMessage.get(id=message_id)


async def mark_all_read(*, member_id: int) -> int:
    return await _mine(member_id).filter(read_at__isnull=True).update(read_at=now())


async def mark_opened(*, member_id: int, message_id: int) -> InboxMessage:
    """The app opened the message from a push: read, and counted as opened (once)."""
    if not await _mine(member_id).filter(id=message_id).exists():
        raise MessageNotFound()
    at = now()
    await _mine(member_id).filter(id=message_id, opened_at__isnull=True).update(opened_at=at)
    await _mine(member_id).filter(id=message_id, read_at__isnull=True).update(read_at=at)
    return await InboxMessage.get(id=message_id)


async def delete_message(*, member_id: int, message_id: int) -> None:
    if not await _mine(member_id).filter(id=message_id).update(deleted_at=now()):
        raise MessageNotFound()


# ---- push delivery (a durable job) ----------------------------------------------------------


@jobs.handler(PUSH_JOB)
async def push_message(payload: dict) -> None:
    message = await InboxMessage.get_or_none(id=payload["message"])
    if message is None or message.deleted_at is not None:
        return
    devices = await Device.filter(member_id=message.member_id, active=True).order_by("id")
    done = set(await PushDelivery.filter(message_id=message.id).values_list("device_id", flat=True))
    todo = [d for d in devices if d.id not in done]
    if not todo:
        return
    badge = await unread_count(message.member_id)
    data = {"inbox_message_id": str(message.id), "category": str(message.category),
            **({"deep_link": message.deep_link} if message.deep_link else {}),
            **{str(k): str(v) for k, v in (message.data or {}).items()}}  # fmt: skip
    pushes = [
        PushMessage(
            token=d.token,
            title=message.title,
            body=message.body,
            data=data,
            image_url=message.image_url,
            badge=badge,
            collapse_key=f"{message.category}-{message.id}",
        )
        for d in todo
    ]
    results = await push_sender().send(pushes)
    retry_after: list[float] = []
    retry = False
    for device, result in zip(todo, results, strict=True):
        if result.retryable:
            retry = True
            if result.retry_after is not None:
                retry_after.append(result.retry_after)
            continue
        if result.invalid_token:
            await Device.filter(id=device.id).update(active=False,
                                                     deactivated_reason=result.error_code)  # fmt: skip
        with contextlib.suppress(IntegrityError):  # a second run raced us: its record stands
            await PushDelivery.create(
                message_id=message.id, device_id=device.id,
                status=DeliveryStatus.SENT if result.ok else DeliveryStatus.FAILED,
                error_code=result.error_code, fcm_message_id=result.message_id,
            )  # fmt: skip
    if retry:
        after = dt.timedelta(seconds=max(retry_after)) if retry_after else None
        raise jobs.RetryLater("FCM asked to retry", after=after)


async def deliveries_for(message_id: int) -> list[PushDelivery]:
    return await PushDelivery.filter(message_id=message_id).order_by("id")
