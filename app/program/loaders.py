from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from app.program import terms


class ProgramLoaders:
    @cached_property
    def terms_acceptance(self) -> DataLoader[int, terms.AcceptanceStatus]:
        return DataLoader(load_fn=lambda ids: terms.acceptance_statuses(list(ids)))
