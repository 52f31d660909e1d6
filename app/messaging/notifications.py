"""Transactional notifications: points earned, points expiring, reward redeemed, voucher
expiring, tier changed. Each is an inbox message (and a push unless the member switched
that category's pushes off), in the member's language, written in the transaction of the
change it reports, so it exists exactly when the change does.

The handlers of the jobs that send them later (`notify.send`, `notify.expiring`,
`notify.voucher_expiring`) write the message and mark their job done in one transaction
(`jobs.complete_in`): a worker killed at any point sends each one exactly once.
"""

from __future__ import annotations

import datetime as dt

from tortoise.functions import Sum

from app import jobs
from app.db import Transaction, transaction
from app.ledger import service as ledger
from app.ledger.models import Kind, PointsLot
from app.members.models import Member
from app.messaging.models import MessageCategory
from app.messaging.service import deliver
from app.messaging.templates import render

EXPIRY_NOTICE = dt.timedelta(days=30)
VOUCHER_NOTICE = dt.timedelta(days=3)


async def _locale(member_id: int, conn=None) -> str:
    query = Member.filter(id=member_id)
    if conn is not None:
        query = query.using_db(conn)
    found = await query.values_list("locale", flat=True)
    return found[0] if found else "en"


async def notify(
    tx: Transaction, *, member_id: int, category: MessageCategory, template: str,
    deep_link: str | None = None, **fields: object,
) -> None:  # fmt: skip
    title, body = render(template, await _locale(member_id, tx.connection), **fields)
    await deliver(tx, member_id=member_id, category=category, title=title, body=body,
                  deep_link=deep_link, data={"template": template})  # fmt: skip


# ---- hooks into the ledger and tiers --------------------------------------------------------


async def notify_later(
    tx: Transaction, *, member_id: int, category: MessageCategory, template: str,
    deep_link: str | None = None, **fields: object,
) -> None:  # fmt: skip
    """`notify`, from a job recorded in `tx`: one insert on the caller's hot path (a
    purchase), the message and its push moments later, exactly when `tx` commits."""
    await jobs.enqueue("notify.send", {"member": member_id, "category": str(category),
                                       "template": template, "deep_link": deep_link,
                                       "fields": fields}, conn=tx.connection)  # fmt: skip


@jobs.handler("notify.send")
async def _send_notification(payload: dict) -> None:
    async with transaction() as tx:
        await notify(tx, member_id=payload["member"],
                     category=MessageCategory(payload["category"]),
                     template=payload["template"], deep_link=payload.get("deep_link"),
                     **payload["fields"])  # fmt: skip
        await jobs.complete_in(tx)  # the message and the job's completion commit together


async def _on_book_close(book: ledger.MemberBook) -> None:
    for txn in book.written:
        if txn.kind == Kind.PURCHASE and txn.points > 0:
            await notify_later(book.tx, member_id=book.member_id,
                               category=MessageCategory.POINTS, template="POINTS_EARNED",
                               points=txn.points, available=max(book.available, 0),
                               deep_link="loyalty://activity")  # fmt: skip
        elif txn.kind == Kind.REDEMPTION and (txn.reference or "").startswith("reward:"):
            steps = txn.explanation or [{}]
            title = (steps[0].get("params") or {}).get("title", "")
            await notify_later(book.tx, member_id=book.member_id,
                               category=MessageCategory.REWARDS, template="REWARD_REDEEMED",
                               title=title, points=-txn.points,
                               deep_link="loyalty://redemptions")  # fmt: skip


async def _on_tier_change(tx: Transaction, member_id: int, before, after, reason) -> None:
    going_up = after is not None and (before is None or after.rank > before.rank)
    if not going_up and after is None and before is None:
        return
    locale = await _locale(member_id, tx.connection)
    name = after.name(locale) if after is not None else "Member"
    await notify(tx, member_id=member_id, category=MessageCategory.TIER,
                 template="TIER_UP" if going_up else "TIER_DOWN", tier=name,
                 deep_link="loyalty://tier")  # fmt: skip


def register() -> None:
    from app.tiers.service import TIER_CHANGE_HOOKS

    if _on_book_close not in ledger.BOOK_CLOSE_HOOKS:
        ledger.BOOK_CLOSE_HOOKS.append(_on_book_close)
    if _on_tier_change not in TIER_CHANGE_HOOKS:
        TIER_CHANGE_HOOKS.append(_on_tier_change)


# ---- reminders (the worker's pass) ----------------------------------------------------------


async def expiry_reminders(*, at: dt.datetime | None = None) -> int:
    """Queue one reminder per member and expiry date for points expiring within 30 days
    (a job key per batch: a second pass queues nothing new)."""
    at = at or dt.datetime.now(dt.UTC)
    rows = await PointsLot.filter(
        pending=False, remaining__gt=0, expires_at__gt=at, expires_at__lte=at + EXPIRY_NOTICE
    ).group_by("member_id", "expires_at").annotate(points=Sum("remaining")).values(
        "member_id", "expires_at", "points"
    )  # fmt: skip
    batches: dict[tuple[int, str], int] = {}
    for row in rows:
        expires = row["expires_at"]
        if isinstance(expires, str):  # SQLite
            expires = dt.datetime.fromisoformat(expires)
        key = (row["member_id"], expires.date().isoformat())
        batches[key] = batches.get(key, 0) + int(row["points"])
    queued = 0
    for (member_id, day), points in batches.items():
        job = await jobs.enqueue("notify.expiring", {"member": member_id, "points": points,
                                                     "date": day},
                                 key=f"expiring:{member_id}:{day}")  # fmt: skip
        queued += job is not None
    return queued


@jobs.handler("notify.expiring")
async def _send_expiring(payload: dict) -> None:
    async with transaction() as tx:
        await notify(tx, member_id=payload["member"], category=MessageCategory.POINTS,
                     template="POINTS_EXPIRING", points=payload["points"],
                     date=payload["date"], deep_link="loyalty://rewards")  # fmt: skip
        await jobs.complete_in(tx)


async def voucher_reminders(*, at: dt.datetime | None = None) -> int:
    """Queue one reminder per unused voucher expiring within 3 days."""
    from app.rewards.models import Voucher

    at = at or dt.datetime.now(dt.UTC)
    due = await Voucher.filter(used_at__isnull=True, voided_at__isnull=True, expires_at__gt=at,
                               expires_at__lte=at + VOUCHER_NOTICE).values_list("id", flat=True)  # fmt: skip
    queued = 0
    for voucher_id in due:
        job = await jobs.enqueue("notify.voucher_expiring", {"voucher": voucher_id},
                                 key=f"voucher-expiring:{voucher_id}")  # fmt: skip
        queued += job is not None
    return queued


@jobs.handler("notify.voucher_expiring")
async def _send_voucher_expiring(payload: dict) -> None:
    from app.rewards.models import Redemption, Reward, Voucher

    voucher = await Voucher.get_or_none(id=payload["voucher"])
    if voucher is None or voucher.used_at is not None or voucher.voided_at is not None:
        return
    redemption = await Redemption.get(id=voucher.redemption_id)
    reward = await Reward.get(id=redemption.reward_id)
    locale = await _locale(redemption.member_id)
    title = ((reward.texts.get(locale) or {}).get("title")
             or reward.texts["en"]["title"])  # fmt: skip
    async with transaction() as tx:
        await notify(tx, member_id=redemption.member_id, category=MessageCategory.REWARDS,
                     template="VOUCHER_EXPIRING", title=title,
                     date=voucher.expires_at.date().isoformat(),
                     deep_link="loyalty://redemptions")  # fmt: skip
        await jobs.complete_in(tx)
