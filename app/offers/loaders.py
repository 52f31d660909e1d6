"""Per-request DataLoaders of the offers domain."""

from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from app.offers import service
from app.offers.models import Offer


class OfferLoaders:
    @cached_property
    def offer(self) -> DataLoader[int, Offer | None]:
        """Offers by id, whatever their state (staff views: `node`, `nodes`)."""
        return DataLoader(load_fn=service.offers_by_ids)
