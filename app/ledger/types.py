import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app import errors
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.enums import described_enum
from app.graphql.errors import UserError, error_type
from app.i18n import translate
from app.ledger import models

if TYPE_CHECKING:
    from app.members.types import Member

# Resolved when first used, not imported: the members' types show balances and transactions.
_MEMBER = strawberry.LazyType("Member", "app.members.types")

PointsTransactionKind = described_enum(
    models.Kind,
    name="PointsTransactionKind",
    description="What moved the points.",
    values={
        "PURCHASE": "Earned on a purchase (often pending until the return period ends).",
        "ACTION": "Earned for an action or event (a review, a check-in, ...).",
        "BONUS": "A bonus: a campaign, an offer or a bonus window.",
        "REFERRAL": "Earned for referring a member, or for being referred.",
        "RELEASE": "Pending points that became available when the return period ended.",
        "REFUND": "Points taken back because a purchase was refunded.",
        "REDEMPTION": "Points spent on a reward or at checkout.",
        "CANCELLATION": "Points given back because a redemption was cancelled.",
        "EXPIRY": "Points that expired unspent (also the forfeited balance on erasure).",
        "ADJUSTMENT": "A manual correction by staff (see `reason`, `actor`).",
    },
)


@strawberry.type(description="Points that expire on a date unless spent first.")
class ExpiringPoints:
    points: int = strawberry.field(description="Points that expire on this date.")
    expires_at: dt.datetime = strawberry.field(description="When they expire (UTC).")


@strawberry.type(description="A member's points.")
class Balance:
    member_id: strawberry.Private[int]
    available: int = strawberry.field(
        description="Spendable now; negative while a refund's points are being repaid."
    )
    pending: int = strawberry.field(description="Earned, on hold until the return period ends.")
    lifetime: int = strawberry.field(description="Ever earned, less what refunds took back.")
    # Already read with the balance (the signed-in member's own: segments.member_facts).
    known_expiring: strawberry.Private[list | None] = None

    @strawberry.field(description="The next expiry dates, soonest first (at most 5).")
    def expiring(self, info: Info[Context, None]) -> list[ExpiringPoints]:
        # Already read (the home screen): answered at once, no coroutine to schedule.
        if self.known_expiring is not None:
            return _expiring(self.known_expiring)
        return self._load_expiring(info)  # type: ignore[return-value]  (awaited by graphql-core)

    async def _load_expiring(self, info: Info[Context, None]) -> list[ExpiringPoints]:
        return _expiring(await info.context.loaders.ledger.expiring.load(self.member_id))

    @classmethod
    def from_service(cls, balance, expiring: list | None = None) -> "Balance":
        return cls(
            member_id=balance.member_id,
            available=balance.available,
            pending=balance.pending,
            lifetime=balance.lifetime,
            known_expiring=expiring,
        )


def _expiring(lots: list) -> list[ExpiringPoints]:
    return [ExpiringPoints(points=e.points, expires_at=e.expires_at) for e in lots]


@strawberry.type(description="One reason points moved, and by how much.")
class EarningStep:
    rule: str = strawberry.field(description="A stable code, e.g. RULE_BASE, RULE_MULTIPLIER.")
    points: int = strawberry.field(description="Points this step added (negative: took away).")
    description: str = strawberry.field(description="In the viewer's language.")


