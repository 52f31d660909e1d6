"""Exclusive content: articles, videos and behind-the-scenes posts for members."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class ContentKind(StrEnum):
    ARTICLE = "article"
    VIDEO = "video"
    BEHIND_THE_SCENES = "behind_the_scenes"


class ContentItem(Model):
    """Exclusive content: members only, optionally from a tier up."""

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharEnumField(ContentKind, max_length=20)
    texts = fields.JSONField()  # {"en": {"title", "body"}, ...}
    video_url = fields.CharField(max_length=500, null=True)
    image_url = fields.CharField(max_length=500, null=True)
    publish_at = fields.DatetimeField()
    unpublish_at = fields.DatetimeField(null=True)
    min_tier = fields.ForeignKeyField(
        "models.Tier", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "content_item"
        indexes = (("publish_at",),)
