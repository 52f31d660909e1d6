import datetime as dt
from collections.abc import Iterable
from enum import Enum
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app import clock, errors
from app.earning.types import MemberRefInput
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.errors import (
    IdempotencyKeyReusedError,
    InsufficientPointsError,
    InvalidInputError,
    MemberNotFoundError,
    UserError,
    error_type,
)
from app.i18n import localized, translate
from app.ledger.types import NotAMemberAccountError, PointsTransaction
from app.program.types import TermsNotAcceptedError
from app.rewards import models
from app.rewards.service import Availability, availability

RewardKind = strawberry.enum(models.RewardKind, name="RewardKind")
LimitPeriod = strawberry.enum(models.LimitPeriod, name="LimitPeriod")
RedemptionStatus = strawberry.enum(models.RedemptionStatus, name="RedemptionStatus")


# ---- errors -----------------------------------------------------------------------------------


@error_type(errors.RewardUnavailable, description="Unknown, archived, not started or ended.")
class RewardUnavailableError(UserError):
    reason: str = strawberry.field(description="NOT_FOUND, ARCHIVED, NOT_STARTED or ENDED.")


@error_type(errors.OutOfStock)
class OutOfStockError(UserError):
    stock_left: int


@error_type(errors.LimitReached, description="The member's redemption limit for this reward.")
class LimitReachedError(UserError):
    limit: int
    period: LimitPeriod | None = strawberry.field(description="Null: a lifetime limit.")


@error_type(errors.NotEligible, description="The reward is for members of a higher tier.")
class NotEligibleError(UserError):
    reason: str = strawberry.field(description="TIER.")
    tier: str = strawberry.field(description="The name of the tier it needs.")


@error_type(errors.RedemptionNotFound)
class RedemptionNotFoundError(UserError):
    pass


@error_type(errors.RedemptionNotCancellable)
class RedemptionNotCancellableError(UserError):
    reason: str = strawberry.field(description="ALREADY_CANCELLED, VOUCHER_USED or CASHBACK_PAID.")


@error_type(errors.VoucherNotFound)
class VoucherNotFoundError(UserError):
    pass


@error_type(errors.VoucherNotUsable)
class VoucherNotUsableError(UserError):
    reason: str = strawberry.field(description="USED, EXPIRED, CANCELLED or BASKET_TOO_SMALL.")


@error_type(errors.CheckoutAlreadyRecorded)
class CheckoutAlreadyRecordedError(UserError):
    pass


@error_type(errors.CashbackNotPayable)
class CashbackNotPayableError(UserError):
    reason: str = strawberry.field(description="NOT_FOUND, ALREADY_PAID or CANCELLED.")


# ---- rewards ----------------------------------------------------------------------------------


@strawberry.type(description="Why a reward cannot be redeemed now.")
class RedeemBlock:
    code: str = strawberry.field(
        description="INSUFFICIENT_POINTS, OUT_OF_STOCK, LIMIT_REACHED, NOT_ELIGIBLE or "
        "REWARD_UNAVAILABLE."
    )
    message: str


@strawberry.type(description="A reward's texts in one language.")
class RewardText:
    locale: str
    title: str
    description: str
    terms: str


