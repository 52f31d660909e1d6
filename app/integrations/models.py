"""Outbound webhooks: the endpoints staff register and the delivery log (the outbox of
what each endpoint was sent, or still has to be sent)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt, or parked while the endpoint is off
    DELIVERED = "delivered"  # the endpoint answered 2xx
    FAILED = "failed"  # gave up after the maximum attempts; staff may replay it


class WebhookEndpoint(Model):
    id = fields.BigIntField(primary_key=True)
    url = fields.CharField(max_length=2000)
    description = fields.CharField(max_length=200, null=True)
    # Kept in clear: signing needs it. Shown to staff once, when the endpoint is created.
    secret = fields.CharField(max_length=100)
    event_types = fields.JSONField(default=list)
    active = fields.BooleanField(default=True)
    consecutive_failures = fields.IntField(default=0)
    disabled_at = fields.DatetimeField(null=True)
    disabled_reason = fields.CharField(max_length=300, null=True)
    created_by = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "webhook_endpoint"


class WebhookDelivery(Model):
    """One event for one endpoint. The same event (`event_id`) sent to two endpoints is two
    deliveries; retries and replays reuse the row, so receivers can de-duplicate by event id."""

    id = fields.BigIntField(primary_key=True)
    endpoint = fields.ForeignKeyField(
        "models.WebhookEndpoint", related_name=False, on_delete=fields.CASCADE
    )
    event_id = fields.UUIDField()
    event_type = fields.CharField(max_length=40)
    # A plain id, not a foreign key: the log outlives nothing it should not, and erasure
    # scrubs the payload while the pseudonymous id keeps the order of the member's events.
    member_id = fields.BigIntField(null=True)
    sequence = fields.BigIntField(default=0)  # the member's event number: the sending order
    payload = fields.JSONField()
    status = fields.CharEnumField(DeliveryStatus, max_length=10, default=DeliveryStatus.PENDING)
    attempts = fields.IntField(default=0)
    last_status_code = fields.IntField(null=True)
    last_error = fields.CharField(max_length=500, null=True)
    next_attempt_at = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "webhook_delivery"
        unique_together = (("endpoint", "event_id"),)
        indexes = (("endpoint_id", "member_id", "sequence"), ("member_id", "sequence"))
