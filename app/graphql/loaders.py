"""Fresh DataLoaders for each request, grouped per domain."""

from __future__ import annotations

from functools import cached_property

from app.ledger.loaders import LedgerLoaders
from app.members.loaders import MemberLoaders


class Loaders:
    """Per-request DataLoaders grouped per domain, made on first use."""

    @cached_property
    def members(self) -> MemberLoaders:
        return MemberLoaders()

    @cached_property
    def ledger(self) -> LedgerLoaders:
        return LedgerLoaders()