@strawberry.type(description="Something members spend points on.")
class Reward(relay.Node):
    id: relay.NodeID[int]
    kind: RewardKind
    category: str
    points_cost: int
    stock_left: int | None = strawberry.field(description="Units left; null = unlimited.")
    per_member_limit: int | None = strawberry.field(description="Units per member, ever.")
    period_limit: int | None = strawberry.field(description="Units per member per period.")
    limit_period: LimitPeriod | None
    valid_from: dt.datetime | None
    valid_until: dt.datetime | None
    image_url: str | None
    percent_off: int | None
    amount_off: int | None = strawberry.field(description="Minor units of `currency`.")
    minimum_basket: int | None = strawberry.field(description="Minor units of `currency`.")
    currency: str | None
    sku: str | None
    entitlement: str | None
    access_starts_at: dt.datetime | None
    access_ends_at: dt.datetime | None
    cashback_amount: int | None = strawberry.field(description="Minor units of `currency`.")
    archived: bool
    min_tier_id: strawberry.Private[int | None]
    texts_by_locale: strawberry.Private[dict]
    availability: strawberry.Private[Availability | None] = None

    @strawberry.field(description="In the viewer's language (English when not translated).")
    async def title(self, info: Info[Context, None]) -> str:
        return await self._text(info, "title")

    @strawberry.field
    async def description(self, info: Info[Context, None]) -> str:
        return await self._text(info, "description")

    @strawberry.field
    async def terms(self, info: Info[Context, None]) -> str:
        return await self._text(info, "terms")

    async def _text(self, info: Info[Context, None], key: str) -> str:
        return localized(self.texts_by_locale, await info.context.locale(), key)

    @strawberry.field(description="Staff only: every translation (empty for members).")
    async def texts(self, info: Info[Context, None]) -> list[RewardText]:
        if not await policy.viewer_allows(info, policy.Access.CATALOG_DRAFTS):
            return []
        return [RewardText(locale=k, **v) for k, v in sorted(self.texts_by_locale.items())]

    @strawberry.field(description="Code of the lowest tier that may redeem it (null: anyone).")
    async def min_tier(self) -> str | None:
        if self.min_tier_id is None:
            return None
        from app.tiers.service import current_program

        tier = (await current_program()).by_id(self.min_tier_id)
        return tier.code if tier else None

    @strawberry.field(description="Whether you can redeem one now.")
    def can_redeem(self) -> bool:
        return self.availability is not None and self.availability.can_redeem

    @strawberry.field(description="Why not, when you cannot redeem one now.")
    async def why_not(self, info: Info[Context, None]) -> RedeemBlock | None:
        blocked = self.availability.blocked_by if self.availability else None
        if blocked is None:
            return None
        locale = await info.context.locale()
        return RedeemBlock(
            code=blocked.code, message=translate(blocked.message_key, locale, **blocked.params)
        )

    @classmethod
    def from_model(cls, r: models.Reward, availability: Availability | None = None) -> "Reward":
        return cls(
            id=r.id, kind=RewardKind(r.kind), category=r.category, points_cost=r.points_cost,
            stock_left=r.stock, per_member_limit=r.per_member_limit,
            period_limit=r.period_limit,
            limit_period=LimitPeriod(r.limit_period) if r.limit_period else None,
            valid_from=r.valid_from, valid_until=r.valid_until, image_url=r.image_url,
            percent_off=r.percent_off, amount_off=r.amount_off, minimum_basket=r.minimum_basket,
            currency=r.currency, sku=r.sku, entitlement=r.entitlement,
            access_starts_at=r.access_starts_at, access_ends_at=r.access_ends_at,
            cashback_amount=r.cashback_amount, archived=r.archived_at is not None,
            min_tier_id=r.min_tier_id,
            texts_by_locale=r.texts, availability=availability,
        )  # fmt: skip

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list["Reward | None"]:
        """Signed-in members see rewards on offer (with whether they can redeem them);
        staff see archived ones too."""

        async def load(viewer, ids: list[int]) -> list:
            loaded = await info.context.loaders.rewards.reward.load_many(ids)
            drafts = policy.allows(viewer, policy.Access.CATALOG_DRAFTS)
            visible = [r for r in loaded if r is not None and (drafts or r.archived_at is None)]
            converted = {r.id: r for r in await with_availability(info, visible)}
            return [converted.get(i) for i in ids]

        return await policy.visible_nodes(
            info, node_ids, access=None, load=load, convert=lambda r: r
        )


async def with_availability(
    info: Info[Context, None], rewards: list[models.Reward]
) -> list[Reward]:
    """The rewards as the signed-in member sees them: with whether they can redeem them."""
    _, member = await info.context.require_member()
    balance = await info.context.loaders.ledger.balance.load(member.id)
    found = await availability(
        member_id=member.id, available_points=balance.available, rewards=rewards
    )
    return [Reward.from_model(r, found[r.id]) for r in rewards]


@strawberry.type
class RewardConnection(relay.Connection[Reward]):
    pass


# ---- redemptions ------------------------------------------------------------------------------


@strawberry.enum(description="Where a voucher stands.")
class VoucherStatus(Enum):
    ACTIVE = "active"
    USED = "used"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


