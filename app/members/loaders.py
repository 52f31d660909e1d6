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
    def channel_preferences(self) -> DataLoader[int, list[ChannelPreference]]:
        return DataLoader(load_fn=service.channel_preferences_by_member)
