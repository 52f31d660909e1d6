"""Staff management of the rewards catalog. Every change is validated whole: on any problem
nothing is written and every problem is reported."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields

from tortoise.expressions import F

from app import clock
from app.db import transaction
from app.errors import FieldProblem, InvalidInput, RewardUnavailable
from app.i18n import LOCALES
from app.rewards.models import CheckoutRate, LimitPeriod, Reward, RewardKind

MAX_POINTS = 10_000_000
MAX_MONEY = 10**9
_CATEGORY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_PREFIX = re.compile(r"^[A-Z0-9]{0,8}$")
_PATTERN = re.compile(r"^X[X-]{8,38}X$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
TEXT_LIMITS = {"title": 120, "description": 2000, "terms": 4000}

# Which kind-specific fields each kind takes (any other must be left empty).
KIND_FIELDS = {
    RewardKind.DISCOUNT_VOUCHER: {"percent_off", "amount_off", "minimum_basket", "currency"},
    RewardKind.FREE_PRODUCT: {"sku"},
    RewardKind.UPGRADE: set(),
    RewardKind.EXCLUSIVE_ACCESS: {"entitlement", "access_starts_at", "access_ends_at"},
    RewardKind.CASHBACK: {"cashback_amount", "currency"},
}
ALL_KIND_FIELDS = set().union(*KIND_FIELDS.values())


@dataclass
class RewardFields:
    """Everything staff set on a reward; None leaves a field empty (or, in an update,
    unchanged unless listed in `clear`)."""

    kind: RewardKind | None = None
    category: str | None = None
    points_cost: int | None = None
    stock: int | None = None
    per_member_limit: int | None = None
    period_limit: int | None = None
    limit_period: LimitPeriod | None = None
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    texts: dict | None = None
    image_url: str | None = None
    percent_off: int | None = None
    amount_off: int | None = None
    minimum_basket: int | None = None
    currency: str | None = None
    sku: str | None = None
    entitlement: str | None = None
    access_starts_at: dt.datetime | None = None
    access_ends_at: dt.datetime | None = None
    cashback_amount: int | None = None
    voucher_prefix: str | None = None
    voucher_pattern: str | None = None
    voucher_valid_days: int | None = None
    min_tier_code: str | None = None  # a tier's code; only that tier and higher may redeem

    def given(self) -> dict:
        """The fields that were given (not None), by name."""
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }


def _camel(name: str) -> str:
    return re.sub(r"_(\w)", lambda m: m.group(1).upper(), name)


def _count(values: dict, name: str, problems: list, *, low: int, high: int) -> None:
    value = values.get(name)
    if value is None:
        return
    if value < low:
        problems.append(
            FieldProblem(_camel(name), "MUST_BE_POSITIVE" if low > 0 else "INVALID_VALUE")
        )
    elif value > high:
        problems.append(FieldProblem(_camel(name), "TOO_LARGE", {"max": high}))


def _texts(texts: dict | None, problems: list) -> dict | None:
    if texts is None:
        return None
    clean = {}
    for locale, entry in texts.items():
        if locale not in LOCALES:
            problems.append(FieldProblem(f"texts.{locale}", "UNSUPPORTED_LOCALE"))
            continue
        out = {}
        for key, limit in TEXT_LIMITS.items():
            value = " ".join((entry.get(key) or "").split()) if key == "title" else (
                entry.get(key) or "").strip()  # fmt: skip
            if len(value) > limit:
                problems.append(FieldProblem(f"texts.{locale}.{key}", "TOO_LONG", {"max": limit}))
            out[key] = value
        if not out["title"]:
            problems.append(FieldProblem(f"texts.{locale}.title", "REQUIRED"))
        clean[locale] = out
    if "en" not in clean and not any(p.field.startswith("texts.en") for p in problems):
        problems.append(FieldProblem("texts.en.title", "REQUIRED"))
    return clean


def validate(values: dict) -> list[FieldProblem]:
    """Problems with a whole reward's values (after merging an update into the row)."""
    problems: list[FieldProblem] = []
    kind = values.get("kind")
    if kind is None:
        problems.append(FieldProblem("kind", "REQUIRED"))
    category = values.get("category")
    if not category:
        problems.append(FieldProblem("category", "REQUIRED"))
    elif not _CATEGORY.match(category):
        problems.append(FieldProblem("category", "INVALID_VALUE"))
    if values.get("points_cost") is None:
        problems.append(FieldProblem("pointsCost", "REQUIRED"))
    _count(values, "points_cost", problems, low=1, high=MAX_POINTS)
    _count(values, "stock", problems, low=0, high=MAX_MONEY)
    _count(values, "per_member_limit", problems, low=1, high=10_000)
    _count(values, "period_limit", problems, low=1, high=10_000)
    if (values.get("period_limit") is None) != (values.get("limit_period") is None):
        problems.append(FieldProblem("periodLimit", "REQUIRED"))
    _count(values, "percent_off", problems, low=1, high=100)
    for name in ("amount_off", "minimum_basket", "cashback_amount"):
        _count(values, name, problems, low=1, high=MAX_MONEY)
    _count(values, "voucher_valid_days", problems, low=1, high=3650)
    start, end = values.get("valid_from"), values.get("valid_until")
    if start and end and end <= start:
        problems.append(FieldProblem("validUntil", "ENDS_BEFORE_START"))
    start, end = values.get("access_starts_at"), values.get("access_ends_at")
    if start and end and end <= start:
        problems.append(FieldProblem("accessEndsAt", "ENDS_BEFORE_START"))
    url = values.get("image_url")
    if url and (not url.startswith("https://") or len(url) > 500 or any(c.isspace() for c in url)):
        problems.append(FieldProblem("imageUrl", "INVALID_URL"))
    if not _PREFIX.match(values.get("voucher_prefix") or ""):
        problems.append(FieldProblem("voucherPrefix", "INVALID_VALUE"))
    pattern = values.get("voucher_pattern") or "XXXX-XXXX-XXXX"
    if not _PATTERN.match(pattern) or pattern.count("X") < 10 or "--" in pattern:
        problems.append(FieldProblem("voucherPattern", "INVALID_PATTERN"))
    currency = values.get("currency")
    if currency is not None and not _CURRENCY.match(currency):
        problems.append(FieldProblem("currency", "UNKNOWN_CURRENCY"))
    for name in ("sku", "entitlement"):
        value = values.get(name)
        if value is not None and not 1 <= len(value) <= 64:
            problems.append(FieldProblem(_camel(name), "INVALID_VALUE"))
    if kind is not None:
        allowed = KIND_FIELDS[kind]
        for name in sorted(ALL_KIND_FIELDS - allowed):
            if values.get(name) is not None:
                problems.append(FieldProblem(_camel(name), "NOT_FOR_KIND"))
        if kind == RewardKind.DISCOUNT_VOUCHER:
            off = [values.get("percent_off"), values.get("amount_off")]
            if sum(v is not None for v in off) != 1:
                problems.append(FieldProblem("percentOff", "ONE_REFERENCE"))
            if (values.get("amount_off") or values.get("minimum_basket")) and not currency:
                problems.append(FieldProblem("currency", "REQUIRED"))
        if kind == RewardKind.FREE_PRODUCT and not values.get("sku"):
            problems.append(FieldProblem("sku", "REQUIRED"))
        if kind == RewardKind.CASHBACK:
            if values.get("cashback_amount") is None:
                problems.append(FieldProblem("cashbackAmount", "REQUIRED"))
            if not currency:
                problems.append(FieldProblem("currency", "REQUIRED"))
    return problems