@strawberry.type(description="A code to show at the till or the door; usable once.")
class Voucher:
    expires_at: dt.datetime
    used_at: dt.datetime | None
    status: VoucherStatus
    secret: strawberry.Private[str]
    member_id: strawberry.Private[int]

    @strawberry.field(
        description="Whole for the member it belongs to and for a till (scope "
        "vouchers:redeem); staff see it masked, all but the last 4 characters as X."
    )
    async def code(self, info: Info[Context, None]) -> str:
        if await policy.sees_voucher_codes(info, self.member_id):
            return self.secret
        return policy.mask_code(self.secret)

    @classmethod
    def from_model(cls, v: models.Voucher, member_id: int) -> "Voucher":
        """`member_id`: who redeemed it (whose code it is)."""
        if v.voided_at is not None:
            status = VoucherStatus.CANCELLED
        elif v.used_at is not None:
            status = VoucherStatus.USED
        elif v.expires_at <= clock.now():
            status = VoucherStatus.EXPIRED
        else:
            status = VoucherStatus.ACTIVE
        return cls(secret=v.code, member_id=member_id, expires_at=v.expires_at,
                   used_at=v.used_at, status=status)  # fmt: skip


@strawberry.type(description="Points spent on a reward.")
class Redemption(relay.Node):
    id: relay.NodeID[int]
    quantity: int
    points: int
    status: RedemptionStatus
    created_at: dt.datetime
    cancelled_at: dt.datetime | None
    member_id: strawberry.Private[int]
    reward_id: strawberry.Private[int]
    transaction_id: strawberry.Private[int]

    @strawberry.field
    async def reward(self, info: Info[Context, None]) -> Reward:
        return Reward.from_model(await info.context.loaders.rewards.reward.load(self.reward_id))

    @strawberry.field(description="One per unit for voucher rewards; empty otherwise.")
    async def vouchers(self, info: Info[Context, None]) -> list[Voucher]:
        found = await info.context.loaders.rewards.vouchers.load(self.id)
        return [Voucher.from_model(v, self.member_id) for v in found]

    @strawberry.field(description="The points movement that paid for it.")
    async def transaction(self, info: Info[Context, None]) -> PointsTransaction:
        txn = await info.context.loaders.ledger.transaction.load(self.transaction_id)
        return PointsTransaction.from_model(txn)

    @classmethod
    def from_model(cls, r: models.Redemption) -> "Redemption":
        return cls(
            id=r.id, quantity=r.quantity, points=r.points, status=RedemptionStatus(r.status),
            created_at=r.created_at, cancelled_at=r.cancelled_at, member_id=r.member_id,
            reward_id=r.reward_id, transaction_id=r.transaction_id,
        )  # fmt: skip

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list["Redemption | None"]:
        """Visible to the member who redeemed and to the staff roles of
        Access.REDEMPTIONS (who see its voucher codes masked)."""
        return await policy.visible_nodes(
            info, node_ids, access=policy.Access.REDEMPTIONS,
            load=lambda _viewer, ids: info.context.loaders.rewards.redemption.load_many(ids),
            owner=lambda r: r.member_id, convert=cls.from_model,
        )  # fmt: skip


@strawberry.type
class RedemptionConnection(relay.Connection[Redemption]):
    pass


# ---- inputs and results -----------------------------------------------------------------------


@strawberry.input
class RedeemRewardInput:
    reward_id: relay.GlobalID
    quantity: int = 1
    idempotency_key: str = strawberry.field(
        description="8-128 of [A-Za-z0-9._:-]; a retry with the same key gets the same answer."
    )


RedeemRewardResult = Annotated[
    Redemption
    | InsufficientPointsError
    | OutOfStockError
    | LimitReachedError
    | NotEligibleError
    | RewardUnavailableError
    | InvalidInputError
    | IdempotencyKeyReusedError
    | TermsNotAcceptedError
    | NotAMemberAccountError,
    strawberry.union("RedeemRewardResult"),
]

CancelRedemptionResult = Annotated[
    Redemption | RedemptionNotFoundError | RedemptionNotCancellableError | InvalidInputError,
    strawberry.union("CancelRedemptionResult"),
]


@strawberry.input(description="Texts of a reward in one language.")
class RewardTextInput:
    locale: str
    title: str
    description: str = ""
    terms: str = ""


@strawberry.input(description="A reward's settings. Money in minor units of `currency`.")
class RewardInput:
    kind: RewardKind | None = None
    category: str | None = None
    points_cost: int | None = None
    stock: int | None = strawberry.field(
        default=None, description="Units on offer; leave empty for unlimited (create only)."
    )
    per_member_limit: int | None = None
    period_limit: int | None = None
    limit_period: LimitPeriod | None = None
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    texts: list[RewardTextInput] | None = strawberry.field(
        default=None, description="`en` is required; `nl` and `es` optional."
    )
    image_url: str | None = None
    percent_off: int | None = None
    amount_off: int | None = None
    minimum_basket: int | None = None
    currency: str | None = None
    sku: str | None = None
    entitlement: str | None = None
    access_starts_at: dt.datetime | None = None
    access_ends_at: dt.datetime | None = None
    cashback_amount: int | None = None
    voucher_prefix: str | None = strawberry.field(default=None, description="Up to 8 A-Z/0-9.")
    voucher_pattern: str | None = strawberry.field(
        default=None, description="X = a random character, at least 10; e.g. XXXX-XXXX-XXXX."
    )
    voucher_valid_days: int | None = None
    min_tier: str | None = strawberry.field(
        default=None, description="A tier code: only that tier and higher may redeem."
    )


