"""Devices members receive pushes on, their inbox, and every push delivery attempt."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Platform(StrEnum):
    IOS = "ios"
    ANDROID = "android"
    WEB = "web"


class Device(Model):
    """An FCM registration token; it belongs to one member at a time."""

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    token = fields.CharField(max_length=4096)
    token_key = fields.CharField(max_length=64, unique=True)  # sha256 of the token
    platform = fields.CharEnumField(Platform, max_length=8)
    app_version = fields.CharField(max_length=32, null=True)
    locale = fields.CharField(max_length=5, null=True)
    active = fields.BooleanField(default=True)
    deactivated_reason = fields.CharField(max_length=64, null=True)
    registered_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "device"
        indexes = (("member_id", "active"),)


class MessageCategory(StrEnum):
    POINTS = "points"  # earned, expiring
    REWARDS = "rewards"  # redeemed, voucher expiring
    TIER = "tier"
    EVENTS = "events"
    MARKETING = "marketing"  # campaigns


class InboxMessage(Model):
    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    category = fields.CharEnumField(MessageCategory, max_length=12)
    title = fields.CharField(max_length=200)
    body = fields.TextField()
    deep_link = fields.CharField(max_length=500, null=True)
    image_url = fields.CharField(max_length=500, null=True)
    data = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    read_at = fields.DatetimeField(null=True)
    opened_at = fields.DatetimeField(null=True)
    deleted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "inbox_message"
        indexes = (("member_id", "id"),)


class DeliveryStatus(StrEnum):
    # Recorded before the request goes out: a worker killed mid-send leaves it here, and no
    # later run pushes that pair again (at most once; the inbox keeps the message anyway).
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # recorded, not retried (invalid token, bad message...)


class PushDelivery(Model):
    """The outcome of pushing one inbox message to one device (one row per pair)."""

    id = fields.BigIntField(primary_key=True)
    message = fields.ForeignKeyField("models.InboxMessage", related_name=False,
                                     on_delete=fields.RESTRICT)  # fmt: skip
    device = fields.ForeignKeyField("models.Device", related_name=False, on_delete=fields.RESTRICT)
    status = fields.CharEnumField(DeliveryStatus, max_length=8)
    error_code = fields.CharField(max_length=64, null=True)
    fcm_message_id = fields.CharField(max_length=200, null=True)
    attempts = fields.IntField(default=1)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "push_delivery"
        unique_together = (("message", "device"),)


class CategoryPreference(Model):
    """A member's choice for one category of messages, per channel (no row: both on)."""

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    category = fields.CharEnumField(MessageCategory, max_length=12)
    push = fields.BooleanField(default=True)
    email = fields.BooleanField(default=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "message_category_preference"
        unique_together = (("member", "category"),)
