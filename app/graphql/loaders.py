"""Fresh DataLoaders for each request, grouped per domain."""

from __future__ import annotations

from functools import cached_property

from app.community.loaders import CommunityLoaders
from app.content.loaders import ContentLoaders
from app.ledger.loaders import LedgerLoaders
from app.members.loaders import MemberLoaders
from app.offers.loaders import OfferLoaders
from app.privacy.loaders import PrivacyLoaders
from app.program.loaders import ProgramLoaders
from app.rewards.loaders import RewardLoaders
from app.segments.loaders import SegmentLoaders
from app.tiers.loaders import TierLoaders


class Loaders:
    """Per-request DataLoaders grouped per domain, made on first use."""

    @cached_property
    def members(self) -> MemberLoaders:
        return MemberLoaders()

    @cached_property
    def ledger(self) -> LedgerLoaders:
        return LedgerLoaders()

    @cached_property
    def rewards(self) -> RewardLoaders:
        return RewardLoaders()

    @cached_property
    def tiers(self) -> TierLoaders:
        return TierLoaders()

    @cached_property
    def community(self) -> CommunityLoaders:
        return CommunityLoaders()

    @cached_property
    def privacy(self) -> PrivacyLoaders:
        return PrivacyLoaders()

    @cached_property
    def program(self) -> ProgramLoaders:
        return ProgramLoaders()

    @cached_property
    def offers(self) -> OfferLoaders:
        return OfferLoaders()

    @cached_property
    def content(self) -> ContentLoaders:
        return ContentLoaders()

    @cached_property
    def segments(self) -> SegmentLoaders:
        return SegmentLoaders()
