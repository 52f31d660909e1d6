import datetime as dt
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from app.graphql import policy
from app.graphql.context import Context
from app.graphql.enums import described_enum
from app.graphql.permissions import Can, allow
from app.graphql.policy import Access
from app.i18n import localized
from app.tiers import models
from app.tiers.service import Status, TierDef

# Resolved when first used, not imported: the members' types show the tier status.
_MEMBER = strawberry.LazyType("Member", "app.members.types")

TierBasis = described_enum(
    models.Basis,
    name="TierBasis",
    description="What members qualify for tiers with.",
    values={
        "SPEND": "Money spent, in minor units of the policy's spend currency.",
        "POINTS": "Points earned.",
    },
)
TierWindow = described_enum(
    models.Window,
    name="TierWindow",
    description="The period qualifying value counts over.",
    values={
        "ROLLING": "The last `windowMonths` months, moving day by day.",
        "CALENDAR_YEAR": "The current calendar year; it resets on 1 January.",
    },
)
TierChangeReason = described_enum(
    models.ChangeReason,
    name="TierChangeReason",
    description="Why a member's tier changed.",
    values={
        "UPGRADE": "The member reached a higher tier's threshold.",
        "DOWNGRADE": "The member did not requalify within the grace period.",
        "OVERRIDE": "Staff set the tier by hand.",
        "OVERRIDE_ENDED": "A staff override expired; the earned tier applies again.",
    },
)


@strawberry.type(description="A tier's texts in one language.")
class TierText:
    locale: str = strawberry.field(description="`en`, `nl` or `es`.")
    name: str = strawberry.field(description="The tier's name in this language.")
    benefits: list[str] = strawberry.field(
        description="What members of the tier get in this language, one line each."
    )


@strawberry.type(description="A level of the program and what it gives.")
class Tier:
    code: str = strawberry.field(description="Stable identifier, for example `GOLD`.")
    rank: int = strawberry.field(description="Higher is better.")
    threshold: int = strawberry.field(
        description="Qualifying value needed: minor units of spend, or points (see the policy)."
    )
    earn_multiplier: Decimal = strawberry.field(
        description="Multiplies base points earned by members of this tier (1 = no bonus)."
    )
    texts_by_locale: strawberry.Private[dict]

    async def _text(self, info: Info[Context, None], key: str):
        return localized(self.texts_by_locale, await info.context.locale(), key)

    @strawberry.field(description="In your language.")
    async def name(self, info: Info[Context, None]) -> str:
        return await self._text(info, "name")

    @strawberry.field(description="What members of this tier get, in your language.")
    async def benefits(self, info: Info[Context, None]) -> list[str]:
        return list(await self._text(info, "benefits"))

    @strawberry.field(
        description="Staff who edit tiers (admin, marketer): the texts of every language "
        "there are, by locale (`saveTier` replaces them all, so an editor starts from these).",
        extensions=allow(Can(Access.EDIT_TIERS)),
    )
    def texts(self) -> list[TierText]:
        return [
            TierText(locale=locale, name=entry.get("name") or "",
                     benefits=list(entry.get("benefits") or []))
            for locale, entry in sorted(self.texts_by_locale.items())
        ]  # fmt: skip

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
    remaining: int | None = strawberry.field(
        description="Qualifying value still needed for the next tier; null at the top tier."
    )
    unit: str = strawberry.field(description="A currency code (spend, minor units) or POINTS.")
    deadline: dt.datetime | None = strawberry.field(
        description="When the qualification period closes (calendar years); null if rolling."
    )


@strawberry.type(description="One change of a member's tier, and why.")
class TierChange:
    from_tier: Tier | None = strawberry.field(description="The tier before; null: none.")
    to_tier: Tier | None = strawberry.field(description="The tier after; null: none.")
    reason: TierChangeReason = strawberry.field(description="Why it changed.")
    value: int = strawberry.field(
        description="The member's qualifying value at the time (minor units or points)."
    )
    note: str | None = strawberry.field(description="Staff's reason, for overrides.")
    created_at: dt.datetime = strawberry.field(description="When it changed (UTC).")


@strawberry.type(description="Where you stand in the program.")
class TierStatus:
    current: Tier | None = strawberry.field(description="Null: below every tier.")
    next: Tier | None = strawberry.field(description="The next tier up; null at the top.")
    progress: TierProgress = strawberry.field(description="How far you are towards `next`.")
    retain_by: dt.datetime | None = strawberry.field(
        description="Set while you are below your tier's threshold: requalify by then or move down."
    )
    override_reason: str | None = strawberry.field(description="Set by staff, if they did.")
    member_id: strawberry.Private[int]

    @strawberry.field(
        description="Whose status this is: the same node (and global id) as `me` for your "
        "own, so a normalized cache updates `me.tier` from `tierChanged`; null when the "
        "role policy does not show you that member."
    )
    async def member(
        self, info: Info[Context, None]
    ) -> Annotated["Member", strawberry.lazy("app.members.types")] | None:  # noqa: F821
        if not await policy.sees_part(info, policy.Access.MEMBER, self.member_id):
            return None
        found = await info.context.loaders.members.by_id.load(self.member_id)
        return _MEMBER.resolve_type().from_model(found) if found else None

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
    basis: TierBasis = strawberry.field(description="Spend or points.")
    window: TierWindow = strawberry.field(description="Rolling months or calendar year.")
    window_months: int = strawberry.field(description="Length of a rolling window, in months.")
    grace_days: int = strawberry.field(
        description="Days a member keeps a tier after falling below its threshold."
    )
    spend_currency: str = strawberry.field(
        description="ISO 4217 currency spend counts in (other currencies are converted)."
    )


@strawberry.input(description="A tier's texts in one language.")
class TierTextInput:
    locale: str = strawberry.field(description="`en`, `nl` or `es`.")
    name: str = strawberry.field(description="The tier's name in this language.")
    benefits: list[str] = strawberry.field(
        default_factory=list, description="What members of the tier get, one line each."
    )


@strawberry.input(description="A tier, created or changed by its code.")
class TierInput:
    code: str = strawberry.field(
        description="Stable identifier; an existing code updates that tier."
    )
    rank: int = strawberry.field(description="Order of tiers; higher is better.")
    threshold: int = strawberry.field(
        description="Qualifying value needed: minor units of spend, or points (see the policy)."
    )
    earn_multiplier: Decimal = strawberry.field(
        default=Decimal(1), description="Multiplier on base points (default 1)."
    )
    texts: list[TierTextInput] = strawberry.field(description="Name and benefits per language.")
