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
from app.graphql.enums import described_enum
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
from app.rewards.service import Availability, availability, unavailable_reason

RewardKind = described_enum(
    models.RewardKind,
    name="RewardKind",
    description="What a reward gives.",
    values={
        "DISCOUNT_VOUCHER": "A voucher for percent or amount off, maybe above a minimum basket.",
        "FREE_PRODUCT": "A voucher for one product (`sku`) for free.",
        "UPGRADE": "An upgrade (a room, a seat), shown as a voucher.",
        "EXCLUSIVE_ACCESS": "An entitlement (an event ticket, an early-access window).",
        "CASHBACK": "Money an integration pays out (`cashbackAmount`).",
    },
)
LimitPeriod = described_enum(
    models.LimitPeriod,
    name="LimitPeriod",
    description="The calendar period a per-member redemption limit counts over.",
    values={"DAY": "Per day.", "WEEK": "Per week.", "MONTH": "Per month.", "YEAR": "Per year."},
)
RedemptionStatus = described_enum(
    models.RedemptionStatus,
    name="RedemptionStatus",
    description="Where a redemption stands.",
    values={
        "ISSUED": "Points spent; vouchers or cashback issued.",
        "CANCELLED": "Cancelled; the points were given back.",
    },
)


# ---- errors -----------------------------------------------------------------------------------


@error_type(errors.RewardUnavailable, description="Unknown, archived, not started or ended.")
class RewardUnavailableError(UserError):
    reason: str = strawberry.field(description="NOT_FOUND, ARCHIVED, NOT_STARTED or ENDED.")


@error_type(errors.OutOfStock, description="Not enough units left; nothing was booked.")
class OutOfStockError(UserError):
    stock_left: int = strawberry.field(description="Units still available.")


@error_type(errors.LimitReached, description="The member's redemption limit for this reward.")
class LimitReachedError(UserError):
    limit: int = strawberry.field(description="Units allowed per member (in the period).")
    period: LimitPeriod | None = strawberry.field(description="Null: a lifetime limit.")


@error_type(errors.NotEligible, description="The reward is for members of a higher tier.")
class NotEligibleError(UserError):
    reason: str = strawberry.field(description="TIER.")
    tier: str = strawberry.field(description="The name of the tier it needs.")


@error_type(errors.RedemptionNotFound, description="No redemption with this id that you may see.")
class RedemptionNotFoundError(UserError):
    pass


@error_type(
    errors.RedemptionNotCancellable, description="The redemption can no longer be cancelled."
)
class RedemptionNotCancellableError(UserError):
    reason: str = strawberry.field(description="ALREADY_CANCELLED, VOUCHER_USED or CASHBACK_PAID.")


@error_type(errors.VoucherNotFound, description="No voucher with this code.")
class VoucherNotFoundError(UserError):
    pass


@error_type(errors.VoucherNotUsable, description="The voucher exists but cannot be used now.")
class VoucherNotUsableError(UserError):
    reason: str = strawberry.field(description="USED, EXPIRED, CANCELLED or BASKET_TOO_SMALL.")


@error_type(
    errors.CheckoutAlreadyRecorded,
    description="This till transaction was paid with points already, under another "
    "idempotency key; nothing was booked twice.",
)
class CheckoutAlreadyRecordedError(UserError):
    pass


@error_type(errors.CashbackNotPayable, description="The cashback cannot be marked paid.")
class CashbackNotPayableError(UserError):
    reason: str = strawberry.field(description="NOT_FOUND, ALREADY_PAID or CANCELLED.")


# ---- rewards ----------------------------------------------------------------------------------


@strawberry.type(description="Why a reward cannot be redeemed now.")
class RedeemBlock:
    code: str = strawberry.field(
        description="INSUFFICIENT_POINTS, OUT_OF_STOCK, LIMIT_REACHED, NOT_ELIGIBLE or "
        "REWARD_UNAVAILABLE."
    )
    message: str = strawberry.field(description="Why, in the viewer's language.")


@strawberry.type(description="A reward's texts in one language.")
class RewardText:
    locale: str = strawberry.field(description="`en`, `nl` or `es`.")
    title: str = strawberry.field(description="The title in this language.")
    description: str = strawberry.field(description="The description (may be empty).")
    terms: str = strawberry.field(description="The small print (may be empty).")