def _normalise(values: dict) -> dict:
    for name in ("category", "sku", "entitlement", "image_url"):
        if isinstance(values.get(name), str):
            values[name] = values[name].strip() or None
    if values.get("category"):
        values["category"] = values["category"].lower()
    for name in ("currency", "voucher_prefix", "voucher_pattern"):
        if isinstance(values.get(name), str):
            values[name] = values[name].strip().upper()
    return values


async def create_reward(*, fields: RewardFields, actor_id: int | None) -> Reward:
    """Create a validated reward, by `actor_id`; returns it."""
    problems: list[FieldProblem] = []
    values = _normalise(fields.given())
    values["texts"] = _texts(fields.texts or {}, problems)
    await _resolve_tier(values, problems)
    problems += validate(values)
    if problems:
        raise InvalidInput(problems)
    values.setdefault("voucher_prefix", "")
    return await Reward.create(**values, created_by_id=actor_id)


async def _resolve_tier(values: dict, problems: list) -> None:
    """`min_tier_code` -> `min_tier_id` (None clears it)."""
    if "min_tier_code" not in values:
        return
    code = values.pop("min_tier_code")
    if code is None:
        values["min_tier_id"] = None
        return
    from app.tiers import service as tiers

    tier_id = await tiers.tier_id_by_code(code=code)
    if tier_id is None:
        problems.append(FieldProblem("minTier", "INVALID_VALUE"))
    else:
        values["min_tier_id"] = tier_id


