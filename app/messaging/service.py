"""Devices, the inbox, and push delivery through durable jobs.

`deliver` writes the inbox message and the push job in the caller's transaction, so a
message is never pushed for a change that rolled back, and never lost once committed (the
inbox is the record; the push only rings the bell). The push job marks each (message,
device) pair SENDING before its request leaves, so nobody is ever pushed the same message
twice: a worker killed while requests are in flight leaves those pairs SENDING (reported as
unconfirmed) and its successor sends only the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import re
from typing import NamedTuple

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count

from app import jobs, observability
from app.clock import now
from app.db import Transaction, connection, insert_rows, transaction
from app.errors import FieldProblem, InvalidInput, MessageNotFound
from app.events import member_topic, publish_after_commit
from app.i18n import LOCALES
from app.members import service as members
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
from app.pagination import Page, decode_cursor, encode_cursor, page_size
from app.sql import Part, placeholders

PUSH_JOB = "push.deliver"
_TOKEN = re.compile(r"^[A-Za-z0-9_:\-.]{20,4096}$")
_VERSION = re.compile(r"^[0-9A-Za-z.+\-]{1,32}$")


def token_key(token: str) -> str:
    """The SHA-256 hex digest a device token is stored and looked up by."""
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


async def devices_by_ids(ids: list[int]) -> list[Device | None]:
    """Devices in the order asked (None where there is none), for `node(id:)`."""
    found = {d.id: d for d in await Device.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


async def unregister_device(*, member_id: int, token: str) -> bool:
    """Stop pushes to a device of this member (e.g. on sign-out)."""
    return bool(
        await Device.filter(token_key=token_key((token or "").strip()), member_id=member_id,
                            active=True).update(active=False, deactivated_reason="unregistered")
    )  # fmt: skip


async def members_with_devices(member_ids: list[int]) -> set[int]:
    """Which of these members have an active device to push to."""
    return set(await Device.filter(member_id__in=member_ids, active=True)
               .distinct().values_list("member_id", flat=True))  # fmt: skip


def devices_part(member_ids: list[int]) -> Part:
    """`members_with_devices` as a part of a larger read (app.sql.union_all): a row tagged
    "device" per active device (not DISTINCT: PostgreSQL would type its NULLs as text)."""
    marks = ", ".join(["{}"] * len(member_ids))
    return Part(f'SELECT "member_id", \'device\', NULL, NULL, NULL FROM "device" '
                f'WHERE "member_id" IN ({marks}) AND "active"', list(member_ids))  # fmt: skip


# ---- the inbox ------------------------------------------------------------------------------


async def push_allowed(
    pairs: list[tuple[int, MessageCategory]], conn=None
) -> set[tuple[int, MessageCategory]]:
    """Which (member, category) pairs may be pushed now: marketing only with the member's
    marketing push consent; any category unless the member switched its pushes off
    (nothing recorded: on). The inbox keeps the message either way."""
    member_ids = {m for m, _ in pairs}
    consenting: set[int] = set()
    if any(c == MessageCategory.MARKETING for _, c in pairs):
        consenting = await members.opted_in(
            member_ids=member_ids, channel=members.Channel.PUSH, conn=conn
        )
    muted = {(m, str(c)) for m, c in await CategoryPreference.filter(
        member_id__in=member_ids, push=False).using_db(conn).values_list("member_id", "category")}  # fmt: skip
    return {(m, c) for m, c in pairs if (m, str(c)) not in muted
            and (c != MessageCategory.MARKETING or m in consenting)}  # fmt: skip


async def email_allowed(
    pairs: list[tuple[int, MessageCategory]], conn=None
) -> set[tuple[int, MessageCategory]]:
    """Which (member, category) pairs may be mailed, as far as the member's category choices
    go (nothing recorded: on). Marketing consent, a verified and deliverable address are
    the mail domain's checks."""
    member_ids = {m for m, _ in pairs}
    muted = {(m, str(c)) for m, c in await CategoryPreference.filter(
        member_id__in=member_ids, email=False).using_db(conn).values_list("member_id", "category")}  # fmt: skip
    return {(m, c) for m, c in pairs if (m, str(c)) not in muted}


