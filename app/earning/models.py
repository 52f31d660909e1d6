"""Earning: the program's rules, the purchases and refunds integrations report, actions."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Rounding(StrEnum):
    DOWN = "down"
    NEAREST = "nearest"
    UP = "up"


class ExpiryMode(StrEnum):
    NEVER = "never"
    MONTHS_AFTER_EARNING = "months_after_earning"
    END_OF_PERIOD = "end_of_period"  # the end of the period holding (earned + months)


class ExpiryPeriod(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class EarningPolicy(Model):
    """The program-wide earning settings; a single row (id 1) that staff edit."""

    id = fields.IntField(primary_key=True)
    rounding = fields.CharEnumField(Rounding, max_length=8, default=Rounding.DOWN)
    daily_cap = fields.IntField(null=True)
    weekly_cap = fields.IntField(null=True)
    monthly_cap = fields.IntField(null=True)
    hold_days = fields.IntField(default=0)
    expiry_mode = fields.CharEnumField(
        ExpiryMode, max_length=24, default=ExpiryMode.MONTHS_AFTER_EARNING
    )
    expiry_months = fields.IntField(default=12)
    expiry_period = fields.CharEnumField(ExpiryPeriod, max_length=8, default=ExpiryPeriod.YEAR)
    signup_bonus = fields.IntField(default=0)
    birthday_bonus = fields.IntField(default=0)
    referrer_points = fields.IntField(default=0)
    referee_points = fields.IntField(default=0)
    referral_minimum_spend = fields.IntField(default=0)  # minor units, any currency
    referral_monthly_cap = fields.IntField(default=5)  # rewarded referrals per referrer
    updated_at = fields.DatetimeField(auto_now=True)
    updated_by = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "earning_policy"


class CurrencyRate(Model):
    """A currency the program accepts, and what one unit of it earns."""

    currency = fields.CharField(max_length=3, primary_key=True)
    minor_digits = fields.SmallIntField(default=2)
    points_per_unit = fields.DecimalField(max_digits=12, decimal_places=4)
    minimum_spend = fields.IntField(default=0)  # minor units

    class Meta:
        table = "earning_currency_rate"


class MultiplierTarget(StrEnum):
    CATEGORY = "category"
    SKU = "sku"


class EarningMultiplier(Model):
    """Extra points on a product category or SKU (2.0 = double)."""

    id = fields.IntField(primary_key=True)
    target = fields.CharEnumField(MultiplierTarget, max_length=8)
    value = fields.CharField(max_length=64)
    multiplier = fields.DecimalField(max_digits=6, decimal_places=2)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "earning_multiplier"
        unique_together = (("target", "value"),)


class BonusWindow(Model):
    """A promotion: purchases made between `starts_at` and `ends_at` earn `multiplier`x."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=80)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    multiplier = fields.DecimalField(max_digits=6, decimal_places=2)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "earning_bonus_window"


class Purchase(Model):
    """A purchase an integration reported; it earns once (unique source + external id)."""

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    source = fields.CharField(max_length=40)
    external_id = fields.CharField(max_length=100)
    amount = fields.BigIntField()  # minor units
    currency = fields.CharField(max_length=3)
    occurred_at = fields.DatetimeField()
    store = fields.CharField(max_length=100, null=True)
    lines = fields.JSONField(default=list)
    points_earned = fields.IntField()
    refunded_amount = fields.BigIntField(default=0)
    points_clawed_back = fields.IntField(default=0)
    transaction = fields.ForeignKeyField(
        "models.PointsTransaction", related_name=False, on_delete=fields.RESTRICT
    )
    lot_id = fields.BigIntField(null=True)
    # The member had not accepted the current terms: the purchase is recorded but its points
    # (`points_awaiting_terms`, explained on its zero-point transaction) are credited only
    # when they accept (app.program), then move to `points_earned`.
    awaiting_terms = fields.BooleanField(default=False)
    points_awaiting_terms = fields.IntField(default=0)
    recorded_by = fields.CharField(max_length=40, null=True)  # integration client id
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "purchase"
        unique_together = (("source", "external_id"),)
        indexes = (("member_id", "occurred_at"),)


class Refund(Model):
    id = fields.BigIntField(primary_key=True)
    purchase = fields.ForeignKeyField(
        "models.Purchase", related_name=False, on_delete=fields.RESTRICT
    )
    external_id = fields.CharField(max_length=100)
    amount = fields.BigIntField()
    points = fields.IntField()
    transaction = fields.ForeignKeyField(
        "models.PointsTransaction", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    occurred_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "purchase_refund"
        unique_together = (("purchase", "external_id"),)


class EventType(Model):
    """A custom action integrations may report (a product review, a survey, ...)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=80)
    points = fields.IntField()
    daily_limit = fields.IntField(null=True)  # per member
    total_limit = fields.IntField(null=True)  # per member, ever
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "earning_event_type"


class ActionEarning(Model):
    """Points earned for an action, once per (member, action, external id)."""

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    action = fields.CharField(max_length=60)  # "event:<code>", "signup", "birthday", ...
    external_id = fields.CharField(max_length=100)
    points = fields.IntField()
    transaction = fields.ForeignKeyField(
        "models.PointsTransaction", related_name=False, on_delete=fields.RESTRICT
    )
    occurred_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "earning_action"
        unique_together = (("member", "action", "external_id"),)


class Referral(Model):
    """Who brought whom; both are rewarded on the referee's first qualifying purchase."""

    id = fields.BigIntField(primary_key=True)
    referrer = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    referee = fields.OneToOneField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    rewarded_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "earning_referral"
        indexes = (("referrer_id", "rewarded_at"),)
