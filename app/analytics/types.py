"""Strawberry types of the staff analytics. `ProgramAnalytics` computes each figure only when
its field is selected; figures that share a query (points and earn by source) share it."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated

import strawberry
from strawberry import relay

from app.analytics import service
from app.rewards import service as rewards
from app.rewards.types import Reward
from app.tiers import service as tiers
from app.tiers.types import Tier, TierChangeReason


@strawberry.type(description="An amount of money in minor units (cents) of its currency.")
class MoneyAmount:
    currency: str = strawberry.field(description="ISO 4217 currency code, e.g. EUR.")
    amount: int = strawberry.field(description="Minor units (cents) of `currency`.")


@strawberry.type(description="Points members hold at a moment: what the program owes.")
class Liability:
    at: dt.datetime = strawberry.field(description="The moment the figures are taken at (UTC).")
    points: int = strawberry.field(description="Available and pending; debts count negative.")
    value: list[MoneyAmount] | None = strawberry.field(
        description="The points' worth at each checkout rate (the configured value of a "
        "point); null when no rate is set."
    )

    @classmethod
    def from_service(cls, o: service.Outstanding) -> Liability:
        value = None if o.value is None else [MoneyAmount(currency=m.currency, amount=m.amount)
                                              for m in o.value]  # fmt: skip
        return cls(at=o.at, points=o.points, value=value)


@strawberry.type(description="Members who earned or spent points themselves lately.")
class ActiveMembers:
    last_30_days: int = strawberry.field(
        name="last30Days",
        description="Members with activity of their own in the 30 days before `to`.",
    )
    last_90_days: int = strawberry.field(
        name="last90Days",
        description="Members with activity of their own in the 90 days before `to`.",
    )


@strawberry.type(description="Points that moved in the range.")
class PointsFigures:
    issued: int = strawberry.field(
        description="Credited to members: earned (purchases, actions, bonuses, referrals, "
        "pending included) and positive staff adjustments; gross of refunds."
    )
    redeemed: int = strawberry.field(description="Spent on rewards and at tills, net of "
                                     "cancelled redemptions.")  # fmt: skip
    expired: int = strawberry.field(description="Points that expired unused in the range.")
    forfeited: int = strawberry.field(description="Held by accounts erased in the range.")
    clawed_back: int = strawberry.field(description="Taken back by refunds.")
    adjusted_out: int = strawberry.field(description="Negative staff adjustments.")
    breakage_rate: float | None = strawberry.field(description="expired / issued; null if "
                                                   "nothing was issued.")  # fmt: skip
    redemption_rate: float | None = strawberry.field(description="redeemed / issued.")


@strawberry.type(description="Points credited from one source (a kind of transaction).")
class EarnSource:
    source: str = strawberry.field(
        description="purchase, action (events such as reviews), bonus, referral, adjustment."
    )
    transactions: int = strawberry.field(description="How many credits came from this source.")
    points: int = strawberry.field(description="Points credited from this source.")


@strawberry.type(description="How many members are in a tier now.")
class TierHeadcount:
    tier: Tier | None = strawberry.field(description="Null: below every tier.")
    members: int = strawberry.field(description="Members in this tier now.")


@strawberry.type(description="Tier changes between two tiers for one reason.")
class TierMove:
    from_tier: Tier | None = strawberry.field(
        description="The tier before; null: below every tier."
    )
    to_tier: Tier | None = strawberry.field(description="The tier after; null: below every tier.")
    reason: TierChangeReason = strawberry.field(description="Why the tier changed.")
    changes: int = strawberry.field(description="How many changes went this way for this reason.")


@strawberry.type(description="Tier changes in the range.")
class TierMovement:
    upgrades: int = strawberry.field(description="Changes to a higher tier.")
    downgrades: int = strawberry.field(description="Changes to a lower tier.")
    overrides: int = strawberry.field(description="Staff overrides set or ended.")
    moves: list[TierMove] = strawberry.field(
        description="Every (from, to, reason) combination with its count, most first."
    )


@strawberry.type(description="A reward's redemptions in the range (cancelled ones excluded).")
class RewardRanking:
    reward: Reward = strawberry.field(description="The reward.")
    redemptions: int = strawberry.field(description="Redemptions of it in the range.")
    units: int = strawberry.field(description="Units redeemed (a redemption may take several).")
    points: int = strawberry.field(description="Points spent on it.")


@strawberry.type(description="Purchases of one group of a campaign in the window.")
class GroupOutcome:
    members: int = strawberry.field(description="Members in the group.")
    spend: int = strawberry.field(description="Minor units.")
    points: int = strawberry.field(description="Points the group earned.")
    spend_per_member: float | None = strawberry.field(
        description="`spend` / `members` in minor units; null for an empty group."
    )
    points_per_member: float | None = strawberry.field(
        description="`points` / `members`; null for an empty group."
    )


@strawberry.type(description="A campaign's recipients vs its control group after launch.")
class CampaignUplift:
    campaign_id: relay.GlobalID = strawberry.field(description="The campaign's global id.")
    name: str = strawberry.field(description="The campaign's internal name.")
    launched_at: dt.datetime | None = strawberry.field(
        description="When it was sent; null: not launched yet (the groups are then empty)."
    )
    window_days: int = strawberry.field(description="Days after launch compared (1..90).")
    recipients: GroupOutcome = strawberry.field(description="Members who were sent the campaign.")
    control_group: GroupOutcome = strawberry.field(
        description="Members held back as the control group."
    )
    spend_uplift: float | None = strawberry.field(
        description="Spend per recipient minus spend per control member (minor units); null "
        "without a control group."
    )
    points_uplift: float | None = strawberry.field(
        description="Points per recipient minus points per control member; null without a control group."
    )

    @classmethod
    def from_service(cls, u: service.Uplift) -> CampaignUplift:
        def group(g: service.GroupOutcome) -> GroupOutcome:
            return GroupOutcome(members=g.members, spend=g.spend, points=g.points,
                                spend_per_member=g.spend_per_member,
                                points_per_member=g.points_per_member)  # fmt: skip

        return cls(
            campaign_id=relay.GlobalID("Campaign", str(u.campaign_id)), name=u.name,
            launched_at=u.launched_at, window_days=u.window_days,
            recipients=group(u.recipients), control_group=group(u.control),
            spend_uplift=u.spend_uplift, points_uplift=u.points_uplift,
        )  # fmt: skip


@strawberry.type(description="The program's figures for [from, to) (UTC).")
class ProgramAnalytics:
    start: strawberry.Private[dt.datetime]
    end: strawberry.Private[dt.datetime]
    _flows: strawberry.Private[asyncio.Task | None] = None
    _closing: strawberry.Private[asyncio.Task | None] = None

    @strawberry.field(name="from", description="Start of the range, inclusive (UTC).")
    def from_(self) -> dt.datetime:
        return self.start

    @strawberry.field(description="End of the range, exclusive (UTC).")
    def to(self) -> dt.datetime:
        return self.end

    async def _points_flows(self) -> service.PointsFlows:
        if self._flows is None:  # `points` and `earnBySource` share one query
            self._flows = asyncio.ensure_future(service.points_flows(start=self.start,
                                                                     end=self.end))  # fmt: skip
        return await self._flows

    async def _outstanding(self) -> service.Outstanding:
        if self._closing is None:  # `outstanding` and `openingOutstanding` share it
            self._closing = asyncio.ensure_future(service.outstanding(at=self.end))
        return await self._closing

    @strawberry.field(description="Members active in the 30 and 90 days before `to`.")
    async def active_members(self) -> ActiveMembers:
        a30, a90 = await asyncio.gather(
            *(service.active_members(at=self.end, days=d) for d in service.ACTIVE_WINDOWS)
        )
        return ActiveMembers(last_30_days=a30, last_90_days=a90)

    @strawberry.field(
        description="Points issued, redeemed, expired and otherwise moved in the range."
    )
    async def points(self) -> PointsFigures:
        f = await self._points_flows()
        return PointsFigures(
            issued=f.issued, redeemed=f.redeemed, expired=f.expired, forfeited=f.forfeited,
            clawed_back=f.clawed_back,
            adjusted_out=f.adjusted_out, breakage_rate=f.breakage_rate,
            redemption_rate=f.redemption_rate,
        )  # fmt: skip

    @strawberry.field(description="Points credited per source, most first.")
    async def earn_by_source(self) -> list[EarnSource]:
        f = await self._points_flows()
        return [EarnSource(source=s.source, transactions=s.transactions, points=s.points)
                for s in f.by_source]  # fmt: skip

    @strawberry.field(description="What members held at `to`.")
    async def outstanding(self) -> Liability:
        return Liability.from_service(await self._outstanding())

    @strawberry.field(description="What members held at `from`.")
    async def opening_outstanding(self) -> Liability:
        closing, flows = await asyncio.gather(self._outstanding(), self._points_flows())
        opening = await service.opening_outstanding(closing=closing, flows=flows, start=self.start)
        return Liability.from_service(opening)

    @strawberry.field(description="Active members per tier now, highest tier first.")
    async def tier_distribution(self) -> list[TierHeadcount]:
        program = await tiers.current_program()
        counts = await service.tier_distribution()
        rows = [(program.by_id(c.tier_id), c.members) for c in counts]
        rows.sort(key=lambda r: -(r[0].rank if r[0] else -1))
        return [TierHeadcount(tier=Tier.from_def(t), members=n) for t, n in rows]

    @strawberry.field(description="Tier changes in the range.")
    async def tier_movement(self) -> TierMovement:
        program = await tiers.current_program()
        moves = await service.tier_movement(start=self.start, end=self.end)

        def count(*reasons: str) -> int:
            return sum(m.changes for m in moves if m.reason in reasons)

        return TierMovement(
            upgrades=count("upgrade"), downgrades=count("downgrade"),
            overrides=count("override", "override_ended"),
            moves=[TierMove(from_tier=Tier.from_def(program.by_id(m.from_tier_id)),
                            to_tier=Tier.from_def(program.by_id(m.to_tier_id)),
                            reason=TierChangeReason(m.reason), changes=m.changes)
                   for m in moves],
        )  # fmt: skip

    @strawberry.field(description="The most redeemed rewards in the range (at most 100).")
    async def top_rewards(
        self,
        first: Annotated[
            int, strawberry.argument(description="How many rewards to list, clamped to 1..100.")
        ] = 10,
    ) -> list[RewardRanking]:
        totals = await service.top_rewards(start=self.start, end=self.end, limit=first)
        found = await rewards.rewards_by_ids([t.reward_id for t in totals])
        return [RewardRanking(reward=Reward.from_model(r), redemptions=t.redemptions,
                              units=t.units, points=t.points)
                for t, r in zip(totals, found, strict=True) if r is not None]  # fmt: skip

    @strawberry.field(description="Campaigns launched in the range (at most 20, latest "
                      "first): recipients vs control group over `windowDays` after launch.")  # fmt: skip
    async def campaigns(
        self,
        window_days: Annotated[
            int,
            strawberry.argument(description="Days after each launch to compare, clamped to 1..90."),
        ] = 14,
    ) -> list[CampaignUplift]:
        ids = await service.campaigns_launched(start=self.start, end=self.end)
        uplifts = await service.campaign_uplifts(campaign_ids=ids, window_days=window_days)
        return [CampaignUplift.from_service(u) for u in uplifts]
