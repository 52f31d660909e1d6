import dataclasses
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app.earning import actions, config, models, service
from app.earning import rules as R
from app.earning import types as T
from app.errors import FieldProblem, InvalidInput
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.permissions import HasScope, IsStaff, allow
from app.graphql.relay import node_id
from app.ledger import service as ledger
from app.ledger.types import PointsTransaction

RULE_EDITORS = policy.roles(policy.Access.EDIT_EARNING_RULES)


_node_id = node_id


def _member_ref(ref: T.MemberRefInput) -> service.MemberRef:
    return service.MemberRef(
        member_id=_node_id(ref.id, "Member", "member.id"),
        external_ref=ref.external_ref,
        card_number=ref.card_number,
    )


def purchase_type(p: models.Purchase) -> T.Purchase:
    return T.Purchase.from_model(p)


async def _transaction(txn_id: int | None) -> PointsTransaction | None:
    if txn_id is None:
        return None
    (txn,) = await ledger.transactions_by_ids([txn_id])
    return PointsTransaction.from_model(txn)


@strawberry.type
class EarningMutation:
    @strawberry.mutation(
        description="Integrations (scope purchases:write): record a purchase and earn its "
        "points, exactly once per idempotency key and per (source, externalId).",
        extensions=allow(HasScope("purchases:write")),
    )
    async def record_purchase(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.PurchaseInput, strawberry.argument(description="The purchase as the till saw it.")
        ],
    ) -> T.RecordPurchaseResult:
        client = await info.context.principal()
        recorded = await service.record_purchase(
            scope=f"client:{client.subject}", idempotency_key=input.idempotency_key,
            member=_member_ref(input.member), source=input.source,
            external_id=input.external_id, amount=input.amount, currency=input.currency,
            occurred_at=input.occurred_at, store=input.store,
            lines=[R.Line(line.amount, line.sku, line.category, line.quantity)
                   for line in input.lines or []],
            recorded_by=client.subject,
        )  # fmt: skip
        if recorded.written:  # a fresh write: the rows it wrote, not read again
            purchase, txn = recorded.written
            transaction = PointsTransaction.from_model(txn)
        else:
            (purchase,) = await service.purchases_by_ids([recorded.id])
            transaction = await _transaction(recorded.transaction_id)
        return T.PurchaseRecorded(
            purchase=purchase_type(purchase), transaction=transaction, replayed=recorded.replayed,
            points_deferred=purchase.awaiting_terms,
        )  # fmt: skip

    @strawberry.mutation(
        description="Integrations (scope purchases:write): a refund takes back the points "
        "its purchase earned, in proportion, even into a negative balance.",
        extensions=allow(HasScope("purchases:write")),
    )
    async def record_refund(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.RefundInput,
            strawberry.argument(description="The refund and the purchase it belongs to."),
        ],
    ) -> T.RecordRefundResult:
        client = await info.context.principal()
        recorded = await service.record_refund(
            scope=f"client:{client.subject}", idempotency_key=input.idempotency_key,
            source=input.source, purchase_external_id=input.purchase_external_id,
            external_id=input.external_id, amount=input.amount,
            occurred_at=input.occurred_at,
        )  # fmt: skip
        refund = await service.refund(refund_id=recorded.id)
        (purchase,) = await service.purchases_by_ids([refund.purchase_id])
        return T.RefundRecorded(
            refund_id=relay.GlobalID("Refund", str(refund.id)),
            points_clawed_back=refund.points, purchase=purchase_type(purchase),
            transaction=await _transaction(recorded.transaction_id), replayed=recorded.replayed,
        )  # fmt: skip

    @strawberry.mutation(
        description="Integrations (scope events:write): a member's action earns the points "
        "of its event type, within the type's limits.",
        extensions=allow(HasScope("events:write")),
    )
    async def record_event(
        self,
        info: Info[Context, None],
        input: Annotated[T.EventInput, strawberry.argument(description="The member's action.")],
    ) -> T.RecordEventResult:
        client = await info.context.principal()
        ref = _member_ref(input.member)
        member_id = None
        if sum(v is not None for v in dataclasses.astuple(ref)) != 1:
            raise InvalidInput([FieldProblem("member", "ONE_REFERENCE")])
        member_id = await service.member_id_for(ref)
        earning, replayed = await service.record_event(
            scope=f"client:{client.subject}", idempotency_key=input.idempotency_key,
            member_id=member_id, event_type=input.event_type,
            external_id=input.external_id, occurred_at=input.occurred_at,
        )  # fmt: skip
        return T.EventRecorded(
            points=earning.points, transaction=await _transaction(earning.transaction_id),
            replayed=replayed,
        )  # fmt: skip

    @strawberry.mutation(
        description="Use a friend's referral code (before your first purchase): you both "
        "earn points when you make your first qualifying purchase."
    )
    async def apply_referral_code(
        self,
        info: Info[Context, None],
        code: Annotated[
            str,
            strawberry.argument(
                description="A friend's referral code (InvalidInput when unknown, your own, or too late)."
            ),
        ],
    ) -> T.ApplyReferralCodeResult:
        _, member = await info.context.require_member()
        await actions.apply_referral_code(member_id=member.id, code=code)
        return T.ReferralApplied()

    # ---- staff configuration -----------------------------------------------------------

    @strawberry.mutation(
        description="Staff (admin, marketer): change the earning policy.",
        extensions=allow(IsStaff(*RULE_EDITORS)),
    )
    async def update_earning_policy(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.EarningPolicyInput,
            strawberry.argument(description="The settings to change; omitted ones stay."),
        ],
    ) -> T.EarningRulesResult:
        staff = await info.context.require_staff(*RULE_EDITORS)
        changes = {
            f.name: getattr(input, f.name)
            for f in dataclasses.fields(input)
            if getattr(input, f.name) is not strawberry.UNSET
        }
        for name in ("rounding", "expiry_mode", "expiry_period", "hold_days", "expiry_months",
                     "signup_bonus", "birthday_bonus", "referrer_points", "referee_points",
                     "referral_minimum_spend", "referral_monthly_cap"):  # fmt: skip
            if name in changes and changes[name] is None:
                raise InvalidInput([FieldProblem(name, "REQUIRED")])
        return await _rules_after(config.update_policy(changes=changes,
                                                                actor_id=staff.id))  # fmt: skip

    @strawberry.mutation(
        description="Staff (admin, marketer): accept a currency or change what it earns.",
        extensions=allow(IsStaff(*RULE_EDITORS)),
    )
    async def set_currency_rate(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.CurrencyRateInput, strawberry.argument(description="The currency and its rate.")
        ],
    ) -> T.EarningRulesResult:
        return await _rules_after(config.set_currency_rate(
            currency=input.currency, points_per_unit=input.points_per_unit,
            minor_digits=input.minor_digits, minimum_spend=input.minimum_spend,
        ))  # fmt: skip

    @strawberry.mutation(
        description="Staff (admin, marketer): a points multiplier on a category or SKU.",
        extensions=allow(IsStaff(*RULE_EDITORS)),
    )
    async def set_earning_multiplier(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.EarningMultiplierInput,
            strawberry.argument(description="The category or SKU and its factor."),
        ],
    ) -> T.EarningRulesResult:
        return await _rules_after(config.set_multiplier(
            target=models.MultiplierTarget(input.target), value=input.value,
            multiplier=input.multiplier,
        ))  # fmt: skip

    @strawberry.mutation(
        description="Staff (admin, marketer): remove a multiplier (its `id` from "
        "`earningRules`); a malformed id is InvalidInput, an unknown one changes nothing.",
        extensions=allow(IsStaff(*RULE_EDITORS)),
    )
    async def remove_earning_multiplier(
        self,
        info: Info[Context, None],
        id: Annotated[
            relay.GlobalID, strawberry.argument(description="The multiplier's global id.")
        ],
    ) -> T.EarningRulesResult:
        multiplier_id = _node_id(id, "EarningMultiplier", "id")
        return await _rules_after(config.remove_multiplier(multiplier_id=multiplier_id))

    @strawberry.mutation(
        description="Staff (admin, marketer): a bonus window (e.g. double points weekend).",
        extensions=allow(IsStaff(*RULE_EDITORS)),
    )
    async def add_bonus_window(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.BonusWindowInput,
            strawberry.argument(description="The promotion's name, window and factor."),
        ],
    ) -> T.EarningRulesResult:
        return await _rules_after(config.add_bonus_window(
            name=input.name, starts_at=input.starts_at, ends_at=input.ends_at,
            multiplier=input.multiplier,
        ))  # fmt: skip

    @strawberry.mutation(
        description="Staff (admin, marketer): remove a bonus window (its `id` from "
        "`earningRules`); a malformed id is InvalidInput, an unknown one changes nothing.",
        extensions=allow(IsStaff(*RULE_EDITORS)),
    )
    async def remove_bonus_window(
        self,
        info: Info[Context, None],
        id: Annotated[
            relay.GlobalID, strawberry.argument(description="The bonus window's global id.")
        ],
    ) -> T.EarningRulesResult:
        window_id = _node_id(id, "BonusWindow", "id")
        return await _rules_after(config.remove_bonus_window(window_id=window_id))

    @strawberry.mutation(
        description="Staff (admin, marketer): create or change an event type integrations "
        "may report (e.g. product_review).",
        extensions=allow(IsStaff(*RULE_EDITORS)),
    )
    async def save_event_type(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.EventTypeInput, strawberry.argument(description="The event type, matched by code.")
        ],
    ) -> T.EarningRulesResult:
        return await _rules_after(config.save_event_type(
            code=input.code, name=input.name, points=input.points,
            daily_limit=input.daily_limit, total_limit=input.total_limit, active=input.active,
        ))  # fmt: skip


