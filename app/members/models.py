from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    MEMBER = "member"
    ADMIN = "admin"
    MARKETER = "marketer"
    SUPPORT = "support"


class Channel(StrEnum):
    PUSH = "push"
    EMAIL = "email"
    SMS = "sms"
    IN_APP = "in_app"


class Member(Model):
    """A person with an account: a program member, or staff when `role` is not `member`."""

    id = fields.BigIntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    # How tills and CRMs refer to the member: the loyalty card and the CRM's own id.
    card_number = fields.CharField(max_length=19, unique=True, null=True)
    external_ref = fields.CharField(max_length=64, unique=True, null=True)
    referral_code = fields.CharField(max_length=12, unique=True, null=True)
    password_hash = fields.CharField(max_length=255)
    display_name = fields.CharField(max_length=80, null=True)
    locale = fields.CharField(max_length=5, default="en")
    time_zone = fields.CharField(max_length=64, default="UTC")
    birthday = fields.DateField(null=True)
    interests = fields.JSONField(default=list)
    role = fields.CharEnumField(Role, max_length=16, default=Role.MEMBER)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    password_changed_at = fields.DatetimeField(null=True)
    # When the member proved they read mail at `email` (a verification, invitation or reset
    # link); None: not verified, so no marketing mail goes there.
    email_verified_at = fields.DatetimeField(null=True)

    class Meta:
        table = "member"


class ChannelPreference(Model):
    """Whether a member wants messages on a channel, with when they consented or withdrew."""

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name="channel_preferences")
    channel = fields.CharEnumField(Channel, max_length=16)
    opted_in = fields.BooleanField(default=False)
    consented_at = fields.DatetimeField(null=True)
    withdrawn_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "member_channel_preference"
        unique_together = (("member", "channel"),)
