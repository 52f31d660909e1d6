from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from app.segments import service


class SegmentLoaders:
    @cached_property
    def facts(self) -> DataLoader[int, service.Facts]:
        """The signed-in member's own balance, expiring points, tier status and segment
        facts, in one statement (`member_facts`): their home screen asks for all of them."""
        return DataLoader(load_fn=lambda ids: service.member_facts(list(ids)))