@strawberry.type(description="Something members spend points on.")
class Reward(relay.Node):
    id: relay.NodeID[int]
    kind: RewardKind = strawberry.field(description="What the reward gives.")
    category: str = strawberry.field(description="Catalog category, lower-case.")
    points_cost: int = strawberry.field(description="Points one unit costs.")
    stock_left: int | None = strawberry.field(description="Units left; null = unlimited.")
    per_member_limit: int | None = strawberry.field(description="Units per member, ever.")
    period_limit: int | None = strawberry.field(description="Units per member per period.")
    limit_period: LimitPeriod | None = strawberry.field(
        description="The period `periodLimit` counts over; null: no period limit."
    )
    valid_from: dt.datetime | None = strawberry.field(
        description="Redeemable from then; null: already."
    )
    valid_until: dt.datetime | None = strawberry.field(
        description="Redeemable until then; null: no end."
    )
    image_url: str | None = strawberry.field(description="An image to show; null: none.")
    percent_off: int | None = strawberry.field(
        description="Discount vouchers: percent off the basket (1-100); null otherwise."
    )
    amount_off: int | None = strawberry.field(description="Minor units of `currency`.")
    minimum_basket: int | None = strawberry.field(description="Minor units of `currency`.")
    currency: str | None = strawberry.field(
        description="ISO 4217 code of the money amounts; null when there are none."
    )
    sku: str | None = strawberry.field(description="Free-product rewards: the product.")
    entitlement: str | None = strawberry.field(
        description="Exclusive-access rewards: what it grants (a ticket, an access window)."
    )
    access_starts_at: dt.datetime | None = strawberry.field(
        description="Exclusive-access rewards: when the access starts."
    )
    access_ends_at: dt.datetime | None = strawberry.field(
        description="Exclusive-access rewards: when the access ends."
    )
    cashback_amount: int | None = strawberry.field(description="Minor units of `currency`.")
    archived: bool = strawberry.field(
        description="True once staff archived it (no longer redeemable)."
    )
    min_tier_id: strawberry.Private[int | None]
    texts_by_locale: strawberry.Private[dict]
    availability: strawberry.Private[Availability | None] = None

    @strawberry.field(description="In the viewer's language (English when not translated).")
    async def title(self, info: Info[Context, None]) -> str:
        return await self._text(info, "title")

    @strawberry.field(description="In the viewer's language (English when not translated).")
    async def description(self, info: Info[Context, None]) -> str:
        return await self._text(info, "description")

    @strawberry.field(description="The small print, in the viewer's language; may be empty.")
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
        """Signed-in members see rewards on offer (with whether they can redeem them), as the
        catalog lists them; staff see archived, future and ended ones too."""

        async def load(viewer, ids: list[int]) -> list:
            loaded = await info.context.loaders.rewards.reward.load_many(ids)
            drafts = policy.allows(viewer, policy.Access.CATALOG_DRAFTS)
            at = clock.now()  # members: what the catalog lists (not archived, started, not ended)
            visible = [
                r for r in loaded if r is not None and (drafts or unavailable_reason(r, at) is None)
            ]
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


@strawberry.type(description="A page of the reward catalog.")
class RewardConnection(relay.Connection[Reward]):
    pass


# ---- redemptions ------------------------------------------------------------------------------


@strawberry.enum(description="Where a voucher stands.")
class VoucherStatus(Enum):
    ACTIVE = strawberry.enum_value("active", description="Usable until `expiresAt`.")
    USED = strawberry.enum_value("used", description="Used at a till or the door.")
    EXPIRED = strawberry.enum_value("expired", description="Not used in time.")
    CANCELLED = strawberry.enum_value("cancelled", description="Its redemption was cancelled.")


@strawberry.type(description="A code to show at the till or the door; usable once.")
class Voucher:
    expires_at: dt.datetime = strawberry.field(description="Last moment it can be used (UTC).")
    used_at: dt.datetime | None = strawberry.field(description="When it was used; null: not yet.")
    status: VoucherStatus = strawberry.field(description="Where the voucher stands.")
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
    quantity: int = strawberry.field(description="Units redeemed.")
    points: int = strawberry.field(description="Points spent, in total.")
    status: RedemptionStatus = strawberry.field(description="Issued or cancelled.")
    created_at: dt.datetime = strawberry.field(description="When it was redeemed (UTC).")
    cancelled_at: dt.datetime | None = strawberry.field(
        description="When it was cancelled; null: it was not."
    )
    member_id: strawberry.Private[int]
    reward_id: strawberry.Private[int]
    transaction_id: strawberry.Private[int]

    @strawberry.field(description="The reward redeemed.")
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


