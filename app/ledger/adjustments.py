"""Staff corrections under separation of duties.

- Nobody corrects their own account, and staff accounts receive no corrections at all
  (they earn and spend nothing).
- A correction of more than ADJUSTMENT_APPROVAL_POINTS points (either sign; 0 = never)
  waits as a `PendingAdjustment`: nothing is posted until a second admin, neither the one
  who asked nor the member corrected, approves it. Approval posts it through the ledger's
  ordinary correction (`service.adjust_points`) exactly once, however many admins approve
  at the same moment: under the member's balance lock, one conditional UPDATE of the
  request's status decides, and the posting is in the same transaction.
- The request row is the audit: who asked and when, who decided what and when, with the
  note; the posted transaction names the requester (`actor`) and the request
  (`reference` = "approval:<id>").
- Deciding: only an admin other than the requester (and not the member corrected)
  approves; any admin rejects; the requester (support or admin) may withdraw their own
  request, which rejects it.
- Asking with an idempotency key (scoped to the staff member) asks once: a retry with the
  same key and the same correction gets the first answer back (the posted transaction or
  the pending request), with another correction IdempotencyKeyReused.
- Erasing a member rejects their pending requests (decided by nobody, note "member
  erased") and removes the free text (reason, note) of all requests about them
  (`service.forget_member`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.db import transaction
from app.errors import (
    AdjustmentAlreadyDecided,
    AdjustmentNotFound,
    FieldProblem,
    Forbidden,
    InvalidInput,
    SelfAdjustmentForbidden,
    SelfApprovalForbidden,
)
from app.ids import parse_pk
from app.ledger import idempotency
from app.ledger import service as ledger
from app.ledger.models import AdjustmentStatus, PendingAdjustment, PointsTransaction
from app.members import service as members
from app.members.service import Role
from app.pagination import Page, paginate_by_id
from app.settings import get_settings

APPROVAL_REFERENCE = "approval:"
# Who may ask for a correction (and so withdraw their own request).
REQUESTERS = (Role.ADMIN, Role.SUPPORT)


@dataclass(frozen=True)
class Requested:
    """What asking for a correction did: posted it (`transaction`) or queued it (`pending`)."""

    transaction: PointsTransaction | None = None
    pending: PendingAdjustment | None = None
    replayed: bool = False  # a retry with the same idempotency key: the first answer


def approval_points() -> int:
    """Corrections of more points than this wait for a second admin (0: none waits)."""
    return get_settings().adjustment_approval_points


async def request_adjustment(
    *,
    member_id: int,
    points: int,
    reason: str,
    staff_id: int,
    expires_at: dt.datetime | None,
    threshold: int | None = None,
    idempotency_key: str | None = None,
) -> Requested:
    """A staff member's correction of a member's points: refused on their own account
    (SelfAdjustmentForbidden) and on staff accounts (NotAMemberAccount); posted at once up
    to `threshold` points (default ADJUSTMENT_APPROVAL_POINTS), else recorded as pending
    with nothing posted. `expires_at` is the expiry of credited points when posted now.

    With `idempotency_key` (scoped to `staff_id`) it happens once: the same key with the
    same correction gives the first answer back (`replayed`), also while the first attempt
    is still running; with another correction IdempotencyKeyReused, nothing changed."""
    reason = ledger.check_adjustment(points=points, reason=reason)
    if idempotency_key is not None and not idempotency.valid_key(idempotency_key):
        raise InvalidInput([FieldProblem("idempotencyKey", "INVALID_KEY")])
    if member_id == staff_id:
        raise SelfAdjustmentForbidden()
    await ledger.require_member_account(member_id)
    limit = approval_points() if threshold is None else threshold
    waits = limit > 0 and abs(points) > limit
    made: list[Requested] = []

    async def work(tx) -> dict:
        if waits:
            pending = await PendingAdjustment.create(
                member_id=member_id, points=points, reason=reason, requested_by_id=staff_id,
                using_db=tx.connection,
            )  # fmt: skip
            made.append(Requested(pending=pending))
            return {"pending": pending.id}
        txn = await ledger.adjust_points(
            member_id=member_id, points=points, reason=reason, actor_id=staff_id,
            expires_at=expires_at,
        )  # fmt: skip
        made.append(Requested(transaction=txn))
        return {"transaction": txn.id}

    if idempotency_key is None:
        async with transaction() as tx:
            await work(tx)
        return made[-1]
    result, replayed = await idempotency.run_once(
        scope=f"staff:{staff_id}", key=idempotency_key, operation="adjustPoints",
        payload={"member": member_id, "points": points, "reason": reason}, work=work,
    )  # fmt: skip
    if not replayed:
        return made[-1]
    if "pending" in result:
        return Requested(pending=await PendingAdjustment.get(id=result["pending"]), replayed=True)
    (txn,) = await ledger.transactions_by_ids([result["transaction"]])
    return Requested(transaction=txn, replayed=True)


async def _require_role(staff_id: int, roles: tuple[Role, ...] = (Role.ADMIN,)) -> None:
    found = await members.find_account(member_id=staff_id)
    if found is None or found[1] not in roles:
        raise Forbidden()


async def _pending(adjustment_id: int | None) -> PendingAdjustment:
    row = await PendingAdjustment.get_or_none(id=adjustment_id) if adjustment_id else None
    if row is None:
        raise AdjustmentNotFound()
    if row.status != AdjustmentStatus.PENDING:
        raise AdjustmentAlreadyDecided(status=row.status)
    return row


async def approve_adjustment(
    *, adjustment_id: int | None, approver_id: int, expires_at: dt.datetime | None
) -> tuple[PendingAdjustment, PointsTransaction]:
    """Post a pending correction, as its requester asked for it, once. The approver must be
    an admin (Forbidden), not its requester (SelfApprovalForbidden) and not the member
    corrected (SelfAdjustmentForbidden); a request decided already, also by a concurrent
    approval, is AdjustmentAlreadyDecided and nothing more is posted."""
    await _require_role(approver_id)
    row = await _pending(adjustment_id)
    if row.requested_by_id == approver_id:
        raise SelfApprovalForbidden()
    if row.member_id == approver_id:
        raise SelfAdjustmentForbidden()
    await ledger.require_member_account(row.member_id)  # e.g. given a staff role meanwhile
    async with transaction() as tx, ledger.member_book(member_id=row.member_id):
        # The member's lock first (the order every points movement takes), then the one
        # conditional UPDATE that lets exactly one approval through.
        conn = tx.connection
        at = ledger.now()
        won = await PendingAdjustment.filter(
            id=row.id, status=AdjustmentStatus.PENDING
        ).using_db(conn).update(
            status=AdjustmentStatus.APPROVED, decided_by_id=approver_id, decided_at=at
        )  # fmt: skip
        if not won:
            status = await PendingAdjustment.filter(id=row.id).using_db(conn).values_list(
                "status", flat=True
            )  # fmt: skip
            raise AdjustmentAlreadyDecided(status=AdjustmentStatus(status[0]))
        txn = await ledger.adjust_points(
            member_id=row.member_id, points=row.points, reason=row.reason,
            actor_id=row.requested_by_id, expires_at=expires_at,
            reference=f"{APPROVAL_REFERENCE}{row.id}",
        )  # fmt: skip
        await PendingAdjustment.filter(id=row.id).using_db(conn).update(transaction_id=txn.id)
    return await PendingAdjustment.get(id=row.id), txn


async def reject_adjustment(
    *, adjustment_id: int | None, approver_id: int, note: str
) -> PendingAdjustment:
    """Refuse a pending correction with a note (3-500 characters) kept with the decision;
    nothing is posted. Any admin may; its requester too, support or admin, to withdraw it
    (Forbidden for anyone else, and for a requester no longer on staff)."""
    note = " ".join((note or "").split())
    if len(note) < 3:
        raise InvalidInput([FieldProblem("note", "REQUIRED")])
    if len(note) > 500:
        raise InvalidInput([FieldProblem("note", "TOO_LONG", {"max": 500})])
    await _require_role(approver_id, REQUESTERS)
    found = await PendingAdjustment.get_or_none(id=adjustment_id) if adjustment_id else None
    if found is None or found.requested_by_id != approver_id:
        # Others' requests are for admins to decide (or to learn they do not exist).
        await _require_role(approver_id)
    row = await _pending(adjustment_id)
    async with transaction() as tx:
        won = await PendingAdjustment.filter(
            id=row.id, status=AdjustmentStatus.PENDING
        ).using_db(tx.connection).update(
            status=AdjustmentStatus.REJECTED, decided_by_id=approver_id,
            decided_at=ledger.now(), decision_note=note,
        )  # fmt: skip
        if not won:
            current = await PendingAdjustment.get(id=row.id).using_db(tx.connection)
            raise AdjustmentAlreadyDecided(status=current.status)
    return await PendingAdjustment.get(id=row.id)


async def adjustments(
    *, status: AdjustmentStatus | None, first: int | None, after: str | None
) -> Page:
    """Correction requests, oldest first (the queue to work through), of one status or all."""
    query = PendingAdjustment.all()
    if status is not None:
        query = query.filter(status=status)
    return await paginate_by_id(query, first=first, after=after)


async def adjustments_by_ids(ids: list[int]) -> list[PendingAdjustment | None]:
    """Pending adjustments in the order asked (None where there is none)."""
    found = {a.id: a for a in await PendingAdjustment.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


def approval_id(reference: str | None) -> int | None:
    """The id of the approved request a transaction with this reference posted, if any."""
    if not reference or not reference.startswith(APPROVAL_REFERENCE):
        return None
    return parse_pk(reference[len(APPROVAL_REFERENCE) :])
