import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app.graphql.context import Context
from app.i18n import translate
from app.ledger import models
from app.members.models import Role

if TYPE_CHECKING:
    from app.members.types import Member

PointsTransactionKind = strawberry.enum(
    models.Kind, name="PointsTransactionKind", description="What moved the points."
)


@strawberry.type(description="Points that expire on a date unless spent first.")
class ExpiringPoints:
    points: int
    expires_at: dt.datetime


@strawberry.type(description="A member's points.")
class Balance:
    member_id: strawberry.Private[int]
    available: int = strawberry.field(
        description="Spendable now; negative while a refund's points are being repaid."
    )
    pending: int = strawberry.field(description="Earned, on hold until the return period ends.")
    lifetime: int = strawberry.field(description="Ever earned, less what refunds took back.")

    @strawberry.field(description="The next expiry dates, soonest first (at most 5).")
    async def expiring(self, info: Info[Context, None]) -> list[ExpiringPoints]:
        lots = await info.context.loaders.ledger.expiring.load(self.member_id)
        return [ExpiringPoints(points=e.points, expires_at=e.expires_at) for e in lots]

    @classmethod
    def from_service(cls, balance) -> "Balance":
        return cls(
            member_id=balance.member_id,
            available=balance.available,
            pending=balance.pending,
            lifetime=balance.lifetime,
        )


@strawberry.type(description="One reason points moved, and by how much.")
class EarningStep:
    rule: str = strawberry.field(description="A stable code, e.g. RULE_BASE, RULE_MULTIPLIER.")
    points: int
    description: str = strawberry.field(description="In the viewer's language.")


@strawberry.type(description="A movement of points on a member's account.")
class PointsTransaction(relay.Node):
    id: relay.NodeID[int]
    kind: PointsTransactionKind
    points: int = strawberry.field(description="Change to available + pending points.")
    available_change: int
    pending_change: int
    reference: str | None
    created_at: dt.datetime
    reason: str | None = strawberry.field(description="Why staff made this correction.")
    member_id: strawberry.Private[int]
    steps: strawberry.Private[list]
    actor_id: strawberry.Private[int | None]

    @strawberry.field(description="Staff only: who made this correction (null otherwise).")
    async def made_by(
        self, info: Info[Context, None]
    ) -> Annotated["Member", strawberry.lazy("app.members.types")] | None:
        from app.members.types import Member

        viewer = await info.context.viewer()
        if self.actor_id is None or viewer is None or viewer.role == Role.MEMBER:
            return None
        staff = await info.context.loaders.members.by_id.load(self.actor_id)
        return Member.from_model(staff) if staff else None

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
        """Visible to the member it belongs to and to staff."""
        viewer = await info.context.viewer()
        ids = [int(i) if str(i).isdigit() else -1 for i in node_ids]
        if viewer is None:
            return [None for _ in ids]
        loaded = await info.context.loaders.ledger.transaction.load_many(ids)
        staff = viewer.role != Role.MEMBER
        return [
            cls.from_model(t) if t is not None and (staff or t.member_id == viewer.id) else None
            for t in loaded
        ]


@strawberry.type
class PointsTransactionConnection(relay.Connection[PointsTransaction]):
    pass


@strawberry.type(description="Your points moved: the movement and the balance after it.")
class PointsChange:
    transaction: PointsTransaction
    balance: Balance