async def set_category_channel(
    *, member_id: int, category: MessageCategory, channel: str, enabled: bool
) -> None:
    """Turn one message category on or off for the member on `channel` ("push" or "email")."""
    if channel not in ("push", "email"):
        raise ValueError(channel)
    updated = await CategoryPreference.filter(member_id=member_id, category=category).update(
        **{channel: enabled}
    )
    if not updated:
        with contextlib.suppress(IntegrityError):  # set twice at once: the same choice
            await CategoryPreference.create(member_id=member_id, category=category,
                                            **{channel: enabled})  # fmt: skip
            return
        await CategoryPreference.filter(member_id=member_id, category=category).update(
            **{channel: enabled})  # fmt: skip


async def category_channels(member_id: int) -> dict[MessageCategory, dict[str, bool]]:
    """Per message category, whether the member gets it by push and by email."""
    chosen = {c: (p, e) for c, p, e in await CategoryPreference.filter(
        member_id=member_id).values_list("category", "push", "email")}  # fmt: skip
    return {c: {"push": chosen.get(c, (True, True))[0], "email": chosen.get(c, (True, True))[1]}
            for c in MessageCategory}  # fmt: skip


async def set_category_push(*, member_id: int, category: MessageCategory, push: bool) -> None:
    """Turn pushes of one message category on or off for the member."""
    await set_category_channel(member_id=member_id, category=category, channel="push",
                               enabled=push)  # fmt: skip


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
    if push and await push_allowed([(member_id, category)], tx.connection):
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
    """How many of the member's inbox messages (not deleted) are unread."""
    return await _mine(member_id).filter(read_at__isnull=True).count()


async def inbox_count(*, member_id: int, unread_only: bool = False) -> int:
    """How many of the member's inbox messages (not deleted; unread only if asked) there are."""
    query = _mine(member_id)
    if unread_only:
        query = query.filter(read_at__isnull=True)
    return await query.count()


async def mark_read(*, member_id: int, message_id: int) -> InboxMessage:
    """Mark one of the member's messages read (MessageNotFound if not theirs);
    returns it."""
    if not await _mine(member_id).filter(id=message_id).exists():
        raise MessageNotFound()
    await _mine(member_id).filter(id=message_id, read_at__isnull=True).update(read_at=now())
    return await InboxMessage.get(id=message_id)


async def mark_all_read(*, member_id: int) -> int:
    """Mark every unread message of the member read; returns how many."""
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
    """Delete one of the member's messages from their inbox (MessageNotFound if
    not theirs)."""
    if not await _mine(member_id).filter(id=message_id).update(deleted_at=now()):
        raise MessageNotFound()


# ---- push delivery (a durable job) ----------------------------------------------------------


# At most this many pushes are in flight at once, all of them already marked SENDING: httpx
# keeps 100 connections, so none of a marked batch waits in its queue when a worker dies.
IN_FLIGHT = 100
_sending = asyncio.Lock()


def _push_for(message: InboxMessage, device: Device, badge: int) -> PushMessage:
    data = {"inbox_message_id": str(message.id), "category": str(message.category),
            **({"deep_link": message.deep_link} if message.deep_link else {}),
            **{str(k): str(v) for k, v in (message.data or {}).items()}}  # fmt: skip
    return PushMessage(token=device.token, title=message.title, body=message.body, data=data,
                       image_url=message.image_url, badge=badge,
                       collapse_key=f"{message.category}-{message.id}")  # fmt: skip


@jobs.handler(PUSH_JOB)
async def push_messages(payload: dict) -> None:
    """Push inbox messages (`{"messages": [ids]}`, or one `{"message": id}`) to their members'
    active devices. Each (message, device) pair is pushed at most once, whatever crashes."""
    ids = payload.get("messages") or [payload["message"]]
    messages = await InboxMessage.filter(id__in=ids, deleted_at__isnull=True).order_by("id")
    # Asked again now: consent withdrawn or a category switched off since it was queued wins.
    allowed = await push_allowed([(m.member_id, m.category) for m in messages])
    messages = [m for m in messages if (m.member_id, m.category) in allowed]
    members = {m.member_id for m in messages}
    devices: dict[int, list[Device]] = {}
    for device in await Device.filter(member_id__in=members, active=True).order_by("id"):
        devices.setdefault(device.member_id, []).append(device)
    done = set(await PushDelivery.filter(message_id__in=[m.id for m in messages])
               .values_list("message_id", "device_id"))  # fmt: skip
    todo = [(m, d) for m in messages for d in devices.get(m.member_id, ())
            if (m.id, d.id) not in done]  # fmt: skip
    if not todo:
        return
    badges = dict(
        await InboxMessage.filter(member_id__in=members, deleted_at__isnull=True,
                                  read_at__isnull=True)
        .group_by("member_id").annotate(n=Count("id")).values_list("member_id", "n")
    )  # fmt: skip
    retry_after: list[float] = []
    retry = False
    for start in range(0, len(todo), IN_FLIGHT):
        retry_after_chunk, retry_chunk = await _push_chunk(todo[start : start + IN_FLIGHT], badges)
        retry_after += retry_after_chunk
        retry = retry or retry_chunk
    if retry:
        after = dt.timedelta(seconds=max(retry_after)) if retry_after else None
        raise jobs.RetryLater("FCM asked to retry", after=after)


