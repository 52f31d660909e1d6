from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from app.community import service


class CommunityLoaders:
    """`viewer_id` is the signed-in member, for their own reactions."""

    def __init__(self, viewer_id: int | None = None):
        self.viewer_id = viewer_id

    @cached_property
    def comment_count(self) -> DataLoader[int, int]:
        return DataLoader(load_fn=service.comment_counts)

    @cached_property
    def reaction_counts(self) -> DataLoader[int, dict[str, int]]:
        return DataLoader(load_fn=service.reaction_counts)

    def own_reaction_for(self, member_id: int) -> DataLoader[int, str | None]:
        loaders = self.__dict__.setdefault("_own", {})
        if member_id not in loaders:
            loaders[member_id] = DataLoader(load_fn=service.own_reactions(member_id))
        return loaders[member_id]
