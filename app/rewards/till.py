"""What integrations do with rewards at the till: check and consume voucher codes (each
exactly once), pay part of a basket with points, and pay out cashback."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from app.db import Transaction
from app.earning.service import MemberRef, member_id_for, money
from app.errors import (
    CashbackNotPayable,
    CheckoutAlreadyRecorded,
    FieldProblem,
    InsufficientPoints,
    InvalidInput,
    VoucherNotFound,
    VoucherNotUsable,
)
from app.ledger import service as ledger
from app.ledger.service import Account, Kind
from app.program import service as program
from app.rewards.models import (
    CashbackCredit,
    CheckoutPayment,
    CheckoutRate,
    Redemption,
    Reward,
    Voucher,
)
from app.rewards.service import code_key, now

MAX_BASKET = 10**9


@dataclass(frozen=True)
class VoucherCheck:
    """A voucher as the till sees it, with the discount it gives on the basket (if known)."""

    voucher: Voucher
    reward: Reward
    member_id: int
    discount: int | None
    replayed: bool = False


def _discount(reward: Reward, basket: int | None) -> int | None:
    if basket is None:
        return None
    if reward.percent_off is not None:
        return basket * reward.percent_off // 100
    if reward.amount_off is not None:
        return min(reward.amount_off, basket)
    return None


async def _find(code: str) -> tuple[Voucher, Reward, Redemption]:
    key = code_key(code)
    if key is None:
        raise InvalidInput([FieldProblem("code", "INVALID_VOUCHER_CODE")])
    voucher = await Voucher.get_or_none(key=key)
    if voucher is None:
        raise VoucherNotFound()
    redemption = await Redemption.get(id=voucher.redemption_id)
    reward = await Reward.get(id=redemption.reward_id)
    return voucher, reward, redemption


def _check_basket(reward: Reward, basket: int | None, currency: str | None) -> None:
    problems = []
    if basket is not None and not 0 <= basket <= MAX_BASKET:
        problems.append(FieldProblem("basketAmount", "INVALID_VALUE"))
    if currency is not None and reward.currency and currency.upper() != reward.currency:
        problems.append(FieldProblem("currency", "UNKNOWN_CURRENCY"))
    if problems:
        raise InvalidInput(problems)
    if reward.minimum_basket is not None:
        if basket is None:
            raise InvalidInput([FieldProblem("basketAmount", "REQUIRED")])
        if basket < reward.minimum_basket:
            raise VoucherNotUsable(
                reason="BASKET_TOO_SMALL",
                minimum=f"{money(reward.minimum_basket, 2)} {reward.currency}",
            )


def _refusal(voucher: Voucher, at: dt.datetime) -> VoucherNotUsable | None:
    if voucher.voided_at is not None:
        return VoucherNotUsable(reason="CANCELLED")
    if voucher.used_at is not None:
        return VoucherNotUsable(reason="USED")
    if voucher.expires_at <= at:
        return VoucherNotUsable(reason="EXPIRED")
    return None


async def check_voucher(
    *, code: str, basket_amount: int | None = None, currency: str | None = None
) -> VoucherCheck:
    """Whether a code can be consumed now (nothing changes)."""
    voucher, reward, redemption = await _find(code)
    refusal = _refusal(voucher, now())
    if refusal:
        raise refusal
    _check_basket(reward, basket_amount, currency)
    return VoucherCheck(voucher, reward, redemption.member_id, _discount(reward, basket_amount))


async def consume_voucher(
    *,
    code: str,
    client: str,
    reference: str,
    basket_amount: int | None = None,
    currency: str | None = None,
) -> VoucherCheck:
    """Use a code, exactly once: one conditional UPDATE decides between concurrent tills.
    The same till retrying with the same reference gets its success back."""
    reference = (reference or "").strip()
    if not 1 <= len(reference) <= 100:
        raise InvalidInput([FieldProblem("reference", "REQUIRED" if not reference else "TOO_LONG")])
    voucher, reward, redemption = await _find(code)
    if voucher.used_by == client and voucher.used_reference == reference:
        return VoucherCheck(
            voucher, reward, redemption.member_id, _discount(reward, basket_amount), True
        )
    at = now()
    refusal = _refusal(voucher, at)
    if refusal:
        raise refusal
    _check_basket(reward, basket_amount, currency)
    used = await Voucher.filter(
        id=voucher.id, used_at__isnull=True, voided_at__isnull=True, expires_at__gt=at
    ).update(used_at=at, used_by=client, used_reference=reference)
    voucher = await Voucher.get(id=voucher.id)
    if not used:  # another till (or a cancel) got there first
        if voucher.used_by == client and voucher.used_reference == reference:
            return VoucherCheck(
                voucher, reward, redemption.member_id, _discount(reward, basket_amount), True
            )
        raise _refusal(voucher, at) or VoucherNotUsable(reason="USED")
    return VoucherCheck(voucher, reward, redemption.member_id, _discount(reward, basket_amount))


# ---- paying with points ---------------------------------------------------------------------


@dataclass(frozen=True)
class CheckoutResult:
    payment: CheckoutPayment
    replayed: bool


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


async def pay_with_points(
    *,
    client: str,
    idempotency_key: str,
    member: MemberRef,
    external_id: str,
    basket_amount: int,
    currency: str,
    points: int | None = None,
    allow_partial: bool = True,
) -> CheckoutResult:
    """Pay (part of) a basket with points at the configured rate. `points` caps what is
    spent (default: as many as the basket needs); with `allow_partial` a member short of
    points pays what they have, else InsufficientPoints. Never more points than the money
    they cover: a fraction of a cent is not charged."""
    problems = []
    if not ledger.valid_key(idempotency_key or ""):
        problems.append(FieldProblem("idempotencyKey", "INVALID_KEY"))
    given = [v for v in (member.member_id, member.external_ref, member.card_number) if v]
    if len(given) != 1:
        problems.append(FieldProblem("member", "ONE_REFERENCE"))
    external_id = (external_id or "").strip()
    if not 1 <= len(external_id) <= 100:
        problems.append(FieldProblem("externalId", "REQUIRED" if not external_id else "TOO_LONG"))
    if basket_amount <= 0:
        problems.append(FieldProblem("basketAmount", "MUST_BE_POSITIVE"))
    elif basket_amount > MAX_BASKET:
        problems.append(FieldProblem("basketAmount", "TOO_LARGE", {"max": MAX_BASKET}))
    if points is not None and points <= 0:
        problems.append(FieldProblem("points", "MUST_BE_POSITIVE"))
    currency = (currency or "").strip().upper()
    rate = await CheckoutRate.get_or_none(currency=currency) if len(currency) == 3 else None
    if rate is None:
        problems.append(FieldProblem("currency", "UNKNOWN_CURRENCY"))
    if problems:
        raise InvalidInput(problems)
    member_id = await member_id_for(member)
    unit = 10**rate.minor_digits
    payment_box: list[CheckoutPayment] = []

    async def work(tx: Transaction) -> dict:
        async with ledger.member_book(member_id=member_id) as book:
            await program.require_accepted(member_id, tx.connection)  # spending is redeeming
            needed = _ceil_div(basket_amount * rate.points_per_unit, unit)
            wanted = min(points or needed, needed)
            if book.available < wanted:
                if not allow_partial or book.available <= 0:
                    raise InsufficientPoints(available=max(book.available, 0), required=wanted)
                wanted = book.available
            covered = min(wanted * unit // rate.points_per_unit, basket_amount)
            spent = _ceil_div(covered * rate.points_per_unit, unit)
            if covered <= 0 or spent <= 0:
                raise InsufficientPoints(
                    available=max(book.available, 0), required=_ceil_div(rate.points_per_unit, unit)
                )
            txn = await book.debit(
                points=spent, kind=Kind.REDEMPTION, account=Account.REDEEMED,
                explanation=[{"rule": "RULE_CHECKOUT", "points": -spent,
                              "params": {"amount": money(covered, rate.minor_digits),
                                         "currency": currency}}],
                reference=f"checkout:{client}:{external_id}"[:120],
            )  # fmt: skip
            payment = await CheckoutPayment.create(
                member_id=member_id, client=client, external_id=external_id,
                basket_amount=basket_amount, currency=currency, points=spent,
                amount_covered=covered, transaction_id=txn.id, using_db=tx.connection,
            )  # fmt: skip
            payment_box.append(payment)
        return {"payment": payment.id}

    payload = {"member": dataclasses.asdict(member), "externalId": external_id,
               "basket": basket_amount, "currency": currency, "points": points,
               "partial": allow_partial}  # fmt: skip
    try:
        result, replayed = await ledger.run_once(
            scope=f"client:{client}", key=idempotency_key, operation="redeemPointsAtCheckout",
            payload=payload, work=work,
        )  # fmt: skip
    except IntegrityError:
        raise CheckoutAlreadyRecorded() from None
    if not replayed:
        return CheckoutResult(payment_box[0], False)
    return CheckoutResult(await CheckoutPayment.get(id=result["payment"]), True)


# ---- cashback -------------------------------------------------------------------------------


async def mark_cashback_paid(*, credit_id: int, client: str, reference: str) -> CashbackCredit:
    """Record that an integration paid a cashback credit, once."""
    reference = (reference or "").strip()
    if not 1 <= len(reference) <= 100:
        raise InvalidInput([FieldProblem("reference", "REQUIRED" if not reference else "TOO_LONG")])
    paid = await CashbackCredit.filter(
        id=credit_id, paid_at__isnull=True, voided_at__isnull=True
    ).update(paid_at=now(), paid_by=client, payment_reference=reference)
    credit = await CashbackCredit.get_or_none(id=credit_id)
    if credit is None:
        raise CashbackNotPayable(reason="NOT_FOUND")
    if not paid:
        if credit.paid_by == client and credit.payment_reference == reference:
            return credit  # a retry of the same report
        raise CashbackNotPayable(reason="CANCELLED" if credit.voided_at else "ALREADY_PAID")
    return credit
