"""Per-request DataLoaders of the content domain."""

from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from app.content import service
from app.content.models import ContentItem


class ContentLoaders:
    @cached_property
    def item(self) -> DataLoader[int, ContentItem | None]:
        """Content items by id, whatever their state (staff views: `node`, `nodes`)."""
        return DataLoader(load_fn=service.items_by_ids)
