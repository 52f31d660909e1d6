import datetime as dt
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app.graphql import policy
from app.graphql.context import Context
from app.graphql.errors import InvalidInputError, MemberNotFoundError
from app.graphql.permissions import IsStaff, allow
from app.graphql.relay import node_id
from app.graphql.subscriptions import member_events
from app.tiers import models, service
from app.tiers import types as T

TIER_EDITORS = policy.roles(policy.Access.EDIT_TIERS)
OVERRIDERS = policy.roles(policy.Access.OVERRIDE_TIER)

SaveTierResult = Annotated[
    T.Tier | InvalidInputError,
    strawberry.union("SaveTierResult", description="The saved tier, or the rejected fields."),
]
TierPolicyResult = Annotated[
    T.TierPolicy | InvalidInputError,
    strawberry.union(
        "UpdateTierPolicyResult", description="The tier policy as saved, or the rejected fields."
    ),
]
OverrideTierResult = Annotated[
    T.TierStatus | InvalidInputError | MemberNotFoundError,
    strawberry.union(
        "OverrideTierResult",
        description="The member's tier status after the override, or why it was refused.",
    ),
]


def _policy(p: models.TierPolicy) -> T.TierPolicy:
    return T.TierPolicy(basis=T.TierBasis(p.basis), window=T.TierWindow(p.window),
                        window_months=p.window_months, grace_days=p.grace_days,
                        spend_currency=p.spend_currency)  # fmt: skip


async def _status(member_id: int) -> T.TierStatus:
    (status,) = await service.statuses([member_id])
    return T.TierStatus.from_service(status)


@strawberry.type
class TiersQuery:
    @strawberry.field(description="The program's tiers, lowest first, with their benefits.")
    async def tiers(self, info: Info[Context, None]) -> list[T.Tier]:
        return [T.Tier.from_def(t) for t in (await service.current_program()).tiers]

    @strawberry.field(
        description="Staff (admin, marketer): how members qualify for tiers.",
        extensions=allow(IsStaff(*TIER_EDITORS)),
    )
    async def tier_policy(self, info: Info[Context, None]) -> T.TierPolicy:
        return _policy(await service.tier_policy())


@strawberry.type
class TiersMutation:
    @strawberry.mutation(
        description="Staff (admin, marketer): create a tier, or change the one with this code.",
        extensions=allow(IsStaff(*TIER_EDITORS)),
    )
    async def save_tier(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.TierInput, strawberry.argument(description="The tier, matched by its code.")
        ],
    ) -> SaveTierResult:
        tier = await service.save_tier(
            code=input.code, rank=input.rank, threshold=input.threshold,
            earn_multiplier=input.earn_multiplier,
            texts={t.locale: {"name": t.name, "benefits": t.benefits} for t in input.texts},
        )  # fmt: skip
        program = await service.current_program()
        return T.Tier.from_def(program.by_id(tier.id))

    @strawberry.mutation(
        description="Staff (admin, marketer): the qualification policy. Members are "
        "re-evaluated at their next points movement and by the worker.",
        extensions=allow(IsStaff(*TIER_EDITORS)),
    )
    async def update_tier_policy(
        self,
        info: Info[Context, None],
        basis: Annotated[T.TierBasis, strawberry.argument(description="Spend or points.")],
        window: Annotated[
            T.TierWindow, strawberry.argument(description="Rolling months or calendar year.")
        ],
        window_months: Annotated[
            int,
            strawberry.argument(description="Length of a rolling window in months (default 12)."),
        ] = 12,
        grace_days: Annotated[
            int,
            strawberry.argument(
                description="Days a member keeps a tier below its threshold (default 30)."
            ),
        ] = 30,
        spend_currency: Annotated[
            str, strawberry.argument(description="ISO 4217 code spend counts in (default EUR).")
        ] = "EUR",
    ) -> TierPolicyResult:
        policy = await service.update_policy(
            basis=models.Basis(basis.value), window=models.Window(window.value),
            window_months=window_months, grace_days=grace_days,
            spend_currency=spend_currency,
        )  # fmt: skip
        return _policy(policy)

    @strawberry.mutation(
        description="Staff (admin, support): put a member in a tier until a date (or for "
        "good), with a reason; without a tier, end their override.",
        extensions=allow(IsStaff(*OVERRIDERS)),
    )
    async def override_tier(
        self,
        info: Info[Context, None],
        member: Annotated[
            relay.GlobalID, strawberry.argument(description="The member's global id.")
        ],
        reason: Annotated[
            str, strawberry.argument(description="Why (shown to staff, kept in the tier history).")
        ],
        tier: Annotated[
            str | None,
            strawberry.argument(description="The tier code to set; null ends the override."),
        ] = None,
        until: Annotated[
            dt.datetime | None,
            strawberry.argument(description="When the override ends; null: until changed."),
        ] = None,
    ) -> OverrideTierResult:
        _, staff = await info.context.require_member()
        member_id = node_id(member, "Member", "member")
        await service.override(
            member_id=member_id, tier_code=tier, reason=reason, until=until,
            actor_id=staff.id,
        )  # fmt: skip
        return await _status(member_id)


@strawberry.type
class TiersSubscription:
    @strawberry.subscription(description="Your tier, each time it changes (after commit).")
    async def tier_changed(self, info: Info[Context, None]) -> AsyncGenerator[T.TierStatus, None]:
        async for member_id, _event in member_events(info, "TIER_CHANGED"):
            yield await _status(member_id)
