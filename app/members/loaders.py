from __future__ import annotations

from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader

from app.members import service
from app.members.models import ChannelPreference, Member


def _by_id() -> DataLoader[int, Member | None]:
    return DataLoader(load_fn=service.members_by_ids)


def _channels() -> DataLoader[int, list[ChannelPreference]]:
    return DataLoader(load_fn=service.channel_preferences_by_member)


@dataclass
class MemberLoaders:
    by_id: DataLoader[int, Member | None] = field(default_factory=_by_id)
    channel_preferences: DataLoader[int, list[ChannelPreference]] = field(default_factory=_channels)
