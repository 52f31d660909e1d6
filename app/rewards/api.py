from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app.earning.service import MemberRef
from app.errors import FieldProblem, Forbidden, InvalidInput
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.permissions import HasScope, IsStaff, allow
from app.graphql.relay import AfterCursor, PageSize, node_id, to_connection
from app.ledger.types import PointsTransaction
from app.rewards import catalog, service, till
from app.rewards import models as M
from app.rewards import types as T

CATALOG_EDITORS = policy.roles(policy.Access.EDIT_CATALOG)


def _reward_id(gid: relay.GlobalID, field: str = "id") -> int:
    return node_id(gid, "Reward", field)


def _fields(input: T.RewardInput) -> catalog.RewardFields:
    values = {
        name: getattr(input, name)
        for name in catalog.RewardFields.__dataclass_fields__
        if name not in ("texts", "min_tier_code")
    }
    values["min_tier_code"] = input.min_tier
    values["kind"] = M.RewardKind(input.kind.value) if input.kind else None
    values["limit_period"] = M.LimitPeriod(input.limit_period.value) if input.limit_period else None
    texts = None
    if input.texts is not None:
        texts = {
            t.locale: {"title": t.title, "description": t.description, "terms": t.terms}
            for t in input.texts
        }
    return catalog.RewardFields(**values, texts=texts)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


@strawberry.type
class RewardsQuery:
    @strawberry.field(
        description="Rewards on offer, with whether you can redeem each and why not. Staff "
        "may include archived, future and ended ones."
    )
    async def rewards(
        self,
        info: Info[Context, None],
        first: PageSize = 20,
        after: AfterCursor = None,
        category: Annotated[
            str | None, strawberry.argument(description="Only rewards in this catalog category.")
        ] = None,
        affordable: Annotated[
            bool,
            strawberry.argument(description="Only rewards you have enough available points for."),
        ] = False,
        include_inactive: Annotated[
            bool,
            strawberry.argument(description="Staff: include archived and not-yet-valid rewards."),
        ] = False,
    ) -> T.RewardConnection:
        _, member = await info.context.require_member()
        if include_inactive and not policy.allows(member, policy.Access.CATALOG_DRAFTS):
            raise Forbidden()
        max_points = None
        if affordable:
            max_points = (await info.context.loaders.ledger.balance.load(member.id)).available
        page = await service.reward_page(
            first=first, after=after, include_inactive=include_inactive, category=category,
            max_points=max_points,
        )  # fmt: skip
        converted = dict(zip(page.items, await T.with_availability(info, page.items), strict=True))
        return to_connection(T.RewardConnection, page, converted.__getitem__)

    @strawberry.field(
        description="Integrations (scope vouchers:redeem): whether a code can be used now, "
        "and what it gives on this basket. Changes nothing.",
        extensions=allow(HasScope("vouchers:redeem")),
    )
    async def voucher(
        self,
        info: Info[Context, None],
        code: Annotated[
            str, strawberry.argument(description="The voucher code as shown or scanned.")
        ],
        basket_amount: Annotated[
            int | None,
            strawberry.argument(
                description="The basket, in minor units of `currency`, to compute the discount."
            ),
        ] = None,
        currency: Annotated[
            str | None, strawberry.argument(description="ISO 4217 code of `basketAmount`.")
        ] = None,
    ) -> T.VoucherResult:
        found = await till.check_voucher(code=code, basket_amount=basket_amount, currency=currency)
        return _voucher_check(found)

    @strawberry.field(
        description="Integrations (scope cashback:pay): cashback owed and not yet paid, "
        "oldest first.",
        extensions=allow(HasScope("cashback:pay")),
    )
    async def pending_cashback(
        self,
        info: Info[Context, None],
        first: PageSize = 20,
        after: AfterCursor = None,
    ) -> T.CashbackCreditConnection:
        page = await service.pending_cashback(first=first, after=after)
        return to_connection(T.CashbackCreditConnection, page, T.CashbackCredit.from_model)

    @strawberry.field(
        description="Staff (admin, marketer): points per currency unit when paying at the till.",
        extensions=allow(IsStaff(*CATALOG_EDITORS)),
    )
    async def checkout_rates(self, info: Info[Context, None]) -> list[T.CheckoutRate]:
        rates = await service.checkout_rates()
        return [T.CheckoutRate(currency=r.currency, points_per_unit=r.points_per_unit,
                               minor_digits=r.minor_digits) for r in rates]  # fmt: skip


