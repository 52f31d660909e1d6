from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from app.graphql.context import Context
from app.graphql.subscriptions import member_events
from app.ledger import service
from app.ledger.types import Balance, PointsChange, PointsTransaction


@strawberry.type
class LedgerSubscription:
    @strawberry.subscription(
        description="Your own points, each time they move (after the change is committed)."
    )
    async def points_changed(self, info: Info[Context, None]) -> AsyncGenerator[PointsChange, None]:
        async for member_id, event in member_events(info, "POINTS_CHANGED"):
            (txn,) = await service.transactions_by_ids([event["transaction"]])
            if txn is None or txn.member_id != member_id:
                continue
            (balance,) = await service.balances([member_id])
            yield PointsChange(
                transaction=PointsTransaction.from_model(txn), balance=Balance.from_service(balance)
            )
