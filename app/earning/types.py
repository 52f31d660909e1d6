import datetime as dt
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry import relay

from app.earning import models
from app.graphql.errors import (
    EventLimitReachedError,
    IdempotencyKeyReusedError,
    InvalidInputError,
    MemberNotFoundError,
    PurchaseAlreadyRecordedError,
    PurchaseNotFoundError,
    RefundAlreadyRecordedError,
    RefundExceedsPurchaseError,
    UnknownEventTypeError,
)
from app.ledger.types import (
    AdjustmentAlreadyDecidedError,
    AdjustmentApproval,
    AdjustmentNotFoundError,
    NotAMemberAccountError,
    PointsTransaction,
    SelfAdjustmentForbiddenError,
    SelfApprovalForbiddenError,
)
from app.program.types import TermsNotAcceptedError

Rounding = strawberry.enum(models.Rounding, name="Rounding")
ExpiryMode = strawberry.enum(models.ExpiryMode, name="ExpiryMode")
ExpiryPeriod = strawberry.enum(models.ExpiryPeriod, name="ExpiryPeriod")
MultiplierTarget = strawberry.enum(models.MultiplierTarget, name="MultiplierTarget")


@strawberry.input(description="Who bought: exactly one of the three references.")
class MemberRefInput:
    id: relay.GlobalID | None = strawberry.field(default=None, description="Member global id.")
    external_ref: str | None = strawberry.field(default=None, description="The CRM's id.")
    card_number: str | None = strawberry.field(default=None, description="Loyalty card.")


@strawberry.input
class PurchaseLineInput:
    amount: int = strawberry.field(description="Minor units for the whole line.")
    sku: str | None = None
    category: str | None = None
    quantity: int = 1


@strawberry.input(description="A purchase as the till saw it. Amounts in minor units (cents).")
class PurchaseInput:
    idempotency_key: str = strawberry.field(
        description="8-128 of [A-Za-z0-9._:-]; a retry with the same key gets the same answer."
    )
    member: MemberRefInput
    source: str = strawberry.field(description="The system reporting it, e.g. 'pos-eu'.")
    external_id: str = strawberry.field(description="The receipt id, unique per source.")
    amount: int
    currency: str
    occurred_at: dt.datetime
    store: str | None = None
    lines: list[PurchaseLineInput] | None = strawberry.field(
        default=None, description="If given, their amounts add up to `amount`."
    )


@strawberry.type(description="A purchase reported by an integration.")
class Purchase:
    id: relay.GlobalID
    source: str
    external_id: str
    amount: int
    currency: str
    occurred_at: dt.datetime
    store: str | None
    points_earned: int
    refunded_amount: int
    points_clawed_back: int
    points_awaiting_terms: int = strawberry.field(
        default=0,
        description="Points held until the member accepts the program terms (then credited "
        "and counted in pointsEarned).",
    )


@strawberry.type(description="The purchase is recorded (or was already, for this key).")
class PurchaseRecorded:
    purchase: Purchase
    transaction: PointsTransaction
    replayed: bool = strawberry.field(description="True when this answers a retry.")
    points_deferred: bool = strawberry.field(
        default=False,
        description="True: the member has not accepted the program terms yet; the sale is "
        "recorded and its points are credited when they accept (tell them at the till).",
    )


RecordPurchaseResult = Annotated[
    PurchaseRecorded
    | InvalidInputError
    | MemberNotFoundError
    | IdempotencyKeyReusedError
    | PurchaseAlreadyRecordedError
    | NotAMemberAccountError,
    strawberry.union("RecordPurchaseResult"),
]


@strawberry.input(description="Money given back on a recorded purchase, partly or fully.")
class RefundInput:
    idempotency_key: str
    source: str
    purchase_external_id: str
    external_id: str = strawberry.field(description="The refund's own id, unique per purchase.")
    amount: int
    occurred_at: dt.datetime


@strawberry.type
class RefundRecorded:
    refund_id: relay.GlobalID
    points_clawed_back: int
    purchase: Purchase
    transaction: PointsTransaction | None
    replayed: bool


RecordRefundResult = Annotated[
    RefundRecorded
    | InvalidInputError
    | PurchaseNotFoundError
    | RefundExceedsPurchaseError
    | RefundAlreadyRecordedError
    | IdempotencyKeyReusedError,
    strawberry.union("RecordRefundResult"),
]


@strawberry.input(description="An action a member took, of a type staff configured.")
class EventInput:
    idempotency_key: str
    member: MemberRefInput
    event_type: str
    external_id: str = strawberry.field(description="The action's id (e.g. the review id).")
    occurred_at: dt.datetime


@strawberry.type
class EventRecorded:
    points: int
    transaction: PointsTransaction
    replayed: bool


RecordEventResult = Annotated[
    EventRecorded
    | InvalidInputError
    | MemberNotFoundError
    | UnknownEventTypeError
    | EventLimitReachedError
    | IdempotencyKeyReusedError
    | TermsNotAcceptedError
    | NotAMemberAccountError,
    strawberry.union("RecordEventResult"),
]


