"""Rewards members spend points on, their redemptions, vouchers, entitlements and cashback."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class RewardKind(StrEnum):
    DISCOUNT_VOUCHER = "discount_voucher"  # percent or amount off, optional minimum basket
    FREE_PRODUCT = "free_product"  # one SKU for free
    UPGRADE = "upgrade"  # e.g. a room or seat upgrade, shown as a voucher
    EXCLUSIVE_ACCESS = "exclusive_access"  # an entitlement: event ticket, early-access window
    CASHBACK = "cashback"  # money an integration pays out


class LimitPeriod(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class Reward(Model):
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharEnumField(RewardKind, max_length=20)
    category = fields.CharField(max_length=40, db_index=True)
    points_cost = fields.IntField()
    # Units left; null = unlimited. Only ever changed by one conditional UPDATE.
    stock = fields.IntField(null=True)
    per_member_limit = fields.IntField(null=True)  # lifetime units per member
    period_limit = fields.IntField(null=True)  # units per member per `limit_period`
    limit_period = fields.CharEnumField(LimitPeriod, max_length=8, null=True)
    valid_from = fields.DatetimeField(null=True)
    valid_until = fields.DatetimeField(null=True)
    # Only members of this tier or a higher one may redeem it.
    min_tier = fields.ForeignKeyField(
        "models.Tier", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    # {"en": {"title", "description", "terms"}, "nl": {...}, "es": {...}}; `en` is required.
    texts = fields.JSONField()
    image_url = fields.CharField(max_length=500, null=True)
    # What the reward gives, per kind.
    percent_off = fields.IntField(null=True)
    amount_off = fields.IntField(null=True)  # minor units of `currency`
    minimum_basket = fields.IntField(null=True)  # minor units of `currency`
    currency = fields.CharField(max_length=3, null=True)
    sku = fields.CharField(max_length=64, null=True)
    entitlement = fields.CharField(max_length=64, null=True)  # e.g. "event:summer-gala"
    access_starts_at = fields.DatetimeField(null=True)
    access_ends_at = fields.DatetimeField(null=True)
    cashback_amount = fields.IntField(null=True)  # minor units of `currency`
    # Voucher codes: "X" in the pattern is a random character; the prefix goes in front.
    voucher_prefix = fields.CharField(max_length=8, default="")
    voucher_pattern = fields.CharField(max_length=40, default="XXXX-XXXX-XXXX")
    voucher_valid_days = fields.IntField(default=90)
    archived_at = fields.DatetimeField(null=True)
    created_by = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "reward"


class RedemptionStatus(StrEnum):
    ISSUED = "issued"
    CANCELLED = "cancelled"


class Redemption(Model):
    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    reward = fields.ForeignKeyField("models.Reward", related_name=False, on_delete=fields.RESTRICT)
    quantity = fields.IntField()
    points = fields.IntField()
    status = fields.CharEnumField(RedemptionStatus, max_length=12, default=RedemptionStatus.ISSUED)
    transaction = fields.ForeignKeyField(
        "models.PointsTransaction", related_name=False, on_delete=fields.RESTRICT
    )
    cancel_transaction = fields.ForeignKeyField(
        "models.PointsTransaction", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    cancelled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "redemption"
        indexes = (("member_id", "reward_id", "created_at"),)


class Voucher(Model):
    """One code a till can consume once. `key` is the code without separators."""

    id = fields.BigIntField(primary_key=True)
    redemption = fields.ForeignKeyField(
        "models.Redemption", related_name="vouchers", on_delete=fields.RESTRICT
    )
    code = fields.CharField(max_length=64)
    key = fields.CharField(max_length=64, unique=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    used_by = fields.CharField(max_length=64, null=True)  # the integration client
    used_reference = fields.CharField(max_length=100, null=True)  # the till's receipt
    voided_at = fields.DatetimeField(null=True)  # its redemption was cancelled

    class Meta:
        table = "voucher"


class Entitlement(Model):
    """Access an exclusive-access reward granted, e.g. a ticket or an early-access window."""

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    redemption = fields.ForeignKeyField(
        "models.Redemption", related_name=False, on_delete=fields.RESTRICT
    )
    key = fields.CharField(max_length=64)
    starts_at = fields.DatetimeField(null=True)
    ends_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "entitlement"
        indexes = (("member_id", "key"),)


class CashbackCredit(Model):
    """Money a cashback redemption owes the member, until an integration reports it paid."""

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    redemption = fields.ForeignKeyField(
        "models.Redemption", related_name=False, on_delete=fields.RESTRICT
    )
    amount = fields.IntField()
    currency = fields.CharField(max_length=3)
    paid_at = fields.DatetimeField(null=True)
    paid_by = fields.CharField(max_length=64, null=True)
    payment_reference = fields.CharField(max_length=100, null=True)
    voided_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "cashback_credit"


class CheckoutRate(Model):
    """Paying at the till with points: `points_per_unit` points buy one unit of `currency`."""

    currency = fields.CharField(max_length=3, primary_key=True)
    points_per_unit = fields.IntField()
    minor_digits = fields.IntField(default=2)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "checkout_rate"


class CheckoutPayment(Model):
    """Points a member spent at a till to pay part of a basket."""

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    client = fields.CharField(max_length=64)
    external_id = fields.CharField(max_length=100)
    basket_amount = fields.IntField()
    currency = fields.CharField(max_length=3)
    points = fields.IntField()
    amount_covered = fields.IntField()
    transaction = fields.ForeignKeyField(
        "models.PointsTransaction", related_name=False, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "checkout_payment"
        unique_together = (("client", "external_id"),)
