import datetime as dt
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry import relay

from app.earning import models
from app.graphql.enums import described_enum
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

Rounding = described_enum(
    models.Rounding,
    name="Rounding",
    description="How fractional points round.",
    values={
        "DOWN": "Drop the fraction.",
        "NEAREST": "Round half up.",
        "UP": "Any fraction earns a whole point.",
    },
)
ExpiryMode = described_enum(
    models.ExpiryMode,
    name="ExpiryMode",
    description="When earned points expire.",
    values={
        "NEVER": "Points never expire.",
        "MONTHS_AFTER_EARNING": "`expiryMonths` after they were earned.",
        "END_OF_PERIOD": "At the end of the `expiryPeriod` holding earned date + `expiryMonths`.",
    },
)
ExpiryPeriod = described_enum(
    models.ExpiryPeriod,
    name="ExpiryPeriod",
    description="A calendar period points expire at the end of.",
    values={"MONTH": "Calendar month.", "QUARTER": "Calendar quarter.", "YEAR": "Calendar year."},
)
MultiplierTarget = described_enum(
    models.MultiplierTarget,
    name="MultiplierTarget",
    description="What an earning multiplier matches on purchase lines.",
    values={"CATEGORY": "The line's product category.", "SKU": "The line's SKU."},
)


@strawberry.input(description="Who bought: exactly one of the three references.")
class MemberRefInput:
    id: relay.GlobalID | None = strawberry.field(default=None, description="Member global id.")
    external_ref: str | None = strawberry.field(default=None, description="The CRM's id.")
    card_number: str | None = strawberry.field(default=None, description="Loyalty card.")


@strawberry.input(description="One line of a receipt; lines drive category and SKU multipliers.")
class PurchaseLineInput:
    amount: int = strawberry.field(description="Minor units for the whole line.")
    sku: str | None = strawberry.field(
        default=None, description="The product's SKU; null: unknown."
    )
    category: str | None = strawberry.field(
        default=None, description="The product's category; null: unknown."
    )
    quantity: int = strawberry.field(default=1, description="Units on the line, at least 1.")


@strawberry.input(description="A purchase as the till saw it. Amounts in minor units (cents).")
class PurchaseInput:
    idempotency_key: str = strawberry.field(
        description="8-128 of [A-Za-z0-9._:-]; a retry with the same key gets the same answer."
    )
    member: MemberRefInput = strawberry.field(description="Who bought.")
    source: str = strawberry.field(description="The system reporting it, e.g. 'pos-eu'.")
    external_id: str = strawberry.field(description="The receipt id, unique per source.")
    amount: int = strawberry.field(description="The total paid, in minor units (cents); positive.")
    currency: str = strawberry.field(
        description="ISO 4217 code of a currency the program accepts (see earningRules.currencies)."
    )
    occurred_at: dt.datetime = strawberry.field(
        description="When the sale happened (UTC); not in the future."
    )
    store: str | None = strawberry.field(
        default=None, description="The store's name or code; null: unknown."
    )
    lines: list[PurchaseLineInput] | None = strawberry.field(
        default=None, description="If given, their amounts add up to `amount`."
    )


@strawberry.type(description="A purchase reported by an integration.")
class Purchase(relay.Node):
    id: relay.NodeID[int]
    source: str = strawberry.field(description="The system that reported it.")
    external_id: str = strawberry.field(description="The receipt id, unique per source.")
    amount: int = strawberry.field(description="Total paid, in minor units.")
    currency: str = strawberry.field(description="ISO 4217 code.")
    occurred_at: dt.datetime = strawberry.field(description="When the sale happened (UTC).")
    store: str | None = strawberry.field(description="The store; null: unknown.")
    points_earned: int = strawberry.field(description="Points credited for it.")
    refunded_amount: int = strawberry.field(description="Minor units refunded so far.")
    points_clawed_back: int = strawberry.field(description="Points taken back by refunds so far.")
    points_awaiting_terms: int = strawberry.field(
        default=0,
        description="Points held until the member accepts the program terms (then credited "
        "and counted in pointsEarned).",
    )

    @classmethod
    def from_model(cls, p: models.Purchase) -> "Purchase":
        return cls(
            id=p.id, source=p.source, external_id=p.external_id, amount=p.amount,
            currency=p.currency, occurred_at=p.occurred_at, store=p.store,
            points_earned=p.points_earned, refunded_amount=p.refunded_amount,
            points_clawed_back=p.points_clawed_back,
            points_awaiting_terms=p.points_awaiting_terms,
        )  # fmt: skip

    @classmethod
    async def resolve_nodes(
        cls, *, info, node_ids, required: bool = False
    ) -> list["Purchase | None"]:
        """For `node(id:)`: the member's own purchases; admins and support see any (the
        points-movement rule, Access.TRANSACTIONS)."""
        from app.earning.service import purchases_by_ids
        from app.graphql import policy

        return await policy.visible_nodes(
            info, node_ids, access=policy.Access.TRANSACTIONS,
            load=lambda viewer, ids: purchases_by_ids(ids),
            owner=lambda p: p.member_id, convert=cls.from_model,
        )  # fmt: skip


