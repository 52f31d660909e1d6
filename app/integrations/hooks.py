"""Where webhook events come from: the other domains' hooks (app.wiring subscribes them),
each called inside the transaction of the change, so an event is recorded exactly when its
change commits."""

from __future__ import annotations

from app.db import Transaction
from app.integrations.webhooks import emit_event, emit_events, forget_member, jsonable
from app.ledger import service as ledger
from app.ledger.service import Kind

_EARNING = {Kind.PURCHASE, Kind.ACTION, Kind.BONUS, Kind.REFERRAL}


def points_event(kind: Kind, points: int) -> str | None:
    """The event type a ledger transaction is reported as (None: not reported)."""
    if points == 0:  # e.g. held points becoming available: the total did not change
        return None
    if kind in _EARNING and points > 0:
        return "points.earned"
    if kind == Kind.REDEMPTION:
        return "points.redeemed"
    if kind == Kind.EXPIRY:
        return "points.expired"
    return "points.adjusted"  # refund claw-backs, staff adjustments, cancelled redemptions


async def on_book_close(book: ledger.MemberBook) -> None:
    """A member's book closed: one points.* event per movement that changed a total."""
    events = []  # recorded together: one look at the endpoints per book, not per movement
    for txn in book.written:
        event = points_event(txn.kind, txn.points)
        if event is None:
            continue
        events.append((event, book.member_id, {
            "transaction_id": txn.id, "kind": str(txn.kind), "points": txn.points,
            "available_change": txn.available_delta, "pending_change": txn.pending_delta,
            "reference": txn.reference,
            # after everything this transaction booked for the member
            "balance": {"available": book.available, "pending": book.pending,
                        "lifetime": book.lifetime},
        }))  # fmt: skip
    if events:
        await emit_events(events)


async def on_tier_change(tx: Transaction, member_id: int, before, after, reason) -> None:
    """tier.changed, with the tier codes before and after and the reason."""
    await emit_event(type="tier.changed", member_id=member_id, data={
        "from": before.code if before is not None else None,
        "to": after.code if after is not None else None, "reason": str(reason),
    })  # fmt: skip


async def on_redemption(tx: Transaction, redemption, change: str) -> None:
    """redemption.created / redemption.cancelled."""
    await emit_event(type=f"redemption.{change}", member_id=redemption.member_id, data={
        "redemption_id": redemption.id, "reward_id": redemption.reward_id,
        "quantity": redemption.quantity, "points": redemption.points,
    })  # fmt: skip


async def on_profile(tx: Transaction, member_id: int, change: str, fields: dict) -> None:
    """member.created (the profile) / member.updated (the changed fields)."""
    data = jsonable(fields)
    await emit_event(type=f"member.{change}", member_id=member_id,
                     data=data if change == "created" else {"changed": data})  # fmt: skip


async def on_consent(*, member_id: int, purpose: str, granted: bool, **_: object) -> None:
    """consent.changed, with the purpose and the choice."""
    await emit_event(type="consent.changed", member_id=member_id,
                     data={"purpose": purpose, "granted": granted})  # fmt: skip


async def on_member_erased(*, member_id: int, **_: object) -> None:
    """Erasure: scrub the member's delivery log, then tell subscribers (the event carries no
    personal data; the CRM recognises the member by id and its own reference)."""
    await forget_member(member_id=member_id)
    await emit_event(type="member.erased", member_id=member_id, data={})
