from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from app.privacy import service
from app.privacy.service import ConsentState


class PrivacyLoaders:
    """Created with every request; each DataLoader only when a resolver first asks for it."""

    @cached_property
    def consents(self) -> DataLoader[int, list[ConsentState]]:
        return DataLoader(load_fn=service.consents_by_member)
