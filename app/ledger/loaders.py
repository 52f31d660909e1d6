from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from app.ledger import service
from app.ledger.models import Kind, PointsTransaction

# (member id, page size, before id, kind)
ActivityKey = tuple[int, int, int | None, Kind | None]


async def _activity(keys: list[ActivityKey]) -> list[tuple[list[PointsTransaction], bool]]:
    # One query per distinct (size, cursor, kind): a list of members asking for their first
    # page of activity costs one query, not one per member.
    groups: dict[tuple, list[int]] = {}
    for member_id, size, before, kind in keys:
        groups.setdefault((size, before, kind), []).append(member_id)
    found = {}
    for (size, before, kind), member_ids in groups.items():
        pages = await service.activity_pages(member_ids, size=size, before_id=before, kind=kind)
        for member_id, page in pages.items():
            found[(member_id, size, before, kind)] = page
    return [found[key] for key in keys]


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
