"""How many points a purchase earns, and why: a pure function of the rules in force.

Each step's contribution is exact (Decimal); the running total is rounded once per step and
a step shows the change of the rounded total, so the steps always add up to the points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from app.earning.models import ExpiryMode, ExpiryPeriod, MultiplierTarget, Rounding

_ROUNDING = {
    Rounding.DOWN: ROUND_FLOOR,
    Rounding.NEAREST: ROUND_HALF_UP,
    Rounding.UP: ROUND_CEILING,
}


@dataclass(frozen=True)
class Rate:
    currency: str
    points_per_unit: Decimal
    minor_digits: int = 2
    minimum_spend: int = 0


@dataclass(frozen=True)
class Window:
    name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    multiplier: Decimal


@dataclass(frozen=True)
class Policy:
    rounding: Rounding = Rounding.DOWN
    daily_cap: int | None = None
    weekly_cap: int | None = None
    monthly_cap: int | None = None
    hold_days: int = 0
    expiry_mode: ExpiryMode = ExpiryMode.MONTHS_AFTER_EARNING
    expiry_months: int = 12
    expiry_period: ExpiryPeriod = ExpiryPeriod.YEAR
    signup_bonus: int = 0
    birthday_bonus: int = 0
    referrer_points: int = 0
    referee_points: int = 0
    referral_minimum_spend: int = 0
    referral_monthly_cap: int = 5


# What a new program accepts before staff configure anything.
DEFAULT_RATES = {c: Rate(c, Decimal(1)) for c in ("EUR", "USD", "GBP")}


@dataclass(frozen=True)
class Rules:
    policy: Policy = Policy()
    rates: dict[str, Rate] = field(default_factory=lambda: dict(DEFAULT_RATES))
    multipliers: dict[tuple[MultiplierTarget, str], Decimal] = field(default_factory=dict)
    windows: Sequence[Window] = ()


@dataclass(frozen=True)
class Line:
    amount: int
    sku: str | None = None
    category: str | None = None
    quantity: int = 1


def money(amount: int, digits: int) -> str:
    """An amount in minor units as a decimal string (e.g. 1234, 2 -> "12.34")."""
    return f"{Decimal(amount).scaleb(-digits):.{digits}f}"


def number(value: Decimal) -> str:
    """The decimal without trailing zeros or exponent."""
    return f"{value.normalize():f}"


def purchase_points(
    rules: Rules,
    *,
    amount: int,
    currency: str,
    lines: Sequence[Line],
    occurred_at: dt.datetime,
    tier: tuple[str, Decimal] | None = None,
    bonuses: Sequence = (),
) -> tuple[int, list[dict]]:
    """Points before caps, with the steps that explain them. `tier` is the member's tier
    name and earn multiplier (applied to everything before it); `bonuses` are offers
    (app.offers.service.Bonus) that add a multiple of the qualifying lines' base points or
    a fixed number of points."""
    rate = rules.rates[currency]
    if amount < rate.minimum_spend:
        params = {"minimum": money(rate.minimum_spend, rate.minor_digits), "currency": currency}
        return 0, [{"rule": "RULE_MINIMUM_SPEND", "points": 0, "params": params}]
    per_minor = rate.points_per_unit.scaleb(-rate.minor_digits)
    exact: list[tuple[str, Decimal, dict]] = [
        ("RULE_BASE", amount * per_minor,
         {"rate": number(rate.points_per_unit), "currency": currency}),
    ]  # fmt: skip
    extra: dict[tuple[Decimal, str], Decimal] = {}
    for line in lines:
        # The SKU's own rule wins over its category's.
        for target, value in ((MultiplierTarget.SKU, line.sku),
                              (MultiplierTarget.CATEGORY, line.category)):  # fmt: skip
            multiplier = rules.multipliers.get((target, value)) if value else None
            if multiplier is not None:
                if multiplier != 1:
                    key = (multiplier, value)
                    extra[key] = extra.get(key, 0) + line.amount * per_minor * (multiplier - 1)
                break
    for (multiplier, value), points in sorted(extra.items(), key=lambda kv: kv[0][1]):
        exact.append(
            ("RULE_MULTIPLIER", points, {"multiplier": number(multiplier), "target": value})
        )
    windows = [w for w in rules.windows if w.starts_at <= occurred_at < w.ends_at]
    if windows:
        best = max(windows, key=lambda w: w.multiplier)
        subtotal = sum(points for _, points, _ in exact)
        exact.append(("RULE_BONUS_WINDOW", subtotal * (best.multiplier - 1),
                      {"name": best.name, "multiplier": number(best.multiplier)}))  # fmt: skip
    if tier is not None and tier[1] != 1:
        subtotal = sum(points for _, points, _ in exact)
        exact.append(("RULE_TIER", subtotal * (tier[1] - 1),
                      {"tier": tier[0], "multiplier": number(tier[1])}))  # fmt: skip
    for bonus in bonuses:
        if bonus.categories:
            qualifying = sum(line.amount for line in lines if line.category in bonus.categories)
        else:
            qualifying = amount
        if qualifying <= 0 or (bonus.minimum_spend and qualifying < bonus.minimum_spend):
            continue
        if bonus.multiplier is not None:
            extra = qualifying * per_minor * (bonus.multiplier - 1)
            params = {"offer": bonus.title, "multiplier": number(bonus.multiplier)}
        else:
            extra = Decimal(bonus.points)
            params = {"offer": bonus.title, "points": bonus.points}
        exact.append(("RULE_OFFER", extra, {**params, "offerId": bonus.offer_id}))
    rounding = _ROUNDING[rules.policy.rounding]
    steps, running, shown = [], Decimal(0), 0
    for rule, points, params in exact:
        running += points
        total = max(int(running.to_integral_value(rounding)), 0)
        steps.append({"rule": rule, "points": total - shown, "params": params})
        shown = total
    return shown, steps


def add_months(at: dt.datetime, months: int) -> dt.datetime:
    """`at` moved by `months` months, the day clamped to the month's last."""
    month = at.month - 1 + months
    year, month = at.year + month // 12, month % 12 + 1
    days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31,
            30, 31, 31, 30, 31, 30, 31]  # fmt: skip
    return at.replace(year=year, month=month, day=min(at.day, days[month - 1]))