@strawberry.input(description="A staff correction; the reason is kept with who made it.")
class AdjustPointsInput:
    member: relay.GlobalID
    points: int = strawberry.field(description="Positive to credit, negative to debit.")
    reason: str
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="8-128 of [A-Za-z0-9._:-], kept per staff member: a retry (after a "
        "timeout or SERVICE_UNAVAILABLE) with the same key and the same correction gets the "
        "first answer back, the same transaction or request, and posts nothing more; with "
        "another correction IdempotencyKeyReused. Without it every call is a new correction.",
    )


@strawberry.type(
    description="The correction is larger than ADJUSTMENT_APPROVAL_POINTS: it is recorded "
    "and waits for another admin's approval (approveAdjustment); nothing is posted yet."
)
class AdjustmentPendingApproval:
    approval: AdjustmentApproval = strawberry.field(
        description="The request, for approveAdjustment or rejectAdjustment."
    )
    replayed: bool = strawberry.field(
        default=False,
        description="True for a retry with the same idempotency key: the request the first "
        "call made (as it stands now), not a new one.",
    )


AdjustPointsResult = Annotated[
    PointsTransaction
    | AdjustmentPendingApproval
    | InvalidInputError
    | MemberNotFoundError
    | SelfAdjustmentForbiddenError
    | NotAMemberAccountError
    | IdempotencyKeyReusedError,
    strawberry.union("AdjustPointsResult"),
]

ApproveAdjustmentResult = Annotated[
    AdjustmentApproval
    | AdjustmentNotFoundError
    | AdjustmentAlreadyDecidedError
    | SelfApprovalForbiddenError
    | SelfAdjustmentForbiddenError
    | NotAMemberAccountError
    | MemberNotFoundError
    | InvalidInputError,
    strawberry.union("ApproveAdjustmentResult"),
]

RejectAdjustmentResult = Annotated[
    AdjustmentApproval
    | AdjustmentNotFoundError
    | AdjustmentAlreadyDecidedError
    | InvalidInputError,
    strawberry.union("RejectAdjustmentResult"),
]


@strawberry.type
class ReferralApplied:
    ok: bool = True


ApplyReferralCodeResult = Annotated[
    ReferralApplied | InvalidInputError, strawberry.union("ApplyReferralCodeResult")
]


# ---- staff configuration --------------------------------------------------------------------


@strawberry.type(description="Program-wide earning settings.")
class EarningPolicy:
    rounding: Rounding
    daily_cap: int | None
    weekly_cap: int | None
    monthly_cap: int | None
    hold_days: int
    expiry_mode: ExpiryMode
    expiry_months: int
    expiry_period: ExpiryPeriod
    signup_bonus: int
    birthday_bonus: int
    referrer_points: int
    referee_points: int
    referral_minimum_spend: int
    referral_monthly_cap: int


@strawberry.input(description="Only the fields given change; null clears a cap.")
class EarningPolicyInput:
    rounding: Rounding | None = strawberry.UNSET
    daily_cap: int | None = strawberry.UNSET
    weekly_cap: int | None = strawberry.UNSET
    monthly_cap: int | None = strawberry.UNSET
    hold_days: int | None = strawberry.UNSET
    expiry_mode: ExpiryMode | None = strawberry.UNSET
    expiry_months: int | None = strawberry.UNSET
    expiry_period: ExpiryPeriod | None = strawberry.UNSET
    signup_bonus: int | None = strawberry.UNSET
    birthday_bonus: int | None = strawberry.UNSET
    referrer_points: int | None = strawberry.UNSET
    referee_points: int | None = strawberry.UNSET
    referral_minimum_spend: int | None = strawberry.UNSET
    referral_monthly_cap: int | None = strawberry.UNSET


@strawberry.type
class CurrencyRate:
    currency: str
    points_per_unit: Decimal
    minor_digits: int
    minimum_spend: int


@strawberry.input
class CurrencyRateInput:
    currency: str
    points_per_unit: Decimal
    minor_digits: int = 2
    minimum_spend: int = 0


@strawberry.type
class EarningMultiplier:
    id: relay.GlobalID = strawberry.field(description="Pass to removeEarningMultiplier.")
    target: MultiplierTarget
    value: str
    multiplier: Decimal


@strawberry.input(description="Extra (or fewer: 0 excludes) points on a category or SKU.")
class EarningMultiplierInput:
    target: MultiplierTarget
    value: str
    multiplier: Decimal


@strawberry.type
class BonusWindow:
    id: relay.GlobalID = strawberry.field(description="Pass to removeBonusWindow.")
    name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    multiplier: Decimal


@strawberry.input
class BonusWindowInput:
    name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    multiplier: Decimal


@strawberry.type
class EventType:
    code: str
    name: str
    points: int
    daily_limit: int | None
    total_limit: int | None
    active: bool


@strawberry.input
class EventTypeInput:
    code: str
    name: str
    points: int
    daily_limit: int | None = None
    total_limit: int | None = None
    active: bool = True


@strawberry.type(description="Everything that decides how points are earned.")
class EarningRules:
    policy: EarningPolicy
    currencies: list[CurrencyRate]
    multipliers: list[EarningMultiplier]
    bonus_windows: list[BonusWindow]
    event_types: list[EventType]


EarningRulesResult = Annotated[
    EarningRules | InvalidInputError, strawberry.union("EarningRulesResult")
]