async def update_reward(*, reward_id: int, fields: RewardFields, clear: list[str] = ()) -> Reward:
    """Change what is given, empty what `clear` names; stock changes go through
    `adjust_stock`, so they can never undo a concurrent redemption."""
    problems: list[FieldProblem] = []
    changes = _normalise(fields.given())
    changes.pop("stock", None)
    if "texts" in changes:
        changes["texts"] = _texts(changes["texts"], problems)
    for name in clear:
        if name in ("kind", "category", "points_cost", "texts", "stock"):
            problems.append(FieldProblem(_camel(name), "REQUIRED"))
        else:
            changes[name] = None
    await _resolve_tier(changes, problems)
    async with transaction() as tx:
        reward = await Reward.select_for_update().using_db(tx.connection).get_or_none(id=reward_id)
        if reward is None:
            raise RewardUnavailable(reason="NOT_FOUND")
        merged = {f: getattr(reward, f, None) for f in RewardFields.__dataclass_fields__}
        merged.update(changes)
        problems += validate(merged)
        if problems:
            raise InvalidInput(problems)
        for name, value in changes.items():
            setattr(reward, name, value)
        await reward.save(using_db=tx.connection)
    return reward


async def archive_reward(*, reward_id: int) -> Reward:
    """Stop offering a reward; past redemptions and their vouchers keep working."""
    reward = await Reward.get_or_none(id=reward_id)
    if reward is None:
        raise RewardUnavailable(reason="NOT_FOUND")
    if reward.archived_at is None:
        await Reward.filter(id=reward_id, archived_at__isnull=True).update(archived_at=clock.now())
    return await Reward.get(id=reward_id)


async def adjust_stock(*, reward_id: int, change: int) -> Reward:
    """Add (or with a negative change remove) units, atomically: never below zero, and
    never undoing a redemption made meanwhile. Unlimited rewards get a stock of `change`."""
    if change == 0 or abs(change) > MAX_MONEY:
        raise InvalidInput(
            [FieldProblem("change", "MUST_NOT_BE_ZERO" if change == 0 else "TOO_LARGE")]
        )
    reward = await Reward.get_or_none(id=reward_id)
    if reward is None:
        raise RewardUnavailable(reason="NOT_FOUND")
    if reward.stock is None:
        if change < 0:
            raise InvalidInput([FieldProblem("change", "INVALID_VALUE")])
        updated = await Reward.filter(id=reward_id, stock__isnull=True).update(stock=change)
    else:
        updated = await Reward.filter(id=reward_id, stock__gte=-change).update(
            stock=F("stock") + change
        )
    if not updated:
        raise InvalidInput([FieldProblem("change", "INVALID_VALUE")])  # would go below zero
    return await Reward.get(id=reward_id)


async def set_checkout_rate(
    *, currency: str, points_per_unit: int, minor_digits: int
) -> CheckoutRate:
    """Set the points per unit of a currency at checkout; returns the rate."""
    currency = (currency or "").strip().upper()
    problems = []
    if not _CURRENCY.match(currency):
        problems.append(FieldProblem("currency", "UNKNOWN_CURRENCY"))
    if not 1 <= points_per_unit <= 100_000:
        problems.append(FieldProblem("pointsPerUnit", "INVALID_VALUE"))
    if not 0 <= minor_digits <= 3:
        problems.append(FieldProblem("minorDigits", "INVALID_VALUE"))
    if problems:
        raise InvalidInput(problems)
    rate, _ = await CheckoutRate.update_or_create(
        defaults={"points_per_unit": points_per_unit, "minor_digits": minor_digits},
        currency=currency,
    )
    return rate
