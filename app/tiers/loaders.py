from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from app.pagination import newest_pages_per_owner
from app.tiers import service
from app.tiers.models import TierChange

HISTORY = 20


async def _histories(member_ids: list[int]) -> list[list[TierChange]]:
    pages = await newest_pages_per_owner(TierChange, member_ids, size=HISTORY, before_id=None)
    return [pages[m][0] for m in member_ids]


class TierLoaders:
    @cached_property
    def status(self) -> DataLoader[int, service.Status]:
        return DataLoader(load_fn=lambda ids: service.statuses(list(ids)))

    @cached_property
    def history(self) -> DataLoader[int, list[TierChange]]:
        return DataLoader(load_fn=_histories)
