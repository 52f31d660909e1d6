"""The member community: groups, posts, comments, reactions, moderation, member-only events."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Group(Model):
    id = fields.BigIntField(primary_key=True)
    texts = fields.JSONField()  # {"en": {"name", "description"}, ...}
    min_tier = fields.ForeignKeyField(
        "models.Tier", related_name=False, null=True, on_delete=fields.RESTRICT
    )  # null: open to every member
    created_at = fields.DatetimeField(auto_now_add=True)
    archived_at = fields.DatetimeField(null=True)

    class Meta:
        table = "community_group"


class GroupMembership(Model):
    id = fields.BigIntField(primary_key=True)
    group = fields.ForeignKeyField("models.Group", related_name=False, on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    joined_at = fields.DatetimeField(auto_now_add=True)
    left_at = fields.DatetimeField(null=True)
    muted_until = fields.DatetimeField(null=True)
    banned_at = fields.DatetimeField(null=True)

    class Meta:
        table = "community_membership"
        unique_together = (("group", "member"),)


class Post(Model):
    id = fields.BigIntField(primary_key=True)
    group = fields.ForeignKeyField("models.Group", related_name=False, on_delete=fields.RESTRICT)
    author = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    text = fields.TextField()
    image_urls = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    hidden_at = fields.DatetimeField(null=True)

    class Meta:
        table = "community_post"
        indexes = (("group_id", "id"), ("author_id", "created_at"))


class Comment(Model):
    id = fields.BigIntField(primary_key=True)
    post = fields.ForeignKeyField("models.Post", related_name=False, on_delete=fields.RESTRICT)
    author = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    text = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)
    hidden_at = fields.DatetimeField(null=True)

    class Meta:
        table = "community_comment"
        indexes = (("post_id", "id"), ("author_id", "created_at"))


class ReactionKind(StrEnum):
    LIKE = "like"
    LOVE = "love"
    CELEBRATE = "celebrate"
    INSIGHTFUL = "insightful"


class Reaction(Model):
    """One reaction per member per post (changing it replaces it)."""

    id = fields.BigIntField(primary_key=True)
    post = fields.ForeignKeyField("models.Post", related_name=False, on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    kind = fields.CharEnumField(ReactionKind, max_length=12)
    created_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "community_reaction"
        unique_together = (("post", "member"),)


class Report(Model):
    id = fields.BigIntField(primary_key=True)
    reporter = fields.ForeignKeyField("models.Member", related_name=False,
                                      on_delete=fields.RESTRICT)  # fmt: skip
    post = fields.ForeignKeyField("models.Post", related_name=False, null=True,
                                  on_delete=fields.RESTRICT)  # fmt: skip
    comment = fields.ForeignKeyField("models.Comment", related_name=False, null=True,
                                     on_delete=fields.RESTRICT)  # fmt: skip
    reason = fields.CharField(max_length=500)
    created_at = fields.DatetimeField(auto_now_add=True)
    resolved_at = fields.DatetimeField(null=True)

    class Meta:
        table = "community_report"


class ModerationAction(StrEnum):
    HIDE_POST = "hide_post"
    HIDE_COMMENT = "hide_comment"
    MUTE = "mute"
    BAN = "ban"
    UNBAN = "unban"


class ModerationLog(Model):
    """The audit trail: every moderation action, who took it and why."""

    id = fields.BigIntField(primary_key=True)
    actor = fields.ForeignKeyField("models.Member", related_name=False, null=True,
                                   on_delete=fields.SET_NULL)  # fmt: skip
    action = fields.CharEnumField(ModerationAction, max_length=16)
    group = fields.ForeignKeyField("models.Group", related_name=False, null=True,
                                   on_delete=fields.RESTRICT)  # fmt: skip
    member = fields.ForeignKeyField("models.Member", related_name=False, null=True,
                                    on_delete=fields.RESTRICT)  # fmt: skip
    post = fields.ForeignKeyField("models.Post", related_name=False, null=True,
                                  on_delete=fields.RESTRICT)  # fmt: skip
    comment = fields.ForeignKeyField("models.Comment", related_name=False, null=True,
                                     on_delete=fields.RESTRICT)  # fmt: skip
    reason = fields.CharField(max_length=500)
    until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "community_moderation_log"


class Event(Model):
    """A member-only event with a capacity and a waitlist."""

    id = fields.BigIntField(primary_key=True)
    texts = fields.JSONField()  # {"en": {"title", "description"}, ...}
    location = fields.CharField(max_length=200, null=True)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    capacity = fields.IntField()
    confirmed = fields.IntField(default=0)  # kept under the event row's lock
    min_tier = fields.ForeignKeyField(
        "models.Tier", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    cancelled_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "community_event"


class RsvpStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Rsvp(Model):
    """A member's place at an event; the waitlist is served in `id` order."""

    id = fields.BigIntField(primary_key=True)
    event = fields.ForeignKeyField("models.Event", related_name=False, on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    status = fields.CharEnumField(RsvpStatus, max_length=12)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "community_rsvp"
        unique_together = (("event", "member"),)
        indexes = (("event_id", "status", "id"),)