@strawberry.type(description="The purchase is recorded (or was already, for this key).")
class PurchaseRecorded:
    purchase: Purchase = strawberry.field(description="The recorded purchase.")
    transaction: PointsTransaction = strawberry.field(
        description="The points transaction it booked (0 points while deferred)."
    )
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
    strawberry.union(
        "RecordPurchaseResult",
        description="PurchaseRecorded, or a typed error: IdempotencyKeyReused, InvalidInput, MemberNotFound, NotAMemberAccount, PurchaseAlreadyRecorded.",
    ),
]


@strawberry.input(description="Money given back on a recorded purchase, partly or fully.")
class RefundInput:
    idempotency_key: str = strawberry.field(
        description="8-128 of [A-Za-z0-9._:-]; a retry with the same key gets the same answer."
    )
    source: str = strawberry.field(description="The system reporting it; the purchase's source.")
    purchase_external_id: str = strawberry.field(
        description="The refunded purchase's receipt id (PurchaseNotFound otherwise)."
    )
    external_id: str = strawberry.field(description="The refund's own id, unique per purchase.")
    amount: int = strawberry.field(
        description="Minor units given back; together with earlier refunds at most the purchase's amount (RefundExceedsPurchase)."
    )
    occurred_at: dt.datetime = strawberry.field(description="When the refund happened (UTC).")


@strawberry.type(description="The refund is recorded (or was already, for this key).")
class RefundRecorded:
    refund_id: relay.GlobalID = strawberry.field(description="The refund's global id.")
    points_clawed_back: int = strawberry.field(
        description="Points taken back for this refund, in proportion to the amount."
    )
    purchase: Purchase = strawberry.field(description="The purchase, with its refunded totals.")
    transaction: PointsTransaction | None = strawberry.field(
        description="The debit it booked; null: nothing to take back."
    )
    replayed: bool = strawberry.field(description="True when this answers a retry.")


RecordRefundResult = Annotated[
    RefundRecorded
    | InvalidInputError
    | PurchaseNotFoundError
    | RefundExceedsPurchaseError
    | RefundAlreadyRecordedError
    | IdempotencyKeyReusedError,
    strawberry.union(
        "RecordRefundResult",
        description="RefundRecorded, or a typed error: IdempotencyKeyReused, InvalidInput, PurchaseNotFound, RefundAlreadyRecorded, RefundExceedsPurchase.",
    ),
]


@strawberry.input(description="An action a member took, of a type staff configured.")
class EventInput:
    idempotency_key: str = strawberry.field(
        description="8-128 of [A-Za-z0-9._:-]; a retry with the same key gets the same answer."
    )
    member: MemberRefInput = strawberry.field(description="Who did it.")
    event_type: str = strawberry.field(
        description="An active event type's code (UnknownEventType otherwise)."
    )
    external_id: str = strawberry.field(description="The action's id (e.g. the review id).")
    occurred_at: dt.datetime = strawberry.field(description="When it happened (UTC).")


@strawberry.type(description="The action is recorded (or was already, for this key).")
class EventRecorded:
    points: int = strawberry.field(description="Points credited for the action.")
    transaction: PointsTransaction = strawberry.field(
        description="The points transaction it booked."
    )
    replayed: bool = strawberry.field(description="True when this answers a retry.")


