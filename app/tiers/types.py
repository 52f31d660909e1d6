import datetime as dt
from decimal import Decimal

import strawberry
from strawberry.types import Info

from app.graphql.context import Context
from app.i18n import localized
from app.tiers import models
from app.tiers.service import Status, TierDef

TierBasis = strawberry.enum(models.Basis, name="TierBasis")
TierWindow = strawberry.enum(models.Window, name="TierWindow")
TierChangeReason = strawberry.enum(models.ChangeReason, name="TierChangeReason")


@strawberry.type(description="A level of the program and what it gives.")
class Tier:
    code: str
    rank: int = strawberry.field(description="Higher is better.")
    threshold: int = strawberry.field(
        description="Qualifying value needed: minor units of spend, or points (see the policy)."
    )
    earn_multiplier: Decimal
    texts_by_locale: strawberry.Private[dict]

    async def _text(self, info: Info[Context, None], key: str):
        return localized(self.texts_by_locale, await info.context.locale(), key)

    @strawberry.field(description="In your language.")
    async def name(self, info: Info[Context, None]) -> str:
        return await self._text(info, "name")

    @strawberry.field(description="What members of this tier get, in your language.")
    async def benefits(self, info: Info[Context, None]) -> list[str]:
        return list(await self._text(info, "benefits"))

    @classmethod
    def from_def(cls, t: TierDef | None) -> "Tier | None":
        if t is None:
            return None
        return cls(code=t.code, rank=t.rank, threshold=t.threshold,
                   earn_multiplier=t.multiplier, texts_by_locale=t.texts)  # fmt: skip


@strawberry.type(description="The way to the next tier.")
class TierProgress:
    value: int = strawberry.field(description="Your qualifying value in the current window.")
    target: int | None = strawberry.field(description="The next tier's threshold.")
    remaining: int | None
    unit: str = strawberry.field(description="A currency code (spend, minor units) or POINTS.")
    deadline: dt.datetime | None = strawberry.field(
        description="When the qualification period closes (calendar years); null if rolling."
    )


@strawberry.type(description="One change of a member's tier, and why.")
class TierChange:
    from_tier: Tier | None
    to_tier: Tier | None
    reason: TierChangeReason
    value: int
    note: str | None = strawberry.field(description="Staff's reason, for overrides.")
    created_at: dt.datetime


@strawberry.type(description="Where you stand in the program.")
class TierStatus:
    current: Tier | None = strawberry.field(description="Null: below every tier.")
    next: Tier | None
    progress: TierProgress
    retain_by: dt.datetime | None = strawberry.field(
        description="Set while you are below your tier's threshold: requalify by then or move down."
    )
    override_reason: str | None = strawberry.field(description="Set by staff, if they did.")
    member_id: strawberry.Private[int]

    @strawberry.field(description="Your current tier's benefits, in your language.")
    async def benefits(self, info: Info[Context, None]) -> list[str]:
        return await self.current.benefits(info) if self.current else []

    @strawberry.field(description="Your tier changes, newest first (at most 20).")
    async def history(self, info: Info[Context, None]) -> list[TierChange]:
        from app.tiers.service import current_program

        program = await current_program()
        return [
            TierChange(
                from_tier=Tier.from_def(program.by_id(c.from_tier_id)),
                to_tier=Tier.from_def(program.by_id(c.to_tier_id)),
                reason=TierChangeReason(c.reason),
                value=c.value,
                note=c.note,
                created_at=c.created_at,
            )
            for c in await info.context.loaders.tiers.history.load(self.member_id)
        ]

    @classmethod
    def from_service(cls, s: Status) -> "TierStatus":
        remaining = max(s.target - s.value, 0) if s.target is not None else None
        return cls(
            current=Tier.from_def(s.current), next=Tier.from_def(s.next),
            progress=TierProgress(value=s.value, target=s.target, remaining=remaining,
                                  unit=s.unit, deadline=s.deadline),
            retain_by=s.retain_until, override_reason=s.override_reason, member_id=s.member_id,
        )  # fmt: skip


@strawberry.type(description="How members qualify for tiers.")
class TierPolicy:
    basis: TierBasis
    window: TierWindow
    window_months: int
    grace_days: int
    spend_currency: str


@strawberry.input
class TierTextInput:
    locale: str
    name: str
    benefits: list[str] = strawberry.field(default_factory=list)


@strawberry.input(description="A tier, created or changed by its code.")
class TierInput:
    code: str
    rank: int
    threshold: int
    earn_multiplier: Decimal = Decimal(1)
    texts: list[TierTextInput]
