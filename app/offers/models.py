"""Offers made for members: bonus points, member prices, early access to sales."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class OfferKind(StrEnum):
    BONUS_POINTS = "bonus_points"  # a multiplier or fixed bonus on qualifying purchases
    MEMBER_PRICE = "member_price"  # a price only members get, shown in the app
    EARLY_ACCESS = "early_access"  # a sale members (some tiers first) see before others


class Offer(Model):
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharEnumField(OfferKind, max_length=16)
    # {"en": {"title", "description"}, "nl": {...}, "es": {...}}; `en` is required.
    texts = fields.JSONField()
    image_url = fields.CharField(max_length=500, null=True)
    link = fields.CharField(max_length=500, null=True)  # deep link or web page
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    # Who it is for (app.segments.rules.Segment as JSON; {} = every member).
    segment = fields.JSONField(default=dict)
    interests = fields.JSONField(default=list)  # tags it is about, for ranking
    # These tiers see it `early_access_hours` before `starts_at`.
    early_access_tiers = fields.JSONField(default=list)
    early_access_hours = fields.IntField(default=0)
    needs_activation = fields.BooleanField(default=False)  # the member "clips" it first
    # Bonus points
    bonus_multiplier = fields.DecimalField(max_digits=6, decimal_places=2, null=True)
    bonus_points = fields.IntField(null=True)
    qualifying_categories = fields.JSONField(default=list)  # empty: the whole purchase
    minimum_spend = fields.IntField(null=True)  # minor units of `currency`
    uses_per_member = fields.IntField(default=1)
    # Member price
    sku = fields.CharField(max_length=64, null=True)
    member_price = fields.IntField(null=True)
    regular_price = fields.IntField(null=True)
    currency = fields.CharField(max_length=3, null=True)
    archived_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "offer"


class OfferActivation(Model):
    """A member's use of an offer: clipped (when it needs that) and how often it paid out."""

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    offer = fields.ForeignKeyField("models.Offer", related_name=False, on_delete=fields.RESTRICT)
    activated_at = fields.DatetimeField(auto_now_add=True)
    uses = fields.IntField(default=0)

    class Meta:
        table = "offer_activation"
        unique_together = (("member", "offer"),)
