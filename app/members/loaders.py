from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from app.members import service
from app.members.models import ChannelPreference, Member


class MemberLoaders:
    """Created with every request; each DataLoader only when a resolver first asks for it."""

    @cached_property
    def by_id(self) -> DataLoader[int, Member | None]:
        return DataLoader(load_fn=service.members_by_ids)

    @cached_property
    def account(self) -> DataLoader[int, service.Account | None]:
        """Accounts as plain rows (display names of authors, say): no model objects."""

        async def load(ids: list[int]) -> list[service.Account | None]:
            found = await service.accounts_by_id(member_ids=ids)
            return [found.get(i) for i in ids]

        return DataLoader(load_fn=load)

    @cached_property
    def channel_preferences(self) -> DataLoader[int, list[ChannelPreference]]:
        return DataLoader(load_fn=service.channel_preferences_by_member)
