"""Earning from purchases and reported events, and taking points back on refunds. The
earning domain's public face: other domains call this module (the purchase facts they read
are app.earning.stats), never its models or the other modules."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.functions import Sum

from app.cache import Cache
from app.clock import now
from app.db import Transaction
from app.earning import actions
from app.earning import rules as R
from app.earning.actions import active_event_types as active_event_types  # re-exported
from app.earning.actions import apply_referral_code as apply_referral_code
from app.earning.actions import award_birthday_bonuses as award_birthday_bonuses
from app.earning.actions import welcome as welcome
from app.earning.models import (
    ActionEarning,
    BonusWindow,
    CurrencyRate,
    EarningMultiplier,
    EarningPolicy,
    EventType,
    Purchase,
    Refund,
)
from app.earning.models import ExpiryMode as ExpiryMode  # re-exported: the rules' vocabulary
from app.earning.models import ExpiryPeriod as ExpiryPeriod
from app.earning.models import MultiplierTarget as MultiplierTarget
from app.earning.models import Rounding as Rounding
from app.earning.rules import Line as Line  # re-exported: what purchases and texts compute with
from app.earning.rules import Policy as Policy
from app.earning.rules import Rules as Rules
from app.earning.rules import money as money
from app.earning.rules import number as number
from app.earning.stats import add_months as add_months  # re-exported (also by the package)
from app.earning.stats import net_spend as net_spend
from app.earning.stats import purchase_history_from as purchase_history_from
from app.earning.stats import purchase_history_parts as purchase_history_parts
from app.earning.stats import purchase_totals as purchase_totals
from app.errors import (
    EventLimitReached,
    FieldProblem,
    InvalidInput,
    MemberNotFound,
    PurchaseAlreadyRecorded,
    PurchaseNotFound,
    RefundAlreadyRecorded,
    RefundExceedsPurchase,
    UnknownEventType,
)
from app.ledger import service as ledger
from app.ledger.service import Kind
from app.members import service as members
from app.offers import service as offers
from app.program import service as program
from app.settings import get_settings
from app.tiers import service as tiers

MAX_AMOUNT = 10**9  # minor units: 10 million in a 2-digit currency (GraphQL Int is 32-bit)
MAX_LINES = 200
MAX_FUTURE = dt.timedelta(minutes=5)  # till clocks drift

# ---- the rules in force, cached briefly: they are read by every purchase ------------------

RULES_TTL_SECONDS = 5.0
RULES: Cache[R.Rules] = Cache("earning-rules", ttl=RULES_TTL_SECONDS)  # see earning.config


async def current_rules() -> R.Rules:
    """The earning rules in force (cached: every purchase asks)."""
    return await RULES.get(_load_rules)


async def _load_rules() -> R.Rules:
    row = await EarningPolicy.get_or_none(id=1)
    policy = R.Policy()
    if row is not None:
        policy = R.Policy(**{f.name: getattr(row, f.name) for f in dataclasses.fields(R.Policy)})
    rates = {
        r.currency: R.Rate(r.currency, r.points_per_unit, r.minor_digits, r.minimum_spend)
        for r in await CurrencyRate.all()
    } or dict(R.DEFAULT_RATES)
    multipliers = {(m.target, m.value): m.multiplier for m in await EarningMultiplier.all()}
    windows = [
        R.Window(w.name, w.starts_at, w.ends_at, w.multiplier)
        for w in await BonusWindow.filter(ends_at__gt=now())
    ]
    return R.Rules(policy, rates, multipliers, windows)


# ---- input --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRef:
    member_id: int | None = None
    external_ref: str | None = None
    card_number: str | None = None


def _text(value: str | None, name: str, limit: int, problems: list, *, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        problems.append(FieldProblem(name, "REQUIRED"))
    elif len(value) > limit:
        problems.append(FieldProblem(name, "TOO_LONG", {"max": limit}))
    return value


def _check_key(key: str, problems: list) -> None:
    if not ledger.valid_key(key or ""):
        problems.append(FieldProblem("idempotencyKey", "INVALID_KEY"))


def _check_amount(amount: int, name: str, problems: list, maximum: int = MAX_AMOUNT) -> None:
    if amount <= 0:
        problems.append(FieldProblem(name, "MUST_BE_POSITIVE"))
    elif amount > maximum:
        problems.append(FieldProblem(name, "TOO_LARGE", {"max": maximum}))


def max_purchase_amount(currency: str) -> int:
    """The largest purchase a till may record in `currency`, in minor units
    (MAX_PURCHASE_AMOUNT, or the currency's entry in MAX_PURCHASE_AMOUNTS)."""
    return min(MAX_AMOUNT, get_settings().max_purchase_amount(currency))


def _check_time(at: dt.datetime, name: str, problems: list) -> dt.datetime:
    at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    try:
        utc = at.astimezone(dt.UTC)
    except OverflowError:  # no UTC time for it, e.g. 0001-01-01T00:00:00+01:00
        problems.append(FieldProblem(name, "INVALID_DATE"))
        return at
    if utc > now() + MAX_FUTURE:
        problems.append(FieldProblem(name, "IN_THE_FUTURE"))
    return utc


def _check_ref(ref: MemberRef, problems: list) -> None:
    given = [v for v in (ref.member_id, ref.external_ref, ref.card_number) if v is not None]
    if len(given) != 1:
        problems.append(FieldProblem("member", "ONE_REFERENCE"))


async def member_id_for(ref: MemberRef) -> int:
    """The member account a till or CRM names: MemberNotFound when none is active,
    NotAMemberAccount for a staff account (staff earn and spend nothing)."""
    found = await members.find_account(
        member_id=ref.member_id, external_ref=ref.external_ref, card_number=ref.card_number
    )
    if found is None:
        raise MemberNotFound()
    ledger.refuse_staff_account(found[1])
    return found[0]


# ---- purchases ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """What a purchase or refund write returns; `replayed` when a retry got it back. A fresh
    write also hands back the rows it wrote, so the caller need not read them again."""

    id: int
    transaction_id: int | None
    replayed: bool
    written: tuple | None = None


async def record_purchase(
    *,
    scope: str,
    idempotency_key: str,
    member: MemberRef,
    source: str,
    external_id: str,
    amount: int,
    currency: str,
    occurred_at: dt.datetime,
    store: str | None = None,
    lines: Sequence[R.Line] = (),
    recorded_by: str | None = None,
) -> Recorded:
    """Record a purchase and earn its points, once: by idempotency key and by
    (source, external_id). Invalid input raises InvalidInput and writes nothing. For a
    member who has not accepted the current terms the purchase is recorded all the same,
    its points held (`awaiting_terms`) until `credit_awaiting_terms` on their acceptance."""
    problems: list[FieldProblem] = []
    _check_key(idempotency_key, problems)
    _check_ref(member, problems)
    source = _text(source, "source", 40, problems)
    external_id = _text(external_id, "externalId", 100, problems)
    currency = (currency or "").strip().upper()
    maximum = max_purchase_amount(currency)
    _check_amount(amount, "amount", problems, maximum)
    rules = await current_rules()
    if currency not in rules.rates:
        problems.append(FieldProblem("currency", "UNKNOWN_CURRENCY"))
    occurred_at = _check_time(occurred_at, "occurredAt", problems)
    store = _text(store, "store", 100, problems, required=False) or None
    lines = _check_lines(lines, amount, problems, maximum)
    if problems:
        raise InvalidInput(problems)
    payload = {
        "member": dataclasses.asdict(member), "source": source, "externalId": external_id,
        "amount": amount, "currency": currency, "occurredAt": occurred_at.isoformat(),
        "store": store, "lines": [dataclasses.asdict(line) for line in lines],
    }  # fmt: skip
    written = []

    async def work(tx: Transaction) -> dict:
        # The member found and locked in one statement (MemberNotFound, NotAMemberAccount).
        async with ledger.member_book(account=dataclasses.asdict(member)) as book:
            member_id = book.member_id
            awaiting = await program.version_to_accept(member_id, tx.connection)
            tier = await tiers.multiplier_for(member_id, tx.connection)
            bonuses = await offers.bonuses_for_purchase(member_id, occurred_at, tx.connection)
            points, steps = R.purchase_points(
                rules, amount=amount, currency=currency, lines=lines, occurred_at=occurred_at,
                tier=(tier.name(), tier.multiplier) if tier else None, bonuses=bonuses,
            )  # fmt: skip
            points = await _apply_caps(rules.policy, member_id, occurred_at, points, steps)
            available_at = occurred_at + dt.timedelta(days=rules.policy.hold_days)
            if points and available_at > now():
                steps.append({"rule": "RULE_HOLD", "points": 0,
                              "params": {"availableAt": available_at.date().isoformat()}})  # fmt: skip
            held = 0
            if awaiting is not None:
                # Recorded with nothing credited; the steps (kept on this zero-point
                # transaction) are credited as they are when the member accepts.
                held, points = points, 0
                steps.append({"rule": "RULE_AWAITING_TERMS", "points": -held,
                              "params": {"version": awaiting}})  # fmt: skip
            txn = await book.earn(
                points=points, kind=Kind.PURCHASE, explanation=steps,
                reference=f"purchase:{source}:{external_id}"[:120],
                available_at=available_at, expires_at=R.expiry_for(rules.policy, occurred_at),
            )  # fmt: skip
            purchase = await Purchase.create(
                member_id=member_id, source=source, external_id=external_id, amount=amount,
                currency=currency, occurred_at=occurred_at, store=store,
                lines=payload["lines"], points_earned=points, transaction_id=txn.id,
                recorded_by=recorded_by, awaiting_terms=awaiting is not None,
                points_awaiting_terms=held, using_db=tx.connection,
            )  # fmt: skip
            paid = [s["params"]["offerId"] for s in steps
                    if s["rule"] == "RULE_OFFER" and s["points"] > 0]  # fmt: skip
            if paid:
                await offers.record_uses(member_id, paid, tx.connection)
            if awaiting is None:  # else on acceptance, with the points
                await _after_purchase(book, purchase, rules)
        written[:] = [purchase, txn]
        return {"purchase": purchase.id, "transaction": txn.id}

    try:
        result, replayed = await ledger.run_once(
            scope=scope, key=idempotency_key, operation="recordPurchase", payload=payload,
            work=work,
        )  # fmt: skip
    except IntegrityError:
        existing = await Purchase.get_or_none(source=source, external_id=external_id)
        if existing is None:
            raise
        raise PurchaseAlreadyRecorded(purchase_id=existing.id) from None
    return Recorded(
        result["purchase"], result["transaction"], replayed, None if replayed else tuple(written)
    )


def _check_lines(
    lines: Sequence[R.Line], amount: int, problems: list, maximum: int = MAX_AMOUNT
) -> list[R.Line]:
    if len(lines) > MAX_LINES:
        problems.append(FieldProblem("lines", "TOO_LARGE", {"max": MAX_LINES}))
        return []
    clean = []
    for i, line in enumerate(lines):
        if line.amount < 0:
            problems.append(FieldProblem(f"lines.{i}.amount", "MUST_BE_POSITIVE"))
        elif line.amount > maximum:
            problems.append(FieldProblem(f"lines.{i}.amount", "TOO_LARGE", {"max": maximum}))
        if not 1 <= line.quantity <= 100_000:
            problems.append(FieldProblem(f"lines.{i}.quantity", "INVALID_VALUE"))
        sku = _text(line.sku, f"lines.{i}.sku", 64, problems, required=False) or None
        category = _text(line.category, f"lines.{i}.category", 64, problems, required=False)
        clean.append(R.Line(line.amount, sku, category.lower() or None, line.quantity))
    total = sum(line.amount for line in clean)
    if clean and total != amount and amount > 0:
        problems.append(
            FieldProblem("lines", "LINES_TOTAL_MISMATCH", {"lines": total, "amount": amount})
        )
    return clean


async def _apply_caps(
    policy: R.Policy, member_id: int, at: dt.datetime, points: int, steps: list[dict]
) -> int:
    """Cut `points` to what the member's daily/weekly/monthly caps leave (their balance row
    is locked, so two purchases cannot both use the same room)."""
    caps = {"RULE_DAILY_CAP": policy.daily_cap, "RULE_WEEKLY_CAP": policy.weekly_cap,
            "RULE_MONTHLY_CAP": policy.monthly_cap}  # fmt: skip
    for rule, start in R.period_starts(at).items():
        cap = caps[rule]
        if cap is None or points <= 0:
            continue
        rows = (
            await Purchase.filter(
                member_id=member_id,
                occurred_at__gte=start,
                occurred_at__lt=R.period_end(rule, start),
            )
            .annotate(total=Sum("points_earned"), held=Sum("points_awaiting_terms"))
            .values("total", "held")
        )
        used = int(rows[0]["total"] or 0) + int(rows[0]["held"] or 0) if rows else 0
        room = max(cap - used, 0)
        if points > room:
            steps.append({"rule": rule, "points": room - points, "params": {"cap": cap}})
            points = room
    return points


async def _after_purchase(book: ledger.MemberBook, purchase: Purchase, rules: R.Rules) -> None:
    # Referral rewards hook in here (app.earning.actions), in the same transaction.
    await actions.reward_referral(book, purchase, rules.policy)


async def credit_awaiting_terms(book: ledger.MemberBook) -> int:
    """Credit the purchases recorded while the member had not accepted the terms, with the
    steps they were recorded with, less what refunds took meanwhile; referral rewards follow.
    Called with the member's book open by their acceptance: each purchase is re-read under
    the lock and credited once. Returns the points credited."""
    conn = book.tx.connection
    held = await (
        Purchase.filter(member_id=book.member_id, awaiting_terms=True)
        .using_db(conn)
        .order_by("occurred_at", "id")
    )
    if not held:
        return 0
    rules = await current_rules()
    recorded = await book.transactions([p.transaction_id for p in held])
    total = 0
    for purchase in held:
        steps = [s for s in recorded[purchase.transaction_id].explanation
                 if s["rule"] not in ("RULE_AWAITING_TERMS", "RULE_HOLD")]  # fmt: skip
        held_points = purchase.points_awaiting_terms
        # Refunds recorded meanwhile: earned now, then clawed back as any refund is, so the
        # purchase's numbers and later partial refunds work out as if nothing was held.
        clawed = held_points * purchase.refunded_amount // purchase.amount
        points, earned = held_points - clawed, 0
        txn_id = purchase.transaction_id
        if points > 0:
            available_at = purchase.occurred_at + dt.timedelta(days=rules.policy.hold_days)
            if available_at > now():
                steps.append({"rule": "RULE_HOLD", "points": 0,
                              "params": {"availableAt": available_at.date().isoformat()}})  # fmt: skip
            reference = f"purchase:{purchase.source}:{purchase.external_id}"
            txn = await book.earn(
                points=held_points, kind=Kind.PURCHASE, explanation=steps,
                reference=reference[:120], available_at=available_at,
                # Valid from when they are credited: a member who accepts late loses nothing.
                expires_at=R.expiry_for(rules.policy, max(purchase.occurred_at, now())),
            )  # fmt: skip
            if clawed:
                rate = rules.rates.get(purchase.currency)
                await book.claw_back(
                    points=clawed, lot_id=await book.lot_id_of(txn.id),
                    explanation=[{"rule": "RULE_REFUND", "points": -clawed, "params": {
                        "amount": R.money(purchase.refunded_amount,
                                          rate.minor_digits if rate else 2),
                        "currency": purchase.currency}}],
                    reference=f"refund:{reference}"[:120],
                )  # fmt: skip
            # Refunds find the purchase's lot through its earning transaction.
            txn_id, earned = txn.id, held_points
        else:  # refunded in full (or below the minimum): it earns nothing
            clawed = 0
        purchase.points_earned, purchase.points_clawed_back = earned, clawed
        purchase.awaiting_terms, purchase.points_awaiting_terms = False, 0
        purchase.transaction_id = txn_id
        await purchase.save(
            update_fields=["points_earned", "points_clawed_back", "awaiting_terms",
                           "points_awaiting_terms", "transaction_id"], using_db=conn,
        )  # fmt: skip
        await _after_purchase(book, purchase, rules)
        total += points
    return total


# ---- custom events (the other actions that earn are in app.earning.actions) -----------------


async def record_event(
    *, scope: str, idempotency_key: str, member_id: int | None, event_type: str,
    external_id: str, occurred_at: dt.datetime,
) -> tuple[ActionEarning, bool]:  # fmt: skip
    """Earn an event type's points for a member, within the type's daily and total limits;
    one event (type, external id) earns once per member. Refused (TermsNotAccepted) until
    the member accepted the terms in force."""
    problems: list[FieldProblem] = []
    _check_key(idempotency_key, problems)
    external_id = _text(external_id, "externalId", 100, problems)
    occurred_at = _check_time(occurred_at, "occurredAt", problems)
    if problems:
        raise InvalidInput(problems)
    kind = await EventType.get_or_none(code=event_type.strip().lower(), active=True)
    if kind is None:
        raise UnknownEventType()
    await ledger.require_member_account(member_id)  # staff accounts earn nothing
    policy = (await current_rules()).policy
    action = f"event:{kind.code}"

    async def work(tx) -> dict:
        async with ledger.member_book(member_id=member_id) as book:
            await program.require_accepted(member_id, tx.connection)
            done = ActionEarning.filter(member_id=member_id, action=action).using_db(tx.connection)
            if kind.total_limit is not None and await done.count() >= kind.total_limit:
                raise EventLimitReached()
            day = occurred_at.replace(hour=0, minute=0, second=0, microsecond=0)
            if (
                kind.daily_limit is not None
                and await done.filter(
                    occurred_at__gte=day, occurred_at__lt=day + dt.timedelta(days=1)
                ).count()
                >= kind.daily_limit
            ):
                raise EventLimitReached()
            earning = await actions.earn_once(
                book, action=action, external_id=external_id, points=kind.points,
                kind=Kind.ACTION, rule="RULE_EVENT", params={"name": kind.name},
                policy=policy, at=occurred_at,
            )  # fmt: skip
        return {"earning": earning.id}

    try:
        result, replayed = await ledger.run_once(
            scope=scope, key=idempotency_key, operation="recordEvent",
            payload={"member": member_id, "type": kind.code, "externalId": external_id,
                     "occurredAt": occurred_at.isoformat()}, work=work,
        )  # fmt: skip
    except IntegrityError:  # this event earned already, under another key
        raise EventLimitReached("EVENT_ALREADY_RECORDED") from None
    return await ActionEarning.get(id=result["earning"]), replayed


# ---- refunds ------------------------------------------------------------------------------


async def record_refund(
    *,
    scope: str,
    idempotency_key: str,
    source: str,
    purchase_external_id: str,
    external_id: str,
    amount: int,
    occurred_at: dt.datetime,
) -> Recorded:
    """Take back the points a purchase earned in proportion to the amount refunded (all of
    them once it is refunded in full), pending points first, even into a negative balance."""
    problems: list[FieldProblem] = []
    _check_key(idempotency_key, problems)
    source = _text(source, "source", 40, problems)
    purchase_external_id = _text(purchase_external_id, "purchaseExternalId", 100, problems)
    external_id = _text(external_id, "externalId", 100, problems)
    _check_amount(amount, "amount", problems)
    occurred_at = _check_time(occurred_at, "occurredAt", problems)
    if problems:
        raise InvalidInput(problems)
    found = await Purchase.get_or_none(source=source, external_id=purchase_external_id)
    if found is None:
        raise PurchaseNotFound()
    payload = {"source": source, "purchase": purchase_external_id, "externalId": external_id,
               "amount": amount, "occurredAt": occurred_at.isoformat()}  # fmt: skip

    async def work(tx: Transaction) -> dict:
        async with ledger.member_book(member_id=found.member_id) as book:
            # Re-read under the member's lock: refunds of one purchase are serialized.
            purchase = await Purchase.get(id=found.id).using_db(tx.connection)
            refundable = purchase.amount - purchase.refunded_amount
            if amount > refundable:
                raise RefundExceedsPurchase(refundable=refundable)
            refunded = purchase.refunded_amount + amount
            # Floor for partial refunds, everything on the last one: the total never
            # exceeds what was earned and a full refund leaves nothing behind.
            owed = purchase.points_earned * refunded // purchase.amount
            points = owed - purchase.points_clawed_back
            if purchase.awaiting_terms:
                # Nothing was credited yet: the refund only shrinks what acceptance credits.
                owed, points = 0, 0
            rate = (await current_rules()).rates.get(purchase.currency)
            digits = rate.minor_digits if rate else 2
            txn = await book.claw_back(
                points=points, lot_id=await book.lot_id_of(purchase.transaction_id),
                explanation=[{"rule": "RULE_REFUND", "points": -points, "params": {
                    "amount": R.money(amount, digits), "currency": purchase.currency}}],
                reference=f"refund:{source}:{external_id}"[:120],
            )  # fmt: skip
            refund = await Refund.create(
                purchase_id=purchase.id, external_id=external_id, amount=amount, points=points,
                transaction_id=txn.id if txn else None, occurred_at=occurred_at,
                using_db=tx.connection,
            )  # fmt: skip
            purchase.refunded_amount = refunded
            purchase.points_clawed_back = owed
            await purchase.save(
                update_fields=["refunded_amount", "points_clawed_back"], using_db=tx.connection
            )
        return {"refund": refund.id, "transaction": txn.id if txn else None}

    try:
        result, replayed = await ledger.run_once(
            scope=scope, key=idempotency_key, operation="recordRefund", payload=payload,
            work=work,
        )  # fmt: skip
    except IntegrityError:  # this refund id was recorded under another key
        raise RefundAlreadyRecorded() from None
    return Recorded(result["refund"], result["transaction"], replayed)


async def purchases_by_ids(ids: Sequence[int]) -> list[Purchase | None]:
    """Purchases in the order asked (None where there is none)."""
    found = {p.id: p for p in await Purchase.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


async def refund(*, refund_id: int) -> Refund:
    """The refund `refund_id` (one recordRefund answered with)."""
    return await Refund.get(id=refund_id)


async def expiry_for_points_credited_now() -> dt.datetime | None:
    """When points credited now (e.g. a staff correction) expire, under the policy in force."""
    return R.expiry_for((await current_rules()).policy, now())