RecordEventResult = Annotated[
    EventRecorded
    | InvalidInputError
    | MemberNotFoundError
    | UnknownEventTypeError
    | EventLimitReachedError
    | IdempotencyKeyReusedError
    | TermsNotAcceptedError
    | NotAMemberAccountError,
    strawberry.union(
        "RecordEventResult",
        description="EventRecorded, or a typed error: EventLimitReached, IdempotencyKeyReused, InvalidInput, MemberNotFound, NotAMemberAccount, TermsNotAccepted, UnknownEventType.",
    ),
]


@strawberry.input(description="A staff correction; the reason is kept with who made it.")
class AdjustPointsInput:
    member: relay.GlobalID = strawberry.field(description="The member's global id.")
    points: int = strawberry.field(description="Positive to credit, negative to debit.")
    reason: str = strawberry.field(
        description="Why, kept with who made the correction and shown in the member's history."
    )
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
    strawberry.union(
        "AdjustPointsResult",
        description="PointsTransaction, or a typed error: AdjustmentPendingApproval, IdempotencyKeyReused, InvalidInput, MemberNotFound, NotAMemberAccount, SelfAdjustmentForbidden.",
    ),
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
    strawberry.union(
        "ApproveAdjustmentResult",
        description="AdjustmentApproval, or a typed error: AdjustmentAlreadyDecided, AdjustmentNotFound, InvalidInput, MemberNotFound, NotAMemberAccount, SelfAdjustmentForbidden, SelfApprovalForbidden.",
    ),
]

RejectAdjustmentResult = Annotated[
    AdjustmentApproval
    | AdjustmentNotFoundError
    | AdjustmentAlreadyDecidedError
    | InvalidInputError,
    strawberry.union(
        "RejectAdjustmentResult",
        description="AdjustmentApproval, or a typed error: AdjustmentAlreadyDecided, AdjustmentNotFound, InvalidInput.",
    ),
]


@strawberry.type(
    description="The referral code is applied; points follow the first qualifying purchase."
)
class ReferralApplied:
    ok: bool = strawberry.field(default=True, description="Always true.")


ApplyReferralCodeResult = Annotated[
    ReferralApplied | InvalidInputError,
    strawberry.union(
        "ApplyReferralCodeResult", description="ReferralApplied, or a typed error: InvalidInput."
    ),
]


# ---- staff configuration --------------------------------------------------------------------


@strawberry.type(description="Program-wide earning settings.")
class EarningPolicy:
    rounding: Rounding = strawberry.field(
        description="How fractional points round on each purchase."
    )
    daily_cap: int | None = strawberry.field(
        description="Most points a member earns from purchases per day; null: no cap."
    )
    weekly_cap: int | None = strawberry.field(description="Most points per week; null: no cap.")
    monthly_cap: int | None = strawberry.field(description="Most points per month; null: no cap.")
    hold_days: int = strawberry.field(
        description="Days purchase points stay pending before they can be spent (0: at once)."
    )
    expiry_mode: ExpiryMode = strawberry.field(description="How earned points expire.")
    expiry_months: int = strawberry.field(
        description="Months after earning that points expire (with MONTHS_AFTER_EARNING / END_OF_PERIOD)."
    )
    expiry_period: ExpiryPeriod = strawberry.field(
        description="With END_OF_PERIOD: points expire at the end of this period, after `expiryMonths`."
    )
    signup_bonus: int = strawberry.field(description="Points credited on sign-up (0: none).")
    birthday_bonus: int = strawberry.field(
        description="Points credited on the member's birthday (0: none)."
    )
    referrer_points: int = strawberry.field(
        description="Points for the member whose code was used, after the friend's first qualifying purchase."
    )
    referee_points: int = strawberry.field(
        description="Points for the new member who used a code, on their first qualifying purchase."
    )
    referral_minimum_spend: int = strawberry.field(
        description="Minor units the first purchase must reach for the referral to pay out (any currency)."
    )
    referral_monthly_cap: int = strawberry.field(
        description="Most rewarded referrals per referrer per month."
    )