async def _rules_after(change) -> T.EarningRules:
    """The earning rules once `change` (a configuration coroutine) has run."""
    await change
    return await earning_rules()


async def earning_rules() -> T.EarningRules:
    p = await config.policy()
    return T.EarningRules(
        policy=T.EarningPolicy(**{f: getattr(p, f) for f in T.EarningPolicy.__annotations__}),
        currencies=[
            T.CurrencyRate(currency=r.currency, points_per_unit=r.points_per_unit,
                           minor_digits=r.minor_digits, minimum_spend=r.minimum_spend)
            for r in await config.currency_rates()
        ],
        multipliers=[T.EarningMultiplier.from_model(m) for m in await config.multipliers()],
        bonus_windows=[T.BonusWindow.from_model(w) for w in await config.bonus_windows()],
        event_types=[
            T.EventType(code=e.code, name=e.name, points=e.points, daily_limit=e.daily_limit,
                        total_limit=e.total_limit, active=e.active)
            for e in await config.event_types()
        ],
    )  # fmt: skip


@strawberry.type
class EarningQuery:
    @strawberry.field(
        description="Staff (admin, marketer): the rules that decide how points are earned.",
        extensions=allow(IsStaff(*RULE_EDITORS)),
    )
    async def earning_rules(self, info: Info[Context, None]) -> T.EarningRules:
        return await earning_rules()
