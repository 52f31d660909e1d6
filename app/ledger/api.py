from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app.earning import service as earning
from app.earning import types as earning_types
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.permissions import IsStaff, allow
from app.graphql.relay import AfterCursor, PageSize, node_id, to_connection
from app.graphql.subscriptions import member_events
from app.ledger import adjustments, service
from app.ledger.types import (
    AdjustmentApproval,
    AdjustmentApprovalConnection,
    AdjustmentStatus,
    Balance,
    PointsChange,
    PointsTransaction,
)

ADJUSTERS = policy.roles(policy.Access.ADJUST_POINTS)
APPROVERS = policy.roles(policy.Access.APPROVE_ADJUSTMENTS)
_node_id = node_id


# Staff corrections (app.ledger.adjustments); their inputs and unions are in app.earning.types.
@strawberry.type
class LedgerMutation:
    @strawberry.mutation(
        description="Staff (admin, support): correct a member's points; the reason and your "
        "name are kept with the movement. Never your own account, nor a staff account. A "
        "correction of more than ADJUSTMENT_APPROVAL_POINTS points (either sign) waits for "
        "another admin's approval (AdjustmentPendingApproval); nothing is posted until then. "
        "With an idempotencyKey a retry posts (or asks) nothing more.",
        extensions=allow(IsStaff(*ADJUSTERS)),
    )
    async def adjust_points(
        self,
        info: Info[Context, None],
        input: Annotated[
            earning_types.AdjustPointsInput,
            strawberry.argument(
                description="The member, the points (positive credits, negative debits) and the reason."
            ),
        ],
    ) -> earning_types.AdjustPointsResult:
        staff = await info.context.require_staff(*ADJUSTERS)
        member_id = _node_id(input.member, "Member", "member")
        requested = await adjustments.request_adjustment(
            member_id=member_id, points=input.points, reason=input.reason,
            staff_id=staff.id, expires_at=await earning.expiry_for_points_credited_now(),
            idempotency_key=input.idempotency_key,
        )  # fmt: skip
        if requested.pending is not None:
            return earning_types.AdjustmentPendingApproval(
                approval=AdjustmentApproval.from_model(requested.pending),
                replayed=requested.replayed,
            )
        return PointsTransaction.from_model(requested.transaction)

    @strawberry.mutation(
        description="Admins: approve a correction waiting for approval; it is posted once, "
        "as its requester asked. Not your own request, nor one on your own account.",
        extensions=allow(IsStaff(*APPROVERS)),
    )
    async def approve_adjustment(
        self,
        info: Info[Context, None],
        id: Annotated[
            relay.GlobalID,
            strawberry.argument(description="Global id of the pending AdjustmentApproval."),
        ],
    ) -> earning_types.ApproveAdjustmentResult:
        staff = await info.context.require_staff(*APPROVERS)
        row, _ = await adjustments.approve_adjustment(
            adjustment_id=_node_id(id, "AdjustmentApproval", "id"), approver_id=staff.id,
            expires_at=await earning.expiry_for_points_credited_now(),
        )  # fmt: skip
        return AdjustmentApproval.from_model(row)

    @strawberry.mutation(
        description="Refuse a correction waiting for approval, with a note kept with the "
        "decision; nothing is posted. Any admin may; so may its requester (support or "
        "admin), to withdraw their own request. Anyone else: FORBIDDEN.",
        extensions=allow(IsStaff(*ADJUSTERS)),
    )
    async def reject_adjustment(
        self,
        info: Info[Context, None],
        id: Annotated[
            relay.GlobalID,
            strawberry.argument(description="Global id of the pending AdjustmentApproval."),
        ],
        note: Annotated[
            str, strawberry.argument(description="Why it is rejected; shown to the requester.")
        ],
    ) -> earning_types.RejectAdjustmentResult:
        staff = await info.context.require_staff(*ADJUSTERS)
        row = await adjustments.reject_adjustment(
            adjustment_id=_node_id(id, "AdjustmentApproval", "id"), approver_id=staff.id,
            note=note,
        )  # fmt: skip
        return AdjustmentApproval.from_model(row)


@strawberry.type
class LedgerQuery:
    @strawberry.field(
        description="Admins: corrections above ADJUSTMENT_APPROVAL_POINTS, oldest first; by "
        "default those still waiting for approval (`status: null` for all, decided ones "
        "with who decided and when).",
        extensions=allow(IsStaff(*APPROVERS)),
    )
    async def pending_adjustments(
        self,
        info: Info[Context, None],
        first: PageSize = 20,
        after: AfterCursor = None,
        status: Annotated[
            AdjustmentStatus | None,
            strawberry.argument(
                description="Only requests in this status (default PENDING); null for all."
            ),
        ] = AdjustmentStatus.PENDING,
    ) -> AdjustmentApprovalConnection:
        page = await adjustments.adjustments(status=status, first=first, after=after)
        return to_connection(AdjustmentApprovalConnection, page, AdjustmentApproval.from_model)


@strawberry.type
class LedgerSubscription:
    @strawberry.subscription(
        description="Your own points, each time they move (after the change is committed)."
    )
    async def points_changed(self, info: Info[Context, None]) -> AsyncGenerator[PointsChange, None]:
        async for member_id, event in member_events(info, "POINTS_CHANGED"):
            carried = service.change_from(event, member_id)
            if carried is not None:  # what the commit wrote: no read
                txn, balance = carried
            else:
                (txn,) = await service.transactions_by_ids([event["transaction"]])
                if txn is None or txn.member_id != member_id:
                    continue
                (balance,) = await service.balances([member_id])
            info.context.loaders.ledger.balance.prime(member_id, balance)  # `member { balance }`
            yield PointsChange(
                transaction=PointsTransaction.from_model(txn),
                balance=Balance.from_service(balance),
                member_id=member_id,
            )