@strawberry.input(description="Only the fields given change; null clears a cap.")
class EarningPolicyInput:
    rounding: Rounding | None = strawberry.field(
        default=strawberry.UNSET,
        description="How fractional points round on each purchase. Omit to keep.",
    )
    daily_cap: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Most points a member earns from purchases per day; null: no cap.",
    )
    weekly_cap: int | None = strawberry.field(
        default=strawberry.UNSET, description="Most points per week; null: no cap."
    )
    monthly_cap: int | None = strawberry.field(
        default=strawberry.UNSET, description="Most points per month; null: no cap."
    )
    hold_days: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Days purchase points stay pending before they can be spent (0: at once). Omit to keep.",
    )
    expiry_mode: ExpiryMode | None = strawberry.field(
        default=strawberry.UNSET, description="How earned points expire. Omit to keep."
    )
    expiry_months: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Months after earning that points expire (with MONTHS_AFTER_EARNING / END_OF_PERIOD). Omit to keep.",
    )
    expiry_period: ExpiryPeriod | None = strawberry.field(
        default=strawberry.UNSET,
        description="With END_OF_PERIOD: points expire at the end of this period, after `expiryMonths`. Omit to keep.",
    )
    signup_bonus: int | None = strawberry.field(
        default=strawberry.UNSET, description="Points credited on sign-up (0: none). Omit to keep."
    )
    birthday_bonus: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Points credited on the member's birthday (0: none). Omit to keep.",
    )
    referrer_points: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Points for the member whose code was used, after the friend's first qualifying purchase. Omit to keep.",
    )
    referee_points: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Points for the new member who used a code, on their first qualifying purchase. Omit to keep.",
    )
    referral_minimum_spend: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Minor units the first purchase must reach for the referral to pay out (any currency). Omit to keep.",
    )
    referral_monthly_cap: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Most rewarded referrals per referrer per month. Omit to keep.",
    )


@strawberry.type(description="A currency the program accepts and what it earns.")
class CurrencyRate:
    currency: str = strawberry.field(description="ISO 4217 code, e.g. EUR.")
    points_per_unit: Decimal = strawberry.field(
        description="Points per whole unit (e.g. 1 EUR) spent, before multipliers and rounding."
    )
    minor_digits: int = strawberry.field(
        description="Minor-unit digits of the currency (2 for EUR, 0 for JPY)."
    )
    minimum_spend: int = strawberry.field(
        description="Minor units a purchase must reach to earn anything."
    )


@strawberry.input(description="Add a currency or change its rate (admins).")
class CurrencyRateInput:
    currency: str = strawberry.field(description="ISO 4217 code, e.g. EUR.")
    points_per_unit: Decimal = strawberry.field(
        description="Points per whole unit (e.g. 1 EUR) spent, before multipliers and rounding."
    )
    minor_digits: int = strawberry.field(
        default=2, description="Minor-unit digits of the currency (2 for EUR, 0 for JPY)."
    )
    minimum_spend: int = strawberry.field(
        default=0, description="Minor units a purchase must reach to earn anything."
    )


@strawberry.type(description="Extra (or fewer) points on a category or SKU.")
class EarningMultiplier(relay.Node):
    id: relay.NodeID[int]
    target: MultiplierTarget = strawberry.field(
        description="Whether `value` is a category or a SKU."
    )
    value: str = strawberry.field(
        description="The category or SKU, as the till sends it on purchase lines."
    )
    multiplier: Decimal = strawberry.field(
        description="Points factor for matching lines: 2.0 doubles, 0 excludes them."
    )

    @classmethod
    def from_model(cls, m: models.EarningMultiplier) -> "EarningMultiplier":
        return cls(id=m.id, target=m.target, value=m.value, multiplier=m.multiplier)

    @classmethod
    async def resolve_nodes(
        cls, *, info, node_ids, required: bool = False
    ) -> list["EarningMultiplier | None"]:
        """For `node(id:)`: multipliers, for the staff roles Access.EDIT_EARNING_RULES names
        (who read `earningRules`)."""
        from app.earning.config import multipliers_by_ids
        from app.graphql import policy

        return await policy.visible_nodes(
            info, node_ids, access=policy.Access.EDIT_EARNING_RULES,
            load=lambda viewer, ids: multipliers_by_ids(ids), convert=cls.from_model,
        )  # fmt: skip


