from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from app.pagination import newest_pages_per_owner, per_owner_page_loader
from app.rewards import service
from app.rewards.models import Redemption, RedemptionStatus, Reward, Voucher

# (member id, page size, before id, status)
RedemptionsKey = tuple[int, int, int | None, RedemptionStatus | None]


def _redemptions(
    member_ids: list[int], size: int, before: int | None, status: RedemptionStatus | None
):
    where = {"status": status.value} if status else None
    return newest_pages_per_owner(Redemption, member_ids, size=size, before_id=before, where=where)


_redemption_pages = per_owner_page_loader(_redemptions)


class RewardLoaders:
    @cached_property
    def reward(self) -> DataLoader[int, Reward | None]:
        return DataLoader(load_fn=service.rewards_by_ids)

    @cached_property
    def redemption(self) -> DataLoader[int, Redemption | None]:
        return DataLoader(load_fn=service.redemptions_by_ids)

    @cached_property
    def vouchers(self) -> DataLoader[int, list[Voucher]]:
        return DataLoader(load_fn=service.vouchers_by_redemption)

    @cached_property
    def member_redemptions(self) -> DataLoader[RedemptionsKey, tuple[list[Redemption], bool]]:
        return DataLoader(load_fn=_redemption_pages)