@strawberry.type(description="A page of redemptions, newest first.")
class RedemptionConnection(relay.Connection[Redemption]):
    pass


# ---- inputs and results -----------------------------------------------------------------------


@strawberry.input(description="Spend points on a reward.")
class RedeemRewardInput:
    reward_id: relay.GlobalID = strawberry.field(description="The reward's global id.")
    quantity: int = strawberry.field(default=1, description="Units to redeem (default 1).")
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
    strawberry.union(
        "RedeemRewardResult",
        description="The redemption, or why the reward cannot be redeemed (nothing was booked).",
    ),
]

CancelRedemptionResult = Annotated[
    Redemption | RedemptionNotFoundError | RedemptionNotCancellableError | InvalidInputError,
    strawberry.union(
        "CancelRedemptionResult",
        description="The cancelled redemption (points given back), or why it cannot be cancelled.",
    ),
]


@strawberry.input(description="Texts of a reward in one language.")
class RewardTextInput:
    locale: str = strawberry.field(description="`en`, `nl` or `es`.")
    title: str = strawberry.field(description="The title in this language.")
    description: str = strawberry.field(default="", description="The description (optional).")
    terms: str = strawberry.field(default="", description="The small print (optional).")


@strawberry.input(description="A reward's settings. Money in minor units of `currency`.")
class RewardInput:
    kind: RewardKind | None = strawberry.field(
        default=None, description="What it gives; required when creating."
    )
    category: str | None = strawberry.field(
        default=None, description="Catalog category; required when creating."
    )
    points_cost: int | None = strawberry.field(
        default=None, description="Points per unit (positive); required when creating."
    )
    stock: int | None = strawberry.field(
        default=None, description="Units on offer; leave empty for unlimited (create only)."
    )
    per_member_limit: int | None = strawberry.field(
        default=None, description="Units per member, ever."
    )
    period_limit: int | None = strawberry.field(
        default=None, description="Units per member per `limitPeriod`."
    )
    limit_period: LimitPeriod | None = strawberry.field(
        default=None, description="The period `periodLimit` counts over."
    )
    valid_from: dt.datetime | None = strawberry.field(
        default=None, description="Redeemable from then."
    )
    valid_until: dt.datetime | None = strawberry.field(
        default=None, description="Redeemable until then."
    )
    texts: list[RewardTextInput] | None = strawberry.field(
        default=None, description="`en` is required; `nl` and `es` optional."
    )
    image_url: str | None = strawberry.field(default=None, description="An https image URL.")
    percent_off: int | None = strawberry.field(
        default=None, description="Discount vouchers: percent off (1-100)."
    )
    amount_off: int | None = strawberry.field(
        default=None, description="Discount vouchers: amount off, in minor units of `currency`."
    )
    minimum_basket: int | None = strawberry.field(
        default=None, description="Discount vouchers: least basket, in minor units."
    )
    currency: str | None = strawberry.field(
        default=None, description="ISO 4217 code of the money amounts."
    )
    sku: str | None = strawberry.field(
        default=None, description="Free-product rewards: the product."
    )
    entitlement: str | None = strawberry.field(
        default=None, description="Exclusive-access rewards: what it grants."
    )
    access_starts_at: dt.datetime | None = strawberry.field(
        default=None, description="Exclusive-access rewards: when access starts."
    )
    access_ends_at: dt.datetime | None = strawberry.field(
        default=None, description="Exclusive-access rewards: when access ends."
    )
    cashback_amount: int | None = strawberry.field(
        default=None, description="Cashback rewards: amount paid out, in minor units."
    )
    voucher_prefix: str | None = strawberry.field(default=None, description="Up to 8 A-Z/0-9.")
    voucher_pattern: str | None = strawberry.field(
        default=None, description="X = a random character, at least 10; e.g. XXXX-XXXX-XXXX."
    )
    voucher_valid_days: int | None = strawberry.field(
        default=None, description="Days a voucher stays usable after redemption."
    )
    min_tier: str | None = strawberry.field(
        default=None, description="A tier code: only that tier and higher may redeem."
    )


@strawberry.type(description="A reward created or changed by staff.")
class RewardSaved:
    reward: Reward = strawberry.field(description="The reward as saved.")


SaveRewardResult = Annotated[
    RewardSaved | InvalidInputError | RewardUnavailableError,
    strawberry.union("SaveRewardResult", description="The saved reward, or why it was not saved."),
]


