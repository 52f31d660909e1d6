"""Push campaigns for marketers: who, what (per language), when, and what happened."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"  # launched: recipients chosen, delivery queued
    DONE = "done"
    CANCELLED = "cancelled"


class Campaign(Model):
    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=120)
    segment = fields.JSONField(default=dict)  # app.segments.rules.Segment
    # {"en": {"title", "body", "deep_link"}, "nl": {...}}: one per audience language
    variants = fields.JSONField()
    status = fields.CharEnumField(CampaignStatus, max_length=12, default=CampaignStatus.DRAFT)
    send_at = fields.DatetimeField(null=True)
    quiet_start = fields.IntField(default=21)  # members' local hour when quiet time begins
    quiet_end = fields.IntField(default=9)  # ... and ends
    holdout_percent = fields.IntField(default=0)  # control group, for measuring uplift
    # Where it goes: "inbox" (the app's inbox), "push" (rings the bell for that inbox
    # message, so it needs "inbox"), "email" (MARKETING_EMAIL consent, a verified address).
    channels = fields.JSONField(default=lambda: ["inbox", "push"])
    created_by = fields.ForeignKeyField("models.Member", related_name=False, null=True,
                                        on_delete=fields.SET_NULL)  # fmt: skip
    launched_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "campaign"


class RecipientStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    CONTROL = "control"  # held out: never sent
    SKIPPED = "skipped"  # no consent any more, frequency cap, cancelled


class CampaignRecipient(Model):
    id = fields.BigIntField(primary_key=True)
    campaign = fields.ForeignKeyField("models.Campaign", related_name=False,
                                      on_delete=fields.RESTRICT)  # fmt: skip
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    status = fields.CharEnumField(RecipientStatus, max_length=8)
    reason = fields.CharField(max_length=32, null=True)
    send_after = fields.DatetimeField()  # quiet hours push this later
    message = fields.ForeignKeyField("models.InboxMessage", related_name=False, null=True,
                                     on_delete=fields.RESTRICT)  # fmt: skip
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "campaign_recipient"
        unique_together = (("campaign", "member"),)
        indexes = (("campaign_id", "status", "send_after"),)
