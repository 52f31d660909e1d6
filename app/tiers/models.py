"""Tiers members climb, the policy that qualifies them, each member's standing and its
history."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Basis(StrEnum):
    SPEND = "spend"  # money spent (net of refunds) in `spend_currency`
    POINTS = "points"  # points earned (net of claw-backs)


class Window(StrEnum):
    ROLLING = "rolling"  # the last `window_months` months
    CALENDAR_YEAR = "calendar_year"  # since 1 January (UTC)


class Tier(Model):
    id = fields.BigIntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    rank = fields.IntField(unique=True)  # higher is better
    threshold = fields.BigIntField()  # qualifying value needed (minor units or points)
    earn_multiplier = fields.DecimalField(max_digits=6, decimal_places=2, default=1)
    # {"en": {"name": "Gold", "benefits": ["...", ...]}, "nl": {...}, "es": {...}}
    texts = fields.JSONField()
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "tier"


class TierPolicy(Model):
    """The qualification policy; one row (id 1), defaults until staff change it."""

    id = fields.IntField(primary_key=True)
    basis = fields.CharEnumField(Basis, max_length=8, default=Basis.SPEND)
    window = fields.CharEnumField(Window, max_length=16, default=Window.ROLLING)
    window_months = fields.IntField(default=12)
    grace_days = fields.IntField(default=30)
    spend_currency = fields.CharField(max_length=3, default="EUR")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "tier_policy"


class MemberTier(Model):
    """A member's standing. `tier` is what they have now (null: below every tier)."""

    member = fields.OneToOneField(
        "models.Member", related_name=False, primary_key=True, on_delete=fields.RESTRICT
    )
    tier = fields.ForeignKeyField("models.Tier", related_name=False, null=True,
                                  on_delete=fields.RESTRICT)  # fmt: skip
    value = fields.BigIntField(default=0)  # the qualifying value at the last evaluation
    # Set while the value is below the current tier's threshold: the downgrade date.
    retain_until = fields.DatetimeField(null=True)
    override_tier = fields.ForeignKeyField(
        "models.Tier", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    override_reason = fields.CharField(max_length=500, null=True)
    override_until = fields.DatetimeField(null=True)
    evaluated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "member_tier"


class ChangeReason(StrEnum):
    UPGRADE = "upgrade"
    DOWNGRADE = "downgrade"
    OVERRIDE = "override"
    OVERRIDE_ENDED = "override_ended"


class TierChange(Model):
    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    from_tier = fields.ForeignKeyField("models.Tier", related_name=False, null=True,
                                       on_delete=fields.RESTRICT)  # fmt: skip
    to_tier = fields.ForeignKeyField("models.Tier", related_name=False, null=True,
                                     on_delete=fields.RESTRICT)  # fmt: skip
    reason = fields.CharEnumField(ChangeReason, max_length=16)
    value = fields.BigIntField()
    note = fields.CharField(max_length=500, null=True)  # staff's reason for an override
    actor = fields.ForeignKeyField("models.Member", related_name=False, null=True,
                                   on_delete=fields.SET_NULL)  # fmt: skip
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tier_change"
        indexes = (("member_id", "id"),)