@strawberry.type(description="A voucher as a till sees it.")
class VoucherCheck:
    voucher: Voucher = strawberry.field(description="The voucher.")
    reward: Reward = strawberry.field(description="The reward it was issued for.")
    member_id: relay.GlobalID = strawberry.field(description="The holder's global id.")
    discount_amount: int | None = strawberry.field(
        description="Off the basket sent, for discount vouchers (minor units)."
    )
    replayed: bool = strawberry.field(description="True when this answers a retry.")


@strawberry.input(description="Use a voucher at a till or the door.")
class ConsumeVoucherInput:
    code: str = strawberry.field(description="The voucher code as shown or scanned.")
    reference: str = strawberry.field(description="The till's receipt or transaction id.")
    basket_amount: int | None = strawberry.field(default=None, description="Minor units.")
    currency: str | None = strawberry.field(
        default=None, description="ISO 4217 code of `basketAmount`."
    )


VoucherResult = Annotated[
    VoucherCheck | VoucherNotFoundError | VoucherNotUsableError | InvalidInputError,
    strawberry.union(
        "VoucherResult",
        description="The voucher as the till sees it, or why the code cannot be used.",
    ),
]


@strawberry.input(description="Pay (part of) a basket with the member's points.")
class CheckoutPointsInput:
    idempotency_key: str = strawberry.field(
        description="Unique per attempt; a retry with the same key returns the first answer."
    )
    member: MemberRefInput = strawberry.field(description="Whose points pay.")
    external_id: str = strawberry.field(description="The till's transaction id.")
    basket_amount: int = strawberry.field(description="Minor units.")
    currency: str = strawberry.field(description="ISO 4217 code of the basket.")
    points: int | None = strawberry.field(
        default=None, description="Spend at most this many (default: what the basket needs)."
    )
    allow_partial: bool = strawberry.field(
        default=True, description="A member short of points pays what they have."
    )


@strawberry.type(description="Points paid at a till.")
class CheckoutPaid:
    points_used: int = strawberry.field(description="Points debited.")
    amount_covered: int = strawberry.field(description="Minor units taken off the basket.")
    amount_due: int = strawberry.field(description="Minor units left to pay otherwise.")
    currency: str = strawberry.field(description="ISO 4217 code of the amounts.")
    transaction: PointsTransaction = strawberry.field(description="The debit.")
    replayed: bool = strawberry.field(description="True when this answers a retry.")


CheckoutResult = Annotated[
    CheckoutPaid
    | InsufficientPointsError
    | MemberNotFoundError
    | InvalidInputError
    | IdempotencyKeyReusedError
    | CheckoutAlreadyRecordedError
    | TermsNotAcceptedError
    | NotAMemberAccountError,
    strawberry.union(
        "CheckoutResult",
        description="The points paid at the till, or why not (nothing was booked).",
    ),
]


@strawberry.type(description="Points per currency unit when paying at the till.")
class CheckoutRate:
    currency: str = strawberry.field(description="ISO 4217 code.")
    points_per_unit: int = strawberry.field(
        description="Points one major unit (for example 1 EUR) costs."
    )
    minor_digits: int = strawberry.field(description="Minor-unit digits (2 for EUR, 0 for JPY).")


SetCheckoutRateResult = Annotated[
    CheckoutRate | InvalidInputError,
    strawberry.union(
        "SetCheckoutRateResult", description="The checkout rate as saved, or the rejected fields."
    ),
]


@strawberry.type(description="Cashback a redemption owes a member, to be paid by an integration.")
class CashbackCredit(relay.Node):
    id: relay.NodeID[int]
    member_id: relay.GlobalID = strawberry.field(description="The member's global id.")
    amount: int = strawberry.field(description="Minor units of `currency`.")
    currency: str = strawberry.field(description="ISO 4217 code.")
    created_at: dt.datetime = strawberry.field(description="When it was owed (UTC).")
    paid_at: dt.datetime | None = strawberry.field(description="When paid; null: not yet.")
    payment_reference: str | None = strawberry.field(
        description="The payer's reference, given when marked paid."
    )

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


@strawberry.type(description="A page of cashback credits.")
class CashbackCreditConnection(relay.Connection[CashbackCredit]):
    pass


CashbackPaidResult = Annotated[
    CashbackCredit | CashbackNotPayableError | InvalidInputError,
    strawberry.union(
        "CashbackPaidResult", description="The cashback credit marked paid, or why it cannot be."
    ),
]


async def _nothing(ids: list[int]) -> list[None]:
    return [None for _ in ids]
