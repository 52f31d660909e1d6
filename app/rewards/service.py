"""Redeeming rewards: points out, stock down, vouchers/entitlements/cashback in, once.

Every redemption runs in one transaction holding the member's balance row (their book), so
one member's redemptions and limits are serialized; stock is taken by one conditional
UPDATE on the reward row (`stock >= quantity`), so concurrent members never oversell. Lock
order is always member, then reward or voucher rows: no cycles, no deadlocks. Anything that
fails after the stock was taken rolls the whole transaction back.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tortoise.expressions import F
from tortoise.functions import Sum

from app.clock import now
from app.db import Transaction, transaction
from app.errors import (
    FieldProblem,
    InsufficientPoints,
    InvalidInput,
    LimitReached,
    NotEligible,
    OutOfStock,
    RedemptionNotCancellable,
    RedemptionNotFound,
    RewardUnavailable,
)
from app.ledger import service as ledger
from app.ledger.service import Account, Kind
from app.program import service as program
from app.rewards.models import (
    CashbackCredit,
    CheckoutRate,
    Entitlement,
    LimitPeriod,
    Redemption,
    RedemptionStatus,
    Reward,
    RewardKind,
    Voucher,
)

MAX_QUANTITY = 10
# No 0/O, 1/I/L: codes are read aloud and typed from screens.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_CODE_KEY = re.compile(r"^[A-Z0-9]{10,48}$")
VOUCHER_KINDS = (
    RewardKind.DISCOUNT_VOUCHER,
    RewardKind.FREE_PRODUCT,
    RewardKind.UPGRADE,
    RewardKind.EXCLUSIVE_ACCESS,  # the voucher is the ticket shown at the door
)


# ---- voucher codes --------------------------------------------------------------------------


def new_voucher_code(prefix: str, pattern: str) -> str:
    """`pattern` with every X replaced by a random unambiguous character, after `prefix`."""
    body = "".join(secrets.choice(CODE_ALPHABET) if c == "X" else c for c in pattern)
    return f"{prefix}-{body}" if prefix else body


def code_key(code: str) -> str | None:
    """The lookup key of a code as typed (case, spaces and dashes ignored), or None when it
    cannot be a voucher code."""
    key = re.sub(r"[\s-]", "", code or "").upper()
    return key if _CODE_KEY.match(key) else None


# ---- availability ---------------------------------------------------------------------------


def period_start(period: LimitPeriod, at: dt.datetime) -> dt.datetime:
    """The UTC day, ISO week, month or year that `at` falls in."""
    day = at.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if period == LimitPeriod.DAY:
        return day
    if period == LimitPeriod.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if period == LimitPeriod.MONTH:
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def unavailable_reason(reward: Reward, at: dt.datetime) -> str | None:
    """Why the reward cannot be redeemed at `at` (ARCHIVED, NOT_STARTED, ENDED),
    or None."""
    if reward.archived_at is not None:
        return "ARCHIVED"
    if reward.valid_from is not None and reward.valid_from > at:
        return "NOT_STARTED"
    if reward.valid_until is not None and reward.valid_until <= at:
        return "ENDED"
    return None


async def _tier_problem(reward: Reward, member_rank: int) -> NotEligible | None:
    if reward.min_tier_id is None:
        return None
    from app.tiers.service import current_program

    needed = (await current_program()).by_id(reward.min_tier_id)
    if needed is None or member_rank >= needed.rank:
        return None
    return NotEligible(reason="TIER", tier=needed.name())


@dataclass(frozen=True)
class Availability:
    """Whether a member can redeem one unit of a reward now, and if not, the error why."""

    reward_id: int
    blocked_by: Exception | None

    @property
    def can_redeem(self) -> bool:
        """Whether nothing blocks the redemption."""
        return self.blocked_by is None


async def _redeemed_units(
    member_id: int, reward_ids: list[int], since: dt.datetime | None, conn=None
) -> dict[int, int]:
    query = Redemption.filter(
        member_id=member_id, reward_id__in=reward_ids, status=RedemptionStatus.ISSUED
    )
    if since is not None:
        query = query.filter(created_at__gte=since)
    if conn is not None:
        query = query.using_db(conn)
    rows = await query.group_by("reward_id").annotate(units=Sum("quantity")).values(
        "reward_id", "units"
    )  # fmt: skip
    return {row["reward_id"]: int(row["units"] or 0) for row in rows}


async def _limit_problem(
    reward: Reward, member_id: int, quantity: int, at: dt.datetime, conn=None, counts=None
) -> LimitReached | None:
    """The limit `quantity` more units would break, if any. `counts` are pre-fetched
    (lifetime units, units per period start) for list views."""
    if reward.per_member_limit is not None:
        if counts is not None:
            used = counts["lifetime"].get(reward.id, 0)
        else:
            used = (await _redeemed_units(member_id, [reward.id], None, conn)).get(reward.id, 0)
        if used + quantity > reward.per_member_limit:
            return LimitReached(limit=reward.per_member_limit, period=None)
    if reward.period_limit is not None and reward.limit_period is not None:
        start = period_start(reward.limit_period, at)
        if counts is not None:
            used = sum(
                units
                for created_at, units in counts["recent"].get(reward.id, [])
                if created_at >= start
            )
        else:
            used = (await _redeemed_units(member_id, [reward.id], start, conn)).get(reward.id, 0)
        if used + quantity > reward.period_limit:
            return LimitReached(limit=reward.period_limit, period=reward.limit_period.value)
    return None


async def availability(
    *, member_id: int, available_points: int, rewards: list[Reward], at: dt.datetime | None = None
) -> dict[int, Availability]:
    """Why each of `rewards` can or cannot be redeemed by the member now, in three queries
    at most whatever the number of rewards (for catalog pages)."""
    at = at or now()
    ids = [r.id for r in rewards]
    member_rank = -1
    if any(r.min_tier_id is not None for r in rewards):
        from app.tiers.service import rank_of

        member_rank = await rank_of(member_id)
    counts: dict = {"lifetime": {}, "recent": {}}
    if any(r.per_member_limit is not None for r in rewards):
        counts["lifetime"] = await _redeemed_units(member_id, ids, None)
    if any(r.period_limit is not None for r in rewards):
        year = period_start(LimitPeriod.YEAR, at)
        week = period_start(LimitPeriod.WEEK, at)
        rows = await Redemption.filter(
            member_id=member_id, reward_id__in=ids, status=RedemptionStatus.ISSUED,
            created_at__gte=min(year, week),
        ).values_list("reward_id", "created_at", "quantity")  # fmt: skip
        for reward_id, created_at, units in rows:
            counts["recent"].setdefault(reward_id, []).append((created_at, units))
    result = {}
    for reward in rewards:
        blocked: Exception | None = None
        reason = unavailable_reason(reward, at)
        if reason:
            blocked = RewardUnavailable(reason=reason)
        elif tier_problem := await _tier_problem(reward, member_rank):
            blocked = tier_problem
        elif reward.stock is not None and reward.stock < 1:
            blocked = OutOfStock(stock_left=max(reward.stock, 0))
        else:
            blocked = await _limit_problem(reward, member_id, 1, at, counts=counts)
            if blocked is None and available_points < reward.points_cost:
                blocked = InsufficientPoints(
                    available=max(available_points, 0), required=reward.points_cost
                )
        result[reward.id] = Availability(reward.id, blocked)
    return result


# ---- redeeming ------------------------------------------------------------------------------


def _title(reward: Reward) -> str:
    return (reward.texts.get("en") or {}).get("title", "")


# Called inside the transaction that created or cancelled a redemption, with
# (transaction, redemption, "created" | "cancelled"); e.g. webhooks queue events here.
REDEMPTION_HOOKS: list[Callable[[Transaction, Redemption, str], Awaitable[None]]] = []


async def redeem(
    *, member_id: int, reward_id: int | None, quantity: int, idempotency_key: str
) -> tuple[Redemption, bool]:
    """Spend points on `quantity` units of a reward. Returns (redemption, replayed).
    Refused (TermsNotAccepted) until the member accepted the terms in force, and for staff
    accounts (NotAMemberAccount)."""
    problems = []
    if not ledger.valid_key(idempotency_key or ""):
        problems.append(FieldProblem("idempotencyKey", "INVALID_KEY"))
    if quantity < 1:
        problems.append(FieldProblem("quantity", "MUST_BE_POSITIVE"))
    elif quantity > MAX_QUANTITY:
        problems.append(FieldProblem("quantity", "TOO_LARGE", {"max": MAX_QUANTITY}))
    if problems:
        raise InvalidInput(problems)
    if reward_id is None:
        raise RewardUnavailable(reason="NOT_FOUND")
    await ledger.require_member_account(member_id)  # staff accounts redeem nothing

    made: list[Redemption] = []

    async def work(tx: Transaction) -> dict:
        async with ledger.member_book(member_id=member_id) as book:
            await program.require_accepted(member_id, tx.connection)
            made.append(await _redeem_in(tx, book, reward_id, quantity))
        return {"redemption": made[-1].id}

    result, replayed = await ledger.run_once(
        scope=f"member:{member_id}", key=idempotency_key, operation="redeemReward",
        payload={"reward": reward_id, "quantity": quantity}, work=work,
    )  # fmt: skip
    if replayed:
        return await Redemption.get(id=result["redemption"]), True
    return made[-1], False


async def _redeem_in(
    tx: Transaction, book: ledger.MemberBook, reward_id: int, quantity: int
) -> Redemption:
    conn = tx.connection
    at = now()
    reward = await Reward.get_or_none(id=reward_id).using_db(conn)
    if reward is None:
        raise RewardUnavailable(reason="NOT_FOUND")
    reason = unavailable_reason(reward, at)
    if reason:
        raise RewardUnavailable(reason=reason)
    if reward.min_tier_id is not None:
        from app.tiers.service import rank_of

        problem = await _tier_problem(reward, await rank_of(book.member_id, conn))
        if problem is not None:
            raise problem
    limit = await _limit_problem(reward, book.member_id, quantity, at, conn)
    if limit is not None:
        raise limit
    cost = reward.points_cost * quantity
    if book.available < cost:
        raise InsufficientPoints(available=max(book.available, 0), required=cost)
    txn = await book.debit(
        points=cost, kind=Kind.REDEMPTION, account=Account.REDEEMED,
        explanation=[{"rule": "RULE_REDEMPTION", "points": -cost,
                      "params": {"title": _title(reward), "quantity": quantity}}],
        reference=f"reward:{reward.id}",
    )  # fmt: skip
    redemption = await Redemption.create(
        member_id=book.member_id, reward_id=reward.id, quantity=quantity, points=cost,
        transaction_id=txn.id, using_db=conn,
    )  # fmt: skip
    await _deliver(conn, reward, redemption, at)
    if reward.stock is not None:
        # Last, so the popular reward's row stays locked only until the commit right after;
        # when no unit is left, everything above rolls back with the error.
        taken = await Reward.filter(id=reward.id, stock__gte=quantity).using_db(conn).update(
            stock=F("stock") - quantity
        )  # fmt: skip
        if not taken:
            left = await Reward.filter(id=reward.id).using_db(conn).values_list("stock", flat=True)
            raise OutOfStock(stock_left=max(left[0] or 0, 0) if left else 0)
    for hook in REDEMPTION_HOOKS:
        await hook(tx, redemption, "created")
    return redemption


async def _deliver(conn, reward: Reward, redemption: Redemption, at: dt.datetime) -> None:
    """What the member gets: voucher codes, an entitlement, or cashback owed."""
    if reward.kind in VOUCHER_KINDS:
        expires_at = at + dt.timedelta(days=reward.voucher_valid_days)
        if reward.valid_until is not None and reward.kind != RewardKind.EXCLUSIVE_ACCESS:
            expires_at = max(min(expires_at, reward.valid_until), at + dt.timedelta(days=1))
        if reward.kind == RewardKind.EXCLUSIVE_ACCESS and reward.access_ends_at is not None:
            expires_at = reward.access_ends_at
        codes = [
            new_voucher_code(reward.voucher_prefix, reward.voucher_pattern)
            for _ in range(redemption.quantity)
        ]
        await Voucher.bulk_create(
            [Voucher(redemption_id=redemption.id, code=c, key=code_key(c), expires_at=expires_at)
             for c in codes],
            using_db=conn,
        )  # fmt: skip
    if reward.kind == RewardKind.EXCLUSIVE_ACCESS:
        await Entitlement.create(
            member_id=redemption.member_id, redemption_id=redemption.id,
            key=reward.entitlement or f"reward:{reward.id}", starts_at=reward.access_starts_at,
            ends_at=reward.access_ends_at, using_db=conn,
        )  # fmt: skip
    if reward.kind == RewardKind.CASHBACK:
        await CashbackCredit.create(
            member_id=redemption.member_id, redemption_id=redemption.id,
            amount=(reward.cashback_amount or 0) * redemption.quantity,
            currency=reward.currency or "EUR", using_db=conn,
        )  # fmt: skip


async def cancel(*, member_id: int, redemption_id: int) -> Redemption:
    """Undo an unused redemption: points back (with their expiry dates), stock back, codes
    void. Exactly once: a second cancel, or one racing a till, finds nothing to undo."""
    async with transaction() as tx, ledger.member_book(member_id=member_id) as book:
        conn = tx.connection
        redemption = await Redemption.get_or_none(id=redemption_id, member_id=member_id).using_db(
            conn
        )
        if redemption is None:
            raise RedemptionNotFound()
        if redemption.status == RedemptionStatus.CANCELLED:
            raise RedemptionNotCancellable(reason="ALREADY_CANCELLED")
        at = now()
        # Void the codes only if none was used; a till consuming one right now either wins
        # (and we refuse) or finds it void. The row locks decide which.
        vouchers = await Voucher.filter(redemption_id=redemption.id).using_db(conn).count()
        voided = await Voucher.filter(
            redemption_id=redemption.id, used_at__isnull=True, voided_at__isnull=True
        ).using_db(conn).update(voided_at=at)  # fmt: skip
        if voided != vouchers:
            raise RedemptionNotCancellable(reason="VOUCHER_USED")
        credits = await CashbackCredit.filter(redemption_id=redemption.id).using_db(conn).count()
        unpaid = await CashbackCredit.filter(
            redemption_id=redemption.id, paid_at__isnull=True, voided_at__isnull=True
        ).using_db(conn).update(voided_at=at)  # fmt: skip
        if unpaid != credits:
            raise RedemptionNotCancellable(reason="CASHBACK_PAID")
        await (
            Entitlement.filter(redemption_id=redemption.id, revoked_at__isnull=True)
            .using_db(conn)
            .update(revoked_at=at)
        )
        cancelled = await Redemption.filter(
            id=redemption.id, status=RedemptionStatus.ISSUED
        ).using_db(conn).update(status=RedemptionStatus.CANCELLED, cancelled_at=at)  # fmt: skip
        if not cancelled:
            raise RedemptionNotCancellable(reason="ALREADY_CANCELLED")
        await (
            Reward.filter(id=redemption.reward_id, stock__isnull=False)
            .using_db(conn)
            .update(stock=F("stock") + redemption.quantity)
        )
        reward = await Reward.get(id=redemption.reward_id).using_db(conn)
        debit = await book.transaction(redemption.transaction_id)
        txn = await book.reverse_debit(
            debit, explanation=[{"rule": "RULE_CANCELLATION", "points": redemption.points,
                                 "params": {"title": _title(reward)}}],
            reference=f"redemption:{redemption.id}",
        )  # fmt: skip
        await (
            Redemption.filter(id=redemption.id).using_db(conn).update(cancel_transaction_id=txn.id)
        )
        for hook in REDEMPTION_HOOKS:
            await hook(tx, redemption, "cancelled")
    return await Redemption.get(id=redemption.id)


# ---- lists ----------------------------------------------------------------------------------


async def restricted_rewards(*, at: dt.datetime | None = None) -> list[Reward]:
    """Rewards on offer now that limit who may redeem them or how often (for the program
    terms)."""
    from tortoise.expressions import Q

    at = at or now()
    return await Reward.filter(
        Q(per_member_limit__isnull=False) | Q(period_limit__isnull=False)
        | Q(min_tier_id__isnull=False),
        on_offer(at),
    ).order_by("id")  # fmt: skip


async def checkout_rates() -> list[CheckoutRate]:
    """What points pay at the till, per currency."""
    return await CheckoutRate.all().order_by("currency")


async def rewards_by_ids(ids: list[int]) -> list[Reward | None]:
    """Rewards in the order asked (None where there is none)."""
    found = {r.id: r for r in await Reward.filter(id__in=ids)}
    return [found.get(i) for i in ids]


async def vouchers_by_redemption(ids: list[int]) -> list[list[Voucher]]:
    """Per redemption, in the order asked, its vouchers, oldest first."""
    found: dict[int, list[Voucher]] = {i: [] for i in ids}
    for v in await Voucher.filter(redemption_id__in=ids).order_by("id"):
        found[v.redemption_id].append(v)
    return [found[i] for i in ids]


async def redemptions_by_ids(ids: list[int]) -> list[Redemption | None]:
    """Redemptions in the order asked (None where there is none)."""
    found = {r.id: r for r in await Redemption.filter(id__in=ids)}
    return [found.get(i) for i in ids]


# ---- vouchers for messaging's reminders -----------------------------------------------------


async def vouchers_expiring(*, after: dt.datetime, until: dt.datetime) -> list[int]:
    """Ids of the unused, not voided vouchers expiring in (after, until]."""
    return await Voucher.filter(used_at__isnull=True, voided_at__isnull=True, expires_at__gt=after,
                                expires_at__lte=until).values_list("id", flat=True)  # fmt: skip


@dataclass(frozen=True)
class VoucherNotice:
    member_id: int
    reward_texts: dict  # locale -> {"title", ...}
    expires_at: dt.datetime


async def voucher_notice(*, voucher_id: int) -> VoucherNotice | None:
    """Whose unused voucher this is, for which reward, until when (None: used, voided, gone)."""
    voucher = await Voucher.get_or_none(id=voucher_id)
    if voucher is None or voucher.used_at is not None or voucher.voided_at is not None:
        return None
    redemption = await Redemption.get(id=voucher.redemption_id)
    reward = await Reward.get(id=redemption.reward_id)
    return VoucherNotice(redemption.member_id, reward.texts, voucher.expires_at)


# ---- the catalog and cashback as lists ------------------------------------------------------


def on_offer(at: dt.datetime):
    """The filter (a tortoise Q) for rewards on offer at `at`: started, not ended, not
    archived."""
    from tortoise.expressions import Q

    return (
        (Q(valid_from__isnull=True) | Q(valid_from__lte=at))
        & (Q(valid_until__isnull=True) | Q(valid_until__gt=at))
        & Q(archived_at__isnull=True)
    )


async def reward_page(
    *,
    first: int | None,
    after: str | None,
    include_inactive: bool = False,
    category: str | None = None,
    max_points: int | None = None,
):
    """One page of the catalog by id: the rewards on offer now (every reward with
    `include_inactive`), of `category` and costing at most `max_points` when given."""
    from app.pagination import paginate_by_id

    query = Reward.all() if include_inactive else Reward.filter(on_offer(now()))
    if category:
        query = query.filter(category=category.strip().lower())
    if max_points is not None:
        query = query.filter(points_cost__lte=max_points)
    return await paginate_by_id(query, first=first, after=after)


async def pending_cashback(*, first: int | None, after: str | None):
    """One page of the cashback credits owed and neither paid nor voided, oldest first."""
    from app.pagination import paginate_by_id

    query = CashbackCredit.filter(paid_at__isnull=True, voided_at__isnull=True)
    return await paginate_by_id(query, first=first, after=after)


async def voucher_ids_of(*, member_id: int) -> list[int]:
    """Ids of the vouchers of every redemption of the member."""
    from tortoise.expressions import Subquery

    redemptions = Subquery(Redemption.filter(member_id=member_id).values("id"))
    return list(await Voucher.filter(redemption_id__in=redemptions).values_list("id", flat=True))
