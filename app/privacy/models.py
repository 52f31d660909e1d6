"""Privacy: consents per purpose with their proof, data export requests, erasure records."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Purpose(StrEnum):
    """What a member may consent to, each on its own."""

    MARKETING_PUSH = "marketing_push"
    MARKETING_EMAIL = "marketing_email"
    PERSONALIZATION = "personalization"
    ANALYTICS = "analytics"


class ConsentSource(StrEnum):
    """How the choice reached us (part of the proof)."""

    APP = "app"
    WEB = "web"
    POS = "pos"
    CRM = "crm"
    STAFF = "staff"
    SYSTEM = "system"  # e.g. withdrawn by an erasure
    EMAIL = "email"  # a mail's one-click unsubscribe (RFC 8058)


class ConsentRecord(Model):
    """One grant or withdrawal, as it happened: append-only, the proof of consent."""

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    purpose = fields.CharEnumField(Purpose, max_length=24)
    granted = fields.BooleanField()
    # The privacy policy text version the member was shown (program's documents).
    policy_version = fields.CharField(max_length=32, null=True)
    source = fields.CharEnumField(ConsentSource, max_length=8)
    client = fields.CharField(max_length=255, null=True)  # app/user agent, till, CRM client id
    actor = fields.ForeignKeyField("models.Member", related_name=False, null=True,
                                   on_delete=fields.RESTRICT)  # fmt: skip
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "privacy_consent_record"
        indexes = (("member_id", "purpose", "id"),)


class MemberConsent(Model):
    """The current choice per member and purpose (the latest ConsentRecord, kept in step)."""

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    purpose = fields.CharEnumField(Purpose, max_length=24)
    granted = fields.BooleanField()
    policy_version = fields.CharField(max_length=32, null=True)
    record = fields.ForeignKeyField("models.ConsentRecord", related_name=False,
                                    on_delete=fields.RESTRICT)  # fmt: skip
    changed_at = fields.DatetimeField()

    class Meta:
        table = "privacy_member_consent"
        unique_together = (("member", "purpose"),)


class ExportStatus(StrEnum):
    PENDING = "pending"  # the worker is building it
    READY = "ready"  # downloadable once, until `expires_at`
    DOWNLOADED = "downloaded"
    EXPIRED = "expired"
    FAILED = "failed"


class DataExport(Model):
    """A member's request for a copy of their data, and the copy while it waits."""

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    status = fields.CharEnumField(ExportStatus, max_length=12, default=ExportStatus.PENDING)
    # The link's secret. Kept as is (not hashed): the row holds the export itself, so the
    # token protects nothing a database reader would not already see, and the member can
    # ask for the link again until it is used.
    token = fields.CharField(max_length=64, unique=True)
    content = fields.TextField(null=True)  # the JSON document; emptied once downloaded
    size = fields.IntField(null=True)
    requested_at = fields.DatetimeField(auto_now_add=True)
    ready_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)
    downloaded_at = fields.DatetimeField(null=True)

    class Meta:
        table = "privacy_data_export"
        indexes = (("member_id", "id"), ("status", "expires_at"))


class ErasureReason(StrEnum):
    MEMBER_REQUEST = "member_request"
    SUPPORT_REQUEST = "support_request"  # the member asked staff
    RETENTION = "retention"  # inactive longer than the retention period
    LEGAL = "legal"
    FRAUD = "fraud"
    OTHER = "other"


class ErasureRecord(Model):
    """That an account was erased, by whom and why; no personal data on purpose."""

    id = fields.BigIntField(primary_key=True)
    # A plain id, not a foreign key: the record must outlive anything done to the row.
    member_id = fields.BigIntField(unique=True)
    reason = fields.CharEnumField(ErasureReason, max_length=16)
    # Null when the member erased their own account or the retention policy did.
    actor_id = fields.BigIntField(null=True)
    points_forfeited = fields.IntField(default=0)  # available and pending points together
    transaction_id = fields.BigIntField(null=True)  # the ledger transaction that forfeited them
    erased_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "privacy_erasure_record"