@strawberry.type(description="A movement of points on a member's account.")
class PointsTransaction(relay.Node):
    id: relay.NodeID[int]
    kind: PointsTransactionKind = strawberry.field(description="What moved the points.")
    points: int = strawberry.field(description="Change to available + pending points.")
    available_change: int = strawberry.field(
        description="Change to spendable points (negative for spending, expiry, refunds)."
    )
    pending_change: int = strawberry.field(
        description="Change to points on hold (positive when earned, negative when released)."
    )
    reference: str | None = strawberry.field(
        description="What it refers to (a purchase's external id, a voucher code, ...); null "
        "when nothing does."
    )
    created_at: dt.datetime = strawberry.field(description="When it was booked (UTC).")
    reason: str | None = strawberry.field(description="Why staff made this correction.")
    member_id: strawberry.Private[int]
    steps: strawberry.Private[list]
    actor_id: strawberry.Private[int | None]

    @strawberry.field(description="Staff only: who made this correction (null otherwise).")
    async def made_by(
        self, info: Info[Context, None]
    ) -> Annotated["Member", strawberry.lazy("app.members.types")] | None:
        viewer = await info.context.viewer()
        if self.actor_id is None or not policy.is_staff(viewer):
            return None
        if not policy.allows(viewer, policy.Access.TRANSACTIONS, self.member_id):
            return None
        staff = await info.context.loaders.members.by_id.load(self.actor_id)
        return _MEMBER.resolve_type().from_model(staff) if staff else None

    @strawberry.field(
        description="Staff only: the approved request this correction was posted from, with "
        "who asked and who approved (null otherwise)."
    )
    async def approval(self, info: Info[Context, None]) -> "AdjustmentApproval | None":
        if self.kind != PointsTransactionKind.ADJUSTMENT:
            return None
        viewer = await info.context.viewer()
        if not policy.is_staff(viewer):
            return None
        if not policy.allows(viewer, policy.Access.TRANSACTIONS, self.member_id):
            return None
        from app.ledger import adjustments

        approval_id = adjustments.approval_id(self.reference)
        if approval_id is None:
            return None
        (found,) = await adjustments.adjustments_by_ids([approval_id])
        return AdjustmentApproval.from_model(found) if found else None

    @strawberry.field(description="Why: the rules that applied, with their effect.")
    async def explanation(self, info: Info[Context, None]) -> list[EarningStep]:
        locale = await info.context.locale()
        return [
            EarningStep(
                rule=step["rule"],
                points=step["points"],
                description=translate(step["rule"], locale, **step.get("params", {})),
            )
            for step in self.steps
        ]

    @classmethod
    def from_model(cls, txn: models.PointsTransaction) -> "PointsTransaction":
        return cls(
            id=txn.id,
            kind=PointsTransactionKind(txn.kind),
            points=txn.points,
            available_change=txn.available_delta,
            pending_change=txn.pending_delta,
            reference=txn.reference,
            created_at=txn.created_at,
            reason=txn.reason,
            member_id=txn.member_id,
            steps=list(txn.explanation or []),
            actor_id=txn.actor_id,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list["PointsTransaction | None"]:
        """Visible to the member it belongs to and to the staff roles of
        Access.TRANSACTIONS."""
        return await policy.visible_nodes(
            info, node_ids, access=policy.Access.TRANSACTIONS,
            load=lambda _viewer, ids: info.context.loaders.ledger.transaction.load_many(ids),
            owner=lambda t: t.member_id, convert=cls.from_model,
        )  # fmt: skip


@strawberry.type(description="A page of points transactions, newest first.")
class PointsTransactionConnection(relay.Connection[PointsTransaction]):
    member_id: strawberry.Private[int | None] = None
    kind: strawberry.Private[object] = None

    @strawberry.field(
        description="How many movements the list holds (of `kind` when given): one COUNT on "
        "the member's (member, id) index, run only when asked (one grouped COUNT for a "
        "list of members)."
    )
    async def total_count(self, info: Info[Context, None]) -> int:
        if self.member_id is None:
            return 0
        return await info.context.loaders.ledger.activity_count.load((self.member_id, self.kind))


@strawberry.type(description="Your points moved: the movement and the balance after it.")
class PointsChange:
    transaction: PointsTransaction = strawberry.field(description="The movement.")
    balance: Balance = strawberry.field(description="Your balance after it.")
    member_id: strawberry.Private[int]

    @strawberry.field(
        description="You: the same node (and global id) as `me`, so a normalized cache "
        "updates `me.balance` from the event when you select `member { id balance { ... } }`."
    )
    async def member(
        self, info: Info[Context, None]
    ) -> Annotated["Member", strawberry.lazy("app.members.types")]:
        viewer = await info.context.viewer()
        if viewer is None or viewer.id != self.member_id:
            raise errors.Forbidden()
        found = await info.context.loaders.members.by_id.load(self.member_id)
        if found is None:
            raise errors.Forbidden()
        return _MEMBER.resolve_type().from_model(found)


AdjustmentStatus = described_enum(
    models.AdjustmentStatus,
    name="AdjustmentStatus",
    description="Where a correction that needs a second admin's approval stands.",
    values={
        "PENDING": "Waiting for a second admin to decide.",
        "APPROVED": "Approved and posted to the member's points.",
        "REJECTED": "Rejected; no points moved.",
    },
)


@strawberry.type(
    description="A staff correction above the approval threshold (ADJUSTMENT_APPROVAL_POINTS): "
    "nothing is posted until an admin other than its requester approves it. Admins see "
    "every request; other staff see their own."
)
class AdjustmentApproval(relay.Node):
    id: relay.NodeID[int]
    points: int = strawberry.field(description="Positive to credit, negative to debit.")
    reason: str = strawberry.field(description="The requester's reason, posted as written.")
    status: AdjustmentStatus = strawberry.field(description="Waiting, approved or rejected.")
    requested_at: dt.datetime = strawberry.field(description="When it was asked for.")
    decided_at: dt.datetime | None = strawberry.field(description="When approved or rejected.")
    decision_note: str | None = strawberry.field(description="Why it was rejected.")
    member_id: strawberry.Private[int]
    requested_by_id: strawberry.Private[int]
    decided_by_id: strawberry.Private[int | None]
    transaction_id: strawberry.Private[int | None]

    @strawberry.field(description="The member whose points it corrects.")
    async def member(
        self, info: Info[Context, None]
    ) -> Annotated["Member", strawberry.lazy("app.members.types")] | None:
        return await _staff_account(info, self.member_id)

    @strawberry.field(description="Who asked for the correction.")
    async def requested_by(
        self, info: Info[Context, None]
    ) -> Annotated["Member", strawberry.lazy("app.members.types")] | None:
        return await _staff_account(info, self.requested_by_id)

    @strawberry.field(
        description="Who approved or rejected it: an admin, or its requester withdrawing it; "
        "null while it waits and when the member's erasure rejected it."
    )
    async def decided_by(
        self, info: Info[Context, None]
    ) -> Annotated["Member", strawberry.lazy("app.members.types")] | None:
        return await _staff_account(info, self.decided_by_id)

    @strawberry.field(description="The movement posted on approval (null until then).")
    async def transaction(self, info: Info[Context, None]) -> PointsTransaction | None:
        if self.transaction_id is None:
            return None
        txn = await info.context.loaders.ledger.transaction.load(self.transaction_id)
        return PointsTransaction.from_model(txn) if txn else None

    @classmethod
    def from_model(cls, row: models.PendingAdjustment) -> "AdjustmentApproval":
        return cls(
            id=row.id, points=row.points, reason=row.reason,
            status=AdjustmentStatus(row.status), requested_at=row.created_at,
            decided_at=row.decided_at, decision_note=row.decision_note,
            member_id=row.member_id, requested_by_id=row.requested_by_id,
            decided_by_id=row.decided_by_id, transaction_id=row.transaction_id,
        )  # fmt: skip

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list["AdjustmentApproval | None"]:
        """Admins see every request; support their own; everyone else (members, marketers,
        a former support account) nothing."""

        async def load(viewer, ids: list[int]) -> list:
            from app.ledger import adjustments

            if not policy.allows(viewer, policy.Access.ADJUST_POINTS):
                return [None] * len(ids)  # members, marketers, and staff moved to such a role
            rows = await adjustments.adjustments_by_ids(ids)
            if viewer.role == policy.ADMIN:
                return rows
            return [r if r is not None and r.requested_by_id == viewer.id else None for r in rows]

        return await policy.visible_nodes(
            info, node_ids, access=None, load=load, convert=cls.from_model
        )


async def _staff_account(info: Info[Context, None], member_id: int | None):
    if member_id is None:
        return None
    found = await info.context.loaders.members.by_id.load(member_id)
    return _MEMBER.resolve_type().from_model(found) if found else None


@strawberry.type(description="A page of staff corrections awaiting or past approval, oldest first.")
class AdjustmentApprovalConnection(relay.Connection[AdjustmentApproval]):
    pass


# ---- errors (in the earning and rewards unions too: they import them from here) -----------


@error_type(
    errors.NotAMemberAccount,
    description="The account named is a staff account: staff accounts earn no points, "
    "redeem nothing and receive no corrections. Nothing was recorded.",
)
class NotAMemberAccountError(UserError):
    pass


@error_type(
    errors.SelfAdjustmentForbidden,
    description="Staff cannot correct, or approve a correction of, their own account.",
)
class SelfAdjustmentForbiddenError(UserError):
    pass


@error_type(
    errors.SelfApprovalForbidden,
    description="A correction waiting for approval needs an admin other than the one who "
    "asked for it.",
)
class SelfApprovalForbiddenError(UserError):
    pass


@error_type(errors.AdjustmentNotFound, description="No correction waits under this id.")
class AdjustmentNotFoundError(UserError):
    pass


@error_type(
    errors.AdjustmentAlreadyDecided,
    description="The correction was approved or rejected already (by another admin, or by "
    "an earlier request); nothing was changed.",
)
class AdjustmentAlreadyDecidedError(UserError):
    status: AdjustmentStatus = strawberry.field(description="What was decided.")