async def _push_chunk(
    chunk: list[tuple[InboxMessage, Device]], badges: dict[int, int]
) -> tuple[list[float], bool]:
    async with _sending:
        # The marks commit before any request leaves; a pair another run marked is its own.
        marked = await insert_rows(
            connection(), PushDelivery,
            [{"message_id": m.id, "device_id": d.id, "status": DeliveryStatus.SENDING,
              "attempts": 1, "updated_at": now()} for m, d in chunk],
            returning=("id", "message_id", "device_id"),
            on_conflict_do_nothing=("message_id", "device_id"),
        )  # fmt: skip
        ours = {(r["message_id"], r["device_id"]): r["id"] for r in marked}
        chunk = [(m, d) for m, d in chunk if (m.id, d.id) in ours]
        if not chunk:
            return [], False
        pushes = [_push_for(m, d, badges.get(m.member_id, 0)) for m, d in chunk]
        results = await push_sender().send(pushes)
        observability.count_pushes(results)
    sent: list[PushDelivery] = []
    failed: dict[str, list[int]] = {}
    dead_tokens: dict[str, list[int]] = {}
    unmark: list[int] = []
    retry_after: list[float] = []
    for (message, device), result in zip(chunk, results, strict=True):
        pk = ours[(message.id, device.id)]
        if result.retryable:  # not delivered: the next run may send it
            unmark.append(pk)
            if result.retry_after is not None:
                retry_after.append(result.retry_after)
        elif result.ok:
            sent.append(PushDelivery(id=pk, status=DeliveryStatus.SENT,
                                     fcm_message_id=result.message_id))  # fmt: skip
        else:
            code = result.error_code or "UNKNOWN"
            failed.setdefault(code, []).append(pk)
            if result.invalid_token:
                dead_tokens.setdefault(code, []).append(device.id)
    async with transaction() as tx:
        conn = tx.connection
        if unmark:
            await PushDelivery.filter(id__in=unmark).using_db(conn).delete()
        for code, pks in failed.items():
            await PushDelivery.filter(id__in=pks).using_db(conn).update(
                status=DeliveryStatus.FAILED, error_code=code)  # fmt: skip
        for code, device_ids in dead_tokens.items():
            await Device.filter(id__in=device_ids).using_db(conn).update(
                active=False, deactivated_reason=code)  # fmt: skip
        if sent:
            await PushDelivery.bulk_update(sent, fields=["status", "fcm_message_id"],
                                           batch_size=500, using_db=conn)  # fmt: skip
    return retry_after, bool(unmark)


async def deliveries_for(message_id: int) -> list[PushDelivery]:
    """The push deliveries of a message, oldest first."""
    return await PushDelivery.filter(message_id=message_id).order_by("id")


# ---- for campaigns: a batch's inbox messages, and what became of them -----------------------


async def write_messages(*, rows: list[dict], conn) -> dict[int, int]:
    """Insert inbox messages (whole rows, one per member) in one statement; the id of each
    member's message. The caller queues their pushes (`PUSH_JOB`) in the same transaction."""
    written = await insert_rows(conn, InboxMessage, rows, returning=("id", "member_id"))
    return {r["member_id"]: r["id"] for r in written}


async def delivery_counts(*, message_ids) -> dict:
    """Of these messages (a list or a subquery of ids): how many were opened, failed pushes by
    error code, pushes left unconfirmed (a worker died with the request in flight: FCM may
    well have delivered them), and pushes FCM accepted. Four queries."""
    opened = await InboxMessage.filter(id__in=message_ids, opened_at__isnull=False).count()
    failed = {
        row["error_code"] or "unknown": row["n"]
        for row in await PushDelivery.filter(message_id__in=message_ids,
                                             status=DeliveryStatus.FAILED).group_by(
            "error_code").annotate(n=Count("id")).values("error_code", "n")
    }  # fmt: skip
    unconfirmed = await PushDelivery.filter(message_id__in=message_ids,
                                            status=DeliveryStatus.SENDING).count()  # fmt: skip
    sent = await PushDelivery.filter(message_id__in=message_ids,
                                     status=DeliveryStatus.SENT).count()  # fmt: skip
    return {"opened": opened, "failed": failed, "unconfirmed": unconfirmed, "sent": sent}


