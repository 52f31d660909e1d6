from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from app.ledger import service
from app.ledger.models import Kind, PointsTransaction
from app.pagination import per_owner_page_loader

# (member id, page size, before id, kind)
ActivityKey = tuple[int, int, int | None, Kind | None]

_activity = per_owner_page_loader(
    lambda member_ids, size, before, kind: service.activity_pages(
        member_ids, size=size, before_id=before, kind=kind
    )
)

# (member id, page size, before id, after id, kind): backward pages (`last`/`before`)
ActivityBackKey = tuple[int, int, int | None, int | None, Kind | None]

_activity_back = per_owner_page_loader(
    lambda member_ids, size, before, after, kind: service.activity_pages_backward(
        member_ids, size=size, before_id=before, after_id=after, kind=kind
    )
)


class LedgerLoaders:
    @cached_property
    def balance(self) -> DataLoader[int, service.Balance]:
        return DataLoader(load_fn=service.balances)

    @cached_property
    def expiring(self) -> DataLoader[int, list[service.Expiring]]:
        return DataLoader(load_fn=service.expiring_points)

    @cached_property
    def transaction(self) -> DataLoader[int, PointsTransaction | None]:
        return DataLoader(load_fn=service.transactions_by_ids)

    @cached_property
    def activity(self) -> DataLoader[ActivityKey, tuple[list[PointsTransaction], bool]]:
        return DataLoader(load_fn=_activity)

    @cached_property
    def activity_backward(
        self,
    ) -> DataLoader[ActivityBackKey, tuple[list[PointsTransaction], bool, bool]]:
        return DataLoader(load_fn=_activity_back)

    @cached_property
    def activity_count(self) -> DataLoader[tuple[int, Kind | None], int]:
        return DataLoader(load_fn=service.activity_counts)
