"""Transactional notifications: points earned, points expiring, reward redeemed, voucher
expiring, tier changed, a place at an event after the waitlist. Each is an inbox message
(and a push unless the member switched that category's pushes off), in the member's
language, written in the transaction of the change it reports, so it exists exactly when
the change does. app.wiring subscribes the hooks below and registers the job handlers.

The handlers of the jobs that send them later (`notify.send`, `notify.expiring`,
`notify.voucher_expiring`) write the message and mark their job done in one transaction
(`jobs.complete_in`): a worker killed at any point sends each one exactly once.
"""

from __future__ import annotations

import datetime as dt

from app import clock, jobs
from app.db import Transaction, transaction
from app.i18n import localized
from app.ledger import service as ledger
from app.ledger.service import Kind
from app.members import service as members
from app.messaging.models import MessageCategory
from app.messaging.service import deliver
from app.messaging.templates import render

EXPIRY_NOTICE = dt.timedelta(days=30)
VOUCHER_NOTICE = dt.timedelta(days=3)


async def _locale(member_id: int, conn=None) -> str:
    return await members.locale_of(member_id=member_id, conn=conn)


async def notify(
    tx: Transaction, *, member_id: int, category: MessageCategory, template: str,
    deep_link: str | None = None, **fields: object,
) -> None:  # fmt: skip
    """Render `template` in the member's locale and deliver it to them, in `tx`."""
    title, body = render(template, await _locale(member_id, tx.connection), **fields)
    await deliver(tx, member_id=member_id, category=category, title=title, body=body,
                  deep_link=deep_link, data={"template": template})  # fmt: skip


# ---- hooks into the ledger, tiers and events (app.wiring subscribes them) -------------------


async def notify_later(
    tx: Transaction, *, member_id: int, category: MessageCategory, template: str,
    deep_link: str | None = None, **fields: object,
) -> None:  # fmt: skip
    """`notify`, from a job recorded in `tx`: one row on the caller's hot path (a purchase),
    written with the transaction's other deferred rows; the message and its push moments
    later, exactly when `tx` commits."""
    jobs.enqueue_in(tx, "notify.send", {"member": member_id, "category": str(category),
                                        "template": template, "deep_link": deep_link,
                                        "fields": fields})  # fmt: skip


@jobs.handler("notify.send")
async def send_notification_job(payload: dict) -> None:
    """The `notify.send` job: the message `notify_later` recorded, written and marked done
    in one transaction."""
    async with transaction() as tx:
        await notify(tx, member_id=payload["member"],
                     category=MessageCategory(payload["category"]),
                     template=payload["template"], deep_link=payload.get("deep_link"),
                     **payload["fields"])  # fmt: skip
        await jobs.complete_in(tx)  # the message and the job's completion commit together


async def on_book_close(book: ledger.MemberBook) -> None:
    """A member's book closed (app.wiring): "points earned" for a purchase, "reward redeemed"
    for a reward's debit, each queued as a `notify.send` job in the book's transaction."""
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


async def on_tier_change(tx: Transaction, member_id: int, before, after, reason) -> None:
    """A member's tier changed (app.wiring): "Welcome to <tier>" or "You are now <tier>"."""
    going_up = after is not None and (before is None or after.rank > before.rank)
    if not going_up and after is None and before is None:
        return
    locale = await _locale(member_id, tx.connection)
    name = after.name(locale) if after is not None else "Member"
    await notify(tx, member_id=member_id, category=MessageCategory.TIER,
                 template="TIER_UP" if going_up else "TIER_DOWN", tier=name,
                 deep_link="loyalty://tier")  # fmt: skip


async def on_rsvp(tx: Transaction, member_id: int, event, status, *, promoted: bool) -> None:
    """An RSVP changed (app.wiring): a member promoted from the event's waitlist is told at
    once, inbox and push, in the transaction that gave them the place. A place taken or a
    waitlist spot given at RSVP time needs no message: the member has the answer."""
    if not promoted:
        return
    locale = await _locale(member_id, tx.connection)
    await notify(tx, member_id=member_id, category=MessageCategory.EVENTS,
                 template="EVENT_PLACE", event=localized(event.texts, locale, "title"),
                 deep_link="loyalty://events")  # fmt: skip


# ---- reminders (the worker's pass) ----------------------------------------------------------


async def expiry_reminders(*, at: dt.datetime | None = None) -> int:
    """Queue one reminder per member and expiry date for points expiring within 30 days
    (a job key per batch: a second pass queues nothing new)."""
    at = at or clock.now()
    batches: dict[tuple[int, str], int] = {}
    for member_id, expires, points in await ledger.points_expiring_between(
        after=at, until=at + EXPIRY_NOTICE
    ):
        key = (member_id, expires.date().isoformat())
        batches[key] = batches.get(key, 0) + points
    queued = 0
    for (member_id, day), points in batches.items():
        job = await jobs.enqueue("notify.expiring", {"member": member_id, "points": points,
                                                     "date": day},
                                 key=f"expiring:{member_id}:{day}")  # fmt: skip
        queued += job is not None
    return queued


@jobs.handler("notify.expiring")
async def send_expiring_job(payload: dict) -> None:
    """The `notify.expiring` job: one "points expire on <date>" message."""
    async with transaction() as tx:
        await notify(tx, member_id=payload["member"], category=MessageCategory.POINTS,
                     template="POINTS_EXPIRING", points=payload["points"],
                     date=payload["date"], deep_link="loyalty://rewards")  # fmt: skip
        await jobs.complete_in(tx)


async def voucher_reminders(*, at: dt.datetime | None = None) -> int:
    """Queue one reminder per unused voucher expiring within 3 days."""
    from app.rewards import service as rewards

    at = at or clock.now()
    due = await rewards.vouchers_expiring(after=at, until=at + VOUCHER_NOTICE)
    queued = 0
    for voucher_id in due:
        job = await jobs.enqueue("notify.voucher_expiring", {"voucher": voucher_id},
                                 key=f"voucher-expiring:{voucher_id}")  # fmt: skip
        queued += job is not None
    return queued


@jobs.handler("notify.voucher_expiring")
async def send_voucher_expiring_job(payload: dict) -> None:
    """The `notify.voucher_expiring` job: one "your voucher expires on <date>" message,
    unless the voucher was used or voided meanwhile."""
    from app.rewards import service as rewards

    voucher = await rewards.voucher_notice(voucher_id=payload["voucher"])
    if voucher is None:
        return
    locale = await _locale(voucher.member_id)
    title = ((voucher.reward_texts.get(locale) or {}).get("title")
             or voucher.reward_texts["en"]["title"])  # fmt: skip
    async with transaction() as tx:
        await notify(tx, member_id=voucher.member_id, category=MessageCategory.REWARDS,
                     template="VOUCHER_EXPIRING", title=title,
                     date=voucher.expires_at.date().isoformat(),
                     deep_link="loyalty://redemptions")  # fmt: skip
        await jobs.complete_in(tx)