def expiry_for(policy: Policy, earned_at: dt.datetime) -> dt.datetime | None:
    """When points earned at `earned_at` expire (the first instant they are gone)."""
    if policy.expiry_mode == ExpiryMode.NEVER:
        return None
    due = add_months(earned_at.astimezone(dt.UTC), policy.expiry_months)
    if policy.expiry_mode == ExpiryMode.MONTHS_AFTER_EARNING:
        return due
    span = {ExpiryPeriod.MONTH: 1, ExpiryPeriod.QUARTER: 3, ExpiryPeriod.YEAR: 12}
    first_month = (due.month - 1) // span[policy.expiry_period] * span[policy.expiry_period]
    start = dt.datetime(due.year, first_month + 1, 1, tzinfo=dt.UTC)
    return add_months(start, span[policy.expiry_period])


def period_starts(at: dt.datetime) -> dict[str, dt.datetime]:
    """The UTC day, ISO week and month that `at` falls in, for caps."""
    at = at.astimezone(dt.UTC)
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    return {
        "RULE_DAILY_CAP": day,
        "RULE_WEEKLY_CAP": day - dt.timedelta(days=day.weekday()),
        "RULE_MONTHLY_CAP": day.replace(day=1),
    }


def period_end(rule: str, start: dt.datetime) -> dt.datetime:
    """When the cap period of `rule` starting at `start` ends (a day, a week or
    a month)."""
    if rule == "RULE_DAILY_CAP":
        return start + dt.timedelta(days=1)
    if rule == "RULE_WEEKLY_CAP":
        return start + dt.timedelta(days=7)
    return add_months(start, 1)