async def inbox_page(
    *,
    member_id: int,
    first: int | None,
    after: str | None,
    unread_only: bool = False,
    last: int | None = None,
    before: str | None = None,
):
    """One page of the member's inbox (deleted messages left out), newest first
    (`last`/`before`: backward, towards the newest)."""
    from app.pagination import paginate_by_id

    query = InboxMessage.filter(member_id=member_id, deleted_at__isnull=True)
    if unread_only:
        query = query.filter(read_at__isnull=True)
    return await paginate_by_id(query, first=first, after=after, newest_first=True,
                                last=last, before=before)  # fmt: skip


class InboxRow(NamedTuple):
    """An inbox message as a plain read-only row (what a page of the inbox shows)."""

    id: int
    member_id: int
    category: str
    title: str
    body: str
    deep_link: str | None
    image_url: str | None
    data: dict
    created_at: dt.datetime
    read_at: dt.datetime | None


_INBOX_COLUMNS = ", ".join(f'"{c}"' for c in InboxRow._fields)


async def inbox_first_page(
    *, member_id: int, first: int | None, after: str | None, unread_only: bool = False
) -> tuple[Page, int | None]:
    """A forward page of the member's inbox, newest first, as plain rows (`InboxRow`), and
    the unread count of the whole inbox, in ONE statement (the app's home screen shows both).
    The count is None when the page is empty (ask `unread_count`)."""
    size = page_size(first)
    key = decode_cursor(after) if after is not None else None
    conn = connection()
    marks = placeholders(conn, 3)
    unread = ' AND "read_at" IS NULL' if unread_only else ""
    older = f' AND "id" < {marks[2]}' if key is not None else ""
    sql = (
        f'SELECT {_INBOX_COLUMNS}, (SELECT COUNT(*) FROM "inbox_message" u '
        f'WHERE u."member_id" = {marks[0]} AND u."deleted_at" IS NULL AND u."read_at" IS NULL) '
        f'AS "unread_total" FROM "inbox_message" WHERE "member_id" = {marks[1]} '
        f'AND "deleted_at" IS NULL{unread}{older} ORDER BY "id" DESC LIMIT {size + 1}'
    )
    params = [member_id, member_id] + ([key] if key is not None else [])
    _, rows = await conn.execute_query(sql, params)
    fields_map = InboxMessage._meta.fields_map
    data, created, read = (fields_map[c].to_python_value for c in ("data", "created_at", "read_at"))
    items = [InboxRow(r["id"], r["member_id"], r["category"], r["title"], r["body"],
                      r["deep_link"], r["image_url"], data(r["data"]) or {},
                      created(r["created_at"]), read(r["read_at"])) for r in rows[:size]]  # fmt: skip
    page = Page(items, [encode_cursor(i.id) for i in items], len(rows) > size, key is not None)
    return page, (int(rows[0]["unread_total"]) if rows else None)


async def forget_member(*, member_id: int) -> list[int]:
    """For an erasure: delete the member's inbox, devices and their pushes; the message ids."""
    from tortoise.expressions import Subquery

    async with transaction():
        messages = list(await InboxMessage.filter(member_id=member_id).values_list(
            "id", flat=True))  # fmt: skip
        devices = Subquery(Device.filter(member_id=member_id).values("id"))
        await PushDelivery.filter(device_id__in=devices).delete()
        if messages:
            await PushDelivery.filter(message_id__in=messages).delete()
            await InboxMessage.filter(id__in=messages).delete()
        await Device.filter(member_id=member_id).delete()
        return messages


async def inbox_message(*, member_id: int, message_id: int) -> InboxMessage | None:
    """One of the member's messages, None when it is someone else's, deleted or gone."""
    return await _mine(member_id).get_or_none(id=message_id)


async def inbox_messages(*, member_id: int, ids: list[int]) -> list[InboxMessage | None]:
    """The member's messages of `ids`, in that order (None: not theirs, deleted or gone)."""
    found = {m.id: m for m in await _mine(member_id).filter(id__in=ids)}
    return [found.get(i) for i in ids]
