"""What email holds: every delivery attempt per (message, address), addresses that refuse
mail, and the single-use link tokens mail carries (stored hashed)."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class MailStatus(StrEnum):
    # Recorded and committed before the SMTP transaction starts: a worker killed mid-send
    # leaves it here and no later run mails that (message, address) again (at most once).
    SENDING = "sending"
    SENT = "sent"  # the server accepted it (250 after DATA)
    RETRY = "retry"  # a 4xx answer: not delivered, the job tries again with backoff
    FAILED = "failed"  # refused for good (5xx, or too many 4xx): the address may be suppressed
    SKIPPED = "skipped"  # not sent: suppressed address, category switched off, no consent


class EmailDelivery(Model):
    """One email to one address: `key` names the message (e.g. `campaign:7:42`, `reset:19`),
    `address_key` the address (SHA-256 of it normalized, so a delivery log outlives nobody's
    address); unique together, the mark that makes delivery at most once."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=120)
    address_key = fields.CharField(max_length=64)
    member = fields.ForeignKeyField("models.Member", related_name=False, null=True,
                                    on_delete=fields.SET_NULL)  # fmt: skip
    campaign_id = fields.BigIntField(null=True)  # a campaign's mail (for its stats)
    template = fields.CharField(max_length=40)
    category = fields.CharField(max_length=16)
    status = fields.CharEnumField(MailStatus, max_length=8)
    smtp_code = fields.IntField(null=True)
    error = fields.CharField(max_length=255, null=True)
    attempts = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "email_delivery"
        unique_together = (("key", "address_key"),)
        indexes = (("campaign_id", "status"), ("member_id", "id"))


class EmailSuppression(Model):
    """An address the mail server refused for good (5xx): no more marketing to it; support
    sees the server's answer. Transactional and security mail still try (a mailbox can come
    back), and a new verified address for the member starts clean."""

    id = fields.BigIntField(primary_key=True)
    address_key = fields.CharField(max_length=64, unique=True)
    member = fields.ForeignKeyField("models.Member", related_name=False, null=True,
                                    on_delete=fields.SET_NULL)  # fmt: skip
    smtp_code = fields.IntField()
    reason = fields.CharField(max_length=255)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "email_suppression"


class TokenPurpose(StrEnum):
    RESET = "reset"  # forgot password: 30 minutes
    INVITE = "invite"  # set your password (a member created by CRM sync or import)
    VERIFY = "verify"  # confirm the address given at sign-up
    CHANGE = "change"  # confirm a new address (`new_email`) before the switch


class MailToken(Model):
    """A link token sent by mail: 256 random bits, only their SHA-256 stored; single use,
    until `expires_at`. Made by the mail job just before its mail leaves, so the raw token
    exists only in that mail."""

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("models.Member", related_name=False, on_delete=fields.RESTRICT)
    purpose = fields.CharEnumField(TokenPurpose, max_length=8)
    token_hash = fields.CharField(max_length=64, unique=True)
    new_email = fields.CharField(max_length=254, null=True)  # CHANGE: the address confirmed
    # The member's email when the token was made: a token for an address the account no
    # longer has is refused.
    email = fields.CharField(max_length=254)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mail_token"
        indexes = (("member_id", "purpose"),)
