"""Program terms: versioned terms and privacy policy documents, and members' acceptances."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class DocumentKind(StrEnum):
    TERMS = "terms"
    PRIVACY = "privacy"


class TermsDocument(Model):
    """One published version of the terms or the privacy policy; never edited afterwards
    (a change is a new version), so an acceptance always points at the text accepted."""

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharEnumField(DocumentKind, max_length=8)
    version = fields.CharField(max_length=32)
    # {"en": {"title": ..., "body": ...}, "nl": {...}, "es": {...}}: every program language.
    texts = fields.JSONField()
    published_at = fields.DatetimeField(auto_now_add=True)
    effective_at = fields.DatetimeField()
    published_by = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "terms_document"
        unique_together = (("kind", "version"),)
        indexes = (("kind", "effective_at"),)


class TermsAcceptance(Model):
    """A member accepted a version of the terms: when, and through which client."""

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    document = fields.ForeignKeyField(
        "models.TermsDocument", related_name=False, on_delete=fields.RESTRICT
    )
    version = fields.CharField(max_length=32)
    accepted_at = fields.DatetimeField(auto_now_add=True)
    # "app" (a member's own session) or "client:<id>" (an integration acting for them).
    client = fields.CharField(max_length=120)
    user_agent = fields.CharField(max_length=300, default="")
    address = fields.CharField(max_length=64, default="")

    class Meta:
        table = "terms_acceptance"
        # Also the gate's lookup: (member, current document) is one index probe.
        unique_together = (("member", "document"),)