@strawberry.input(description="Extra (or fewer: 0 excludes) points on a category or SKU.")
class EarningMultiplierInput:
    target: MultiplierTarget = strawberry.field(
        description="Whether `value` is a category or a SKU."
    )
    value: str = strawberry.field(
        description="The category or SKU, as the till sends it on purchase lines."
    )
    multiplier: Decimal = strawberry.field(
        description="Points factor for matching lines: 2.0 doubles, 0 excludes them."
    )


@strawberry.type(
    description="A promotion: purchases in [startsAt, endsAt) earn `multiplier` times the points."
)
class BonusWindow(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="The promotion's internal name.")
    starts_at: dt.datetime = strawberry.field(description="Start (UTC), inclusive.")
    ends_at: dt.datetime = strawberry.field(description="End (UTC), exclusive.")
    multiplier: Decimal = strawberry.field(
        description="Points factor for purchases in the window (2.0 doubles)."
    )

    @classmethod
    def from_model(cls, w: models.BonusWindow) -> "BonusWindow":
        return cls(id=w.id, name=w.name, starts_at=w.starts_at, ends_at=w.ends_at,
                   multiplier=w.multiplier)  # fmt: skip

    @classmethod
    async def resolve_nodes(
        cls, *, info, node_ids, required: bool = False
    ) -> list["BonusWindow | None"]:
        """For `node(id:)`: bonus windows, for the staff roles Access.EDIT_EARNING_RULES
        names (who read `earningRules`)."""
        from app.earning.config import bonus_windows_by_ids
        from app.graphql import policy

        return await policy.visible_nodes(
            info, node_ids, access=policy.Access.EDIT_EARNING_RULES,
            load=lambda viewer, ids: bonus_windows_by_ids(ids), convert=cls.from_model,
        )  # fmt: skip


@strawberry.input(description="A new promotion window (admins).")
class BonusWindowInput:
    name: str = strawberry.field(description="The promotion's internal name.")
    starts_at: dt.datetime = strawberry.field(description="Start (UTC), inclusive.")
    ends_at: dt.datetime = strawberry.field(description="End (UTC), exclusive.")
    multiplier: Decimal = strawberry.field(
        description="Points factor for purchases in the window (2.0 doubles)."
    )


@strawberry.type(description="A kind of member action that earns points (e.g. a review).")
class EventType:
    code: str = strawberry.field(
        description="The code integrations send as `eventType`, e.g. review."
    )
    name: str = strawberry.field(description="A name for staff.")
    points: int = strawberry.field(description="Points credited per event.")
    daily_limit: int | None = strawberry.field(
        description="Most rewarded events per member per day; null: no limit."
    )
    total_limit: int | None = strawberry.field(
        description="Most rewarded events per member ever; null: no limit."
    )
    active: bool = strawberry.field(
        description="False: events of this type are refused (UnknownEventType)."
    )


@strawberry.input(description="Create an event type or change one by its code (admins).")
class EventTypeInput:
    code: str = strawberry.field(
        description="The code integrations send as `eventType`, e.g. review."
    )
    name: str = strawberry.field(description="A name for staff.")
    points: int = strawberry.field(description="Points credited per event.")
    daily_limit: int | None = strawberry.field(
        default=None, description="Most rewarded events per member per day; null: no limit."
    )
    total_limit: int | None = strawberry.field(
        default=None, description="Most rewarded events per member ever; null: no limit."
    )
    active: bool = strawberry.field(
        default=True, description="False: events of this type are refused (UnknownEventType)."
    )


@strawberry.type(description="Everything that decides how points are earned.")
class EarningRules:
    policy: EarningPolicy = strawberry.field(description="The program-wide settings.")
    currencies: list[CurrencyRate] = strawberry.field(description="Accepted currencies, by code.")
    multipliers: list[EarningMultiplier] = strawberry.field(
        description="Category and SKU multipliers."
    )
    bonus_windows: list[BonusWindow] = strawberry.field(
        description="Promotion windows, current and future."
    )
    event_types: list[EventType] = strawberry.field(description="Configured event types, by code.")


EarningRulesResult = Annotated[
    EarningRules | InvalidInputError,
    strawberry.union(
        "EarningRulesResult", description="EarningRules, or a typed error: InvalidInput."
    ),
]
