from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from app.pagination import newest_pages_per_owner
from app.rewards import service
from app.rewards.models import Redemption, RedemptionStatus, Reward, Voucher

# (member id, page size, before id, status)
RedemptionsKey = tuple[int, int, int | None, RedemptionStatus | None]


async def _redemption_pages(keys: list[RedemptionsKey]) -> list[tuple[list[Redemption], bool]]:
    # One query per distinct (size, cursor, status), not one per member.
    groups: dict[tuple, list[int]] = {}
    for member_id, size, before, status in keys:
        groups.setdefault((size, before, status), []).append(member_id)
    found = {}
    for (size, before, status), member_ids in groups.items():
        pages = await newest_pages_per_owner(
            Redemption, member_ids, size=size, before_id=before,
            where={"status": status.value} if status else None,
        )  # fmt: skip
        for member_id, page in pages.items():
            found[(member_id, size, before, status)] = page
    return [found[key] for key in keys]


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
