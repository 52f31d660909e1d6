"""Staff configuration of earning: policy, currencies, multipliers, bonus windows, events.
Every change is validated whole (nothing is written on any problem) and takes effect in
this process at once, in others within the rules cache's few seconds."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from app.db import transaction
from app.earning.models import (
    BonusWindow,
    CurrencyRate,
    EarningMultiplier,
    EarningPolicy,
    EventType,
    MultiplierTarget,
)
from app.earning.rules import DEFAULT_RATES, Policy
from app.earning.service import RULES
from app.errors import FieldProblem, InvalidInput

MAX_POINTS = 1_000_000
MAX_MULTIPLIER = Decimal(100)
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def _raise(problems: list[FieldProblem]) -> None:
    if problems:
        raise InvalidInput(problems)


def _count(name: str, value, problems: list, *, nullable: bool, high: int = MAX_POINTS) -> None:
    if value is None:
        if not nullable:
            problems.append(FieldProblem(name, "REQUIRED"))
    elif value < 0:
        problems.append(FieldProblem(name, "INVALID_VALUE"))
    elif value > high:
        problems.append(FieldProblem(name, "TOO_LARGE", {"max": high}))


_NULLABLE = {"daily_cap", "weekly_cap", "monthly_cap"}
_LIMITS = {"hold_days": 365, "expiry_months": 120, "referral_minimum_spend": 10**10}


async def policy() -> EarningPolicy:
    """The policy row (the defaults when staff never changed anything)."""
    row = await EarningPolicy.get_or_none(id=1)
    return row or EarningPolicy(id=1, **Policy().__dict__)


async def update_policy(*, changes: dict, actor_id: int) -> EarningPolicy:
    """Validate and apply changes to the earning policy, by `actor_id`;
    returns it."""
    problems: list[FieldProblem] = []
    for name, value in changes.items():
        camel = re.sub(r"_(\w)", lambda m: m.group(1).upper(), name)
        if isinstance(value, int) or value is None:
            _count(camel, value, problems, nullable=name in _NULLABLE,
                   high=_LIMITS.get(name, MAX_POINTS))  # fmt: skip
    _raise(problems)
    async with transaction() as tx:
        row = await EarningPolicy.select_for_update().using_db(tx.connection).get_or_none(id=1)
        if row is None:
            row = await EarningPolicy.create(id=1, using_db=tx.connection)
        for name, value in changes.items():
            setattr(row, name, value)
        row.updated_by_id = actor_id
        await row.save(using_db=tx.connection)
    await RULES.changed()
    return row


async def currency_rates() -> list[CurrencyRate]:
    """The earning rates per currency, by code (the defaults when none are saved)."""
    rows = await CurrencyRate.all().order_by("currency")
    if rows:
        return rows
    return [
        CurrencyRate(currency=r.currency, points_per_unit=r.points_per_unit,
                     minor_digits=r.minor_digits, minimum_spend=r.minimum_spend)
        for r in DEFAULT_RATES.values()
    ]  # fmt: skip


async def set_currency_rate(
    *, currency: str, points_per_unit: Decimal, minor_digits: int, minimum_spend: int
) -> CurrencyRate:
    """Accept a currency (or change its rate). The first one set replaces the defaults."""
    currency = (currency or "").strip().upper()
    problems: list[FieldProblem] = []
    if not re.fullmatch(r"[A-Z]{3}", currency):
        problems.append(FieldProblem("currency", "INVALID_VALUE"))
    if not Decimal(0) <= points_per_unit <= Decimal(10_000):
        problems.append(FieldProblem("pointsPerUnit", "INVALID_VALUE"))
    if not 0 <= minor_digits <= 4:
        problems.append(FieldProblem("minorDigits", "INVALID_VALUE"))
    _count("minimumSpend", minimum_spend, problems, nullable=False, high=10**10)
    _raise(problems)
    async with transaction():
        row, _ = await CurrencyRate.update_or_create(
            currency=currency,
            defaults={"points_per_unit": points_per_unit, "minor_digits": minor_digits,
                      "minimum_spend": minimum_spend},
        )  # fmt: skip
    await RULES.changed()
    return row


async def set_multiplier(
    *, target: MultiplierTarget, value: str, multiplier: Decimal
) -> EarningMultiplier:
    """Set (create or update) the earning multiplier of a category or other
    target; returns it."""
    value = (value or "").strip()
    if target == MultiplierTarget.CATEGORY:
        value = value.lower()  # purchases' categories are compared lower-case
    problems: list[FieldProblem] = []
    if not value or len(value) > 64:
        problems.append(FieldProblem("value", "REQUIRED" if not value else "TOO_LONG",
                                     {"max": 64}))  # fmt: skip
    if not Decimal(0) <= multiplier <= MAX_MULTIPLIER:
        problems.append(FieldProblem("multiplier", "INVALID_VALUE"))
    _raise(problems)
    async with transaction():
        row, _ = await EarningMultiplier.update_or_create(
            target=target, value=value, defaults={"multiplier": multiplier}
        )
    await RULES.changed()
    return row


async def remove_multiplier(*, multiplier_id: int) -> bool:
    """Remove an earning multiplier; returns whether there was one."""
    removed = await EarningMultiplier.filter(id=multiplier_id).delete()
    await RULES.changed()
    return removed > 0


async def add_bonus_window(
    *, name: str, starts_at: dt.datetime, ends_at: dt.datetime, multiplier: Decimal
) -> BonusWindow:
    """Add a validated bonus window (a multiplier for a period); returns it."""
    name = " ".join((name or "").split())
    problems: list[FieldProblem] = []
    if not name or len(name) > 80:
        problems.append(FieldProblem("name", "REQUIRED" if not name else "TOO_LONG",
                                     {"max": 80}))  # fmt: skip
    if ends_at <= starts_at:
        problems.append(FieldProblem("endsAt", "INVALID_VALUE"))
    if not Decimal(1) <= multiplier <= MAX_MULTIPLIER:
        problems.append(FieldProblem("multiplier", "INVALID_VALUE"))
    _raise(problems)
    row = await BonusWindow.create(
        name=name, starts_at=starts_at, ends_at=ends_at, multiplier=multiplier
    )
    await RULES.changed()
    return row


async def remove_bonus_window(*, window_id: int) -> bool:
    """Remove a bonus window; returns whether there was one."""
    removed = await BonusWindow.filter(id=window_id).delete()
    await RULES.changed()
    return removed > 0


async def save_event_type(
    *, code: str, name: str, points: int, daily_limit: int | None, total_limit: int | None,
    active: bool,
) -> EventType:  # fmt: skip
    """Create or update a validated event type by its code; returns it."""
    code = (code or "").strip().lower()
    name = " ".join((name or "").split())
    problems: list[FieldProblem] = []
    if not _CODE.match(code):
        problems.append(FieldProblem("code", "INVALID_VALUE"))
    if not name or len(name) > 80:
        problems.append(FieldProblem("name", "REQUIRED" if not name else "TOO_LONG",
                                     {"max": 80}))  # fmt: skip
    _count("points", points, problems, nullable=False)
    _count("dailyLimit", daily_limit, problems, nullable=True, high=1000)
    _count("totalLimit", total_limit, problems, nullable=True, high=10**6)
    _raise(problems)
    async with transaction():
        row, _ = await EventType.update_or_create(
            code=code,
            defaults={"name": name, "points": points, "daily_limit": daily_limit,
                      "total_limit": total_limit, "active": active},
        )  # fmt: skip
    return row


async def multipliers() -> list[EarningMultiplier]:
    """Every points multiplier, by target and value."""
    return await EarningMultiplier.all().order_by("target", "value")


async def bonus_windows() -> list[BonusWindow]:
    """Every bonus window, the earliest first."""
    return await BonusWindow.all().order_by("starts_at")


async def event_types() -> list[EventType]:
    """Every event type (active or not), by code."""
    return await EventType.all().order_by("code")


async def multipliers_by_ids(ids: list[int]) -> list[EarningMultiplier | None]:
    """Multipliers in the order asked (None where there is none), for `node(id:)`."""
    found = {m.id: m for m in await EarningMultiplier.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


async def bonus_windows_by_ids(ids: list[int]) -> list[BonusWindow | None]:
    """Bonus windows in the order asked (None where there is none), for `node(id:)`."""
    found = {w.id: w for w in await BonusWindow.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]