@strawberry.type
class RewardSaved:
    reward: Reward


SaveRewardResult = Annotated[
    RewardSaved | InvalidInputError | RewardUnavailableError,
    strawberry.union("SaveRewardResult"),
]


@strawberry.type(description="A voucher as a till sees it.")
class VoucherCheck:
    voucher: Voucher
    reward: Reward
    member_id: relay.GlobalID
    discount_amount: int | None = strawberry.field(
        description="Off the basket sent, for discount vouchers (minor units)."
    )
    replayed: bool = strawberry.field(description="True when this answers a retry.")


@strawberry.input
class ConsumeVoucherInput:
    code: str
    reference: str = strawberry.field(description="The till's receipt or transaction id.")
    basket_amount: int | None = strawberry.field(default=None, description="Minor units.")
    currency: str | None = None


VoucherResult = Annotated[
    VoucherCheck | VoucherNotFoundError | VoucherNotUsableError | InvalidInputError,
    strawberry.union("VoucherResult"),
]


@strawberry.input(description="Pay (part of) a basket with the member's points.")
class CheckoutPointsInput:
    idempotency_key: str
    member: MemberRefInput
    external_id: str = strawberry.field(description="The till's transaction id.")
    basket_amount: int = strawberry.field(description="Minor units.")
    currency: str
    points: int | None = strawberry.field(
        default=None, description="Spend at most this many (default: what the basket needs)."
    )
    allow_partial: bool = strawberry.field(
        default=True, description="A member short of points pays what they have."
    )


@strawberry.type(description="Points paid at a till.")
class CheckoutPaid:
    points_used: int
    amount_covered: int = strawberry.field(description="Minor units taken off the basket.")
    amount_due: int = strawberry.field(description="Minor units left to pay otherwise.")
    currency: str
    transaction: PointsTransaction
    replayed: bool


CheckoutResult = Annotated[
    CheckoutPaid
    | InsufficientPointsError
    | MemberNotFoundError
    | InvalidInputError
    | IdempotencyKeyReusedError
    | CheckoutAlreadyRecordedError
    | TermsNotAcceptedError
    | NotAMemberAccountError,
    strawberry.union("CheckoutResult"),
]


@strawberry.type(description="Points per currency unit when paying at the till.")
class CheckoutRate:
    currency: str
    points_per_unit: int
    minor_digits: int


SetCheckoutRateResult = Annotated[
    CheckoutRate | InvalidInputError, strawberry.union("SetCheckoutRateResult")
]


@strawberry.type(description="Cashback a redemption owes a member, to be paid by an integration.")
class CashbackCredit(relay.Node):
    id: relay.NodeID[int]
    member_id: relay.GlobalID
    amount: int = strawberry.field(description="Minor units of `currency`.")
    currency: str
    created_at: dt.datetime
    paid_at: dt.datetime | None
    payment_reference: str | None

    @classmethod
    def from_model(cls, c: models.CashbackCredit) -> "CashbackCredit":
        return cls(
            id=c.id, member_id=relay.GlobalID("Member", str(c.member_id)), amount=c.amount,
            currency=c.currency, created_at=c.created_at, paid_at=c.paid_at,
            payment_reference=c.payment_reference,
        )  # fmt: skip

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list["CashbackCredit | None"]:
        """Only through the cashback API (integrations), never as a node."""
        return await policy.visible_nodes(
            info, node_ids, access=policy.Access.CASHBACK_CREDITS,
            load=lambda _viewer, ids: _nothing(ids), convert=lambda c: c,
        )  # fmt: skip


@strawberry.type
class CashbackCreditConnection(relay.Connection[CashbackCredit]):
    pass


CashbackPaidResult = Annotated[
    CashbackCredit | CashbackNotPayableError | InvalidInputError,
    strawberry.union("CashbackPaidResult"),
]


async def _nothing(ids: list[int]) -> list[None]:
    return [None for _ in ids]