def _voucher_check(found: till.VoucherCheck) -> T.VoucherCheck:
    return T.VoucherCheck(
        voucher=T.Voucher.from_model(found.voucher, found.member_id),
        reward=T.Reward.from_model(found.reward),
        member_id=relay.GlobalID("Member", str(found.member_id)),
        discount_amount=found.discount,
        replayed=found.replayed,
    )


async def _saved(info: Info[Context, None], reward: M.Reward) -> T.RewardSaved:
    (converted,) = await T.with_availability(info, [reward])
    return T.RewardSaved(reward=converted)


@strawberry.type
class RewardsMutation:
    @strawberry.mutation(description="Spend points on a reward (idempotent by key).")
    async def redeem_reward(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.RedeemRewardInput,
            strawberry.argument(description="The reward, the quantity and an idempotency key."),
        ],
    ) -> T.RedeemRewardResult:
        _, member = await info.context.require_member()
        reward_id = _reward_id(input.reward_id, "rewardId")
        redemption, _ = await service.redeem(
            member_id=member.id, reward_id=reward_id, quantity=input.quantity,
            idempotency_key=input.idempotency_key,
        )  # fmt: skip
        return T.Redemption.from_model(redemption)

    @strawberry.mutation(
        description="Cancel one of your redemptions while none of its vouchers was used: "
        "points and stock come back, exactly once."
    )
    async def cancel_redemption(
        self,
        info: Info[Context, None],
        id: Annotated[
            relay.GlobalID, strawberry.argument(description="The redemption's global id.")
        ],
    ) -> T.CancelRedemptionResult:
        _, member = await info.context.require_member()
        redemption_id = node_id(id, "Redemption", "id")
        redemption = await service.cancel(member_id=member.id, redemption_id=redemption_id)
        return T.Redemption.from_model(redemption)

    @strawberry.mutation(
        description="Integrations (scope vouchers:redeem): use a voucher code, exactly once. "
        "A retry with the same reference gets the same answer.",
        extensions=allow(HasScope("vouchers:redeem")),
    )
    async def consume_voucher(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.ConsumeVoucherInput,
            strawberry.argument(description="The voucher code and the till's reference."),
        ],
    ) -> T.VoucherResult:
        client = await info.context.principal()
        found = await till.consume_voucher(
            code=input.code, client=client.subject, reference=input.reference,
            basket_amount=input.basket_amount, currency=input.currency,
        )  # fmt: skip
        return _voucher_check(found)

    @strawberry.mutation(
        description="Integrations (scope vouchers:redeem): pay (part of) a basket with the "
        "member's points at the configured rate (idempotent by key).",
        extensions=allow(HasScope("vouchers:redeem")),
    )
    async def redeem_points_at_checkout(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.CheckoutPointsInput,
            strawberry.argument(description="The member, the basket and how many points to use."),
        ],
    ) -> T.CheckoutResult:
        client = await info.context.principal()
        ref = MemberRef(
            member_id=node_id(input.member.id, "Member", "member.id"),
            external_ref=input.member.external_ref,
            card_number=input.member.card_number,
        )
        paid = await till.pay_with_points(
            client=client.subject, idempotency_key=input.idempotency_key, member=ref,
            external_id=input.external_id, basket_amount=input.basket_amount,
            currency=input.currency, points=input.points, allow_partial=input.allow_partial,
        )  # fmt: skip
        payment = paid.payment
        txn = await info.context.loaders.ledger.transaction.load(payment.transaction_id)
        return T.CheckoutPaid(
            points_used=payment.points, amount_covered=payment.amount_covered,
            amount_due=payment.basket_amount - payment.amount_covered,
            currency=payment.currency, transaction=PointsTransaction.from_model(txn),
            replayed=paid.replayed,
        )  # fmt: skip

    @strawberry.mutation(
        description="Integrations (scope cashback:pay): report a cashback credit paid, once.",
        extensions=allow(HasScope("cashback:pay")),
    )
    async def mark_cashback_paid(
        self,
        info: Info[Context, None],
        id: Annotated[
            relay.GlobalID, strawberry.argument(description="The cashback credit's global id.")
        ],
        reference: Annotated[
            str, strawberry.argument(description="The payment's reference in the paying system.")
        ],
    ) -> T.CashbackPaidResult:
        client = await info.context.principal()
        credit = await till.mark_cashback_paid(
            credit_id=node_id(id, "CashbackCredit", "id"), client=client.subject,
            reference=reference,
        )  # fmt: skip
        return T.CashbackCredit.from_model(credit)

    @strawberry.mutation(
        description="Staff (admin, marketer): add a reward to the catalog.",
        extensions=allow(IsStaff(*CATALOG_EDITORS)),
    )
    async def create_reward(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.RewardInput, strawberry.argument(description="The new reward's settings.")
        ],
    ) -> T.SaveRewardResult:
        _, staff = await info.context.require_member()
        reward = await catalog.create_reward(fields=_fields(input), actor_id=staff.id)
        return await _saved(info, reward)

    @strawberry.mutation(
        description="Staff (admin, marketer): change what is given; empty the optional "
        'fields named in `clear` (e.g. ["validUntil"]). Stock changes use adjustRewardStock.',
        extensions=allow(IsStaff(*CATALOG_EDITORS)),
    )
    async def update_reward(
        self,
        info: Info[Context, None],
        id: Annotated[relay.GlobalID, strawberry.argument(description="The reward's global id.")],
        input: Annotated[
            T.RewardInput,
            strawberry.argument(description="The settings to change; fields left out stay."),
        ],
        clear: Annotated[
            list[str] | None,
            strawberry.argument(
                description="Names of optional input fields to clear (set to null)."
            ),
        ] = None,
    ) -> T.SaveRewardResult:
        if input.stock is not None:
            raise InvalidInput([FieldProblem("stock", "INVALID_VALUE")])
        names = [_snake(c) for c in clear or []]
        names = ["min_tier_code" if n == "min_tier" else n for n in names]
        unknown = [c for c, n in zip(clear or [], names, strict=True)
                   if n not in catalog.RewardFields.__dataclass_fields__]  # fmt: skip
        if unknown:
            raise InvalidInput([FieldProblem("clear", "INVALID_VALUE")])
        reward = await catalog.update_reward(
            reward_id=_reward_id(id), fields=_fields(input), clear=names
        )
        return await _saved(info, reward)

    @strawberry.mutation(
        description="Staff (admin, marketer): stop offering a reward; past redemptions and "
        "their vouchers keep working.",
        extensions=allow(IsStaff(*CATALOG_EDITORS)),
    )
    async def archive_reward(
        self,
        info: Info[Context, None],
        id: Annotated[relay.GlobalID, strawberry.argument(description="The reward's global id.")],
    ) -> T.SaveRewardResult:
        reward = await catalog.archive_reward(reward_id=_reward_id(id))
        return await _saved(info, reward)

    @strawberry.mutation(
        description="Staff (admin, marketer): add (or remove, with a negative change) units "
        "of stock, atomically; never below zero.",
        extensions=allow(IsStaff(*CATALOG_EDITORS)),
    )
    async def adjust_reward_stock(
        self,
        info: Info[Context, None],
        id: Annotated[relay.GlobalID, strawberry.argument(description="The reward's global id.")],
        change: Annotated[
            int, strawberry.argument(description="Units to add (positive) or remove (negative).")
        ],
    ) -> T.SaveRewardResult:
        reward = await catalog.adjust_stock(reward_id=_reward_id(id), change=change)
        return await _saved(info, reward)

    @strawberry.mutation(
        description="Staff (admin, marketer): how many points pay one unit of a currency at "
        "the till.",
        extensions=allow(IsStaff(*CATALOG_EDITORS)),
    )
    async def set_checkout_rate(
        self,
        info: Info[Context, None],
        currency: Annotated[str, strawberry.argument(description="ISO 4217 code.")],
        points_per_unit: Annotated[
            int, strawberry.argument(description="Points one major unit costs at the till.")
        ],
        minor_digits: Annotated[
            int, strawberry.argument(description="Minor-unit digits of the currency (default 2).")
        ] = 2,
    ) -> T.SetCheckoutRateResult:
        rate = await catalog.set_checkout_rate(
            currency=currency, points_per_unit=points_per_unit, minor_digits=minor_digits
        )
        return T.CheckoutRate(currency=rate.currency, points_per_unit=rate.points_per_unit,
                              minor_digits=rate.minor_digits)  # fmt: skip
